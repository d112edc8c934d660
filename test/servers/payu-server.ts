/**
 * A local stand-in for PayU Latam (reference/gateways.md §3) on 127.0.0.1, port 0. It implements
 * only what we use and checks requests the way PayU documents them:
 *
 * - `POST /reports-api/4.0/service.cgi` (Queries API, §3.5): JSON with
 *   `Content-Type: application/json` and `Accept: application/json` (otherwise PayU answers XML),
 *   `merchant.apiLogin` + `merchant.apiKey` (401 when wrong, as the brief for this fake asks),
 *   command `ORDER_DETAIL_BY_REFERENCE_CODE` with `details.referenceCode`.
 * - `POST /ppp-web-gateway-payu/` (WebCheckout form, §3.2a): form-urlencoded, required fields,
 *   explicit `tax`/`taxReturnBase`, and the form `signature` for the declared algorithm.
 *
 * Point the adapter at it with `{ apiUrl: server.apiUrl, checkoutUrl: server.checkoutUrl }`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, parseJson, readBody, sendJson, type RecordedRequest } from './http-helpers';

export type { RecordedRequest } from './http-helpers';
import { z } from 'zod';
import { type PayuAlgorithmName, payuHash } from './signers';

export interface PayuServerOptions {
  merchantId: string;
  accountId: string;
  apiKey: string;
  apiLogin: string;
}

export interface PayuServer {
  /** `http://127.0.0.1:<port>`, also the adapter's `apiUrl` (the host serving the Queries API). */
  url: string;
  apiUrl: string;
  /** `${url}/ppp-web-gateway-payu/`, the adapter's `checkoutUrl`. */
  checkoutUrl: string;
  received: RecordedRequest[];
  /** Forms accepted by the WebCheckout endpoint. */
  submittedForms: Array<Record<string, string>>;
  /**
   * What `ORDER_DETAIL_BY_REFERENCE_CODE` answers in `result.payload` for this reference (wire
   * shape; see `payuOrder`). `null` answers a null payload; unknown references answer `[]`.
   */
  setOrders(reference: string, orders: Array<Record<string, unknown>> | null): void;
  /** Answer the next `times` requests with `status` (e.g. 503) before any other check. */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

export interface PayuTransactionInput {
  /** `transactionResponse.state`: APPROVED | DECLINED | EXPIRED | ERROR | PENDING | SUBMITTED. */
  state: string;
  transactionId?: string;
  paymentMethod?: string;
  /** Epoch milliseconds, as PayU reports `operationDate`. */
  operationDate?: number;
  responseCode?: string;
}

export interface PayuOrderInput {
  reference: string;
  /** Goes to `additionalValues.TX_VALUE.value`; `null` leaves `additionalValues` out. */
  amountPesos: number | null;
  currency?: string;
  orderId?: number;
  transactions: PayuTransactionInput[];
}

const ORDER_STATUS_BY_STATE: Record<string, string> = {
  APPROVED: 'CAPTURED',
  DECLINED: 'DECLINED',
  EXPIRED: 'DECLINED',
  ERROR: 'DECLINED',
  PENDING: 'IN_PROGRESS',
  SUBMITTED: 'IN_PROGRESS',
};

/** An order as the Queries API returns it (§3.5). */
export function payuOrder(input: PayuOrderInput): Record<string, unknown> {
  const currency = input.currency ?? 'COP';
  const last = input.transactions.at(-1);
  const order: Record<string, unknown> = {
    id: input.orderId ?? 844182273,
    accountId: 512321,
    status: last ? (ORDER_STATUS_BY_STATE[last.state] ?? 'IN_PROGRESS') : 'NEW',
    referenceCode: input.reference,
    description: 'Pedido de prueba',
    language: 'es',
    buyer: { emailAddress: 'cliente@whatsapp.invalid', fullName: 'Cliente WhatsApp' },
    transactions: input.transactions.map((tx, index) => ({
      id: tx.transactionId ?? `f5e668f1-7ecc-4b83-a4d1-0aaa6826086${index}`,
      type: 'AUTHORIZATION_AND_CAPTURE',
      paymentMethod: tx.paymentMethod ?? 'VISA',
      source: 'WEB',
      transactionResponse: {
        state: tx.state,
        responseCode: tx.responseCode ?? (tx.state === 'APPROVED' ? 'APPROVED' : tx.state === 'PENDING' ? 'PENDING_TRANSACTION_CONFIRMATION' : 'ENTITY_DECLINED'),
        operationDate: tx.operationDate ?? 1750000000000 + index * 60_000,
      },
    })),
  };
  if (input.amountPesos !== null) {
    order.additionalValues = {
      TX_VALUE: { value: input.amountPesos, currency },
      TX_TAX: { value: 0, currency },
      TX_TAX_RETURN_BASE: { value: 0, currency },
    };
  }
  return order;
}

const ZQueryRequestSchema = z.object({
  test: z.boolean(),
  language: z.enum(['es', 'en', 'pt']),
  command: z.string(),
  merchant: z.object({ apiLogin: z.string(), apiKey: z.string() }),
  details: z.record(z.string(), z.unknown()).optional(),
});

export async function startPayuServer(options: PayuServerOptions): Promise<PayuServer> {
  const orders = new Map<string, Array<Record<string, unknown>> | null>();
  const received: RecordedRequest[] = [];
  const submittedForms: Array<Record<string, string>> = [];
  let failures: { status: number; remaining: number } | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const contentType = req.headers['content-type'] ?? '';
    const isForm = contentType.startsWith('application/x-www-form-urlencoded');
    received.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers: req.headers,
      body: isForm ? Object.fromEntries(new URLSearchParams(rawBody)) : parseJson(rawBody),
      rawBody,
    });

    if (failures && failures.remaining > 0) {
      failures.remaining -= 1;
      return sendJson(res, failures.status, { code: 'ERROR', error: `status ${failures.status}`, result: null });
    }

    if (req.method === 'POST' && url.pathname === '/reports-api/4.0/service.cgi') {
      if (!contentType.startsWith('application/json')) {
        return sendJson(res, 415, { code: 'ERROR', error: 'Content-Type must be application/json', result: null });
      }
      if (!(req.headers.accept ?? '').includes('application/json')) {
        // PayU's default representation is XML; a client that forgets Accept gets it.
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><reportingResponse><code>SUCCESS</code></reportingResponse>');
        return;
      }
      const parsed = ZQueryRequestSchema.safeParse(parseJson(rawBody));
      if (!parsed.success) {
        return sendJson(res, 200, { code: 'ERROR', error: `Invalid request: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, result: null });
      }
      const request = parsed.data;
      if (request.merchant.apiLogin !== options.apiLogin || request.merchant.apiKey !== options.apiKey) {
        return sendJson(res, 401, { code: 'ERROR', error: 'Invalid credentials', result: null });
      }
      if (request.command !== 'ORDER_DETAIL_BY_REFERENCE_CODE') {
        return sendJson(res, 200, { code: 'ERROR', error: `Command ${request.command} is not implemented by the test server`, result: null });
      }
      const referenceCode = request.details?.referenceCode;
      if (typeof referenceCode !== 'string' || referenceCode === '') {
        return sendJson(res, 200, { code: 'ERROR', error: 'details.referenceCode is required', result: null });
      }
      const payload = orders.has(referenceCode) ? orders.get(referenceCode) : [];
      return sendJson(res, 200, { code: 'SUCCESS', error: null, result: { payload } });
    }

    if (req.method === 'POST' && url.pathname === '/ppp-web-gateway-payu/') {
      if (!isForm) return sendText(res, 415, 'WebCheckout expects an application/x-www-form-urlencoded POST');
      const fields = Object.fromEntries(new URLSearchParams(rawBody));
      const problems = checkCheckoutForm(fields, options);
      if (problems.length > 0) return sendText(res, 400, problems.join('\n'));
      submittedForms.push(fields);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>PayU test checkout</title><p>Pago ${escapeHtml(fields.referenceCode ?? '')}</p>`);
      return;
    }

    sendJson(res, 404, { code: 'ERROR', error: `${req.method} ${url.pathname} is not implemented`, result: null });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { code: 'ERROR', error: String(error), result: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: url,
    checkoutUrl: `${url}/ppp-web-gateway-payu/`,
    received,
    submittedForms,
    setOrders: (reference, list) => orders.set(reference, list),
    failNext: (status, times = 1) => {
      failures = { status, remaining: times };
    },
    close: () => closeServer(server),
  };
}

const DECIMAL_AMOUNT = /^\d+(\.\d{1,2})?$/;

/** WebCheckout form rules (§3.2a, §3.6). Returns readable problems; empty when the form is valid. */
function checkCheckoutForm(fields: Record<string, string>, options: PayuServerOptions): string[] {
  const required = ['merchantId', 'accountId', 'description', 'referenceCode', 'amount', 'tax', 'taxReturnBase', 'currency', 'signature', 'buyerEmail'];
  const missing = required.filter((name) => !fields[name]).map((name) => `${name} is required`);
  if (missing.length > 0) return missing;
  const field = (name: string): string => fields[name] ?? '';

  const problems: string[] = [];
  if (field('merchantId') !== options.merchantId) problems.push('merchantId is not this merchant');
  if (field('accountId') !== options.accountId) problems.push('accountId is not this merchant account');
  if (field('description').length > 255) problems.push('description is longer than 255');
  if (field('referenceCode').length > 255) problems.push('referenceCode is longer than 255');
  for (const name of ['amount', 'tax', 'taxReturnBase']) {
    if (!DECIMAL_AMOUNT.test(field(name))) problems.push(`${name} must be a decimal with at most two decimals`);
  }
  if (Number(field('tax')) + Number(field('taxReturnBase')) > Number(field('amount'))) problems.push('tax + taxReturnBase exceeds amount');
  if (!/^[^@\s]+@[^@\s]+$/.test(field('buyerEmail'))) problems.push('buyerEmail is not an e-mail address');
  if (fields.test !== undefined && !['0', '1'].includes(fields.test)) problems.push('test must be 0 or 1');
  // Cash methods only; `YYYY-MM-DD HH:mm:ss`, under 7 days ahead outside Argentina (§3.2a).
  if (fields.expirationDate !== undefined && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(field('expirationDate'))) {
    problems.push('expirationDate must be YYYY-MM-DD HH:mm:ss');
  }
  for (const name of ['responseUrl', 'confirmationUrl']) {
    if (fields[name] !== undefined && !URL.canParse(field(name))) problems.push(`${name} must be an absolute URL`);
  }
  const algorithm = fields.algorithmSignature ?? 'MD5';
  if (!isAlgorithm(algorithm)) return [...problems, 'algorithmSignature must be MD5, SHA or SHA256'];
  // paymentMethods / iin / pseBanks extend the signed string, in that order, when present (§3.2a).
  const extras = ['paymentMethods', 'iin', 'pseBanks'].filter((name) => fields[name] !== undefined).map(field);
  const signed = [options.apiKey, field('merchantId'), field('referenceCode'), field('amount'), field('currency'), ...extras];
  if (field('signature').toLowerCase() !== payuHash(signed, algorithm)) problems.push('signature does not match');
  return problems;
}

function isAlgorithm(value: string): value is PayuAlgorithmName {
  return ['MD5', 'SHA', 'SHA256'].includes(value);
}


function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
