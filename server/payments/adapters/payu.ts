/**
 * PayU Latam (Colombia). Protocol facts: reference/gateways.md §3.
 *
 * - No link API: WebCheckout is a POST form (§3.2a), so the link is a form our /pay page
 *   auto-submits. Amounts are PESOS as a decimal string; we send integer pesos ("45000").
 * - Confirmations are form-urlencoded POSTs signed with MD5/SHA of
 *   `ApiKey~merchant_id~reference_sale~new_value~currency~state_pol` (§3.3), where `new_value`
 *   follows the CONFIRMATION rule, not the response-page rule (§3.8).
 * - The poller uses the Queries API `ORDER_DETAIL_BY_REFERENCE_CODE` (§3.5).
 */
import axios from 'axios';
import { z } from 'zod';
import { ErrorCode, GatewayError, WebhookSignatureError } from '../../errors';
import { decimalPesosToCents } from '../../money';
import {
  GATEWAY_ENVIRONMENTS,
  AMOUNT_UNKNOWN_IN_CENTS,
  type CreatePaymentLinkInput,
  type GatewayAdapter,
  type GatewayContext,
  type GatewayEndpoints,
  type GatewayEnvironment,
  type GatewayResult,
  type PaymentLink,
  type PaymentReference,
  type RawWebhook,
  type TransactionLookup,
  type WebhookVerification,
} from '../gateway';
import {
  type DigestAlgorithm,
  GATEWAY_TIMEOUT_MS,
  hashHex,
  invalidGatewayResponse,
  invalidWebhookBody,
  isHexDigest,
  jsonPesosToCents,
  type StatusMapping,
  timingSafeEqualHex,
  toGatewayError,
  whitespaceHint,
} from '../signatures';

const PAYU_CURRENCY = 'COP';
/** WebCheckout requires a buyer e-mail (§3.2a); chat customers have none, so we send a
 * placeholder under the reserved `.invalid` TLD (RFC 2606) that can never reach a real inbox. */
const PLACEHOLDER_EMAIL_DOMAIN = 'whatsapp.invalid';
const PLACEHOLDER_BUYER_NAME = 'Cliente WhatsApp';
/** WebCheckout limits `description` to 255 characters (§3.2a). */
const PAYU_DESCRIPTION_MAX_CHARS = 255;
const QUERIES_PATH = '/reports-api/4.0/service.cgi';
/**
 * PayU's Queries API schedule (§3.4, queries page): the first query about seven minutes after
 * the transaction is created, then no more often than every ten minutes (bank transfers).
 */
export const PAYU_FIRST_QUERY_AFTER_MS = 7 * 60_000;
export const PAYU_QUERY_EVERY_MS = 10 * 60_000;
/** Colombia's offset: `expirationDate` carries no zone (see payuExpirationDate). */
const BOGOTA_OFFSET_MS = -5 * 60 * 60_000;
/** PayU refuses an expirationDate 7 days or more ahead outside Argentina (§3.2a). */
const PAYU_MAX_EXPIRATION_MS = 7 * 24 * 60 * 60_000;

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

export const PAYU_ALGORITHMS = ['MD5', 'SHA', 'SHA256'] as const;
export type PayuAlgorithm = (typeof PAYU_ALGORITHMS)[number];

export const ZPayuCredentialsSchema = z.object({
  environment: z.enum(GATEWAY_ENVIRONMENTS),
  merchantId: z.string().trim().regex(/^\d+$/, 'PayU merchantId is numeric (e.g. 508029)'),
  accountId: z.string().trim().regex(/^\d+$/, 'PayU accountId is numeric (e.g. 512321 for Colombia)'),
  apiKey: z.string().trim().min(1),
  apiLogin: z.string().trim().min(1),
  /** Signature algorithm configured for the account; MD5 when absent (PayU's default, §3.2a). */
  algorithm: z.enum(PAYU_ALGORITHMS).optional(),
});
export type TPayuCredentials = z.output<typeof ZPayuCredentialsSchema>;

const DIGEST_BY_ALGORITHM: Record<PayuAlgorithm, DigestAlgorithm> = { MD5: 'md5', SHA: 'sha1', SHA256: 'sha256' };
const HEX_LENGTH_BY_ALGORITHM: Record<PayuAlgorithm, number> = { MD5: 32, SHA: 40, SHA256: 64 };

function algorithmOf(creds: Pick<TPayuCredentials, 'algorithm'>): PayuAlgorithm {
  return creds.algorithm ?? 'MD5';
}

/** PayU's signatures: the `~`-joined parts hashed with the account's algorithm, lowercase hex. */
export function payuSignature(parts: readonly string[], algorithm: PayuAlgorithm = 'MD5'): string {
  return hashHex(DIGEST_BY_ALGORITHM[algorithm], parts.join('~'));
}

// ---------------------------------------------------------------------------------------------
// Wire schemas
// ---------------------------------------------------------------------------------------------

/** Confirmation page POST, form-urlencoded (§3.3). Extra fields pass. */
export const ZPayuConfirmationSchema = z.object({
  merchant_id: z.string().min(1),
  reference_sale: z.string().min(1),
  reference_pol: z.string().optional(),
  transaction_id: z.string().min(1),
  state_pol: z.string().regex(/^\d+$/),
  response_code_pol: z.string().optional(),
  response_message_pol: z.string().optional(),
  value: z.string().min(1),
  currency: z.string().min(1),
  payment_method_type: z.string().optional(),
  payment_method_name: z.string().optional(),
  sign: z.string().min(1),
});
export type TPayuConfirmation = z.output<typeof ZPayuConfirmationSchema>;

const ZPayuTransactionSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  paymentMethod: z.string().nullish(),
  operationDate: z.union([z.number(), z.string()]).nullish(),
  transactionResponse: z.object({
    state: z.string().min(1),
    responseCode: z.string().nullish(),
    responseMessage: z.string().nullish(),
    operationDate: z.union([z.number(), z.string()]).nullish(),
  }),
});
export type TPayuTransaction = z.output<typeof ZPayuTransactionSchema>;

/** `additionalValues.TX_VALUE`; its path in Queries answers is UNCONFIRMED (§3.5, §5). */
const ZPayuTxValueSchema = z.object({ value: z.union([z.number(), z.string()]), currency: z.string().min(1).optional() });

export const ZPayuOrderSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  referenceCode: z.string().min(1),
  status: z.string().nullish(),
  additionalValues: z.record(z.string(), z.unknown()).nullish(),
  transactions: z.array(ZPayuTransactionSchema).nullish(),
});
export type TPayuOrder = z.output<typeof ZPayuOrderSchema>;

export const ZPayuQueryResponseSchema = z.object({
  code: z.string(),
  error: z.string().nullish(),
  result: z.object({ payload: z.array(ZPayuOrderSchema).nullish() }).nullish(),
});
export type TPayuQueryResponse = z.output<typeof ZPayuQueryResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Status mapping (§3.4, §4)
// ---------------------------------------------------------------------------------------------

/** `response_code_pol` values PayU uses for technical errors filed under state 6 (§3.4). */
const TECHNICAL_ERROR_CODES = new Set(['9995', '9996', '9997', '9998', '9999']);

const PAYU_STATE_POL = ['4', '5', '6', '7', '104'] as const;
type PayuStatePol = (typeof PAYU_STATE_POL)[number];

function isPayuStatePol(value: string): value is PayuStatePol {
  return (PAYU_STATE_POL as readonly string[]).includes(value);
}

/**
 * Confirmation `state_pol` → ours. Only 4/5/6 are documented for the confirmation page; 104 and 7
 * are response-page values mapped defensively (§4). Unknown → pending with a warning.
 */
export function mapPayuStatePol(statePol: string, responseCodePol?: string): StatusMapping {
  if (!isPayuStatePol(statePol)) return { status: 'pending', warning: `unknown PayU state_pol "${statePol}" treated as pending` };
  switch (statePol) {
    case '4':
      return { status: 'approved' };
    case '6':
      return { status: responseCodePol !== undefined && TECHNICAL_ERROR_CODES.has(responseCodePol) ? 'error' : 'declined' };
    case '5':
      return { status: 'declined' }; // expired: closed without payment
    case '104':
      return { status: 'error' };
    case '7':
      return { status: 'pending' };
    default: {
      const unreachable: never = statePol;
      return unreachable;
    }
  }
}

const PAYU_TRANSACTION_STATES = ['APPROVED', 'DECLINED', 'EXPIRED', 'ERROR', 'PENDING', 'SUBMITTED'] as const;
type PayuTransactionState = (typeof PAYU_TRANSACTION_STATES)[number];

function isPayuTransactionState(value: string): value is PayuTransactionState {
  return (PAYU_TRANSACTION_STATES as readonly string[]).includes(value);
}

/** Queries API `transactionResponse.state` → ours, like `lapTransactionState` (§3.4). */
export function mapPayuTransactionState(state: string): StatusMapping {
  if (!isPayuTransactionState(state)) return { status: 'pending', warning: `unknown PayU transaction state "${state}" treated as pending` };
  switch (state) {
    case 'APPROVED':
      return { status: 'approved' };
    case 'DECLINED':
    case 'EXPIRED':
      return { status: 'declined' };
    case 'ERROR':
      return { status: 'error' };
    case 'PENDING':
    case 'SUBMITTED':
      return { status: 'pending' };
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

/** `payment_method_type` codes (§3.3), used when `payment_method_name` is absent. */
const PAYMENT_METHOD_TYPE_NAMES: Record<string, string> = {
  '2': 'CREDIT_CARD',
  '4': 'PSE',
  '5': 'ACH',
  '6': 'DEBIT_CARD',
  '7': 'CASH',
  '8': 'REFERENCED',
  '10': 'BANK_REFERENCED',
};

// ---------------------------------------------------------------------------------------------
// Amount strings for signatures (§3.3, §3.8): string/integer arithmetic, never floats
// ---------------------------------------------------------------------------------------------

const DECIMAL_VALUE = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Confirmation-page `new_value`: two decimals whose second is 0 become one decimal
 * (45000.00 → 45000.0, 150.50 → 150.5); otherwise both stay (150.26). A value with no decimals
 * is first normalized to two (45000 → 45000.00 → 45000.0): that case is UNCONFIRMED (§3.3).
 * Returns null when `value` is not a decimal with at most two decimals.
 */
export function payuConfirmationNewValue(value: string): string | null {
  const match = DECIMAL_VALUE.exec(value);
  if (!match) return null;
  const decimals = (match[2] ?? '').padEnd(2, '0');
  return decimals[1] === '0' ? `${match[1]}.${decimals[0]}` : `${match[1]}.${decimals}`;
}

/**
 * Form fields of a form-urlencoded body. The first occurrence of a name wins, so a duplicated
 * field cannot shadow the value that was signed.
 */
function parseForm(rawBody: Buffer): Record<string, string> {
  const params = new URLSearchParams(rawBody.toString('utf8'));
  const fields: Record<string, string> = {};
  for (const [name, value] of params) if (!Object.hasOwn(fields, name)) fields[name] = value;
  return fields;
}

/**
 * The amount of a Queries API order. The reference marks the path as UNCONFIRMED (§3.5), so we
 * read `order.additionalValues.TX_VALUE.value` when it is there and otherwise report
 * AMOUNT_UNKNOWN_IN_CENTS: the caller must then trust the amount of its own payment record.
 */
function orderAmount(order: TPayuOrder): { amountInCents: number; currency: string; warning?: string } {
  const txValue = ZPayuTxValueSchema.safeParse(order.additionalValues?.['TX_VALUE']);
  if (txValue.success) {
    const { value, currency } = txValue.data;
    const cents = typeof value === 'number' ? jsonPesosToCents(value) : decimalPesosToCents(value);
    if (cents !== null) return { amountInCents: cents, currency: currency ?? PAYU_CURRENCY };
  }
  return {
    amountInCents: AMOUNT_UNKNOWN_IN_CENTS,
    currency: PAYU_CURRENCY,
    warning: 'PayU order has no readable additionalValues.TX_VALUE; amount unknown, trust the payment record',
  };
}

function operationTime(tx: TPayuTransaction): number {
  const raw = tx.transactionResponse.operationDate ?? tx.operationDate;
  const time = typeof raw === 'number' ? raw : Date.parse(raw ?? '');
  return Number.isFinite(time) ? time : 0;
}

function pickTransaction(orders: TPayuOrder[]): { order: TPayuOrder; tx: TPayuTransaction } | undefined {
  const candidates = orders.flatMap((order) => (order.transactions ?? []).map((tx) => ({ order, tx })));
  // One order may hold several attempts (§3.3): any approval wins, then the latest final
  // attempt, then the latest pending one.
  const approved = candidates.find((c) => c.tx.transactionResponse.state === 'APPROVED');
  if (approved) return approved;
  const latestFirst = [...candidates].sort((a, b) => operationTime(b.tx) - operationTime(a.tx));
  const isFinal = (state: string) => ['DECLINED', 'EXPIRED', 'ERROR'].includes(state);
  return latestFirst.find((c) => isFinal(c.tx.transactionResponse.state)) ?? latestFirst[0];
}

/**
 * WebCheckout `expirationDate` (`YYYY-MM-DD HH:mm:ss`, §3.2a): it bounds cash vouchers (Efecty),
 * which otherwise stay payable about 8 days; cards and PSE settle at once. The format has no
 * zone and PayU does not say which it reads: the time is written in Colombia's (UTC−5), so if
 * PayU read it as UTC the link would close five hours early, never late (#12). Capped below
 * PayU's 7-day limit.
 */
export function payuExpirationDate(expiresAt: string, now: Date): string {
  const milliseconds = Date.parse(expiresAt);
  if (Number.isNaN(milliseconds)) throw new RangeError('expiresAt is not a valid ISO date');
  const capped = Math.min(milliseconds, now.getTime() + PAYU_MAX_EXPIRATION_MS - 60_000);
  return new Date(capped + BOGOTA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

async function queryOrders(reference: PaymentReference, ctx: GatewayContext<TPayuCredentials>, operation: string): Promise<TPayuOrder[]> {
  const { creds } = ctx;
  const request = {
    test: creds.environment === 'sandbox',
    language: 'es',
    command: 'ORDER_DETAIL_BY_REFERENCE_CODE',
    merchant: { apiLogin: creds.apiLogin, apiKey: creds.apiKey },
    details: { referenceCode: reference },
  };
  let body: unknown;
  try {
    const response = await axios.post(`${ctx.endpoints.apiUrl}${QUERIES_PATH}`, request, {
      // Without these PayU answers XML (§3.1).
      headers: { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json' },
      timeout: GATEWAY_TIMEOUT_MS,
    });
    body = response.data;
  } catch (error) {
    throw toGatewayError('payu', operation, error);
  }
  const parsed = ZPayuQueryResponseSchema.safeParse(body);
  if (!parsed.success) throw invalidGatewayResponse('payu', operation, parsed.error);
  if (parsed.data.code !== 'SUCCESS') {
    // PayU reports refusals inside a 2xx body; its text is about our request, never a secret.
    throw new GatewayError('payu', {
      code: ErrorCode.GATEWAY_REJECTED,
      message: `payu ${operation}: code ${parsed.data.code}`,
      retryable: false,
      details: { operation, upstreamError: parsed.data.error?.slice(0, 200) ?? null },
    });
  }
  // An empty payload means the payer has not reached PayU with this reference yet (§3.5).
  return (parsed.data.result?.payload ?? []).filter((order) => order.referenceCode === reference);
}

function toQueryResult(reference: string, order: TPayuOrder, tx: TPayuTransaction): GatewayResult {
  const mapped = mapPayuTransactionState(tx.transactionResponse.state);
  const amount = orderAmount(order);
  const warning = [mapped.warning, amount.warning].filter(Boolean).join('; ');
  return {
    gateway: 'payu',
    reference,
    transactionId: tx.id,
    status: mapped.status,
    amountInCents: amount.amountInCents,
    currency: amount.currency,
    method: tx.paymentMethod ?? null,
    message: tx.transactionResponse.responseMessage ?? tx.transactionResponse.responseCode ?? null,
    ...(warning ? { warning } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Adapter
// ---------------------------------------------------------------------------------------------

export const payuAdapter: GatewayAdapter<TPayuCredentials, 'payu'> = {
  id: 'payu',
  name: 'PayU',
  displayName: 'PayU (Tarjeta, PSE, Efecty)',
  ownerListing: 'always',
  offerOrder: 30,
  credentialFields: [
    { key: 'merchantId', label: 'Merchant ID', secret: true },
    { key: 'accountId', label: 'Account ID', secret: true },
    { key: 'apiKey', label: 'API key / llave de identidad', secret: true },
    { key: 'apiLogin', label: 'API login', secret: true },
    // A setting, not a secret: shown in full.
    { key: 'algorithm', label: 'Algoritmo de firma (MD5, SHA, SHA256)', secret: false },
  ],
  // The confirmation's signature travels in the form body (`sign`), not in a header.
  signatureHeaders: [],
  returnQueryParameters: ['transactionState', 'referenceCode'],
  endpointVariables: { apiUrl: 'PAYU_API_URL', checkoutUrl: 'PAYU_CHECKOUT_URL' },
  credentialsSchema: ZPayuCredentialsSchema,
  capabilities: { statusLookup: true, refunds: false, statusQuerySchedule: { firstAfterMs: PAYU_FIRST_QUERY_AFTER_MS, everyMs: PAYU_QUERY_EVERY_MS } },

  defaultEndpoints(environment: GatewayEnvironment, _publicBaseUrl: string): GatewayEndpoints {
    return environment === 'production'
      ? { apiUrl: 'https://api.payulatam.com', checkoutUrl: 'https://checkout.payulatam.com/ppp-web-gateway-payu/' }
      : { apiUrl: 'https://sandbox.api.payulatam.com', checkoutUrl: 'https://sandbox.checkout.payulatam.com/ppp-web-gateway-payu/' };
  },

  async createPaymentLink(input: CreatePaymentLinkInput, ctx: GatewayContext<TPayuCredentials>): Promise<PaymentLink> {
    const { creds } = ctx;
    if (!Number.isSafeInteger(input.amountInPesos) || input.amountInPesos < 0) {
      throw new RangeError(`not an integer peso amount: ${input.amountInPesos}`);
    }
    // Whole pesos, and exactly the same string in the form and in the signature (§3.8).
    const amount = String(input.amountInPesos);
    const algorithm = algorithmOf(creds);
    const fields: Record<string, string> = {
      merchantId: creds.merchantId,
      accountId: creds.accountId,
      description: Array.from(input.description.trim() || `Pedido ${input.reference}`).slice(0, PAYU_DESCRIPTION_MAX_CHARS).join(''),
      referenceCode: input.reference,
      amount,
      // Explicit 0/0: omitting tax makes PayU add 19 % VAT for régimen-común merchants (§3.6).
      tax: '0',
      taxReturnBase: '0',
      currency: PAYU_CURRENCY,
      signature: payuSignature([creds.apiKey, creds.merchantId, input.reference, amount, PAYU_CURRENCY], algorithm),
      algorithmSignature: algorithm,
      test: creds.environment === 'sandbox' ? '1' : '0',
      buyerEmail: `${input.customerPhone?.replace(/\D/g, '') || 'cliente'}@${PLACEHOLDER_EMAIL_DOMAIN}`,
      buyerFullName: input.customerName?.trim() || PLACEHOLDER_BUYER_NAME,
      responseUrl: input.returnUrl,
      confirmationUrl: input.notificationUrl,
    };
    if (input.customerPhone) fields.telephone = input.customerPhone;
    if (input.expiresAt !== undefined) fields.expirationDate = payuExpirationDate(input.expiresAt, ctx.now());
    return { kind: 'form', action: ctx.endpoints.checkoutUrl, fields };
  },

  async fetchResult(reference: PaymentReference, ctx: GatewayContext<TPayuCredentials>): Promise<GatewayResult | null> {
    const chosen = pickTransaction(await queryOrders(reference, ctx, 'order query'));
    return chosen ? toQueryResult(reference, chosen.order, chosen.tx) : null;
  },

  async lookupTransaction(lookup: TransactionLookup, ctx: GatewayContext<TPayuCredentials>): Promise<GatewayResult | null> {
    // By reference, then the attempt with this id: TRANSACTION_RESPONSE_DETAIL answers the
    // state only, without the reference and amount we must compare (§3.5).
    for (const order of await queryOrders(lookup.reference, ctx, 'transaction lookup')) {
      const tx = (order.transactions ?? []).find((candidate) => candidate.id === lookup.transactionId);
      if (tx) return toQueryResult(lookup.reference, order, tx);
    }
    return null;
  },

  readReference(webhook: RawWebhook): PaymentReference | null {
    const reference = parseForm(webhook.rawBody).reference_sale;
    return reference ? reference : null;
  },

  verifyWebhook(webhook: RawWebhook, ctx: GatewayContext<TPayuCredentials>): WebhookVerification {
    const { creds } = ctx;
    if (!creds.apiKey) throw new WebhookSignatureError('PayU apiKey is empty', 'tenant credentials have no apiKey');
    const fields = parseForm(webhook.rawBody);
    const { sign, merchant_id: merchantId, reference_sale: referenceSale, value, currency, state_pol: statePol } = fields;
    if (!sign || !merchantId || !referenceSale || !value || !currency || !statePol) {
      throw new WebhookSignatureError(
        'PayU confirmation lacks sign, merchant_id, reference_sale, value, currency or state_pol',
        'body is not form-urlencoded, or a JSON-only body parser consumed it (§3.8)',
      );
    }
    const algorithm = algorithmOf(creds);
    if (!isHexDigest(sign, HEX_LENGTH_BY_ALGORITHM[algorithm])) {
      const other = PAYU_ALGORITHMS.find((a) => isHexDigest(sign, HEX_LENGTH_BY_ALGORITHM[a]));
      throw new WebhookSignatureError(
        `PayU sign is not a ${algorithm} hex digest`,
        other ? `the PayU account signs with ${other}; set the tenant's algorithm to ${other}` : 'malformed sign',
      );
    }
    if (merchantId !== creds.merchantId) {
      throw new WebhookSignatureError('PayU merchant_id does not match the tenant', 'confirmation for another merchant or tenant');
    }
    const newValue = payuConfirmationNewValue(value);
    if (newValue === null) throw new WebhookSignatureError('PayU value is not a decimal amount', 'malformed value');
    // Every part comes from the POST itself, not from our records (§3.3).
    const expected = payuSignature([creds.apiKey, merchantId, referenceSale, newValue, currency, statePol], algorithm);
    if (!timingSafeEqualHex(expected, sign)) {
      throw new WebhookSignatureError(
        'PayU sign does not match',
        whitespaceHint(creds.apiKey, 'apiKey') ?? 'wrong apiKey, or a field was altered (check the new_value rounding rule)',
      );
    }
    // `sign` leaves out transaction_id (§3.3): confirm the attempt at the source (#12).
    return { environment: creds.environment, testMode: false, confirmAtSource: true };
  },

  parseWebhook(webhook: RawWebhook): GatewayResult | { ignored: string } {
    const parsed = ZPayuConfirmationSchema.safeParse(parseForm(webhook.rawBody));
    if (!parsed.success) throw invalidWebhookBody('payu', parsed.error);
    const confirmation = parsed.data;
    // `value` is decimal pesos ("45000.00"): converted on the string, never as a float (§3.6).
    const amountInCents = decimalPesosToCents(confirmation.value);
    if (amountInCents === null) throw invalidWebhookBody('payu', 'value');
    const mapped = mapPayuStatePol(confirmation.state_pol, confirmation.response_code_pol);
    const typeCode = confirmation.payment_method_type;
    const method =
      confirmation.payment_method_name || (typeCode ? (PAYMENT_METHOD_TYPE_NAMES[typeCode] ?? `TYPE_${typeCode}`) : null);
    return {
      gateway: 'payu',
      reference: confirmation.reference_sale,
      // transaction_id differs per attempt; reference_pol (the PayU order) is shared (§3.3).
      transactionId: confirmation.transaction_id,
      status: mapped.status,
      amountInCents,
      currency: confirmation.currency,
      method,
      message: confirmation.response_message_pol || null,
      ...(mapped.warning ? { warning: mapped.warning } : {}),
    };
  },
};
