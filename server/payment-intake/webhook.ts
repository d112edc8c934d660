import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { BackgroundTasks } from '../background';
import { AppError, ErrorCode, WebhookSignatureError } from '../errors';
import { confirmPayment, type ConfirmPaymentDeps } from '../orders/confirm-payment';
import { deliverMessages, type OutboxDeps } from '../messaging/outbox';
import { tenantOfReference } from '../db/paths';
import { isGatewayId } from '../payments/adapters';
import type { RawWebhook } from '../payments/gateway';
import type { GatewayManager } from '../payments/gateway-manager';

export interface PaymentWebhookDeps {
  confirm: ConfirmPaymentDeps;
  outbox: OutboxDeps;
  gateways: GatewayManager;
  logger: Logger;
  background: BackgroundTasks;
}

/**
 * `POST /api/webhooks/payment/:gateway`. Order of work: gateway → reference (untrusted, only a
 * routing key) → tenant → that tenant's secret → signature on the raw bytes → parse → one
 * confirmation. Nothing is written before the signature passes; 200 only once the outcome
 * is durable, so a failure answers 5xx and the gateway retries.
 */
export function paymentWebhookHandler(deps: PaymentWebhookDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const gateway = req.params.gateway;
    if (!isGatewayId(gateway)) throw new AppError(ErrorCode.UNKNOWN_GATEWAY, { userMessage: `unknown gateway "${String(gateway).slice(0, 20)}"` });
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'empty body, or a content type this gateway does not send' });
    }
    const webhook: RawWebhook = { rawBody: req.body, headers: lowerCaseHeaders(req.headers) };
    const adapter = deps.gateways.adapter(gateway);
    const reference = adapter.readReference(webhook);
    if (!reference) throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'no payment reference in the notification' });
    const tenantId = tenantOfReference(reference);
    const log = deps.logger.child({ gateway, reference, tenantId });
    const ctx = tenantId ? await deps.gateways.context(tenantId, gateway) : null;
    if (!tenantId || !ctx) {
      // Not one of our references, or a tenant without this gateway: nothing can verify it.
      log.warn('payment webhook for an unknown reference or an unconfigured gateway');
      throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'unknown payment reference' });
    }
    try {
      adapter.verifyWebhook(webhook, ctx);
    } catch (error) {
      if (error instanceof WebhookSignatureError) log.warn({ reason: error.message, likelyCause: error.likelyCause }, 'payment webhook rejected: bad signature');
      throw error;
    }
    const parsed = adapter.parseWebhook(webhook);
    if ('ignored' in parsed) {
      log.warn({ ignored: parsed.ignored }, 'payment webhook verified but not handled');
      res.status(200).json({ received: true, ignored: parsed.ignored });
      return;
    }
    if (parsed.reference !== reference) throw new AppError(ErrorCode.INVALID_BODY, { userMessage: 'inconsistent reference' });
    const outcome = await confirmPayment(deps.confirm, { tenantId, result: parsed, source: 'webhook' });
    res.status(200).json({ received: true, outcome: outcome.outcome, estado: outcome.estado ?? null });
    // The messages are durable in the outbox already; delivery failures are retried later.
    deps.background.track(
      deliverMessages(deps.outbox, outcome.queued).catch((error: unknown) => log.error({ err: error }, 'delivery after a payment failed; the outbox sweep retries it')),
    );
  };
}

function lowerCaseHeaders(headers: Request['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}
