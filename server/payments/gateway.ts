import type { z } from 'zod';
import type { GatewayId } from './adapters';

/** The gateways this service speaks to: derived from the adapter registry (`adapters/index.ts`). */
export type { GatewayId } from './adapters';

/** Normalized transaction status (reference/gateways.md §4). */
export const GATEWAY_STATUSES = ['approved', 'declined', 'pending', 'voided', 'error'] as const;
export type GatewayStatus = (typeof GATEWAY_STATUSES)[number];

/** Our payment reference: `{tenantId}_{timestamp}_{random}`; letters, digits, `_` and `-`. */
export type PaymentReference = string;

/** Which of a gateway's environments a tenant's credentials belong to; the first is the default. */
export const GATEWAY_ENVIRONMENTS = ['sandbox', 'production'] as const;
export type GatewayEnvironment = (typeof GATEWAY_ENVIRONMENTS)[number];
export const DEFAULT_GATEWAY_ENVIRONMENT: GatewayEnvironment = GATEWAY_ENVIRONMENTS[0];

/** One gateway result, normalized. Amounts are integer centavos. */
export interface GatewayResult {
  gateway: GatewayId;
  reference: PaymentReference;
  transactionId: string;
  status: GatewayStatus;
  /**
   * Integer centavos, or `AMOUNT_UNKNOWN_IN_CENTS` when the gateway's answer carries no amount we
   * can trust (PayU's Queries API, reference §3.5): the caller then checks its own record instead.
   */
  amountInCents: number;
  currency: string;
  /** Payment method as the gateway names it (CARD, NEQUI, PSE, VISA…), or null when unknown. */
  method: string | null;
  /** The gateway's human reason (decline message, response code text), or null. */
  message: string | null;
  /**
   * Set when the adapter met something it does not recognize (an unknown status mapped to
   * `pending`, a missing amount…). Adapters do not log; the caller logs this as a warning.
   */
  warning?: string;
}

/** `GatewayResult.amountInCents` when the gateway did not report an amount (see there). */
export const AMOUNT_UNKNOWN_IN_CENTS = -1;

/** A webhook exactly as it arrived: the raw bytes and the lower-cased headers. */
export interface RawWebhook {
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
}

/** What a payment link needs. `amountInPesos` is integer COP. */
export interface CreatePaymentLinkInput {
  reference: PaymentReference;
  amountInPesos: number;
  description: string;
  /** Where the payer comes back to: `{PUBLIC_BASE_URL}/pay/{reference}`. */
  returnUrl: string;
  /** Server-to-server notification URL (PayU's confirmationUrl). */
  notificationUrl: string;
  /** Customer's contact phone (10 digits), for prefilling checkouts. */
  customerPhone?: string;
  customerName?: string;
  /** ISO time after which the link should stop accepting payments. */
  expiresAt?: string;
}

/**
 * How the payer reaches the gateway: a redirect (Wompi, Bold, sandbox) or an HTML form that
 * auto-submits with POST (PayU WebCheckout).
 */
export type PaymentLink =
  | { kind: 'redirect'; url: string; /** gateway's own id for the link, if any */ linkId?: string }
  | { kind: 'form'; action: string; fields: Record<string, string> };

/** Base URLs an adapter calls; from config so tests point them at local servers. */
export interface GatewayEndpoints {
  /** API base (Wompi `…/v1`, Bold host, PayU host serving `/reports-api/4.0/service.cgi`). */
  apiUrl: string;
  /** Hosted checkout base (Wompi `https://checkout.wompi.co/p/`, PayU WebCheckout URL, sandbox page). */
  checkoutUrl: string;
}

export interface GatewayContext<Creds> {
  creds: Creds;
  endpoints: GatewayEndpoints;
  now: () => Date;
}

/**
 * What a verified webhook proves besides "the signature matches" (#12): which environment's key
 * signed it, whether that key is one anyone can compute, and whether the signature leaves out a
 * field we act on, so the event must be confirmed with the gateway before it settles anything.
 */
export interface WebhookVerification {
  /** The environment whose secret verified the event; it settles only payments created there. */
  environment: GatewayEnvironment;
  /** Signed with a publicly known key (Bold test mode signs with "", reference §2.3). */
  testMode: boolean;
  /**
   * The signature does not cover every field we act on (Wompi's reference, PayU's
   * transaction_id), or covers nothing (test mode): confirm with `lookupTransaction` first.
   */
  confirmAtSource: boolean;
}

/** Which transaction a webhook names, for `lookupTransaction`. */
export interface TransactionLookup {
  transactionId: string;
  /** Our reference, for gateways whose query API searches by it (PayU, §3.5). */
  reference: PaymentReference;
}

export interface GatewayCapabilities {
  statusLookup: boolean;
  refunds: boolean;
  /**
   * When the gateway asks to be polled on its own schedule (PayU: first query ~7 min after
   * creation, then at most every 10 min). Absent: the reconciler's grace period and every run.
   */
  statusQuerySchedule?: { firstAfterMs: number; everyMs: number };
}

/** One credential an owner types in: its key in the credentials object, its label, and whether it is secret. */
export interface CredentialField {
  key: string;
  /** Label owners recognise from the gateway's dashboard (es-CO). */
  label: string;
  /** Secret fields are write-only: answers carry only their last 4 characters. */
  secret: boolean;
}

/**
 * A gateway, declared in one file under `adapters/`. Everything else (zod enums, name tables,
 * pages, the method list, endpoint overrides) derives from these declarations (#13).
 */
export interface GatewayAdapter<Creds = unknown, Id extends string = string> {
  /** Route parameter, record value and key under `payments/` and `secrets/{tenantId}/`. */
  readonly id: Id;
  /** Short brand name: kitchen board, owner's settings, owner-facing messages. */
  readonly name: string;
  /** Customer-facing name and method labels in the method list, e.g. "Wompi (Tarjeta, Nequi, PSE)". */
  readonly displayName: string;
  /** Heading on the owner's settings page, when it differs from `name`. */
  readonly ownerName?: string;
  /** Listed on the owner's settings page always, or only once the tenant has it configured. */
  readonly ownerListing: 'always' | 'when-configured';
  /** A gateway that never moves real money (our demo checkout): its payments are test payments whatever the credentials say. */
  readonly testOnly?: boolean;
  /** Position in the customer's method list (lower first); cash comes after every gateway. */
  readonly offerOrder: number;
  /** The credential fields besides `environment`, in the order the settings page shows them. */
  readonly credentialFields: readonly CredentialField[];
  /** Lower-cased webhook headers that carry a signature or checksum; logs redact them. */
  readonly signatureHeaders: readonly string[];
  /** Query parameters the gateway adds when it sends the payer back to `/pay/{reference}`. */
  readonly returnQueryParameters: readonly string[];
  /** Configuration variables that override the default endpoints (tests point them at local servers). */
  readonly endpointVariables: { apiUrl?: string; checkoutUrl?: string };
  /** Checked when an owner saves credentials or a tenant file is imported. */
  readonly credentialsSchema: z.ZodType<Creds>;
  readonly capabilities: GatewayCapabilities;
  /** Default endpoints for an environment when no override is configured; `publicBaseUrl` is this app's. */
  defaultEndpoints(environment: GatewayEnvironment, publicBaseUrl: string): GatewayEndpoints;
  /** Creates (or builds locally) the checkout for one payment. */
  createPaymentLink(input: CreatePaymentLinkInput, ctx: GatewayContext<Creds>): Promise<PaymentLink>;
  /** Asks the gateway for the current result of our reference; null when it knows nothing yet. */
  fetchResult(reference: PaymentReference, ctx: GatewayContext<Creds>): Promise<GatewayResult | null>;
  /** Reads the (untrusted) reference from a webhook, only to find the tenant and its secret. */
  readReference(webhook: RawWebhook): PaymentReference | null;
  /** Verifies the webhook's signature and says what it proves; throws WebhookSignatureError. */
  verifyWebhook(webhook: RawWebhook, ctx: GatewayContext<Creds>): WebhookVerification;
  /**
   * The gateway's own record of one transaction, asked by its id over the gateway's API: the
   * source a webhook is confirmed against before it settles a payment. Null when the gateway
   * does not know the transaction; throws GatewayError when it cannot be asked.
   */
  lookupTransaction(lookup: TransactionLookup, ctx: GatewayContext<Creds>): Promise<GatewayResult | null>;
  /** Normalizes a verified webhook, or says why it is ignored (unknown event type, VOID_REJECTED…). */
  parseWebhook(webhook: RawWebhook): GatewayResult | { ignored: string };
}
