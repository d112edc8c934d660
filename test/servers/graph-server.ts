import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A local Graph API server for tests: implements `POST /{version}/{phone-number-id}/messages`
 * as the Cloud API documents it (reference/whatsapp-cloud-api.md §5), checks the bearer token
 * and the message shape and limits, records what it received, and can be told to fail.
 */
const title = (max: number) => z.string().min(1).max(max);
const ZInteractiveSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('button'),
    header: z.object({ type: z.literal('text'), text: title(60) }).optional(),
    body: z.object({ text: title(1024) }),
    footer: z.object({ text: title(60) }).optional(),
    action: z.object({
      buttons: z.array(z.object({ type: z.literal('reply'), reply: z.object({ id: title(256), title: title(20) }) })).min(1).max(3),
    }),
  }),
  z.object({
    type: z.literal('list'),
    header: z.object({ type: z.literal('text'), text: title(60) }).optional(),
    body: z.object({ text: title(4096) }),
    footer: z.object({ text: title(60) }).optional(),
    action: z.object({
      button: title(20),
      sections: z
        .array(z.object({ title: title(24), rows: z.array(z.object({ id: title(200), title: title(24), description: z.string().max(72).optional() })).min(1) }))
        .min(1)
        .max(10)
        .refine((s) => s.reduce((n, x) => n + x.rows.length, 0) <= 10, 'at most 10 rows in total'),
    }),
  }),
  z.object({
    type: z.literal('cta_url'),
    header: z.object({ type: z.literal('text'), text: title(60) }).optional(),
    body: z.object({ text: title(1024) }),
    footer: z.object({ text: title(60) }).optional(),
    action: z.object({ name: z.literal('cta_url'), parameters: z.object({ display_text: title(20), url: z.url() }) }),
  }),
  // Location request message: body text and Meta's "send location" button (#15).
  z.object({
    type: z.literal('location_request_message'),
    body: z.object({ text: title(1024) }),
    action: z.object({ name: z.literal('send_location') }),
  }),
]);

/** Template send: name, language code and body parameters (#15). */
const ZTemplateSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/),
  language: z.object({ code: z.string().min(2).max(15) }),
  components: z.array(z.object({ type: z.literal('body'), parameters: z.array(z.object({ type: z.literal('text'), text: z.string().min(1).max(1024) })) })).optional(),
});

/**
 * A customer is addressed by `to` (phone, with "+") or by `recipient` (a BSUID, for users
 * without a visible number); Meta uses `to` when both are present (reference §7.5).
 */
const ZAddressSchema = z
  .object({
    to: z.string().regex(/^\+\d{6,20}$/).optional(),
    recipient: z.string().regex(/^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/).optional(),
  })
  .refine((a) => a.to !== undefined || a.recipient !== undefined, 'to or recipient is required');

const ZSendSchema = z.discriminatedUnion('type', [
  z.object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual'),
    type: z.literal('text'),
    text: z.object({ body: title(4096), preview_url: z.boolean().optional() }),
  }),
  z.object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual'),
    type: z.literal('interactive'),
    interactive: ZInteractiveSchema,
  }),
  z.object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual'),
    type: z.literal('template'),
    template: ZTemplateSchema,
  }),
]);

const ZReadSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.object({ type: z.literal('text') }).optional(),
});

export interface GraphSent {
  phoneNumberId: string;
  token: string;
  /** The phone without "+" when the send used `to`, else the BSUID of `recipient`. */
  to: string;
  /** How the send addressed the customer. */
  addressedBy: 'to' | 'recipient';
  body: z.infer<typeof ZSendSchema> & { to?: string; recipient?: string };
  messageId: string;
  /** `biz_opaque_callback_data` of the send, which Meta echoes in the message's status webhooks. */
  callbackData?: string;
}

export interface GraphServer {
  url: string;
  /** Accepted sends, in order. */
  sent: GraphSent[];
  /** Mark-as-read calls (with the typing indicator or not). */
  reads: Array<{ phoneNumberId: string; messageId: string; typing: boolean }>;
  /** While down nothing listens on the port, so connections are refused (an outage). */
  setDown(down: boolean): Promise<void>;
  /** Requests refused for shape or auth, with the reason. */
  rejected: Array<{ status: number; reason: string }>;
  /** Tokens accepted per phone number id. */
  allowToken(phoneNumberId: string, token: string): void;
  /** The next `count` sends fail with this HTTP status and Meta error code. */
  failNext(count: number, failure: { status: number; code: number }): void;
  /** The next `count` sends are accepted (recorded, as Meta would) but answered only after `ms`. */
  delayNext(count: number, ms: number): void;
  /** Text of every message sent to `waId` (body text, list/button bodies included). */
  textsTo(waId: string): string[];
  /** Resolves when at least `count` messages have been sent to `waId`. */
  waitForMessages(waId: string, count: number, timeoutMs?: number): Promise<GraphSent[]>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

export function messageText(body: GraphSent['body']): string {
  if (body.type === 'text') return body.text.body;
  if (body.type === 'template') return `[plantilla ${body.template.name}] ${(body.template.components?.[0]?.parameters ?? []).map((p) => p.text).join(' | ')}`;
  const i = body.interactive;
  if (i.type === 'location_request_message') return `${i.body.text}\n[Enviar ubicación]`;
  if (i.type === 'button') return `${i.body.text}\n${i.action.buttons.map((b) => `[${b.reply.title}]`).join(' ')}`;
  if (i.type === 'list') return `${i.body.text}\n${i.action.sections.flatMap((s) => s.rows.map((r) => `- ${r.title}`)).join('\n')}`;
  return `${i.body.text}\n${i.action.parameters.url}`;
}

export async function startGraphServer(): Promise<GraphServer> {
  const tokens = new Map<string, Set<string>>();
  const sent: GraphSent[] = [];
  const reads: GraphServer['reads'] = [];
  const rejected: GraphServer['rejected'] = [];
  const failures: Array<{ status: number; code: number }> = [];
  const delays: number[] = [];
  const waiters = new Set<() => void>();
  let down = false;

  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const match = /^\/(v\d+\.\d+)\/(\d+)\/messages$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      rejected.push({ status: 404, reason: `${req.method} ${req.url}` });
      return reply(404, { error: { message: 'Unknown path', code: 100 } });
    }
    const phoneNumberId = match[2]!;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!tokens.get(phoneNumberId)?.has(token)) {
      rejected.push({ status: 401, reason: `bad token for ${phoneNumberId}` });
      return reply(401, { error: { message: 'Invalid OAuth access token', code: 190 } });
    }
    let json: unknown;
    try {
      json = JSON.parse(await readBody(req));
    } catch {
      rejected.push({ status: 400, reason: 'invalid JSON' });
      return reply(400, { error: { message: 'Invalid JSON', code: 100 } });
    }
    const read = ZReadSchema.safeParse(json);
    if (read.success) {
      reads.push({ phoneNumberId, messageId: read.data.message_id, typing: read.data.typing_indicator !== undefined });
      return reply(200, { success: true });
    }
    const parsed = ZSendSchema.safeParse(json);
    const address = ZAddressSchema.safeParse(json);
    if (!parsed.success || !address.success) {
      const issues = [...(parsed.error?.issues ?? []), ...(address.error?.issues ?? [])];
      rejected.push({ status: 400, reason: issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return reply(400, { error: { message: '(#100) Invalid parameter', code: 100 } });
    }
    // `to` wins when both are given, as Meta documents.
    const to = address.data.to ? address.data.to.slice(1) : address.data.recipient!;
    const addressedBy = address.data.to ? ('to' as const) : ('recipient' as const);
    const failure = failures.shift();
    if (failure) return reply(failure.status, { error: { message: `(#${failure.code}) simulated`, code: failure.code } });
    const messageId = `wamid.TEST_${randomUUID().replace(/-/g, '')}`;
    const callback = (json as { biz_opaque_callback_data?: unknown }).biz_opaque_callback_data;
    if (callback !== undefined && (typeof callback !== 'string' || callback.length > 512)) {
      rejected.push({ status: 400, reason: 'biz_opaque_callback_data must be a string of at most 512 characters' });
      return reply(400, { error: { message: '(#100) Invalid parameter', code: 100 } });
    }
    sent.push({ phoneNumberId, token, to, addressedBy, body: { ...parsed.data, ...address.data }, messageId, ...(callback ? { callbackData: callback } : {}) });
    for (const w of waiters) w();
    const delay = delays.shift();
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const contact = addressedBy === 'to' ? { input: address.data.to, wa_id: to } : { input: to, user_id: to };
    reply(200, { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: messageId }] });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v25.0`,
    sent,
    reads,
    rejected,
    async setDown(value) {
      if (value === down) return;
      down = value;
      if (value) {
        // Nothing listens: sends fail to connect, as when WhatsApp's API is unreachable.
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
      } else {
        await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
      }
    },
    allowToken(phoneNumberId, token) {
      tokens.set(phoneNumberId, new Set([...(tokens.get(phoneNumberId) ?? []), token]));
    },
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    delayNext(count, ms) {
      for (let i = 0; i < count; i++) delays.push(ms);
    },
    textsTo(waId) {
      return sent.filter((s) => s.to === waId).map((s) => messageText(s.body));
    },
    waitForMessages(waId, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const mine = sent.filter((s) => s.to === waId);
          if (mine.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(mine);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} messages to ${waId}, got ${sent.filter((s) => s.to === waId).length}: ${JSON.stringify(sent.filter((s) => s.to === waId).map((s) => messageText(s.body)))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
