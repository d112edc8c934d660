/**
 * Our own demo gateway ("Pago de prueba"): a checkout page served by this app at
 * `${checkoutUrl}/${reference}` and webhooks signed with HMAC-SHA256 (hex) over the raw body,
 * header `x-sandbox-signature`. It never talks to a third party, so it has no status lookup.
 */
import { z } from 'zod';
import { AppError, ErrorCode, WebhookSignatureError } from '../../errors';
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
  hmacSha256Hex,
  invalidWebhookBody,
  isHexDigest,
  parseJsonOrUndefined,
  readHeader,
  type StatusMapping,
  timingSafeEqualHex,
  whitespaceHint,
} from '../signatures';

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

export const ZSandboxCredentialsSchema = z.object({
  environment: z.enum(GATEWAY_ENVIRONMENTS),
  /** HMAC key for `x-sandbox-signature`. */
  secret: z.string().trim().min(1),
});
export type TSandboxCredentials = z.output<typeof ZSandboxCredentialsSchema>;

// ---------------------------------------------------------------------------------------------
// Wire schema
// ---------------------------------------------------------------------------------------------

export const ZSandboxWebhookBodySchema = z.object({
  reference: z.string().min(1),
  transactionId: z.string().min(1),
  status: z.string().min(1),
  amountInCents: z.number().int().nonnegative(),
  currency: z.string().min(1),
  method: z.string().nullish(),
  message: z.string().nullish(),
});
export type TSandboxWebhookBody = z.output<typeof ZSandboxWebhookBodySchema>;

// ---------------------------------------------------------------------------------------------
// Status mapping
// ---------------------------------------------------------------------------------------------

const SANDBOX_STATUSES = ['APPROVED', 'DECLINED', 'PENDING', 'ERROR'] as const;
type SandboxStatus = (typeof SANDBOX_STATUSES)[number];

function isSandboxStatus(value: string): value is SandboxStatus {
  return (SANDBOX_STATUSES as readonly string[]).includes(value);
}

/** Sandbox `status` → ours. Unknown → pending with a warning, never approved. */
export function mapSandboxStatus(status: string): StatusMapping {
  if (!isSandboxStatus(status)) return { status: 'pending', warning: `unknown sandbox status "${status}" treated as pending` };
  switch (status) {
    case 'APPROVED':
      return { status: 'approved' };
    case 'DECLINED':
      return { status: 'declined' };
    case 'PENDING':
      return { status: 'pending' };
    case 'ERROR':
      return { status: 'error' };
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

/** `x-sandbox-signature`: HMAC-SHA256(secret, raw body bytes), hex. */
export function sandboxWebhookSignature(rawBody: Buffer, secret: string): string {
  return hmacSha256Hex(secret, rawBody);
}

// ---------------------------------------------------------------------------------------------
// Adapter
// ---------------------------------------------------------------------------------------------

/** Where this app serves the sandbox checkout page (server/web/demo-checkout.ts). */
export const SANDBOX_CHECKOUT_PATH = '/sandbox/checkout';
/** Query parameter the sandbox checkout adds when it sends the payer back: the decision taken. */
export const SANDBOX_RETURN_PARAMETER = 'sandbox';

export const sandboxAdapter: GatewayAdapter<TSandboxCredentials, 'sandbox'> = {
  id: 'sandbox',
  name: 'Pago de prueba (sandbox)',
  displayName: 'Pago de prueba (Sandbox)',
  ownerName: 'Pasarela de prueba (Sandbox)',
  // A demo gateway: owners see it once the demo tenant has it, never as an offer to set up.
  ownerListing: 'when-configured',
  testOnly: true,
  offerOrder: 90,
  credentialFields: [{ key: 'secret', label: 'Secreto', secret: true }],
  signatureHeaders: [SANDBOX_SIGNATURE_HEADER],
  returnQueryParameters: [SANDBOX_RETURN_PARAMETER],
  endpointVariables: {},
  credentialsSchema: ZSandboxCredentialsSchema,
  capabilities: { statusLookup: false, refunds: false },

  defaultEndpoints(_environment: GatewayEnvironment, publicBaseUrl: string): GatewayEndpoints {
    // The checkout lives in this app.
    return { apiUrl: '', checkoutUrl: `${publicBaseUrl}${SANDBOX_CHECKOUT_PATH}` };
  },

  async createPaymentLink(input: CreatePaymentLinkInput, ctx: GatewayContext<TSandboxCredentials>): Promise<PaymentLink> {
    const base = ctx.endpoints.checkoutUrl.replace(/\/+$/, '');
    if (!base) {
      throw new AppError(ErrorCode.CONFIG_INVALID, {
        message: 'sandbox checkoutUrl is empty: derive it from PUBLIC_BASE_URL before creating links',
      });
    }
    return { kind: 'redirect', url: `${base}/${encodeURIComponent(input.reference)}` };
  },

  async fetchResult(_reference: PaymentReference, _ctx: GatewayContext<TSandboxCredentials>): Promise<GatewayResult | null> {
    // No remote state to ask: results arrive only as webhooks from our own checkout page.
    return null;
  },

  readReference(webhook: RawWebhook): PaymentReference | null {
    const parsed = z.object({ reference: z.string().min(1) }).safeParse(parseJsonOrUndefined(webhook.rawBody));
    return parsed.success ? parsed.data.reference : null;
  },

  verifyWebhook(webhook: RawWebhook, ctx: GatewayContext<TSandboxCredentials>): WebhookVerification {
    const { secret } = ctx.creds;
    if (!secret) throw new WebhookSignatureError('sandbox secret is empty', 'tenant credentials have no secret');
    const signature = readHeader(webhook.headers, SANDBOX_SIGNATURE_HEADER);
    if (signature === null) throw new WebhookSignatureError(`missing ${SANDBOX_SIGNATURE_HEADER} header`, 'not sent by the sandbox checkout');
    if (!isHexDigest(signature, 64)) throw new WebhookSignatureError(`${SANDBOX_SIGNATURE_HEADER} is not a SHA-256 hex digest`, 'malformed header');
    if (!timingSafeEqualHex(sandboxWebhookSignature(webhook.rawBody, secret), signature)) {
      throw new WebhookSignatureError(
        `${SANDBOX_SIGNATURE_HEADER} does not match`,
        whitespaceHint(secret, 'sandbox secret') ?? 'wrong secret, or the body was re-serialized (verify the raw bytes)',
      );
    }
    // Our own checkout signs every byte with the tenant's secret, after reading the payment
    // record itself, so nothing needs confirming; and it never moves real money, so its events
    // settle only sandbox-gateway payments (#12).
    return { environment: 'sandbox', testMode: false, confirmAtSource: false };
  },

  async lookupTransaction(_lookup: TransactionLookup, _ctx: GatewayContext<TSandboxCredentials>): Promise<GatewayResult | null> {
    // Never asked: its events are fully signed (confirmAtSource is false) and it keeps no remote state.
    return null;
  },

  parseWebhook(webhook: RawWebhook): GatewayResult | { ignored: string } {
    const parsed = ZSandboxWebhookBodySchema.safeParse(parseJsonOrUndefined(webhook.rawBody));
    if (!parsed.success) throw invalidWebhookBody('sandbox', parsed.error);
    const body = parsed.data;
    const mapped = mapSandboxStatus(body.status);
    return {
      gateway: 'sandbox',
      reference: body.reference,
      transactionId: body.transactionId,
      status: mapped.status,
      amountInCents: body.amountInCents,
      currency: body.currency,
      method: body.method ?? null,
      message: body.message ?? null,
      ...(mapped.warning ? { warning: mapped.warning } : {}),
    };
  },
};
