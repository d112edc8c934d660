import type { Logger } from 'pino';
import { AppError, ErrorCode, WebhookSignatureError } from '../errors';
import { confirmPayment, type ConfirmPaymentDeps } from '../orders/confirm-payment';
import { deliverMessages, type OutboxDeps } from '../messaging/outbox';
import { tenantOfReference } from '../db/paths';
import { isGatewayId, type GatewayId } from '../payments/adapters';
import { AMOUNT_UNKNOWN_IN_CENTS, type GatewayAdapter, type GatewayContext, type GatewayResult, type RawWebhook, type WebhookVerification } from '../payments/gateway';
import type { GatewayManager } from '../payments/gateway-manager';

export interface PaymentWebhookDeps {
  confirm: ConfirmPaymentDeps;
  outbox: OutboxDeps;
  gateways: GatewayManager;
  logger: Logger;
}

/** What a payment webhook is answered, and the work that follows the answer. */
export interface PaymentWebhookAnswer {
  status: 200;
  body: { received: true; ignored?: string; outcome?: string; estado?: string | null };
  /** Runs after the answer is sent (message delivery); its failures are the outbox sweep's. */
  after?: () => Promise<void>;
}

/** One delivery as it arrived: the gateway named in the path, the raw body bytes, the headers. */
export interface PaymentWebhookRequest {
  gateway: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * `POST /api/webhooks/payment/:gateway`. Order of work: gateway → reference (untrusted, only a
 * routing key) → tenant → that tenant's secret → signature on the raw bytes → parse → for what
 * the signature does not cover, the gateway's own record of the transaction → one
 * confirmation, which refuses an event of another gateway or environment than the payment's.
 * Nothing is written before all of that passes; 200 only once the outcome is durable, so a
 * failure (thrown, an `AppError` with its status) answers 4xx/5xx and the gateway retries.
 */
export async function handlePaymentWebhook(deps: PaymentWebhookDeps, request: PaymentWebhookRequest): Promise<PaymentWebhookAnswer> {
  const { gateway } = request;
  if (!isGatewayId(gateway)) throw new AppError(ErrorCode.UNKNOWN_GATEWAY, { userMessage: `unknown gateway "${String(gateway).slice(0, 20)}"` });
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
    throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'empty body, or a content type this gateway does not send' });
  }
  const webhook: RawWebhook = { rawBody: request.body, headers: lowerCaseHeaders(request.headers) };
  const adapter = deps.gateways.adapter(gateway);
  const reference = adapter.readReference(webhook);
  if (!reference) {
    // No reference: not about one of our payments (Wompi's token events, a Bold terminal
    // sale). Without a reference there is no tenant, hence no secret to verify it with; it is
    // answered 200 so the gateway stops retrying, and nothing at all is written (#12).
    const notAbout = notAboutAPayment(adapter, webhook);
    deps.logger.warn({ gateway, ignored: notAbout }, 'payment webhook without a payment reference; nothing to do');
    return { status: 200, body: { received: true, ignored: notAbout } };
  }
  const tenantId = tenantOfReference(reference);
  const log = deps.logger.child({ gateway, reference, tenantId });
  const ctx = tenantId ? await deps.gateways.context(tenantId, gateway) : null;
  if (!tenantId || !ctx) {
    // Not one of our references, or a tenant without this gateway: nothing can verify it.
    log.warn('payment webhook for an unknown reference or an unconfigured gateway');
    throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'unknown payment reference' });
  }
  let verification: WebhookVerification;
  try {
    verification = adapter.verifyWebhook(webhook, ctx);
  } catch (error) {
    if (error instanceof WebhookSignatureError) log.warn({ reason: error.message, likelyCause: error.likelyCause }, 'payment webhook rejected: bad signature');
    throw error;
  }
  if (verification.testMode && !(await gatewayEnabled(deps, tenantId, gateway))) {
    // A key anyone can compute is honoured only while the owner has this gateway switched on (#12).
    log.warn('test-mode signature for a gateway the tenant has switched off; refused');
    throw new WebhookSignatureError('test-mode signature for a disabled gateway', 'the gateway is off for this tenant');
  }
  const parsed = adapter.parseWebhook(webhook);
  if ('ignored' in parsed) {
    log.warn({ ignored: parsed.ignored }, 'payment webhook verified but not handled');
    return { status: 200, body: { received: true, ignored: parsed.ignored } };
  }
  if (parsed.reference !== reference) throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'inconsistent reference' });
  if (verification.confirmAtSource && parsed.status !== 'pending') await confirmAtSource(deps, adapter, ctx, parsed, log);
  const outcome = await confirmPayment(deps.confirm, { tenantId, result: parsed, source: 'webhook', environment: verification.environment });
  return {
    status: 200,
    body: { received: true, outcome: outcome.outcome, estado: outcome.estado ?? null },
    // The messages are durable in the outbox already; delivery failures are retried later.
    after: () => deliverMessages(deps.outbox, outcome.queued).catch((error: unknown) => log.error({ err: error }, 'delivery after a payment failed; the outbox sweep retries it')),
  };
}

/** Why a webhook without a reference is not about a payment; a body we cannot read at all is a 400. */
function notAboutAPayment(adapter: GatewayAdapter<unknown>, webhook: RawWebhook): string {
  const parsed = adapter.parseWebhook(webhook);
  if ('ignored' in parsed) return parsed.ignored;
  throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'no payment reference in the notification' });
}

/**
 * A signature covers only what it signs (Wompi: not the reference; PayU: not the transaction
 * id; Bold test mode: nothing), so the event is a trigger and the gateway's API is the truth:
 * the transaction, asked by its id, must name the same reference, status, amount and currency
 * (#12). Unreachable → 5xx, so the gateway retries and the reconciler finishes meanwhile.
 */
async function confirmAtSource(
  deps: PaymentWebhookDeps,
  adapter: GatewayAdapter<unknown>,
  ctx: GatewayContext<unknown>,
  event: GatewayResult,
  log: Logger,
): Promise<void> {
  let truth: GatewayResult | null;
  try {
    truth = await adapter.lookupTransaction({ transactionId: event.transactionId, reference: event.reference }, ctx);
  } catch (error) {
    log.warn({ err: error }, 'could not confirm a payment webhook with the gateway; answered 5xx so it is retried');
    // A GatewayError answers 502 whatever its cause; anything else is a 500. Both are retried.
    throw error;
  }
  const mismatches = truth === null ? ['transaction unknown to the gateway'] : sourceMismatches(event, truth);
  if (mismatches.length > 0) {
    log.warn({ transactionId: event.transactionId, mismatches }, 'payment webhook contradicts the gateway\'s own record; refused, nothing written');
    throw new AppError(ErrorCode.CONFLICT, { userMessage: 'the notification does not match the gateway\'s record of the transaction' });
  }
}

/** Fields where the event and the gateway's record disagree. An amount the gateway does not report is not compared. */
export function sourceMismatches(event: GatewayResult, truth: GatewayResult): string[] {
  const out: string[] = [];
  if (truth.transactionId !== event.transactionId) out.push('transactionId');
  if (truth.reference !== event.reference) out.push('reference');
  if (truth.status !== event.status) out.push('status');
  if (truth.currency !== event.currency) out.push('currency');
  if (truth.amountInCents !== AMOUNT_UNKNOWN_IN_CENTS && truth.amountInCents !== event.amountInCents) out.push('amount');
  return out;
}

function lowerCaseHeaders(headers: PaymentWebhookRequest['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/** Whether the owner has this gateway switched on (payments on, and the gateway on). */
async function gatewayEnabled(deps: PaymentWebhookDeps, tenantId: string, gateway: GatewayId): Promise<boolean> {
  const tenant = await deps.confirm.tenants.getTenant(tenantId);
  return Boolean(tenant?.payments.enabled && tenant.payments[gateway]?.enabled);
}
