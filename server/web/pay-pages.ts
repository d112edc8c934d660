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
import { escapeHtml, page } from './html';

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
  const restaurant = escapeHtml(tenant?.restaurant.name ?? '');
  const chat = (text?: string) => extras.chatLink?.(tenant, text) ?? waLink(tenant, text);
  const whatsapp = chat();
  const contact = whatsapp ? `<a class="btn btn-secondary" href="${escapeHtml(whatsapp)}">Contactar por WhatsApp</a>` : '';
  const amount = extras.monto !== undefined ? `<p class="amount">${formatCOP(extras.monto)}</p>` : '';
  switch (status.estado) {
    case 'completado':
      if (!status.pedido) return processingPage(reference, restaurant, whatsapp);
      return page(
        'Pago exitoso',
        `<div class="card" data-estado="completado"><div class="icon">✅</div><h1>¡Pago exitoso!</h1>${amount}
<p>Tu pedido <strong>#${escapeHtml(status.pedido.id)}</strong> fue confirmado y enviado a la cocina${restaurant ? ` de ${restaurant}` : ''}.</p>
<p class="muted">Te enviamos la confirmación por WhatsApp. Ya puedes cerrar esta página.</p>${contact}</div>`,
      );
    case 'rechazado': {
      // Once the customer has chosen another method, the way forward is the newer link, not the chat.
      const retry = extras.replacedBy ? `/pay/${encodeURIComponent(extras.replacedBy)}` : chat('cambiar método');
      const retryLabel = extras.replacedBy ? 'Ir al enlace más reciente' : 'Intentar con otro método';
      return page(
        'Pago rechazado',
        `<div class="card" data-estado="rechazado"><div class="icon">❌</div><h1>Pago rechazado</h1>${amount}
<p>${escapeHtml(status.motivo ?? 'La entidad no aprobó el pago.')}</p>
<p class="muted">No se hizo ningún cobro. Puedes intentar con otro método de pago.</p>
${retry ? `<a class="btn btn-primary" href="${escapeHtml(retry)}">${retryLabel}</a>` : ''}${contact}</div>`,
      );
    }
    case 'expirado': {
      const again = chat('menu');
      return page(
        'Enlace expirado',
        `<div class="card" data-estado="expirado"><div class="icon">⌛</div><h1>Enlace expirado</h1>
<p>Este enlace de pago ya no está activo.</p><p class="muted">Escríbenos por WhatsApp para hacer tu pedido de nuevo.</p>
${again ? `<a class="btn btn-primary" href="${escapeHtml(again)}">Pedir de nuevo</a>` : ''}</div>`,
      );
    }
    case 'fraude_detectado':
      return page(
        'Pago en revisión',
        `<div class="card" data-estado="fraude_detectado"><div class="icon">🔎</div><h1>Estamos revisando tu pago</h1>
<p>Necesitamos validar tu pago antes de enviar el pedido a la cocina. Te escribiremos por WhatsApp.</p>${contact}</div>`,
      );
    case 'pendiente':
      return processingPage(reference, restaurant, whatsapp);
  }
}

/**
 * While pending: polls the status API every 2.5 s, backs off on errors, and after 5 minutes
 * offers help and polls every 15 s (a payment that slow is usually settled by the reconciler,
 * and the customer hears it on WhatsApp either way). Without JavaScript, a link reloads it.
 */
function processingPage(reference: string, restaurant: string, contactUrl: string | null): string {
  // JSON.stringify alone would let "</script>" through; references are [\w-] today, this keeps it so.
  const ref = JSON.stringify(reference).replace(/</g, '\\u003c');
  const contact = contactUrl ? `<a class="btn btn-secondary" href="${escapeHtml(contactUrl)}">Contactar por WhatsApp</a>` : '';
  return page(
    'Procesando tu pago',
    `<div class="card" id="card" data-estado="pendiente" role="status" aria-live="polite"><div class="spinner" aria-hidden="true"></div><h1>Procesando tu pago…</h1>
<p>Estamos esperando la confirmación de la pasarela${restaurant ? ` para ${restaurant}` : ''}.</p>
<p class="muted">No cierres esta página; se actualiza sola.</p>
<noscript><a class="btn btn-secondary" href="/pay/${encodeURIComponent(reference)}?vista=estado">Actualizar</a></noscript>
<div id="help" hidden><p class="muted">¿Lleva mucho tiempo? Si ya pagaste, te confirmaremos por WhatsApp apenas la pasarela nos avise.</p>${contact}</div></div>`,
    {
      script: `(function(){var ref=${ref},BASE=2500,SLOW=15000,HELP_AFTER=300000,delay=BASE,started=Date.now();
function late(){return Date.now()-started>HELP_AFTER}
function next(){setTimeout(poll,delay)}
function poll(){if(late()){document.getElementById('help').hidden=false}
fetch('/api/payments/'+encodeURIComponent(ref)+'/status',{cache:'no-store'}).then(function(r){if(!r.ok)throw new Error(r.status);return r.json()})
.then(function(s){delay=late()?SLOW:BASE;if(s.estado==='pendiente'||(s.estado==='completado'&&!s.pedido)){next();return}location.replace('/pay/'+encodeURIComponent(ref)+'?vista=estado')})
.catch(function(){delay=Math.min(delay*2,30000);next()})}
next()})();`,
    },
  );
}

function replacedPage(newReference: string): string {
  return page(
    'Enlace reemplazado',
    `<div class="card" data-estado="reemplazado"><div class="icon">🔁</div><h1>Este enlace fue reemplazado</h1>
<p>Elegiste otro método de pago. Usa el enlace más reciente que te enviamos por WhatsApp.</p>
<a class="btn btn-primary" href="/pay/${encodeURIComponent(newReference)}">Ir al enlace más reciente</a></div>`,
  );
}

function autoSubmitPage(action: string, fields: Record<string, string>, tenant: TenantConfig | null): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return page(
    'Redirigiendo al pago',
    `<div class="card"><div class="spinner" aria-hidden="true"></div><h1>Te llevamos al pago seguro…</h1>
<p class="muted">${escapeHtml(tenant?.restaurant.name ?? '')}</p>
<form id="checkout" method="post" action="${escapeHtml(action)}">${inputs}<button class="btn btn-primary" type="submit">Continuar al pago</button></form></div>`,
    { script: `document.getElementById('checkout').submit();` },
  );
}

function unavailablePage(tenant: TenantConfig | null): string {
  const whatsapp = waLink(tenant);
  return page(
    'Pago no disponible',
    `<div class="card"><div class="icon">⚠️</div><h1>No pudimos abrir el pago</h1><p>La pasarela no respondió. Intenta de nuevo en un momento.</p>
<a class="btn btn-primary" href="">Intentar de nuevo</a>${whatsapp ? `<a class="btn btn-secondary" href="${escapeHtml(whatsapp)}">Contactar por WhatsApp</a>` : ''}</div>`,
  );
}

function notFoundPage(): string {
  return page(
    'Enlace no encontrado',
    `<div class="card"><div class="icon">🤔</div><h1>Enlace no encontrado</h1><p>Revisa que el enlace esté completo, tal como te llegó por WhatsApp.</p></div>`,
  );
}

