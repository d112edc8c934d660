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
import { signMetaBody } from '../whatsapp/signature';
import { simulatorPage } from './simulator-page';

/**
 * Demo mode only: a WhatsApp look-alike in the browser (`/simulator`). The page never sees the
 * app secret: it asks `POST /simulator/api/send` for a message, and this server builds the
 * Cloud API webhook, signs it and posts it to its own `/api/webhooks/whatsapp`, so the message
 * takes exactly the production path. The bot's answers are read back from the Graph capture
 * (`GET /demo/messages`).
 */
export interface SimulatorDeps {
  tenants: TenantStore;
  logger: Logger;
  /** Signs the webhooks the page asks for; stays on the server. */
  appSecret: string;
  /** Where this server itself listens (e.g. http://127.0.0.1:3000). */
  selfBaseUrl: () => string;
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

  router.get('/simulator', async (_req: Request, res: Response) => {
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
    const input = ZSimulatorSendSchema.parse(req.body);
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
  return router;
}
