/**
 * A local stand-in for Bold's API host (reference/gateways.md §2) on 127.0.0.1, port 0. It
 * implements only what we call and checks requests the way Bold documents them:
 *
 * - `POST /online/link/v1` (§2.2b): `Authorization: x-api-key <llave de identidad>`; amounts in
 *   integer PESOS (minimum COP 1.000); description 2–100 chars; `expiration_date` in Unix
 *   NANOSECONDS and in the future; https `callback_url` (relax with `allowHttpCallbackUrl`).
 * - `GET /payments/webhook/notifications/{id}[?is_external_reference=true]` (§2.5).
 *
 * Point the adapter at it with `{ apiUrl: server.apiUrl, checkoutUrl: server.checkoutUrl }`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, parseJson, readBody, sendJson, type RecordedRequest } from './http-helpers';

export type { RecordedRequest } from './http-helpers';
import { z } from 'zod';

export { boldWebhookBody, type BoldWebhookBodyInput } from './signers';

export interface BoldServerOptions {
  /** The llave de identidad expected in `Authorization: x-api-key <apiKey>`. */
  apiKey: string;
  /** Accept `http://` callback URLs (local apps under test); Bold itself expects https. */
  allowHttpCallbackUrl?: boolean;
  /** Clock for the "expiration in the future" check; defaults to the real one. */
  now?: () => Date;
}

/** A link the server created, with the request that created it. */
export interface BoldCreatedLink {
  paymentLink: string;
  url: string;
  request: TBoldLinkRequest;
}

export interface BoldServer {
  /** `http://127.0.0.1:<port>`, also the adapter's `apiUrl` (Bold has no path prefix). */
  url: string;
  apiUrl: string;
  /** Base of the checkout URLs handed out (informational; nothing is served there). */
  checkoutUrl: string;
  received: RecordedRequest[];
  createdLinks: BoldCreatedLink[];
  /**
   * What the fallback service answers for our reference (`is_external_reference=true`) and for
   * each notification's `data.payment_id` (bodies in webhook shape; see `boldWebhookBody`).
   */
  setNotifications(reference: string, notifications: Array<Record<string, unknown>>): void;
  /** Answer the next `times` requests with `status` (e.g. 503) before any other check. */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

/** Minimum link amount, pesos (§2.6). */
const BOLD_MIN_AMOUNT_PESOS = 1000;
/** Anything below this cannot be nanoseconds since 1970 for a date after 2001 (§2.7). */
const MIN_PLAUSIBLE_NANOSECONDS = 1e18;

const ZBoldLinkRequestSchema = z
  .object({
    amount_type: z.enum(['CLOSE', 'OPEN']),
    amount: z
      .object({
        currency: z.enum(['COP', 'USD']),
        total_amount: z.number().int('total_amount must be integer pesos').min(BOLD_MIN_AMOUNT_PESOS),
        tip_amount: z.number().int().nonnegative().optional(),
        taxes: z.array(z.object({ type: z.enum(['VAT', 'CONSUMPTION']), base: z.number(), value: z.number() })).optional(),
      })
      .optional(),
    reference: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'reference: letters, digits, - and _, at most 60').optional(),
    description: z.string().min(2).max(100),
    // Nanoseconds exceed 2^53, so zod's safe-integer `.int()` cannot be used here.
    expiration_date: z
      .number()
      .refine(Number.isInteger, 'expiration_date must be an integer')
      .refine((value) => value >= MIN_PLAUSIBLE_NANOSECONDS, 'expiration_date must be Unix time in nanoseconds')
      .optional(),
    callback_url: z.url().optional(),
    payment_methods: z.array(z.enum(['CREDIT_CARD', 'PSE', 'BOTON_BANCOLOMBIA', 'NEQUI'])).optional(),
    payer_email: z.email().optional(),
    image_url: z.url().optional(),
  })
  .refine((body) => body.amount_type === 'OPEN' || body.amount !== undefined, { message: 'amount is required when amount_type is CLOSE', path: ['amount'] });
export type TBoldLinkRequest = z.output<typeof ZBoldLinkRequestSchema>;

export async function startBoldServer(options: BoldServerOptions): Promise<BoldServer> {
  const now = options.now ?? (() => new Date());
  const byReference = new Map<string, Array<Record<string, unknown>>>();
  const received: RecordedRequest[] = [];
  const createdLinks: BoldCreatedLink[] = [];
  const checkoutUrl = 'https://checkout.bold.co';
  let failures: { status: number; remaining: number } | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    received.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers: req.headers,
      body: req.method === 'GET' ? Object.fromEntries(url.searchParams) : parseJson(rawBody),
      rawBody,
    });

    if (failures && failures.remaining > 0) {
      failures.remaining -= 1;
      return sendJson(res, failures.status, { payload: null, errors: [{ code: 'INJECTED_FAILURE', message: `status ${failures.status}` }] });
    }
    // The scheme is the literal text `x-api-key` inside Authorization (§2.1).
    if (req.headers.authorization !== `x-api-key ${options.apiKey}`) {
      return sendJson(res, 401, { payload: null, errors: [{ code: 'UNAUTHORIZED', message: 'Invalid identity key' }] });
    }

    if (req.method === 'POST' && url.pathname === '/online/link/v1') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(res, 415, { payload: null, errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'application/json expected' }] });
      }
      const parsed = ZBoldLinkRequestSchema.safeParse(parseJson(rawBody));
      if (!parsed.success) {
        const errors = parsed.error.issues.map((issue) => ({ code: 'BAD_REQUEST', message: `${issue.path.join('.')}: ${issue.message}` }));
        return sendJson(res, 400, { payload: null, errors });
      }
      const request = parsed.data;
      const problems: string[] = [];
      if (request.callback_url && !options.allowHttpCallbackUrl && !request.callback_url.startsWith('https://')) {
        problems.push('callback_url must be https');
      }
      if (request.expiration_date !== undefined && request.expiration_date / 1e6 <= now().getTime()) {
        problems.push('expiration_date must be in the future');
      }
      if (problems.length > 0) return sendJson(res, 400, { payload: null, errors: problems.map((message) => ({ code: 'BAD_REQUEST', message })) });

      const paymentLink = `LNK_${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
      const link = { paymentLink, url: `${checkoutUrl}/${paymentLink}`, request };
      createdLinks.push(link);
      return sendJson(res, 200, { payload: { payment_link: paymentLink, url: link.url }, errors: [] });
    }

    const notificationsPath = /^\/payments\/webhook\/notifications\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && notificationsPath) {
      const id = decodeURIComponent(notificationsPath[1] ?? '');
      const byOurReference = url.searchParams.get('is_external_reference') === 'true';
      const all = [...byReference.values()].flat();
      const notifications = byOurReference
        ? (byReference.get(id) ?? [])
        : all.filter((n) => (n.data as { payment_id?: string } | undefined)?.payment_id === id);
      return sendJson(res, 200, { notifications });
    }

    sendJson(res, 404, { payload: null, errors: [{ code: 'NOT_FOUND', message: `${req.method} ${url.pathname} is not implemented` }] });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { payload: null, errors: [{ code: 'TEST_SERVER_ERROR', message: String(error) }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: url,
    checkoutUrl,
    received,
    createdLinks,
    setNotifications: (reference, list) => byReference.set(reference, list),
    failNext: (status, times = 1) => {
      failures = { status, remaining: times };
    },
    close: () => closeServer(server),
  };
}
