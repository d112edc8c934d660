import type { Database } from 'firebase-admin/database';
import { randomUUID } from 'node:crypto';
import axios from 'axios';
import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { rateLimitedHandler } from '../http-errors';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DEMO_DISPLAY_NUMBER, DEMO_PHONE_NUMBER_ID } from '../demo/demo-setup';
import { maskPhone } from '../observability/logger';
import type { TenantConfig, TenantStore } from '../tenants/tenant-store';
import { signMetaBody, verifyMetaSignature } from '../whatsapp/signature';
import type { GraphCapture } from './graph-capture';
import { simulatorPage } from './simulator-page';
import { SIMULATOR_COOKIE, SimulatorSessions, simulatorTokenFrom } from './simulator-sessions';

/**
 * Demo mode only: a WhatsApp look-alike in the browser (`/simulator`). The page never sees the
 * app secret: it asks `POST /simulator/api/send` for a message, and this server builds the
 * Cloud API webhook, signs it and posts it to its own `/api/webhooks/whatsapp`, so the message
 * takes exactly the production path. The bot's answers are read back from the Graph capture
 * (`GET /demo/messages`).
 *
 * One browser never sees another's customer (#12): the page gets an HttpOnly cookie, a number
 * belongs to the first browser that uses it (server/web/simulator-sessions.ts), and both
 * sending and reading require the browser that holds the number. `npm run chat` reads with a
 * header signed with the app secret instead (`demoMessagesSignature`).
 */
export interface SimulatorDeps {
  tenants: TenantStore;
  logger: Logger;
  /** Signs the webhooks the page asks for; stays on the server. */
  appSecret: string;
  /** Where this server itself listens (e.g. http://127.0.0.1:3000). */
  selfBaseUrl: () => string;
  /** Where the bot's answers are captured; `GET /demo/messages` reads them. */
  capture?: GraphCapture;
  /** Where the browsers' number claims are kept across a restart (#17); memory only without it. */
  db?: Database;
  /** The WhatsApp number the simulated customer writes to; the demo restaurant's by default. */
  phoneNumberId?: string;
  displayPhoneNumber?: string;
}

/** The customer the page starts as (a Colombian mobile, as Meta sends it: digits only). */
export const SIMULATOR_DEFAULT_WA_ID = '573001234567';

/** Webhook posts to ourselves are local; anything slower than this is a stuck server. */
const SELF_WEBHOOK_TIMEOUT_MS = 10_000;

/** A person types far slower than this; it only stops a runaway script from flooding the inbox. */
const SEND_RATE_LIMIT_PER_MINUTE = 120;

const ZChoiceSchema = z
  .object({
    id: z.string().min(1).max(256),
    title: z.string().min(1).max(100),
    kind: z.enum(['button_reply', 'list_reply']),
  })
  .strict();

const ZLocationSchema = z
  .object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(200).optional(),
    address: z.string().max(500).optional(),
  })
  .strict();

/** What the page may ask for: one text, one tapped button or list row, or one shared location. */
export const ZSimulatorSendSchema = z
  .object({
    /** The customer's WhatsApp id: country code and number, digits only. */
    waId: z.string().regex(/^\d{8,15}$/, 'must be 8 to 15 digits, country code first (e.g. 573001234567)'),
    text: z.string().trim().min(1, 'must not be empty').max(4096).optional(),
    choice: ZChoiceSchema.optional(),
    location: ZLocationSchema.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const given = [body.text, body.choice, body.location].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: [], message: 'send exactly one of text, choice or location' });
  });
export type TSimulatorSend = z.infer<typeof ZSimulatorSendSchema>;

/** Header with which a holder of the app secret (`npm run chat`) reads any number's messages. */
export const DEMO_MESSAGES_SIGNATURE_HEADER = 'x-demo-signature';

/** The value of that header for `waId`: the app secret's HMAC over a fixed label and the number. */
export function demoMessagesSignature(waId: string, appSecret: string): string {
  return signMetaBody(`demo-messages:${waId}`, appSecret);
}

/** The `messages[0]` content of a Cloud API webhook for what the page sent. */
function inboundMessage(input: TSimulatorSend): Record<string, unknown> {
  if (input.choice) return { type: 'interactive', interactive: { type: input.choice.kind, [input.choice.kind]: { id: input.choice.id, title: input.choice.title } } };
  if (input.location) return { type: 'location', location: input.location };
  return { type: 'text', text: { body: input.text } };
}

/** A Cloud API webhook body carrying one customer message, shaped as Meta sends it (as `npm run chat` does). */
export function simulatedWebhookBody(input: TSimulatorSend & { phoneNumberId: string; displayPhoneNumber: string; messageId: string; now: Date }): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'simulator',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: input.displayPhoneNumber, phone_number_id: input.phoneNumberId },
              contacts: [{ profile: { name: 'Cliente de prueba' }, wa_id: input.waId }],
              messages: [{ from: input.waId, id: input.messageId, timestamp: String(Math.floor(input.now.getTime() / 1000)), ...inboundMessage(input) }],
            },
          },
        ],
      },
    ],
  });
}

/** Where the demo restaurant's chat is: the simulator, with the text to send already typed. */
export function simulatorChatLink(tenant: TenantConfig | null, text?: string): string | null {
  if (tenant?.whatsapp.phoneNumberId !== DEMO_PHONE_NUMBER_ID) return null;
  return `/simulator${text ? `?texto=${encodeURIComponent(text)}` : ''}`;
}

export function simulatorRouter(deps: SimulatorDeps): Router {
  const router = express.Router();
  const phoneNumberId = deps.phoneNumberId ?? DEMO_PHONE_NUMBER_ID;
  const displayPhoneNumber = deps.displayPhoneNumber ?? DEMO_DISPLAY_NUMBER;

  const sessions = new SimulatorSessions(deps.db ? { db: deps.db, logger: deps.logger } : undefined);
  const refuse = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });
  /** The browser's token, or an answer saying how to get one. */
  const tokenOf = (req: Request, res: Response): string | undefined => {
    const token = simulatorTokenFrom(req.get('cookie'));
    if (!token) refuse(res, 403, 'SIMULATOR_SESSION_REQUIRED', 'abre /simulator en este navegador para empezar (la conversación queda ligada a él)');
    return token;
  };
  /** Claims `waId` for this browser, or answers why it cannot. */
  const claimFor = async (res: Response, token: string, waId: string): Promise<boolean> => {
    const result = await sessions.claim(token, waId);
    if (result === 'taken') refuse(res, 409, 'NUMBER_IN_USE', 'ese número lo está usando otro navegador; elige otro número');
    if (result === 'too-many') refuse(res, 429, 'TOO_MANY_NUMBERS', 'este navegador ya usa muchos números; sigue con uno de ellos');
    return result === 'owned';
  };

  router.get('/simulator', async (req: Request, res: Response) => {
    if (!simulatorTokenFrom(req.get('cookie'))) {
      res.cookie(SIMULATOR_COOKIE, SimulatorSessions.newToken(), { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: 365 * 24 * 3600 * 1000 });
    }
    const tenantId = await deps.tenants.tenantForPhoneNumber(phoneNumberId);
    const tenant = tenantId ? await deps.tenants.getTenant(tenantId) : null;
    res
      .set('cache-control', 'no-store')
      .type('html')
      .send(simulatorPage({ restaurantName: tenant?.restaurant.name ?? null, defaultWaId: SIMULATOR_DEFAULT_WA_ID }));
  });

  const limiter = rateLimit({
    windowMs: 60_000,
    limit: SEND_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: rateLimitedHandler('too many messages, slow down'),
  });
  // JSON only: a cross-site form cannot send application/json without a CORS preflight,
  // which this server never grants, so other sites cannot make the page's customer speak.
  router.post('/simulator/api/send', limiter, express.json({ limit: '16kb' }), async (req: Request, res: Response) => {
    const token = tokenOf(req, res);
    if (!token) return;
    const input = ZSimulatorSendSchema.parse(req.body);
    if (!(await claimFor(res, token, input.waId))) return;
    const messageId = `wamid.SIM_${randomUUID().replace(/-/g, '')}`;
    const body = simulatedWebhookBody({ ...input, phoneNumberId, displayPhoneNumber, messageId, now: new Date() });
    const answer = await axios
      .post(`${deps.selfBaseUrl()}/api/webhooks/whatsapp`, body, {
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, deps.appSecret) },
        timeout: SELF_WEBHOOK_TIMEOUT_MS,
        validateStatus: () => true,
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error, waId: maskPhone(input.waId) }, 'simulator could not reach its own WhatsApp webhook');
        return null;
      });
    if (answer?.status !== 200) {
      if (answer) deps.logger.warn({ status: answer.status, waId: maskPhone(input.waId) }, 'WhatsApp webhook refused a simulator message');
      res.status(502).json({ error: { code: 'WEBHOOK_FAILED', message: answer ? `the WhatsApp webhook answered ${answer.status}` : 'the WhatsApp webhook could not be reached' } });
      return;
    }
    res.json({ messageId });
  });

  router.get('/demo/messages', async (req: Request, res: Response) => {
    if (!deps.capture) {
      res.status(404).end();
      return;
    }
    const waId = String(req.query.waId ?? '');
    const after = Number(req.query.after ?? 0) || 0;
    if (!/^\d{6,20}$/.test(waId)) {
      refuse(res, 400, 'INVALID_BODY', 'waId must be digits');
      return;
    }
    const signature = req.get(DEMO_MESSAGES_SIGNATURE_HEADER);
    if (signature !== undefined) {
      try {
        verifyMetaSignature(Buffer.from(`demo-messages:${waId}`), signature, deps.appSecret);
      } catch {
        refuse(res, 401, 'SIGNATURE_INVALID', 'invalid signature');
        return;
      }
    } else {
      const token = tokenOf(req, res);
      if (!token || !(await claimFor(res, token, waId))) return;
    }
    res.set('cache-control', 'no-store').json({ messages: await deps.capture.since(waId, after) });
  });
  return router;
}
