import { randomUUID } from 'node:crypto';
import type { Database } from 'firebase-admin/database';
import { ServerValue } from 'firebase-admin/database';
import type { OrderDraft, Reply } from '../conversation/types';
import { AppError, ErrorCode } from '../errors';
import { readValue, withTimeout } from '../db/firebase';
import { acquireLease, releaseLease } from '../db/lease';
import type { LiveCache } from '../db/live-cache';
import { paths } from '../db/paths';
import type { TOrderRecord } from '../db/records';
import type { FaultInjector } from '../faults';
import { queueMessages, type OutboxKind, type QueuedMessage } from '../messaging/outbox';

/** Long enough for the few writes of one order; a crashed holder blocks retries this long at most. */
export const ORDER_LEASE_MS = 60_000;
/** First human order id of a tenant. */
const FIRST_ORDER_NUMBER = 1001;

export interface CreateOrderInput {
  tenantId: string;
  restaurantName: string;
  /** Deterministic key (from the message or the payment reference), so retries find the order. */
  orderKey: string;
  /** Customer wa_id. */
  cliente: string;
  nombreCliente?: string;
  draft: OrderDraft;
  pago: NonNullable<TOrderRecord['pago']>;
  /** Messages to the customer, built once the human order id is known. */
  notify: (order: TOrderRecord) => Array<{ kind: OutboxKind; reply: Reply }>;
  /** More paths to write in the same atomic update (e.g. the payment's audit line, its pendingPayments entry). */
  alsoWrite?: (order: TOrderRecord) => Record<string, unknown>;
  /** When given, the tenant's order counter stays listened to, so numbering an order is one write. */
  live?: LiveCache;
  now: number;
  /** Identifies this worker in the lease. */
  owner: string;
  faults?: FaultInjector;
}

export interface CreateOrderResult {
  order: TOrderRecord;
  created: boolean;
  /** Messages queued by this call (empty when the order already existed). */
  queued: QueuedMessage[];
}

/**
 * Creates an order exactly once. The order, the tenant's stats and the customer's
 * confirmation are written in one multi-path update, so they exist together or not at all;
 * a lease keeps two workers from writing the same order at the same time, and the order's
 * existence, checked after taking the lease, makes every retry a no-op.
 */
export async function createOrderOnce(db: Database, input: CreateOrderInput): Promise<CreateOrderResult> {
  const orderPath = paths.order(input.tenantId, input.orderKey);
  const existing = await readValue<TOrderRecord>(db, orderPath);
  if (existing) return { order: existing, created: false, queued: [] };

  const lease = `order-${input.tenantId}-${input.orderKey}`;
  // One owner per call, not per process: concurrent requests in one process must exclude each other too.
  const owner = `${input.owner}:${randomUUID()}`;
  if (!(await acquireLease(db, { name: lease, owner, ttlMs: ORDER_LEASE_MS, now: input.now }))) {
    throw new AppError(ErrorCode.DATABASE_UNAVAILABLE, { message: `order ${input.orderKey} is being created by another worker` });
  }
  try {
    const again = await readValue<TOrderRecord>(db, orderPath);
    if (again) return { order: again, created: false, queued: [] };
    return await writeOrder(db, input);
  } finally {
    await releaseLease(db, { name: lease, owner }).catch(() => undefined);
  }
}

/**
 * Creates the order of a payment whose transaction this caller alone moved to `completado`:
 * that commit already decided that exactly one caller writes this order, so no lease and no
 * reads are needed. Every other caller (duplicates, the reconciler's repair) goes through
 * `createOrderOnce`.
 */
export function createClaimedOrder(db: Database, input: CreateOrderInput): Promise<CreateOrderResult> {
  return writeOrder(db, input);
}

/** The order number, then the order, its stats and its messages in one atomic update. */
async function writeOrder(db: Database, input: CreateOrderInput): Promise<CreateOrderResult> {
  const orderPath = paths.order(input.tenantId, input.orderKey);

  const counterPath = paths.orderCounter(input.tenantId);
  await input.live?.hold(counterPath);
  // Concurrent orders of one tenant in this process share one write: the SDK runs queued
  // transactions on a path one after the other locally and sends the last value.
  const counter = await withTimeout(
    db.ref(counterPath).transaction((n: number | null) => (typeof n === 'number' ? n + 1 : FIRST_ORDER_NUMBER), undefined, false),
    'order counter',
  );
  const order: TOrderRecord = {
    id: String(counter.snapshot.val()),
    tenantId: input.tenantId,
    cliente: input.cliente,
    telefono: input.cliente,
    telefonoContacto: input.draft.telefonoContacto,
    direccion: input.draft.direccion,
    ...(input.draft.ubicacion ? { ubicacion: input.draft.ubicacion } : {}),
    items: input.draft.items,
    total: input.draft.total,
    estado: 'pendiente',
    timestamp: input.now,
    fecha: new Date(input.now).toISOString(),
    fuente: 'whatsapp',
    restaurante: input.restaurantName,
    ...(input.nombreCliente ? { nombreCliente: input.nombreCliente } : {}),
    pago: input.pago,
  };
  const { queued, update } = queueMessages(
    input.notify(order).map((m, i) => ({
      outboxId: `pedido-${input.orderKey}-${i}`,
      tenantId: input.tenantId,
      to: input.cliente,
      kind: m.kind,
      reply: m.reply,
    })),
    input.now,
  );
  await withTimeout(
    db.ref().update({
      ...update,
      ...(input.alsoWrite?.(order) ?? {}),
      [orderPath]: order,
      [`${paths.stats(input.tenantId)}/pedidos`]: ServerValue.increment(1),
      [`${paths.stats(input.tenantId)}/ingresos`]: ServerValue.increment(order.total),
    }),
    'create order',
  );
  await input.faults?.at('after-order-write');
  return { order, created: true, queued };
}
