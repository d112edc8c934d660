/**
 * Builders and signers that produce webhooks exactly as each real sender does
 * (reference/gateways.md §1.3, §2.3, §3.3). They use node:crypto directly and never import the
 * adapters, so a bug in an adapter cannot hide behind the same bug here.
 *
 * Typical use:
 * ```ts
 * const signed = signWompiEvent(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 4500000 }), eventsSecret);
 * await deliverWebhook(`${appUrl}/api/webhooks/payment/wompi`, signed);   // over a socket
 * adapter.verifyWebhook(toRawWebhook(signed), ctx);                       // or in a unit test
 * ```
 */
import { createHash, createHmac } from 'node:crypto';
import type { RawWebhook } from '../../server/payments/gateway';

/** A webhook ready to send: the exact body bytes and the headers the real sender adds (lower-cased). */
export interface SignedWebhook {
  rawBody: string;
  headers: Record<string, string>;
}

/** The `RawWebhook` an adapter receives for this delivery (what the raw-body route hands over). */
export function toRawWebhook(signed: SignedWebhook, extraHeaders: Record<string, string> = {}): RawWebhook {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries({ ...signed.headers, ...extraHeaders })) headers[name.toLowerCase()] = value;
  return { rawBody: Buffer.from(signed.rawBody, 'utf8'), headers };
}

/** POSTs a signed webhook to `url` byte for byte, as the gateway would. */
export async function deliverWebhook(url: string, signed: SignedWebhook): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.rawBody });
  return { status: response.status, body: await response.text() };
}

function sha256(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Wompi (§1.2a, §1.3)
// ---------------------------------------------------------------------------------------------

/** The fields of a Wompi transaction a test usually cares about; the rest get realistic defaults. */
export interface WompiTransactionInput {
  reference: string;
  /** APPROVED | DECLINED | VOIDED | ERROR | PENDING (or anything, to test unknown values). */
  status: string;
  amountInCents: number;
  /** Wompi transaction id, e.g. `12345-1700000000-11111`. */
  transactionId?: string;
  currency?: string;
  paymentMethodType?: string;
  statusMessage?: string | null;
  paymentLinkId?: string | null;
  createdAt?: string;
  finalizedAt?: string | null;
}

/** A transaction in Wompi's wire shape (events' `data.transaction`, search results' `data[]`). */
export function wompiTransaction(input: WompiTransactionInput): Record<string, unknown> {
  const createdAt = input.createdAt ?? '2025-06-01T16:00:00.000Z';
  return {
    id: input.transactionId ?? `12345-${Math.floor(Date.parse(createdAt) / 1000)}-${Math.floor(Math.random() * 90000) + 10000}`,
    created_at: createdAt,
    finalized_at: input.finalizedAt === undefined ? (input.status === 'PENDING' ? null : createdAt) : input.finalizedAt,
    amount_in_cents: input.amountInCents,
    reference: input.reference,
    customer_email: 'cliente@example.com',
    currency: input.currency ?? 'COP',
    payment_method_type: input.paymentMethodType ?? 'CARD',
    payment_method: { type: input.paymentMethodType ?? 'CARD', extra: {} },
    status: input.status,
    status_message: input.statusMessage ?? null,
    shipping_address: null,
    redirect_url: null,
    payment_source_id: null,
    payment_link_id: input.paymentLinkId ?? null,
    customer_data: null,
    billing_data: null,
  };
}

/** A Wompi event before its checksum is added. */
export interface WompiEventDraft {
  event: string;
  data: Record<string, unknown>;
  /** `test` for sandbox keys, `prod` for production keys. */
  environment: 'test' | 'prod' | string;
  /** Paths inside `data`, in the order they are concatenated. */
  properties: string[];
  /** Integer UNIX seconds; part of the checksum. */
  timestamp: number;
  sent_at?: string;
}

export interface WompiEventOptions {
  event?: string;
  environment?: 'test' | 'prod';
  timestamp?: number;
  properties?: string[];
}

/** A `transaction.updated` event draft for one transaction, signed over id, status and amount. */
export function wompiTransactionEvent(input: WompiTransactionInput, options: WompiEventOptions = {}): WompiEventDraft {
  // Now by default: the app refuses timestamps outside Wompi's retry window.
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    event: options.event ?? 'transaction.updated',
    data: { transaction: wompiTransaction(input) },
    environment: options.environment ?? 'test',
    properties: options.properties ?? ['transaction.id', 'transaction.status', 'transaction.amount_in_cents'],
    timestamp,
    sent_at: new Date(timestamp * 1000).toISOString(),
  };
}

/** SHA-256 of the `properties` values read from `data`, then timestamp, then the events secret (§1.3). */
export function wompiEventChecksum(draft: Pick<WompiEventDraft, 'data' | 'properties' | 'timestamp'>, eventsSecret: string): string {
  const values = draft.properties.map((path) => {
    const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], draft.data);
    return value === null || value === undefined ? '' : String(value);
  });
  return sha256(`${values.join('')}${draft.timestamp}${eventsSecret}`);
}

export interface SignWompiEventOptions {
  /** Print the checksum in upper case, as Wompi's docs do (deliveries use lower case). */
  upperCase?: boolean;
  /** Leave out the X-Event-Checksum header (it only repeats `signature.checksum`). */
  omitHeader?: boolean;
}

/** Signs a Wompi event like Wompi does: checksum in `signature.checksum` and in `X-Event-Checksum`. */
export function signWompiEvent(draft: WompiEventDraft, eventsSecret: string, options: SignWompiEventOptions = {}): SignedWebhook {
  const digest = wompiEventChecksum(draft, eventsSecret);
  const checksum = options.upperCase ? digest.toUpperCase() : digest;
  const body = {
    event: draft.event,
    data: draft.data,
    environment: draft.environment,
    signature: { properties: draft.properties, checksum },
    timestamp: draft.timestamp,
    sent_at: draft.sent_at ?? new Date(draft.timestamp * 1000).toISOString(),
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!options.omitHeader) headers['x-event-checksum'] = checksum;
  return { rawBody: JSON.stringify(body), headers };
}

/** The Web Checkout `signature:integrity` (§1.2a). */
export function signWompiCheckout(
  input: { reference: string; amountInCents: number | string; currency: string; expirationTime?: string },
  integritySecret: string,
): string {
  return sha256(`${input.reference}${input.amountInCents}${input.currency}${input.expirationTime ?? ''}${integritySecret}`);
}

// ---------------------------------------------------------------------------------------------
// Bold (§2.3, §2.5)
// ---------------------------------------------------------------------------------------------

export interface BoldWebhookBodyInput {
  reference: string | null;
  /** SALE_APPROVED | SALE_REJECTED | VOID_APPROVED | VOID_REJECTED. */
  type?: string;
  /** Bold transaction id (`data.payment_id` and `subject`). */
  paymentId?: string;
  /** Integer pesos, taxes and tip included. */
  totalPesos: number;
  /** `null` leaves `amount.currency` out, as the fallback service's example does. */
  currency?: string | null;
  paymentMethod?: string;
  /** POSIX time in nanoseconds. */
  time?: number;
}

/** A Bold webhook body (also the shape of each fallback notification). */
export function boldWebhookBody(input: BoldWebhookBodyInput): Record<string, unknown> {
  const paymentId = input.paymentId ?? `TX${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
  const amount: Record<string, unknown> = { total: input.totalPesos, taxes: [], tip: 0 };
  if (input.currency !== null) amount.currency = input.currency ?? 'COP';
  return {
    id: '0f1e2d3c-0000-4000-8000-' + Math.floor(Math.random() * 1e12).toString().padStart(12, '0'),
    type: input.type ?? 'SALE_APPROVED',
    subject: paymentId,
    source: '/payments/links',
    spec_version: '1.0',
    time: input.time ?? 1750000000000000000,
    data: {
      payment_id: paymentId,
      merchant_id: 'MERCHANT01',
      created_at: '2025-06-01T11:00:00-05:00',
      amount,
      metadata: { reference: input.reference },
      payment_method: input.paymentMethod ?? 'PSE',
      payer_email: 'cliente@example.com',
      integration: 'LINK',
    },
    datacontenttype: 'application/json',
  };
}

/** `x-bold-signature`: HMAC-SHA256 keyed with the llave secreta over the BASE64 of the raw bytes (§2.3). */
export function signBoldBody(rawBody: string | Buffer, secretKey: string): string {
  const base64 = (typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody).toString('base64');
  return createHmac('sha256', secretKey).update(base64, 'utf8').digest('hex');
}

/** Serializes `body` (or takes a raw string as is) and signs it as Bold does. `''` is test mode. */
export function boldWebhook(body: unknown, secretKey: string): SignedWebhook {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  return { rawBody, headers: { 'content-type': 'application/json', 'x-bold-signature': signBoldBody(rawBody, secretKey) } };
}

// ---------------------------------------------------------------------------------------------
// PayU (§3.2a, §3.3)
// ---------------------------------------------------------------------------------------------

export type PayuAlgorithmName = 'MD5' | 'SHA' | 'SHA256';

const PAYU_DIGEST: Record<PayuAlgorithmName, string> = { MD5: 'md5', SHA: 'sha1', SHA256: 'sha256' };

/** PayU's signature: the parts joined with `~`, hashed with the account's algorithm. */
export function payuHash(parts: readonly string[], algorithm: PayuAlgorithmName = 'MD5'): string {
  return createHash(PAYU_DIGEST[algorithm]).update(parts.join('~'), 'utf8').digest('hex');
}

/** The WebCheckout form `signature` (§3.2a): `ApiKey~merchantId~referenceCode~amount~currency`. */
export function signPayuCheckout(
  input: { merchantId: string; referenceCode: string; amount: string; currency: string },
  apiKey: string,
  algorithm: PayuAlgorithmName = 'MD5',
): string {
  return payuHash([apiKey, input.merchantId, input.referenceCode, input.amount, input.currency], algorithm);
}

/**
 * Confirmation `new_value` as PayU computes it (§3.3): with a second decimal of 0, one decimal;
 * otherwise two. A value without decimals is treated as `.00` first.
 */
export function payuConfirmationNewValue(value: string): string {
  const [whole, fraction = ''] = value.split('.');
  const twoDecimals = fraction.padEnd(2, '0');
  return twoDecimals.endsWith('0') ? `${whole}.${twoDecimals.slice(0, 1)}` : `${whole}.${twoDecimals}`;
}

export interface PayuConfirmationInput {
  merchantId: string;
  /** Our referenceCode. */
  referenceSale: string;
  /** Decimal pesos as PayU prints them, e.g. `45000.00`. */
  value: string;
  currency?: string;
  /** 4 approved, 6 declined, 5 expired (as a string). */
  statePol: string;
  transactionId?: string;
  referencePol?: string;
  responseCodePol?: string;
  responseMessagePol?: string;
  paymentMethodType?: string;
  paymentMethodName?: string;
  /** More fields to send as they are (e.g. `email_buyer`, `extra1`). */
  extra?: Record<string, string>;
}

/**
 * A confirmation-page POST, form-urlencoded and signed as PayU does, from the POST's own values
 * (§3.3). `fields` are the decoded form fields.
 */
export function payuConfirmationForm(
  input: PayuConfirmationInput,
  apiKey: string,
  algorithm: PayuAlgorithmName = 'MD5',
): SignedWebhook & { fields: Record<string, string> } {
  const currency = input.currency ?? 'COP';
  const sign = payuHash([apiKey, input.merchantId, input.referenceSale, payuConfirmationNewValue(input.value), currency, input.statePol], algorithm);
  const fields: Record<string, string> = {
    merchant_id: input.merchantId,
    state_pol: input.statePol,
    response_code_pol: input.responseCodePol ?? (input.statePol === '4' ? '1' : '5'),
    response_message_pol: input.responseMessagePol ?? (input.statePol === '4' ? 'APPROVED' : 'ENTITY_DECLINED'),
    reference_sale: input.referenceSale,
    reference_pol: input.referencePol ?? '844182273',
    transaction_id: input.transactionId ?? 'f5e668f1-7ecc-4b83-a4d1-0aaa68260862',
    value: input.value,
    currency,
    payment_method_type: input.paymentMethodType ?? '2',
    payment_method_name: input.paymentMethodName ?? 'VISA',
    email_buyer: 'cliente@example.com',
    test: '1',
    attempts: '1',
    sign,
    ...input.extra,
  };
  return {
    rawBody: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    fields,
  };
}

// ---------------------------------------------------------------------------------------------
// Sandbox (our demo gateway)
// ---------------------------------------------------------------------------------------------

/** `x-sandbox-signature`: HMAC-SHA256(secret, raw body bytes), hex. */
export function signSandbox(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** A sandbox webhook as our checkout page posts it. */
export function sandboxWebhook(
  body: { reference: string; transactionId: string; status: string; amountInCents: number; currency?: string; method?: string | null; message?: string },
  secret: string,
): SignedWebhook {
  const rawBody = JSON.stringify({ currency: 'COP', method: 'SANDBOX', ...body });
  return { rawBody, headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandbox(rawBody, secret) } };
}
