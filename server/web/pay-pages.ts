import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError, ErrorCode } from '../errors';
import { rateLimitedHandler } from '../http-errors';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { readPayment } from '../db/read-payment';
import type { TPaymentRecord } from '../db/records';
import { orderKeyForPayment } from '../orders/confirm-payment';
import { GATEWAY_RETURN_PARAMETERS } from '../payments/adapters';
import type { GatewayManager } from '../payments/gateway-manager';
import type { TenantConfig, TenantStore } from '../tenants/tenant-store';
import { formatCOP } from '../money';
import { render } from './views';

export interface PayPagesDeps {
  db: Database;
  tenants: TenantStore;
  gateways: GatewayManager;
  logger: Logger;
  publicBaseUrl: string;
  /** Unpaid payments expire after this long; gateway checkouts are told the same deadline. */
  paymentExpireAfterMs: number;
  statusRateLimitPerMinute?: number;
  /** Where the customer's chat is; the tenant's wa.me link unless this gives one (the demo's simulator). */
  chatLink?: ChatLink;
}

/** A link that opens the tenant's chat, optionally with `text` already typed; null when there is none. */
export type ChatLink = (tenant: TenantConfig | null, text?: string) => string | null;

/** What the status page shows besides the public status: the amount, where to chat, a newer link. */
export interface StatusPageExtras {
  /** Integer COP of the payment. */
  monto?: number;
  /** The reference of the link that replaced this one (the customer chose another method). */
  replacedBy?: string;
  chatLink?: ChatLink;
}

/** Query parameters that mark a payer coming back: each gateway's (from the registry), and our own `vista`. */
const RETURN_MARKERS = [...GATEWAY_RETURN_PARAMETERS, 'vista'];

/** What the payer's status page may know: the state and the order id, nothing private. */
export interface PaymentStatusView {
  estado: TPaymentRecord['estado'];
  pedido: { id: string } | null;
  motivo?: string;
}

/**
 * `/pay/{ref}`, the link customers receive: while pending it sends them on to the gateway's
 * checkout (created or built on first visit); once settled, or when they come back from the
 * checkout, it shows the payment's status. `/api/payments/{ref}/status` feeds that page.
 */
export function payPagesRouter(deps: PayPagesDeps): Router {
  const router = express.Router();

  const loadPayment = (reference: string) => readPayment(deps.db, reference);

  const statusOf = async (tenantId: string, record: TPaymentRecord): Promise<PaymentStatusView> => {
    const order = record.estado === 'completado' ? await readValue<{ id?: string }>(deps.db, paths.order(tenantId, orderKeyForPayment(record.referencia))) : null;
    return {
      estado: record.estado,
      pedido: order?.id ? { id: order.id } : null,
      ...(record.estado === 'rechazado' && record.motivoRechazo ? { motivo: record.motivoRechazo.slice(0, 200) } : {}),
    };
  };

  router.get('/pay/:ref', async (req: Request, res: Response) => {
    const reference = String(req.params.ref);
    const found = await loadPayment(reference);
    if (!found) {
      res.status(404).type('html').send(notFoundPage());
      return;
    }
    const { tenantId, record } = found;
    const tenant = await deps.tenants.getTenant(tenantId);
    const returning = RETURN_MARKERS.some((k) => k in req.query);
    if (record.estado === 'pendiente' && record.reemplazadaPor && !returning) {
      res.status(200).type('html').send(replacedPage(record.reemplazadaPor));
      return;
    }
    if (record.estado === 'pendiente' && !returning) {
      await sendToCheckout(deps, res, tenantId, tenant, record);
      return;
    }
    const status = await statusOf(tenantId, record);
    res
      .status(200)
      .set('cache-control', 'no-store')
      .type('html')
      .send(statusPage(reference, status, tenant, { monto: record.monto, replacedBy: record.reemplazadaPor, chatLink: deps.chatLink }));
  });

  const limiter = rateLimit({
    windowMs: 60_000,
    limit: deps.statusRateLimitPerMinute ?? 120,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: rateLimitedHandler('too many requests, slow down'),
  });
  router.get('/api/payments/:ref/status', limiter, async (req: Request, res: Response) => {
    const found = await loadPayment(String(req.params.ref));
    if (!found) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'unknown payment' });
    res.set('cache-control', 'no-store').json(await statusOf(found.tenantId, found.record));
  });
  return router;
}

async function sendToCheckout(deps: PayPagesDeps, res: Response, tenantId: string, tenant: TenantConfig | null, record: TPaymentRecord): Promise<void> {
  const log = deps.logger.child({ tenantId, reference: record.referencia, gateway: record.gateway });
  if (record.urlCheckout) {
    res.redirect(302, record.urlCheckout);
    return;
  }
  const ctx = await deps.gateways.context(tenantId, record.gateway);
  if (!ctx) {
    log.error('payment link opened but the tenant has no valid credentials for its gateway');
    res.status(503).type('html').send(unavailablePage(tenant));
    return;
  }
  const adapter = deps.gateways.adapter(record.gateway);
  try {
    const link = await adapter.createPaymentLink(
      {
        reference: record.referencia,
        amountInPesos: record.monto,
        description: `Pedido en ${tenant?.restaurant.name ?? 'el restaurante'}`.slice(0, 100),
        returnUrl: `${deps.publicBaseUrl}/pay/${record.referencia}`,
        notificationUrl: `${deps.publicBaseUrl}/api/webhooks/payment/${record.gateway}`,
        customerPhone: record.telefonoContacto,
        customerName: record.nombreCliente,
        expiresAt: new Date(record.fechaCreacion + deps.paymentExpireAfterMs).toISOString(),
      },
      ctx,
    );
    if (link.kind === 'form') {
      res.status(200).type('html').send(autoSubmitPage(link.action, link.fields, tenant));
      return;
    }
    if (link.linkId) {
      // Created at the gateway (Bold): keep it, so every later visit reuses the same link.
      await withTimeout(
        deps.db.ref(`${paths.payment(tenantId, record.referencia)}/urlCheckout`).transaction((current: string | null) => current ?? link.url),
        'store checkout url',
      ).then((tx) => {
        const stored = tx.snapshot.val() as string | null;
        if (stored && stored !== link.url) link.url = stored;
      });
    }
    res.redirect(302, link.url);
  } catch (error) {
    log.error({ err: error }, 'could not create the checkout at the gateway');
    res.status(503).type('html').send(unavailablePage(tenant));
  }
}

function waLink(tenant: TenantConfig | null, text?: string): string | null {
  const number = tenant?.whatsapp.displayPhoneNumber?.replace(/\D/g, '');
  if (!number) return null;
  return `https://wa.me/${number}${text ? `?text=${encodeURIComponent(text)}` : ''}`;
}

export function statusPage(reference: string, status: PaymentStatusView, tenant: TenantConfig | null, extras: StatusPageExtras = {}): string {
  const restaurant = tenant?.restaurant.name ?? '';
  const chat = (text?: string) => extras.chatLink?.(tenant, text) ?? waLink(tenant, text);
  const whatsapp = chat();
  const amount = extras.monto !== undefined ? formatCOP(extras.monto) : null;
  switch (status.estado) {
    case 'completado':
      if (!status.pedido) return processingPage(reference, restaurant, whatsapp);
      return render('pay/completed', { orderId: status.pedido.id, restaurant, amount, whatsapp });
    case 'rechazado':
      // Once the customer has chosen another method, the way forward is the newer link, not the chat.
      return render('pay/rejected', {
        reason: status.motivo ?? 'La entidad no aprobó el pago.',
        amount,
        whatsapp,
        retry: extras.replacedBy ? `/pay/${encodeURIComponent(extras.replacedBy)}` : chat('cambiar método'),
        retryLabel: extras.replacedBy ? 'Ir al enlace más reciente' : 'Intentar con otro método',
      });
    case 'expirado':
      return render('pay/expired', { again: chat('menu') });
    case 'fraude_detectado':
      return render('pay/review', { whatsapp });
    case 'pendiente':
      return processingPage(reference, restaurant, whatsapp);
  }
}

/** While pending: `static/pay-status.js` polls the status API until the payment settles. */
function processingPage(reference: string, restaurant: string, whatsapp: string | null): string {
  return render(
    'pay/processing',
    { restaurant, whatsapp, refreshUrl: `/pay/${encodeURIComponent(reference)}?vista=estado` },
    { 'payment-data': { referencia: reference } },
  );
}

function replacedPage(newReference: string): string {
  return render('pay/replaced', { newLink: `/pay/${encodeURIComponent(newReference)}` });
}

function autoSubmitPage(action: string, fields: Record<string, string>, tenant: TenantConfig | null): string {
  return render('pay/redirect', { action, fields: Object.entries(fields), restaurant: tenant?.restaurant.name ?? '' });
}

function unavailablePage(tenant: TenantConfig | null): string {
  return render('pay/unavailable', { whatsapp: waLink(tenant) });
}

function notFoundPage(): string {
  return render('pay/not-found');
}
