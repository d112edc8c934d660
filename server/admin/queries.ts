import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { ORDER_STATES, PAYMENT_STATES, ZOrderRecordSchema, ZPaymentRecordSchema, type TOrderRecord, type TPaymentRecord } from '../db/records';
import { OUTBOX_FAILED_PATH, ZOutboxEntrySchema } from '../messaging/outbox';

/**
 * Read-only views for owners, kitchen and support. Every query is bounded by an index and a
 * limit (`.indexOn` in database.rules.json), so its cost follows the page, not the history.
 */

/** Orders still in the kitchen's hands. */
export const OPEN_ORDER_STATES = ['pendiente', 'aceptado', 'en_preparacion', 'en_camino'] as const;
/** Default look-back for order lists. */
export const ORDERS_DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_LIST = 500;
const DEFAULT_LIST = 200;

const limitParam = z.coerce.number().int().min(1).max(MAX_LIST).default(DEFAULT_LIST);

/** `desde`: ms since epoch or an ISO date. */
const sinceParam = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const value = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
    if (!Number.isFinite(value)) {
      ctx.addIssue({ code: 'custom', message: 'usa milisegundos desde 1970 o una fecha ISO, p. ej. 2025-01-31T12:00:00Z' });
      return z.NEVER;
    }
    return value;
  });

export const ZOrdersQuerySchema = z
  .object({
    /** One state, several separated by commas, or `abiertos` (pendiente, aceptado, en_preparacion, en_camino). */
    estado: z
      .string()
      .trim()
      .transform((s, ctx) => {
        const states = s === 'abiertos' ? [...OPEN_ORDER_STATES] : s.split(',').map((x) => x.trim());
        for (const state of states) {
          if (!(ORDER_STATES as readonly string[]).includes(state)) {
            ctx.addIssue({ code: 'custom', message: `estado desconocido "${state.slice(0, 30)}"; usa ${ORDER_STATES.join(', ')} o abiertos` });
            return z.NEVER;
          }
        }
        return states as Array<(typeof ORDER_STATES)[number]>;
      })
      .optional(),
    desde: sinceParam.optional(),
    limite: limitParam,
  })
  .strict();
export type TOrdersQuery = z.infer<typeof ZOrdersQuerySchema>;

export type OrderView = TOrderRecord & { key: string } & Record<string, unknown>;

/** Orders since `desde` (default: the last 24 h), oldest first, optionally of some states. */
export async function listOrders(db: Database, tenantId: string, query: TOrdersQuery, now: number): Promise<OrderView[]> {
  const since = query.desde ?? now - ORDERS_DEFAULT_WINDOW_MS;
  const snap = await withTimeout(
    db.ref(paths.orders(tenantId)).orderByChild('timestamp').startAt(since).limitToLast(query.limite).once('value'),
    'list orders',
  );
  const orders: OrderView[] = [];
  snap.forEach((child) => {
    const parsed = ZOrderRecordSchema.safeParse(child.val());
    if (parsed.success && (!query.estado || query.estado.includes(parsed.data.estado))) {
      orders.push({ ...(child.val() as Record<string, unknown>), ...parsed.data, key: child.key! });
    }
    return false;
  });
  return orders.sort((a, b) => a.timestamp - b.timestamp);
}

export const ZPaymentsQuerySchema = z
  .object({
    /** A payment state, or `todos`. */
    estado: z.enum([...PAYMENT_STATES, 'todos']),
    limite: limitParam,
  })
  .strict();
export type TPaymentsQuery = z.infer<typeof ZPaymentsQuerySchema>;

/** Payment records for support, newest first. */
export async function listPayments(db: Database, tenantId: string, query: TPaymentsQuery): Promise<Array<TPaymentRecord & { key: string }>> {
  const ref = db.ref(`${paths.tenant(tenantId)}/pagos`);
  const q = query.estado === 'todos' ? ref.orderByChild('fechaCreacion').limitToLast(query.limite) : ref.orderByChild('estado').equalTo(query.estado).limitToLast(query.limite);
  const snap = await withTimeout(q.once('value'), 'list payments');
  const payments: Array<TPaymentRecord & { key: string }> = [];
  snap.forEach((child) => {
    const parsed = ZPaymentRecordSchema.safeParse(child.val());
    if (parsed.success) payments.push({ ...parsed.data, key: child.key! });
    return false;
  });
  return payments.sort((a, b) => b.fechaCreacion - a.fechaCreacion);
}

export interface FailedMessageView {
  outboxId: string;
  tipo: 'mensaje_fallido';
  kind: string;
  cliente: string;
  intentos: number;
  fecha: number;
  ultimoError: unknown;
  /** Meta's code and title when a status webhook reported the failure (#15). */
  errorMeta: unknown;
}

const ALERTS_LIMIT = 100;

/**
 * `tenants/{t}/alertas` (fraude_detectado, pago_de_enlace_reemplazado…) and the tenant's
 * WhatsApp messages that could not be delivered, found through `outboxFailed/{t}` (written
 * by the outbox when a message fails), newest first.
 */
/** `tenantId` must already match TENANT_ID_PATTERN (the router checks it). */
export async function listAlerts(db: Database, tenantId: string): Promise<{ alertas: Array<Record<string, unknown>>; mensajesFallidos: FailedMessageView[] }> {
  const [alertsSnap, failedSnap] = await Promise.all([
    withTimeout(db.ref(paths.alerts(tenantId)).orderByChild('fecha').limitToLast(ALERTS_LIMIT).once('value'), 'alerts'),
    withTimeout(db.ref(`${OUTBOX_FAILED_PATH}/${tenantId}`).orderByValue().limitToLast(ALERTS_LIMIT).once('value'), 'failed messages'),
  ]);
  const alertas: Array<Record<string, unknown>> = [];
  alertsSnap.forEach((child) => {
    alertas.push({ ...(child.val() as Record<string, unknown>), key: child.key });
    return false;
  });
  alertas.sort((a, b) => Number(b.fecha ?? 0) - Number(a.fecha ?? 0));

  const failedIds = Object.keys((failedSnap.val() as Record<string, number> | null) ?? {});
  const entries = await Promise.all(
    failedIds.map(async (outboxId) => ({ outboxId, raw: (await withTimeout(db.ref(paths.outboxMessage(outboxId)).once('value'), 'failed message')).val() as unknown })),
  );
  const mensajesFallidos: FailedMessageView[] = [];
  for (const { outboxId, raw } of entries) {
    const parsed = ZOutboxEntrySchema.safeParse(raw);
    // Delivered later (e.g. resent by hand) or another tenant's: not an alert any more.
    if (!parsed.success || parsed.data.estado !== 'fallido' || parsed.data.tenantId !== tenantId) continue;
    const entry = parsed.data as typeof parsed.data & { ultimoError?: unknown; siguienteIntento: number };
    mensajesFallidos.push({
      outboxId,
      tipo: 'mensaje_fallido',
      kind: entry.kind,
      cliente: entry.to,
      intentos: entry.intentos,
      fecha: Number((failedSnap.val() as Record<string, number>)[outboxId] ?? entry.creado),
      ultimoError: entry.ultimoError ?? null,
      errorMeta: entry.errorMeta ?? null,
    });
  }
  mensajesFallidos.sort((a, b) => b.fecha - a.fecha);
  return { alertas, mensajesFallidos };
}
