import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError, ErrorCode } from '../errors';
import { rateLimitedHandler } from '../http-errors';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { readValue } from '../db/firebase';
import { paths } from '../db/paths';
import { readPayment } from '../db/read-payment';
import type { TPaymentRecord } from '../db/records';
import { orderKeyForPayment } from '../orders/confirm-payment';
import { openCheckout } from '../payment-intake/open-checkout';
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

  /** `/pay/{ref}`: the checkout while pending, the payment's status once settled or on the way back. */
  const payPage = async (reference: string, query: Request['query']): Promise<PageAnswer> => {
    const found = await loadPayment(reference);
    if (!found) return { status: 404, html: notFoundPage() };
    const { tenantId, record } = found;
    const tenant = await deps.tenants.getTenant(tenantId);
    const returning = RETURN_MARKERS.some((k) => k in query);
    if (record.estado === 'pendiente' && record.reemplazadaPor && !returning) return { status: 200, html: replacedPage(record.reemplazadaPor) };
    if (record.estado === 'pendiente' && !returning) return checkoutPage(deps, tenantId, tenant, record);
    const status = await statusOf(tenantId, record);
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      html: statusPage(reference, status, tenant, { monto: record.monto, replacedBy: record.reemplazadaPor, chatLink: deps.chatLink }),
    };
  };
  router.get('/pay/:ref', async (req: Request, res: Response) => sendPage(res, await payPage(String(req.params.ref), req.query)));

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

/** A page to send: its status, headers and HTML (none for a redirect). */
export interface PageAnswer {
  status: number;
  headers?: Record<string, string>;
  html?: string;
}

async function checkoutPage(deps: PayPagesDeps, tenantId: string, tenant: TenantConfig | null, record: TPaymentRecord): Promise<PageAnswer> {
  const opening = await openCheckout(deps, tenantId, tenant, record);
  switch (opening.kind) {
    case 'redirect':
      return { status: 302, headers: { location: opening.url } };
    case 'form':
      return { status: 200, html: autoSubmitPage(opening.action, opening.fields, tenant) };
    case 'unavailable':
      return { status: 503, html: unavailablePage(tenant) };
  }
}

function sendPage(res: Response, page: PageAnswer): void {
  res.status(page.status).set(page.headers ?? {});
  if (page.html === undefined) res.end();
  else res.type('html').send(page.html);
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
