/**
 * Bold (bold.co). Protocol facts: reference/gateways.md §2.
 *
 * - Links come from the payment-link API (§2.2b) with amounts in integer PESOS, not centavos.
 * - Webhooks are signed with HMAC-SHA256 over the BASE64 of the raw body bytes, keyed with the
 *   llave secreta (§2.3). Test mode signs with an empty key, accepted only for sandbox tenants.
 * - The poller asks the webhook fallback service by our own reference (§2.5).
 */
import axios from 'axios';
import { z } from 'zod';
import { WebhookSignatureError } from '../../errors';
import type {
  CreatePaymentLinkInput,
  GatewayAdapter,
  GatewayContext,
  GatewayEndpoints,
  GatewayEnvironment,
  GatewayResult,
  PaymentLink,
  PaymentReference,
  RawWebhook,
  TransactionLookup,
  WebhookVerification,
} from '../gateway';
import { GATEWAY_ENVIRONMENTS } from '../gateway';
import {
  GATEWAY_TIMEOUT_MS,
  hmacSha256Hex,
  invalidGatewayResponse,
  invalidWebhookBody,
  isHexDigest,
  jsonPesosToCents,
  parseJsonOrUndefined,
  readHeader,
  type StatusMapping,
  timingSafeEqualHex,
  toGatewayError,
  whitespaceHint,
} from '../signatures';

const BOLD_CURRENCY = 'COP';
/** Description limits of the link API and the button (§2.2). */
export const BOLD_DESCRIPTION_MIN_CHARS = 2;
export const BOLD_DESCRIPTION_MAX_CHARS = 100;
const NANOSECONDS_PER_MILLISECOND = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

export const ZBoldCredentialsSchema = z
  .object({
    environment: z.enum(GATEWAY_ENVIRONMENTS),
    /** Llave de identidad: `Authorization: x-api-key <apiKey>` on every API call (§2.1). */
    apiKey: z.string().trim().min(1),
    /** Llave secreta: webhook HMAC key. '' only in sandbox, where Bold signs with '' (§2.3). */
    secretKey: z.string().trim(),
  })
  .superRefine((creds, ctx) => {
    if (creds.environment === 'production' && creds.secretKey === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['secretKey'],
        message: 'Bold secret key (llave secreta) is required in production; only sandbox may use the empty test-mode key',
      });
    }
  });
export type TBoldCredentials = z.output<typeof ZBoldCredentialsSchema>;

// ---------------------------------------------------------------------------------------------
// Wire schemas
// ---------------------------------------------------------------------------------------------

/** Request body of `POST /online/link/v1` (§2.2b; field list from integrations). */
export interface TBoldCreateLinkRequest {
  amount_type: 'CLOSE';
  amount: { currency: string; total_amount: number; tip_amount: number };
  reference: string;
  description: string;
  callback_url: string;
  /** Unix time in NANOSECONDS; milliseconds would land in 1970 (§2.7). */
  expiration_date?: number;
}

export const ZBoldCreateLinkResponseSchema = z.object({
  payload: z.object({ payment_link: z.string().min(1), url: z.string().min(1) }),
  errors: z.array(z.unknown()),
});
export type TBoldCreateLinkResponse = z.output<typeof ZBoldCreateLinkResponseSchema>;

/** Webhook body (CloudEvents-like envelope, §2.3); fallback notifications share the shape (§2.5). */
export const ZBoldWebhookBodySchema = z.object({
  id: z.string().optional(),
  type: z.string().min(1),
  subject: z.string().optional(),
  // POSIX time in nanoseconds; beyond 2^53, so only good for ordering.
  time: z.union([z.number(), z.string()]).optional(),
  data: z.object({
    payment_id: z.string().min(1).optional(),
    amount: z.object({
      // The fallback example omits the currency (§2.5).
      currency: z.string().min(1).optional(),
      total: z.number().nonnegative(),
    }),
    metadata: z.object({ reference: z.string().nullish() }).nullish(),
    payment_method: z.string().nullish(),
  }),
});
export type TBoldWebhookBody = z.output<typeof ZBoldWebhookBodySchema>;

export const ZBoldNotificationsResponseSchema = z.object({ notifications: z.array(z.unknown()) });

// ---------------------------------------------------------------------------------------------
// Status mapping (§2.4)
// ---------------------------------------------------------------------------------------------

const BOLD_EVENT_TYPES = ['SALE_APPROVED', 'SALE_REJECTED', 'VOID_APPROVED', 'VOID_REJECTED'] as const;
type BoldEventType = (typeof BOLD_EVENT_TYPES)[number];

function isBoldEventType(value: string): value is BoldEventType {
  return (BOLD_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * Bold `type` → ours. VOID_REJECTED changes nothing (the sale stays approved), so it is ignored.
 * Unknown types stay pending (never approved) with a warning.
 */
export function mapBoldEventType(type: string): StatusMapping | { ignored: string } {
  if (!isBoldEventType(type)) return { status: 'pending', warning: `unknown Bold event type "${type}" treated as pending` };
  switch (type) {
    case 'SALE_APPROVED':
      return { status: 'approved' };
    case 'SALE_REJECTED':
      return { status: 'declined' };
    case 'VOID_APPROVED':
      return { status: 'voided' };
    case 'VOID_REJECTED':
      return { ignored: 'Bold VOID_REJECTED: the void failed and the sale keeps its previous state' };
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** `x-bold-signature`: HMAC-SHA256(secretKey, base64(raw body bytes)), hex (§2.3). */
export function boldWebhookSignature(rawBody: Buffer, secretKey: string): string {
  return hmacSha256Hex(secretKey, rawBody.toString('base64'));
}

/** Fits a description into Bold's 2–100 characters: trimmed, cut with an ellipsis, or replaced. */
export function boldDescription(description: string, reference: string): string {
  const text = description.replace(/\s+/g, ' ').trim();
  const usable = text.length >= BOLD_DESCRIPTION_MIN_CHARS ? text : `Pedido ${reference}`.trim();
  // Array.from counts code points, so an accented or emoji character is not cut in half.
  const chars = Array.from(usable);
  return chars.length <= BOLD_DESCRIPTION_MAX_CHARS ? usable : `${chars.slice(0, BOLD_DESCRIPTION_MAX_CHARS - 1).join('')}…`;
}

/**
 * ISO time → Unix NANOSECONDS for `expiration_date`. The product exceeds 2^53 but is still the
 * double nearest to the exact value, and `JSON.stringify` prints it with all its digits
 * (no exponent below 1e21), so Bold receives the exact integer.
 */
export function boldExpirationNanoseconds(expiresAt: string): number {
  const milliseconds = Date.parse(expiresAt);
  if (Number.isNaN(milliseconds)) throw new RangeError('expiresAt is not a valid ISO date');
  return milliseconds * NANOSECONDS_PER_MILLISECOND;
}

/**
 * Normalizes a webhook-shaped body. Returns the path of the unusable field instead of throwing,
 * so webhook and poller can each raise their own error type.
 */
function toResult(body: TBoldWebhookBody, reference: string, mapped: StatusMapping): GatewayResult | { invalid: string } {
  const transactionId = body.data.payment_id ?? body.subject;
  if (!transactionId) return { invalid: 'data.payment_id' };
  // data.amount.total is pesos (taxes and tip included): × 100 for centavos (§4).
  const amountInCents = jsonPesosToCents(body.data.amount.total);
  if (amountInCents === null) return { invalid: 'data.amount.total' };
  return {
    gateway: 'bold',
    reference,
    transactionId,
    status: mapped.status,
    amountInCents,
    currency: body.data.amount.currency ?? BOLD_CURRENCY,
    method: body.data.payment_method ?? null,
    message: null,
    ...(mapped.warning ? { warning: mapped.warning } : {}),
  };
}

function timeOf(body: TBoldWebhookBody): number {
  const time = Number(body.time);
  return Number.isFinite(time) ? time : 0;
}

/**
 * "The latest valid notification per matching payment" (§2.5): several payments may match one
 * reference (a rejected attempt, then an approved one). Any approval wins, then the latest
 * notification that decides something, then (only VOID_REJECTED left) the latest of those.
 */
function pickNotification(notifications: TBoldWebhookBody[]): TBoldWebhookBody | undefined {
  const approved = notifications.find((n) => n.type === 'SALE_APPROVED');
  if (approved) return approved;
  const latestFirst = [...notifications].sort((a, b) => timeOf(b) - timeOf(a));
  return latestFirst.find((n) => n.type !== 'VOID_REJECTED') ?? latestFirst[0];
}

// ---------------------------------------------------------------------------------------------
// Adapter
// ---------------------------------------------------------------------------------------------

export const boldAdapter: GatewayAdapter<TBoldCredentials, 'bold'> = {
  id: 'bold',
  name: 'Bold',
  displayName: 'Bold (Tarjeta, PSE, Nequi)',
  ownerListing: 'always',
  offerOrder: 20,
  credentialFields: [
    { key: 'apiKey', label: 'API key / llave de identidad', secret: true },
    { key: 'secretKey', label: 'Llave secreta', secret: true },
  ],
  signatureHeaders: ['x-bold-signature'],
  returnQueryParameters: ['bold-order-id', 'bold-tx-status'],
  // Bold's checkout is the URL its link API returns; only the API host is overridable.
  endpointVariables: { apiUrl: 'BOLD_API_URL' },
  credentialsSchema: ZBoldCredentialsSchema,
  capabilities: { statusLookup: true, refunds: false },

  defaultEndpoints(_environment: GatewayEnvironment, _publicBaseUrl: string): GatewayEndpoints {
    // One host for both modes: the key pair decides test vs live (§2.1).
    return { apiUrl: 'https://integrations.api.bold.co', checkoutUrl: 'https://checkout.bold.co' };
  },

  async createPaymentLink(input: CreatePaymentLinkInput, ctx: GatewayContext<TBoldCredentials>): Promise<PaymentLink> {
    if (!Number.isSafeInteger(input.amountInPesos) || input.amountInPesos < 0) {
      throw new RangeError(`not an integer peso amount: ${input.amountInPesos}`);
    }
    const request: TBoldCreateLinkRequest = {
      amount_type: 'CLOSE',
      // PESOS, not centavos: multiplying by 100 charges 100 times too much (§2.7).
      amount: { currency: BOLD_CURRENCY, total_amount: input.amountInPesos, tip_amount: 0 },
      reference: input.reference,
      description: boldDescription(input.description, input.reference),
      callback_url: input.returnUrl,
      ...(input.expiresAt === undefined ? {} : { expiration_date: boldExpirationNanoseconds(input.expiresAt) }),
    };
    let body: unknown;
    try {
      const response = await axios.post(`${ctx.endpoints.apiUrl}/online/link/v1`, request, {
        // The scheme is literally `x-api-key` inside Authorization, not its own header (§2.1).
        headers: { Authorization: `x-api-key ${ctx.creds.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        timeout: GATEWAY_TIMEOUT_MS,
      });
      body = response.data;
    } catch (error) {
      throw toGatewayError('bold', 'create payment link', error);
    }
    const parsed = ZBoldCreateLinkResponseSchema.safeParse(body);
    if (!parsed.success) throw invalidGatewayResponse('bold', 'create payment link', parsed.error);
    if (parsed.data.errors.length > 0) throw invalidGatewayResponse('bold', 'create payment link', 'errors (non-empty)');
    // Send payload.url unchanged: its path shape varies (§2.2b).
    return { kind: 'redirect', url: parsed.data.payload.url, linkId: parsed.data.payload.payment_link };
  },

  async fetchResult(reference: PaymentReference, ctx: GatewayContext<TBoldCredentials>): Promise<GatewayResult | null> {
    let body: unknown;
    try {
      const response = await axios.get(`${ctx.endpoints.apiUrl}/payments/webhook/notifications/${encodeURIComponent(reference)}`, {
        // is_external_reference=true makes the path segment OUR reference, not Bold's id (§2.5).
        params: { is_external_reference: 'true' },
        headers: { Authorization: `x-api-key ${ctx.creds.apiKey}`, Accept: 'application/json' },
        timeout: GATEWAY_TIMEOUT_MS,
      });
      body = response.data;
    } catch (error) {
      throw toGatewayError('bold', 'notification lookup', error);
    }
    const parsed = ZBoldNotificationsResponseSchema.safeParse(body);
    if (!parsed.success) throw invalidGatewayResponse('bold', 'notification lookup', parsed.error);

    const notifications: TBoldWebhookBody[] = [];
    for (const item of parsed.data.notifications) {
      const notification = ZBoldWebhookBodySchema.safeParse(item);
      if (!notification.success) throw invalidGatewayResponse('bold', 'notification lookup', notification.error);
      // We asked by our reference; a notification naming another one is not ours.
      const echoed = notification.data.data.metadata?.reference;
      if (echoed && echoed !== reference) continue;
      notifications.push(notification.data);
    }
    const chosen = pickNotification(notifications);
    if (!chosen) return null;
    const mapped = mapBoldEventType(chosen.type);
    // Only VOID_REJECTED came back: a sale exists but its own outcome is not in the answer.
    // Never guess approved; report pending so the record stays open for the next sweep.
    const status = 'ignored' in mapped ? { status: 'pending' as const, warning: 'Bold fallback returned only VOID_REJECTED; sale outcome unknown' } : mapped;
    const result = toResult(chosen, reference, status);
    if ('invalid' in result) throw invalidGatewayResponse('bold', 'notification lookup', result.invalid);
    return result;
  },

  readReference(webhook: RawWebhook): PaymentReference | null {
    const body = parseJsonOrUndefined(webhook.rawBody);
    const parsed = z.object({ data: z.object({ metadata: z.object({ reference: z.string().min(1) }) }) }).safeParse(body);
    // Terminal (POS) sales carry no reference: they were not made through our links.
    return parsed.success ? parsed.data.data.metadata.reference : null;
  },

  verifyWebhook(webhook: RawWebhook, ctx: GatewayContext<TBoldCredentials>): WebhookVerification {
    const { secretKey, environment } = ctx.creds;
    const signature = readHeader(webhook.headers, 'x-bold-signature');
    if (signature === null) throw new WebhookSignatureError('missing x-bold-signature header', 'not sent by Bold, or a proxy dropped the header');
    if (!isHexDigest(signature, 64)) throw new WebhookSignatureError('x-bold-signature is not a SHA-256 hex digest', 'malformed header');
    if (environment === 'production' && secretKey === '') {
      // Fail closed: anyone can compute an empty-key HMAC (§2.3).
      throw new WebhookSignatureError('Bold secret key is empty in production', 'tenant credentials have no secretKey');
    }
    if (webhook.rawBody.length === 0) {
      throw new WebhookSignatureError('empty Bold webhook body', 'a JSON body parser consumed the request before the raw bytes were kept');
    }
    // Test-mode traffic is signed with an empty key; honour it only for sandbox tenants (§2.3).
    const keys = environment === 'sandbox' && secretKey !== '' ? [secretKey, ''] : [secretKey];
    const matches = keys.map((key) => timingSafeEqualHex(boldWebhookSignature(webhook.rawBody, key), signature));
    const matched = matches.indexOf(true);
    if (matched < 0) {
      throw new WebhookSignatureError(
        'x-bold-signature does not match',
        whitespaceHint(secretKey, 'secret key') ??
          'wrong llave secreta, or the body was re-serialized (verify the raw bytes, not JSON.stringify of a parsed body)',
      );
    }
    // The secret key signs every byte of the body. The empty key proves nothing (anyone can
    // compute it): such an event is test traffic of the sandbox environment, settles only
    // sandbox payments, and is confirmed at the source like an unsigned one (#12).
    const testMode = keys[matched] === '';
    return { environment: testMode ? 'sandbox' : environment, testMode, confirmAtSource: testMode };
  },

  async lookupTransaction(lookup: TransactionLookup, ctx: GatewayContext<TBoldCredentials>): Promise<GatewayResult | null> {
    let body: unknown;
    try {
      // Without is_external_reference the path segment is Bold's own transaction id (§2.5).
      const response = await axios.get(`${ctx.endpoints.apiUrl}/payments/webhook/notifications/${encodeURIComponent(lookup.transactionId)}`, {
        headers: { Authorization: `x-api-key ${ctx.creds.apiKey}`, Accept: 'application/json' },
        timeout: GATEWAY_TIMEOUT_MS,
      });
      body = response.data;
    } catch (error) {
      throw toGatewayError('bold', 'transaction lookup', error);
    }
    const parsed = ZBoldNotificationsResponseSchema.safeParse(body);
    if (!parsed.success) throw invalidGatewayResponse('bold', 'transaction lookup', parsed.error);
    const notifications: TBoldWebhookBody[] = [];
    for (const item of parsed.data.notifications) {
      const notification = ZBoldWebhookBodySchema.safeParse(item);
      if (!notification.success) throw invalidGatewayResponse('bold', 'transaction lookup', notification.error);
      if ((notification.data.data.payment_id ?? notification.data.subject) === lookup.transactionId) notifications.push(notification.data);
    }
    const chosen = pickNotification(notifications);
    const reference = chosen?.data.metadata?.reference;
    if (!chosen || !reference) return null;
    const mapped = mapBoldEventType(chosen.type);
    if ('ignored' in mapped) return null;
    const result = toResult(chosen, reference, mapped);
    if ('invalid' in result) throw invalidGatewayResponse('bold', 'transaction lookup', result.invalid);
    return result;
  },

  parseWebhook(webhook: RawWebhook): GatewayResult | { ignored: string } {
    const parsed = ZBoldWebhookBodySchema.safeParse(parseJsonOrUndefined(webhook.rawBody));
    if (!parsed.success) throw invalidWebhookBody('bold', parsed.error);
    const reference = parsed.data.data.metadata?.reference;
    if (!reference) return { ignored: 'Bold notification without data.metadata.reference (not a payment made through our links)' };
    const mapped = mapBoldEventType(parsed.data.type);
    if ('ignored' in mapped) return mapped;
    const result = toResult(parsed.data, reference, mapped);
    if ('invalid' in result) throw invalidWebhookBody('bold', result.invalid);
    return result;
  },
};
