/**
 * A local stand-in for Wompi (reference/gateways.md §1) on 127.0.0.1, port 0. It implements only
 * what we use and checks requests the way Wompi documents them:
 *
 * - `GET /v1/transactions?reference=` with `Authorization: Bearer <private key>` (§1.5);
 * - `GET /v1/transactions/{id}` (§1.5) with a Bearer public or private key: the transactions it
 *   knows (set by `setTransactions`, or recorded by `sign`), 404 for any other id;
 * - `GET /p/?…` the Web Checkout a payer's browser opens (§1.2a): checks the public key, COP,
 *   integer centavos ending in 00, and `signature:integrity`.
 *
 * Point the adapter at it with `{ apiUrl: server.apiUrl, checkoutUrl: server.checkoutUrl }`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, parseJson, readBody, sendJson, type RecordedRequest } from './http-helpers';

export type { RecordedRequest } from './http-helpers';
import { signWompiCheckout, signWompiEvent, type SignedWebhook, type SignWompiEventOptions, type WompiEventDraft } from './signers';

export { wompiTransaction, type WompiTransactionInput } from './signers';

export interface WompiServerOptions {
  /** The `pub_test_…` key checkout URLs must carry. */
  publicKey: string;
  /** The `prv_test_…` key API calls must send as a Bearer token. */
  privateKey: string;
  /** Used to check `signature:integrity` on checkout URLs. */
  integritySecret: string;
  /** Signs events in `sign` (a `test_events_…` secret). */
  eventsSecret?: string;
  /** More keys `GET /v1/transactions/{id}` accepts (one server standing in for both environments). */
  otherLookupKeys?: string[];
}

export interface WompiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `${url}/v1`, the adapter's `apiUrl`. */
  apiUrl: string;
  /** `${url}/p/`, the adapter's `checkoutUrl`. */
  checkoutUrl: string;
  received: RecordedRequest[];
  /** What `GET /v1/transactions?reference=<reference>` answers in `data` (wire shape; see `wompiTransaction`). */
  setTransactions(reference: string, transactions: Array<Record<string, unknown>>): void;
  /**
   * Signs an event as Wompi does and records its transaction as one Wompi knows, as a real
   * payment at the checkout would: `GET /v1/transactions/{id}` then answers it.
   */
  sign(draft: WompiEventDraft, options?: SignWompiEventOptions): SignedWebhook;
  /** Records transactions (wire shape) as known, by id and by reference. */
  record(...transactions: Array<Record<string, unknown>>): void;
  /** Answer the next `times` requests with `status` (e.g. 503) before any other check. */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startWompiServer(options: WompiServerOptions): Promise<WompiServer> {
  const transactions = new Map<string, Array<Record<string, unknown>>>();
  const byId = new Map<string, Record<string, unknown>>();
  const record = (...list: Array<Record<string, unknown>>) => {
    for (const tx of list) {
      byId.set(String(tx.id), tx);
      const reference = String(tx.reference);
      transactions.set(reference, [...(transactions.get(reference) ?? []).filter((t) => t.id !== tx.id), tx]);
    }
  };
  const received: RecordedRequest[] = [];
  let failures: { status: number; remaining: number } | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    received.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers: req.headers,
      body: url.search ? Object.fromEntries(url.searchParams) : parseJson(rawBody),
      rawBody,
    });

    if (failures && failures.remaining > 0) {
      failures.remaining -= 1;
      return sendJson(res, failures.status, { error: { type: 'INJECTED_FAILURE', reason: `status ${failures.status}` } });
    }

    if (req.method === 'GET' && url.pathname === '/v1/transactions') {
      if (req.headers.authorization !== `Bearer ${options.privateKey}`) {
        return sendJson(res, 401, { error: { type: 'AUTHENTICATION_UNAUTHORIZED', reason: 'Se esperaba una llave privada' } });
      }
      const reference = url.searchParams.get('reference');
      if (!reference) {
        return sendJson(res, 422, { error: { type: 'INPUT_VALIDATION_ERROR', messages: { reference: ['reference is required'] } } });
      }
      return sendJson(res, 200, { data: transactions.get(reference) ?? [] });
    }

    const byIdPath = /^\/v1\/transactions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && byIdPath) {
      const keys = [options.publicKey, options.privateKey, ...(options.otherLookupKeys ?? [])];
      if (!keys.some((key) => req.headers.authorization === `Bearer ${key}`)) {
        return sendJson(res, 401, { error: { type: 'AUTHENTICATION_UNAUTHORIZED', reason: 'Se esperaba una llave' } });
      }
      const tx = byId.get(decodeURIComponent(byIdPath[1] ?? ''));
      if (!tx) return sendJson(res, 404, { error: { type: 'NOT_FOUND_ERROR', reason: 'La entidad solicitada no existe' } });
      return sendJson(res, 200, { data: tx });
    }

    if (req.method === 'GET' && (url.pathname === '/p/' || url.pathname === '/p')) {
      const problems = checkCheckout(url.searchParams, options);
      if (problems.length > 0) return sendJson(res, 422, { error: { type: 'INPUT_VALIDATION_ERROR', messages: problems } });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Wompi test checkout</title><p>Pago ${escapeHtml(url.searchParams.get('reference') ?? '')}</p>`);
      return;
    }

    sendJson(res, 404, { error: { type: 'NOT_FOUND_ERROR', reason: `${req.method} ${url.pathname} is not implemented` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: { type: 'TEST_SERVER_ERROR', reason: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/v1`,
    checkoutUrl: `${url}/p/`,
    received,
    setTransactions: (reference, list) => {
      transactions.set(reference, list);
      for (const tx of list) byId.set(String(tx.id), tx);
    },
    record,
    sign: (draft, signOptions) => {
      if (!options.eventsSecret) throw new Error('startWompiServer needs eventsSecret to sign events');
      const transaction = (draft.data as { transaction?: Record<string, unknown> }).transaction;
      if (transaction) record(transaction);
      return signWompiEvent(draft, options.eventsSecret, signOptions);
    },
    failNext: (status, times = 1) => {
      failures = { status, remaining: times };
    },
    close: () => closeServer(server),
  };
}

/** Web Checkout rules (§1.2a, §1.6). Returns readable problems; empty when the URL is valid. */
function checkCheckout(params: URLSearchParams, options: WompiServerOptions): string[] {
  const problems: string[] = [];
  const required = ['public-key', 'currency', 'amount-in-cents', 'reference', 'signature:integrity'];
  for (const name of required) if (!params.get(name)) problems.push(`${name} is required`);
  if (problems.length > 0) return problems;
  const amount = params.get('amount-in-cents') ?? '';
  const reference = params.get('reference') ?? '';
  const currency = params.get('currency') ?? '';
  const expirationTime = params.get('expiration-time') ?? undefined;
  if (params.get('public-key') !== options.publicKey) problems.push('public-key is not this merchant');
  if (currency !== 'COP') problems.push('currency must be COP');
  if (!/^\d+00$/.test(amount)) problems.push('amount-in-cents must be integer centavos ending in 00');
  if (expirationTime !== undefined && Number.isNaN(Date.parse(expirationTime))) problems.push('expiration-time must be ISO 8601');
  const redirect = params.get('redirect-url');
  if (redirect !== null && !URL.canParse(redirect)) problems.push('redirect-url must be an absolute URL');
  const expected = signWompiCheckout({ reference, amountInCents: amount, currency, expirationTime }, options.integritySecret);
  if (params.get('signature:integrity') !== expected) problems.push('signature:integrity does not match');
  return problems;
}


function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
