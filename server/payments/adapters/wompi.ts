/**
 * Wompi (Bancolombia). Protocol facts: reference/gateways.md §1.
 *
 * - Links are Web Checkout URLs built locally (a GET form, §1.2a), signed with the integrity
 *   secret, so our reference travels as `reference` and comes back unchanged.
 * - Events are JSON; the checksum is plain SHA-256 over values read from `data` + timestamp +
 *   events secret (§1.3), so the body may be parsed before verification.
 * - The poller searches transactions by our reference with the private key (§1.5).
 */
import axios from 'axios';
import { z } from 'zod';
import { WebhookSignatureError } from '../../errors';
import { pesosToCents } from '../../money';
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
  invalidGatewayResponse,
  invalidWebhookBody,
  isHexDigest,
  parseJsonOrUndefined,
  readHeader,
  sha256Hex,
  type StatusMapping,
  timingSafeEqualHex,
  toGatewayError,
  whitespaceHint,
} from '../signatures';

/** Colombia accepts COP only (§1.6). */
const WOMPI_CURRENCY = 'COP';
/** Only country prefix we prefill; customer phones are Colombian mobiles. */
const COLOMBIA_PHONE_PREFIX = '+57';

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/** Each credential's prefix tells its environment apart (§1.1). */
const WOMPI_KEY_PREFIXES = {
  publicKey: { label: 'public key (llave pública)', sandbox: 'pub_test_', production: 'pub_prod_' },
  privateKey: { label: 'private key (llave privada)', sandbox: 'prv_test_', production: 'prv_prod_' },
  integritySecret: { label: 'integrity secret (secreto de integridad)', sandbox: 'test_integrity_', production: 'prod_integrity_' },
  eventsSecret: { label: 'events secret (secreto de eventos)', sandbox: 'test_events_', production: 'prod_events_' },
} as const;

export const ZWompiCredentialsSchema = z
  .object({
    environment: z.enum(GATEWAY_ENVIRONMENTS),
    // Trimmed: a pasted secret with a trailing newline would fail every checksum (§1.8).
    publicKey: z.string().trim().min(1),
    privateKey: z.string().trim().min(1),
    integritySecret: z.string().trim().min(1),
    eventsSecret: z.string().trim().min(1),
  })
  .superRefine((creds, ctx) => {
    for (const field of Object.keys(WOMPI_KEY_PREFIXES) as Array<keyof typeof WOMPI_KEY_PREFIXES>) {
      const rule = WOMPI_KEY_PREFIXES[field];
      const expected = rule[creds.environment];
      const other = creds.environment === 'sandbox' ? rule.production : rule.sandbox;
      const value = creds[field];
      if (value.startsWith(expected)) continue;
      // Never echo the value: only say which prefix was expected and what it looks like.
      const looksLike = value.startsWith(other)
        ? `it is a ${creds.environment === 'sandbox' ? 'production' : 'sandbox'} key (starts with "${other}")`
        : 'it does not look like a Wompi key of this kind';
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `Wompi ${rule.label} for the ${creds.environment} environment must start with "${expected}"; ${looksLike}`,
      });
    }
  });
export type TWompiCredentials = z.output<typeof ZWompiCredentialsSchema>;

// ---------------------------------------------------------------------------------------------
// Wire schemas
// ---------------------------------------------------------------------------------------------

/** A transaction as events and `GET /v1/transactions` carry it (§1.3, §1.5). Extra fields pass. */
export const ZWompiTransactionSchema = z.object({
  id: z.string().min(1),
  reference: z.string().min(1),
  status: z.string().min(1),
  amount_in_cents: z.number().int().nonnegative(),
  currency: z.string().min(1),
  payment_method_type: z.string().nullish(),
  status_message: z.string().nullish(),
  payment_link_id: z.string().nullish(),
  created_at: z.string().nullish(),
  finalized_at: z.string().nullish(),
});
export type TWompiTransaction = z.output<typeof ZWompiTransactionSchema>;

/** The event envelope, only as far as the checksum needs it (§1.3). */
export const ZWompiEventEnvelopeSchema = z.object({
  event: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  environment: z.string().min(1),
  signature: z.object({
    properties: z.array(z.string().min(1)).min(1),
    checksum: z.string().min(1),
  }),
  // An integer UNIX time (§1.3). Not a digit string: the checksum concatenates values without
  // separators, so "0170…" would let digits move between the amount and the timestamp (#12).
  timestamp: z.number().int().positive(),
  sent_at: z.string().optional(),
});
export type TWompiEventEnvelope = z.output<typeof ZWompiEventEnvelopeSchema>;

export const ZWompiTransactionUpdatedEventSchema = z.object({
  event: z.literal('transaction.updated'),
  data: z.object({ transaction: ZWompiTransactionSchema }),
});
export type TWompiTransactionUpdatedEvent = z.output<typeof ZWompiTransactionUpdatedEventSchema>;

/** `GET /v1/transactions?reference=` answers an array: one reference, several attempts (§1.4). */
export const ZWompiTransactionSearchResponseSchema = z.object({ data: z.array(ZWompiTransactionSchema) });

/** `GET /v1/transactions/{id}` answers one transaction in `data` (§1.5). */
export const ZWompiTransactionResponseSchema = z.object({ data: ZWompiTransactionSchema });

/**
 * The `signature.properties` paths we accept (#12). Wompi lists the signed paths in the body
 * itself, so a verifier that trusted any list would let a captured event be re-signed over a
 * field nobody reads (`transaction.blob`) while status, amount and reference are rewritten.
 * Only the documented scalar fields of a transaction (§1.3) may appear, each at most once, and
 * the three that decide a payment must all be signed.
 */
export const WOMPI_SIGNABLE_PROPERTIES: ReadonlySet<string> = new Set(
  ['id', 'reference', 'status', 'amount_in_cents', 'currency', 'payment_method_type', 'customer_email', 'redirect_url', 'payment_link_id', 'payment_source_id', 'created_at', 'finalized_at', 'status_message'].map(
    (field) => `transaction.${field}`,
  ),
);
export const WOMPI_REQUIRED_SIGNED_PROPERTIES = ['transaction.id', 'transaction.status', 'transaction.amount_in_cents'] as const;

/**
 * How far an event's `timestamp` may lie in the past. Wompi retries a failed delivery 30 min,
 * 3 h and 24 h after the first attempt (§1.3) and does not document whether a retry keeps the
 * first timestamp, so the window covers the last retry (24 h) plus an hour of slack. Older
 * events are refused; the reconciler asks Wompi for anything still pending by then.
 */
export const WOMPI_EVENT_MAX_AGE_SECONDS = 25 * 60 * 60;
/** Clock skew tolerated for timestamps in the future. */
export const WOMPI_EVENT_MAX_SKEW_SECONDS = 5 * 60;

/** Body `environment` values (§1.3). */
const WOMPI_EVENT_ENVIRONMENT: Record<GatewayEnvironment, string> = { sandbox: 'test', production: 'prod' };

// ---------------------------------------------------------------------------------------------
// Status mapping (§1.4)
// ---------------------------------------------------------------------------------------------

const WOMPI_STATUSES = ['APPROVED', 'DECLINED', 'VOIDED', 'ERROR', 'PENDING'] as const;
type WompiStatus = (typeof WOMPI_STATUSES)[number];

function isWompiStatus(value: string): value is WompiStatus {
  return (WOMPI_STATUSES as readonly string[]).includes(value);
}

/** Wompi `status` → ours. Unknown values stay pending (never approved) and carry a warning. */
export function mapWompiStatus(status: string): StatusMapping {
  if (!isWompiStatus(status)) return { status: 'pending', warning: `unknown Wompi status "${status}" treated as pending` };
  switch (status) {
    case 'APPROVED':
      return { status: 'approved' };
    case 'DECLINED':
      return { status: 'declined' };
    case 'VOIDED':
      return { status: 'voided' };
    case 'ERROR':
      return { status: 'error' };
    case 'PENDING':
      return { status: 'pending' };
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures (§1.2a, §1.3)
// ---------------------------------------------------------------------------------------------

export interface WompiIntegrityInput {
  reference: string;
  amountInCents: number;
  currency: string;
  /** Exactly the `expiration-time` string sent in the URL, when there is one. */
  expirationTime?: string;
}

/** `SHA256(reference + amountInCents + currency [+ expirationTime] + integritySecret)`, hex. */
export function wompiIntegritySignature(input: WompiIntegrityInput, integritySecret: string): string {
  return sha256Hex(`${input.reference}${input.amountInCents}${input.currency}${input.expirationTime ?? ''}${integritySecret}`);
}

/**
 * Reads one `signature.properties` path inside `data` (never from the envelope root, §1.8) and
 * stringifies it the way Wompi concatenates it. Null becomes ''. Returns undefined when the path
 * is missing or points at an object, which cannot be part of a checksum.
 */
function readSignedProperty(data: Record<string, unknown>, path: string): string | undefined {
  let current: unknown = data;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, segment)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === null) return '';
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return undefined;
}

/**
 * The checksum Wompi puts in `signature.checksum`: values of `properties` read from `data` in
 * array order, then the timestamp, then the events secret; plain SHA-256, hex (§1.3). Returns
 * null when a property is missing from `data`.
 */
export function wompiEventChecksum(envelope: Pick<TWompiEventEnvelope, 'data' | 'signature' | 'timestamp'>, eventsSecret: string): string | null {
  let concatenated = '';
  for (const path of envelope.signature.properties) {
    const value = readSignedProperty(envelope.data, path);
    if (value === undefined) return null;
    concatenated += value;
  }
  return sha256Hex(`${concatenated}${String(envelope.timestamp)}${eventsSecret}`);
}

/**
 * Wompi wants ISO 8601 in UTC (§1.2a). Normalizing once guarantees the URL parameter and the
 * signed string are the same characters.
 */
function toWompiExpirationTime(expiresAt: string): string {
  const date = new Date(expiresAt);
  if (Number.isNaN(date.getTime())) throw new RangeError('expiresAt is not a valid ISO date');
  return date.toISOString();
}

/** Wompi's phone field takes the national number; the prefix goes in its own parameter. */
function nationalPhoneNumber(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 12 && digits.startsWith('57') ? digits.slice(2) : digits;
}

function pickTransaction(transactions: TWompiTransaction[]): TWompiTransaction | undefined {
  // A payment retry leaves a DECLINED and an APPROVED transaction under one reference (§1.4):
  // any approval wins; otherwise the latest final attempt; otherwise the latest pending one.
  const approved = transactions.find((tx) => tx.status === 'APPROVED');
  if (approved) return approved;
  const latestFirst = [...transactions].sort((a, b) => timeOf(b) - timeOf(a));
  return latestFirst.find((tx) => isWompiStatus(tx.status) && tx.status !== 'PENDING') ?? latestFirst[0];
}

function timeOf(tx: TWompiTransaction): number {
  const time = Date.parse(tx.finalized_at ?? tx.created_at ?? '');
  return Number.isNaN(time) ? 0 : time;
}

function toResult(tx: TWompiTransaction): GatewayResult {
  const mapped = mapWompiStatus(tx.status);
  return {
    gateway: 'wompi',
    reference: tx.reference,
    transactionId: tx.id,
    status: mapped.status,
    amountInCents: tx.amount_in_cents,
    currency: tx.currency,
    method: tx.payment_method_type ?? null,
    message: tx.status_message ?? null,
    ...(mapped.warning ? { warning: mapped.warning } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Adapter
// ---------------------------------------------------------------------------------------------

export const wompiAdapter: GatewayAdapter<TWompiCredentials, 'wompi'> = {
  id: 'wompi',
  name: 'Wompi',
  displayName: 'Wompi (Tarjeta, Nequi, PSE)',
  ownerListing: 'always',
  offerOrder: 10,
  credentialFields: [
    { key: 'publicKey', label: 'Llave pública', secret: true },
    { key: 'privateKey', label: 'Llave privada', secret: true },
    { key: 'integritySecret', label: 'Secreto de integridad', secret: true },
    { key: 'eventsSecret', label: 'Secreto de eventos', secret: true },
  ],
  // Wompi also sends the body's checksum as a header (§1.3); we read the body's.
  signatureHeaders: ['x-event-checksum'],
  returnQueryParameters: ['id'],
  endpointVariables: { apiUrl: 'WOMPI_API_URL', checkoutUrl: 'WOMPI_CHECKOUT_URL' },
  credentialsSchema: ZWompiCredentialsSchema,
  capabilities: { statusLookup: true, refunds: false },

  defaultEndpoints(environment: GatewayEnvironment, _publicBaseUrl: string): GatewayEndpoints {
    return {
      apiUrl: environment === 'production' ? 'https://production.wompi.co/v1' : 'https://sandbox.wompi.co/v1',
      // One checkout host for both: the public key prefix picks the environment (§1.1).
      checkoutUrl: 'https://checkout.wompi.co/p/',
    };
  },

  async createPaymentLink(input: CreatePaymentLinkInput, ctx: GatewayContext<TWompiCredentials>): Promise<PaymentLink> {
    const amountInCents = pesosToCents(input.amountInPesos);
    const expirationTime = input.expiresAt === undefined ? undefined : toWompiExpirationTime(input.expiresAt);
    const signature = wompiIntegritySignature(
      { reference: input.reference, amountInCents, currency: WOMPI_CURRENCY, expirationTime },
      ctx.creds.integritySecret,
    );
    // URLSearchParams encodes `signature:integrity` as `signature%3Aintegrity`, as a browser
    // submitting the documented GET form does (§1.2a).
    const params = new URLSearchParams();
    params.set('public-key', ctx.creds.publicKey);
    params.set('currency', WOMPI_CURRENCY);
    params.set('amount-in-cents', String(amountInCents));
    params.set('reference', input.reference);
    params.set('signature:integrity', signature);
    params.set('redirect-url', input.returnUrl);
    if (expirationTime !== undefined) params.set('expiration-time', expirationTime);
    if (input.customerPhone) {
      params.set('customer-data:phone-number', nationalPhoneNumber(input.customerPhone));
      params.set('customer-data:phone-number-prefix', COLOMBIA_PHONE_PREFIX);
    }
    return { kind: 'redirect', url: `${ctx.endpoints.checkoutUrl}?${params.toString()}` };
  },

  async fetchResult(reference: PaymentReference, ctx: GatewayContext<TWompiCredentials>): Promise<GatewayResult | null> {
    let body: unknown;
    try {
      const response = await axios.get(`${ctx.endpoints.apiUrl}/transactions`, {
        params: { reference },
        headers: { Authorization: `Bearer ${ctx.creds.privateKey}`, Accept: 'application/json' },
        timeout: GATEWAY_TIMEOUT_MS,
      });
      body = response.data;
    } catch (error) {
      throw toGatewayError('wompi', 'transaction search', error);
    }
    const parsed = ZWompiTransactionSearchResponseSchema.safeParse(body);
    if (!parsed.success) throw invalidGatewayResponse('wompi', 'transaction search', parsed.error);
    // The search parameters are UNCONFIRMED (§1.5): keep only exact matches of our reference.
    const chosen = pickTransaction(parsed.data.data.filter((tx) => tx.reference === reference));
    return chosen ? toResult(chosen) : null;
  },

  readReference(webhook: RawWebhook): PaymentReference | null {
    const body = parseJsonOrUndefined(webhook.rawBody);
    const parsed = z.object({ data: z.object({ transaction: z.object({ reference: z.string().min(1) }) }) }).safeParse(body);
    return parsed.success ? parsed.data.data.transaction.reference : null;
  },

  verifyWebhook(webhook: RawWebhook, ctx: GatewayContext<TWompiCredentials>): WebhookVerification {
    const { eventsSecret, environment } = ctx.creds;
    if (!eventsSecret) throw new WebhookSignatureError('Wompi events secret is empty', 'tenant credentials have no eventsSecret');

    const body = parseJsonOrUndefined(webhook.rawBody);
    if (body === undefined) {
      throw new WebhookSignatureError('Wompi event body is not JSON', 'body was truncated or is not the bytes Wompi sent');
    }
    const envelope = ZWompiEventEnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      throw new WebhookSignatureError(
        'Wompi event lacks signature.properties, signature.checksum, timestamp, data or environment',
        'not a Wompi event, or the body was re-serialized from a partial object',
      );
    }
    const event = envelope.data;

    // A `test` event must never touch production orders, nor the reverse (§1.3).
    const expectedEnvironment = WOMPI_EVENT_ENVIRONMENT[environment];
    if (event.environment !== expectedEnvironment) {
      throw new WebhookSignatureError(
        `Wompi event environment "${event.environment}" does not match the tenant's ${environment} credentials`,
        'the events URL is configured in the other environment of the Wompi dashboard',
      );
    }

    if (!isHexDigest(event.signature.checksum, 64)) {
      throw new WebhookSignatureError('Wompi signature.checksum is not a SHA-256 hex digest', 'malformed checksum');
    }
    const properties = event.signature.properties;
    const undocumented = properties.filter((path) => !WOMPI_SIGNABLE_PROPERTIES.has(path));
    if (undocumented.length > 0 || new Set(properties).size !== properties.length) {
      throw new WebhookSignatureError(
        'Wompi signature.properties names a path that is not a documented transaction field, or names one twice',
        'a captured event re-signed over other fields',
      );
    }
    const unsigned = WOMPI_REQUIRED_SIGNED_PROPERTIES.filter((path) => !properties.includes(path));
    if (unsigned.length > 0) {
      throw new WebhookSignatureError(`Wompi signature.properties leaves out ${unsigned.join(', ')}`, 'a captured event re-signed over fewer fields');
    }
    const ageSeconds = Math.floor(ctx.now().getTime() / 1000) - event.timestamp;
    if (ageSeconds > WOMPI_EVENT_MAX_AGE_SECONDS || ageSeconds < -WOMPI_EVENT_MAX_SKEW_SECONDS) {
      throw new WebhookSignatureError(
        `Wompi event timestamp is ${ageSeconds} s from now, outside Wompi's retry window`,
        "a replayed event, or this server's clock is wrong",
      );
    }
    const expected = wompiEventChecksum(event, eventsSecret);
    if (expected === null) {
      throw new WebhookSignatureError(
        'a path in signature.properties is missing from data',
        'body was re-serialized from a partial object, or the event was altered',
      );
    }
    if (!timingSafeEqualHex(expected, event.signature.checksum)) {
      throw new WebhookSignatureError(
        'Wompi event checksum does not match',
        whitespaceHint(eventsSecret, 'events secret') ?? 'wrong events secret (another tenant or environment), or the body was altered',
      );
    }
    // The checksum also arrives in X-Event-Checksum; when present it must agree (§1.3).
    const header = readHeader(webhook.headers, 'x-event-checksum');
    if (header !== null && !timingSafeEqualHex(expected, header)) {
      throw new WebhookSignatureError('X-Event-Checksum header does not match the body checksum', 'header and body come from different events');
    }
    // The reference is not signed by the documented property list: confirm at the source (#12).
    return { environment, testMode: false, confirmAtSource: true };
  },

  async lookupTransaction(lookup: TransactionLookup, ctx: GatewayContext<TWompiCredentials>): Promise<GatewayResult | null> {
    let body: unknown;
    try {
      // Whether this call needs a key is UNCONFIRMED (§1.5): the public key is sent, which is
      // harmless if none is needed and never exposes the private one.
      const response = await axios.get(`${ctx.endpoints.apiUrl}/transactions/${encodeURIComponent(lookup.transactionId)}`, {
        headers: { Authorization: `Bearer ${ctx.creds.publicKey}`, Accept: 'application/json' },
        timeout: GATEWAY_TIMEOUT_MS,
        validateStatus: (status) => (status >= 200 && status < 300) || status === 404,
      });
      if (response.status === 404) return null;
      body = response.data;
    } catch (error) {
      throw toGatewayError('wompi', 'transaction lookup', error);
    }
    const parsed = ZWompiTransactionResponseSchema.safeParse(body);
    if (!parsed.success) throw invalidGatewayResponse('wompi', 'transaction lookup', parsed.error);
    return parsed.data.data.id === lookup.transactionId ? toResult(parsed.data.data) : null;
  },

  parseWebhook(webhook: RawWebhook): GatewayResult | { ignored: string } {
    const body = parseJsonOrUndefined(webhook.rawBody);
    const envelope = z.object({ event: z.string() }).safeParse(body);
    if (!envelope.success) throw invalidWebhookBody('wompi', envelope.error);
    // The list of event types may grow: ignore what we do not handle (§1.3).
    if (envelope.data.event !== 'transaction.updated') return { ignored: `Wompi event type "${envelope.data.event}" is not handled` };
    const parsed = ZWompiTransactionUpdatedEventSchema.safeParse(body);
    if (!parsed.success) throw invalidWebhookBody('wompi', parsed.error);
    return toResult(parsed.data.data.transaction);
  },
};
