import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { orderAccepted, orderDelivered, orderOnTheWay, orderPreparing, orderReadyForPickup, orderStopped } from '../conversation/messages.es-CO';
import type { Reply } from '../conversation/types';
import { readValue, withTimeout } from '../db/firebase';
import { keyFor, paths } from '../db/paths';
import { ORDER_STATES, ZOrderRecordSchema, type TOrderRecord, type WhatsappTemplateKey } from '../db/records';
import { AppError, ErrorCode } from '../errors';
import { deliverMessages, queueMessages, type OutboxDeps } from '../messaging/outbox';

export type OrderState = (typeof ORDER_STATES)[number];

/**
 * Where the kitchen may move an order (#16). Forward only; `entregado`, `cancelado` and
 * `rechazado` are final. A new order is accepted (`aceptado`) or rejected (`rechazado`, with a
 * reason); boards written before #16 go straight to `en_preparacion`. A pickup order goes
 * from `en_preparacion` to `entregado` (nobody rides it anywhere). An order on its way is
 * not cancelled from the board: it comes back or is delivered.
 * database.rules.json encodes the same table for clients that write `estado` directly,
 * except `rechazado`, which only this API writes (it flags a paid order for refund).
 */
export const ORDER_TRANSITIONS: Record<OrderState, readonly OrderState[]> = {
  pendiente: ['aceptado', 'rechazado', 'en_preparacion', 'cancelado'],
  aceptado: ['en_preparacion', 'cancelado'],
  en_preparacion: ['en_camino', 'entregado', 'cancelado'],
  en_camino: ['entregado'],
  entregado: [],
  cancelado: [],
  rechazado: [],
};

export function canMoveOrder(from: OrderState, to: OrderState): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** States only the admin API writes (database.rules.json refuses them to clients). */
export const SERVER_ONLY_STATES: readonly OrderState[] = ['rechazado'];

/** Moves a client may write directly to `estado` (database.rules.json). */
export function canClientMoveOrder(from: OrderState, to: OrderState): boolean {
  return canMoveOrder(from, to) && !SERVER_ONLY_STATES.includes(to);
}

const MAX_REASON_CHARS = 200;

/** `PATCH …/orders/{key}` body: the new state; a reason is required to reject and optional to cancel. */
export const ZOrderStatusUpdateSchema = z
  .object({
    estado: z.enum(['aceptado', 'rechazado', 'en_preparacion', 'en_camino', 'entregado', 'cancelado']),
    motivo: z.string().trim().min(1).max(MAX_REASON_CHARS).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.estado === 'rechazado' && !body.motivo) ctx.addIssue({ code: 'custom', path: ['motivo'], message: 'escribe el motivo del rechazo; se le envía al cliente' });
    if (body.motivo && body.estado !== 'rechazado' && body.estado !== 'cancelado') ctx.addIssue({ code: 'custom', path: ['motivo'], message: 'el motivo solo va con "rechazado" o "cancelado"' });
  });

/** Paid online: a rejected or cancelled order must be refunded by a person. */
const paidOnline = (order: TOrderRecord) => order.pago?.estado === 'completado';

/** States that tell the customer on WhatsApp, and what they say (#16: every state the customer cares about). */
const CUSTOMER_NOTICES: Partial<Record<OrderState, (order: TOrderRecord) => Reply>> = {
  aceptado: (order) => orderAccepted({ pedidoId: order.id }),
  en_preparacion: (order) => orderPreparing({ pedidoId: order.id }),
  en_camino: (order) => (order.tipoEntrega === 'recoger' ? orderReadyForPickup({ pedidoId: order.id }) : orderOnTheWay({ pedidoId: order.id })),
  entregado: (order) => orderDelivered({ pedidoId: order.id }),
  rechazado: (order) => orderStopped({ pedidoId: order.id, estado: 'rechazado', ...(order.motivo ? { motivo: order.motivo } : {}), reembolso: paidOnline(order) }),
  cancelado: (order) => orderStopped({ pedidoId: order.id, estado: 'cancelado', ...(order.motivo ? { motivo: order.motivo } : {}), reembolso: paidOnline(order) }),
};

/** The utility template of each notice, for when the customer's window is closed (#15). */
const NOTICE_TEMPLATES: Partial<Record<OrderState, WhatsappTemplateKey>> = {
  en_camino: 'pedido_en_camino',
  entregado: 'pedido_entregado',
  cancelado: 'pedido_cancelado',
};

/** One outbox id per (order, estado): a repeated notice rewrites the same entry instead of adding one. */
export function statusNoticeId(orderKey: string, estado: OrderState): string {
  const readable = `estado-${estado}-${orderKey}`;
  return readable.length <= 120 ? readable : `estado-${estado}-${keyFor(orderKey)}`;
}

export interface ChangeOrderStatusDeps {
  db: Database;
  logger: Logger;
  now: () => number;
  outbox: OutboxDeps;
}

export interface ChangeOrderStatusInput {
  tenantId: string;
  orderKey: string;
  estado: OrderState;
  /** Why it was rejected or cancelled; told to the customer. */
  motivo?: string;
  /** Who pressed the button (uid), kept on the order for support. */
  by: string;
}

type Attempt = { kind: 'missing' } | { kind: 'moved'; from: OrderState } | { kind: 'refused'; from: OrderState } | { kind: 'unreadable' };

/**
 * Moves an order with one RTDB transaction, so two tablets pressing at once cannot both win
 * and a direct client write in between is seen. After commit, `en_camino` and `entregado`
 * queue a WhatsApp notice in the outbox and deliver it.
 */
export async function changeOrderStatus(deps: ChangeOrderStatusDeps, input: ChangeOrderStatusInput): Promise<{ order: TOrderRecord; from: OrderState }> {
  const path = paths.order(input.tenantId, input.orderKey);
  if (!(await orderExists(deps.db, input.tenantId, input.orderKey))) {
    throw new AppError(ErrorCode.NOT_FOUND, { userMessage: `no existe el pedido ${input.orderKey}` });
  }
  const now = deps.now();
  let attempt: Attempt = { kind: 'missing' };
  const tx = await withTimeout(
    deps.db.ref(path).transaction((current: Record<string, unknown> | null) => {
      // The first call may see null only because nothing is cached yet: returning null lets
      // the server answer with the real value (a missing order stays missing).
      if (current === null) {
        attempt = { kind: 'missing' };
        return null;
      }
      const from = current.estado;
      if (typeof from !== 'string' || !(ORDER_STATES as readonly string[]).includes(from)) {
        attempt = { kind: 'unreadable' };
        return undefined;
      }
      if (!canMoveOrder(from as OrderState, input.estado)) {
        attempt = { kind: 'refused', from: from as OrderState };
        return undefined;
      }
      attempt = { kind: 'moved', from: from as OrderState };
      const history = (current.historialEstados as Record<string, unknown> | undefined) ?? {};
      const stopped = input.estado === 'rechazado' || input.estado === 'cancelado';
      const paid = (current.pago as { estado?: unknown } | undefined)?.estado === 'completado';
      return {
        ...current,
        estado: input.estado,
        estadoActualizado: now,
        estadoActualizadoPor: input.by,
        historialEstados: { ...history, [input.estado]: now },
        ...(stopped && input.motivo ? { motivo: input.motivo } : {}),
        // The money came through a gateway: the owners' page lists it until a person refunds it (#16).
        ...(stopped && paid ? { reembolsoPendiente: true } : {}),
      };
    }),
    `order status ${input.orderKey}`,
  );
  const result = attempt as Attempt;
  if (result.kind === 'missing' || !tx.snapshot.exists()) {
    throw new AppError(ErrorCode.NOT_FOUND, { userMessage: `no existe el pedido ${input.orderKey}` });
  }
  if (result.kind === 'unreadable') throw new AppError(ErrorCode.CONFLICT, { userMessage: 'el pedido tiene un estado desconocido; revísalo en la base de datos' });
  if (result.kind === 'refused' || !tx.committed) {
    const from = result.kind === 'refused' ? result.from : (tx.snapshot.child('estado').val() as OrderState);
    if (from === input.estado) await repairMissingNotice(deps, input, tx.snapshot.val());
    throw new AppError(ErrorCode.CONFLICT, {
      userMessage: `el pedido está "${from}" y no puede pasar a "${input.estado}"`,
      details: { estadoActual: from, permitidos: ORDER_TRANSITIONS[from] ?? [] },
    });
  }
  const order = ZOrderRecordSchema.parse(tx.snapshot.val());
  deps.logger.info({ tenantId: input.tenantId, orderKey: input.orderKey, pedidoId: order.id, from: result.from, to: input.estado }, 'order status changed');
  await notifyCustomer(deps, input, order, now);
  return { order, from: result.from };
}

/**
 * Whether `orders/{orderKey}` exists, asked as a query on the key among the tenant's orders:
 * the answer is one child or none, and an id such as `constructor` or `__proto__` is only ever
 * compared with stored keys, never resolved as a path through a store's object prototypes
 * (#12). `hasChild` looks the key up in the SDK's own sorted map, not in a plain object.
 */
export async function orderExists(db: Database, tenantId: string, orderKey: string): Promise<boolean> {
  const snap = await withTimeout(db.ref(paths.orders(tenantId)).orderByKey().equalTo(orderKey).limitToFirst(1).once('value'), `order ${orderKey} lookup`);
  return snap.hasChild(orderKey);
}

/** One order for the ticket and the board (`GET …/orders/{key}`); 404 when missing or unreadable. */
export async function getOrder(db: Database, tenantId: string, orderKey: string): Promise<TOrderRecord & { key: string }> {
  if (!(await orderExists(db, tenantId, orderKey))) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: `no existe el pedido ${orderKey}` });
  const raw = await readValue(db, paths.order(tenantId, orderKey));
  const parsed = ZOrderRecordSchema.safeParse(raw);
  if (!parsed.success) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: `no existe el pedido ${orderKey}` });
  return { ...(raw as Record<string, unknown>), ...parsed.data, key: orderKey };
}

async function notifyCustomer(deps: ChangeOrderStatusDeps, input: ChangeOrderStatusInput, order: TOrderRecord, now: number): Promise<void> {
  const build = CUSTOMER_NOTICES[input.estado];
  if (!build) return;
  const { queued, update } = queueMessages(
    [
      {
        outboxId: statusNoticeId(input.orderKey, input.estado),
        tenantId: input.tenantId,
        to: order.cliente,
        kind: 'estado_pedido',
        reply: build(order),
        // Outside the 24-hour window the notice goes as the tenant's template (#15).
        ...(NOTICE_TEMPLATES[input.estado] ? { plantilla: NOTICE_TEMPLATES[input.estado], datos: { pedido: String(order.id), total: order.total } } : {}),
      },
    ],
    now,
  );
  // The state change is already committed; if this write fails, a repeated request finds the
  // notice missing and queues it (repairMissingNotice), so the customer is still told.
  await withTimeout(deps.db.ref().update(update), 'order status notice');
  await deliverMessages(deps.outbox, queued);
}

/**
 * The same state was asked for again (a second tablet, or a retry after a crash between the
 * commit and the notice): queue the notice only if it was never written.
 */
async function repairMissingNotice(deps: ChangeOrderStatusDeps, input: ChangeOrderStatusInput, raw: unknown): Promise<void> {
  if (!CUSTOMER_NOTICES[input.estado]) return;
  const order = ZOrderRecordSchema.safeParse(raw);
  if (!order.success) return;
  const existing = await readValue(deps.db, paths.outboxMessage(statusNoticeId(input.orderKey, input.estado)));
  if (existing !== null) return;
  deps.logger.warn({ tenantId: input.tenantId, orderKey: input.orderKey, estado: input.estado }, 'status notice was missing; queueing it now');
  await notifyCustomer(deps, input, order.data, deps.now());
}
