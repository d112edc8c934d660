import { randomUUID } from 'node:crypto';
import axios from 'axios';
import express, { type Request, type Response, type Router } from 'express';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { paths } from '../db/paths';
import { readPayment } from '../db/read-payment';
import { formatCOP } from '../money';
import { demoGateway } from '../payments/adapters';
import type { GatewayManager } from '../payments/gateway-manager';
import type { TenantStore } from '../tenants/tenant-store';
import { render } from './views';

export interface DemoCheckoutDeps {
  db: Database;
  tenants: TenantStore;
  gateways: GatewayManager;
  logger: Logger;
  /** Where this server itself listens, for posting the signed webhook (e.g. http://127.0.0.1:3000). */
  selfBaseUrl: () => string;
}

const DECISIONS = {
  aprobar: { status: 'APPROVED', method: 'CARD', message: null },
  rechazar: { status: 'DECLINED', method: 'CARD', message: 'Fondos insuficientes' },
  pendiente: { status: 'PENDING', method: 'PSE', message: null },
} as const;

const ZDecisionSchema = z.object({
  decision: z.enum(['aprobar', 'rechazar', 'pendiente']),
  /** Seconds to wait before the webhook is sent (shows the early-webhook and polling paths). */
  demora: z.coerce.number().int().min(0).max(120).default(0),
});

/**
 * The demo gateway's checkout: shows the order and lets the person decide the outcome. The
 * decision travels exactly as a real gateway's would: a webhook signed with the tenant's
 * sandbox secret, posted to `/api/webhooks/payment/sandbox`; the payer is sent back to `/pay/{ref}`.
 */
export function demoCheckoutRouter(deps: DemoCheckoutDeps): Router {
  const router = express.Router();

  const load = async (reference: string) => {
    const found = await readPayment(deps.db, reference);
    if (!found || found.record.gateway !== demoGateway.sandboxAdapter.id) return null;
    const { tenantId, record } = found;
    const tenant = await deps.tenants.getTenant(tenantId);
    if (!tenant?.payments[demoGateway.sandboxAdapter.id]?.enabled) return null;
    return { tenantId, tenant, record };
  };

  router.get(`${demoGateway.SANDBOX_CHECKOUT_PATH}/:ref`, async (req: Request, res: Response) => {
    const found = await load(String(req.params.ref));
    if (!found) {
      res.status(404).type('html').send(render('demo-checkout/not-found'));
      return;
    }
    const { record, tenant } = found;
    res.type('html').send(
      render('demo-checkout/checkout', {
        restaurant: tenant.restaurant.name,
        rows: record.items.map((i) => ({ quantity: i.cantidad, name: i.nombre, subtotal: formatCOP(i.precio * i.cantidad) })),
        total: formatCOP(record.monto),
        settled: record.estado !== 'pendiente' && record.estado !== 'rechazado',
        estado: record.estado,
        statusLink: `/pay/${encodeURIComponent(record.referencia)}?vista=estado`,
      }),
    );
  });

  router.post(`${demoGateway.SANDBOX_CHECKOUT_PATH}/:ref`, express.urlencoded({ extended: false, limit: '10kb' }), async (req: Request, res: Response) => {
    const found = await load(String(req.params.ref));
    if (!found) {
      res.status(404).type('html').send(render('demo-checkout/not-found'));
      return;
    }
    const form = ZDecisionSchema.parse({ ...req.body, demora: Array.isArray(req.body?.demora) ? req.body.demora.at(-1) : req.body?.demora });
    const ctx = await deps.gateways.requireContext(found.tenantId, demoGateway.sandboxAdapter.id);
    const outcome = DECISIONS[form.decision];
    const body = JSON.stringify({
      reference: found.record.referencia,
      transactionId: `SBX-${randomUUID().slice(0, 8).toUpperCase()}`,
      status: outcome.status,
      amountInCents: found.record.monto * 100,
      currency: 'COP',
      method: outcome.method,
      message: outcome.message,
    });
    const signature = demoGateway.sandboxWebhookSignature(Buffer.from(body), (ctx.creds as { secret: string }).secret);
    const send = () =>
      axios
        .post(`${deps.selfBaseUrl()}/api/webhooks/payment/${demoGateway.sandboxAdapter.id}`, body, {
          headers: { 'content-type': 'application/json', [demoGateway.SANDBOX_SIGNATURE_HEADER]: signature },
          timeout: 10_000,
        })
        .catch((error: unknown) => deps.logger.error({ err: error, reference: found.record.referencia }, 'demo checkout webhook delivery failed'));
    if (form.demora > 0) setTimeout(() => void send(), form.demora * 1000).unref();
    else await send();
    res.redirect(303, `/pay/${encodeURIComponent(found.record.referencia)}?${demoGateway.SANDBOX_RETURN_PARAMETER}=${form.decision}`);
  });
  return router;
}
