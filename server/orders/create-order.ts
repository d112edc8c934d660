import { randomUUID } from 'node:crypto';
import type { Database } from 'firebase-admin/database';
import type { OrderDraft, Reply } from '../conversation/types';
import { AppError, ErrorCode } from '../errors';
import { readValue, withTimeout } from '../db/firebase';
import { acquireLease, releaseLease } from '../db/lease';
import type { LiveCache } from '../db/live-cache';
import { keyFor, paths } from '../db/paths';
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
 * Creates an order exactly once. Its number and the tenant's stats come from one transaction
 * keyed on the order (`countOrder`); the order and the customer's confirmation are written in
 * one multi-path update, so they exist together or not at all;
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

/**
 * `tenants/{t}/stats`: the seed's `{ pedidos, ingresos }`, plus the last order number given
 * and the orders counted recently. Numbering and counting are one transaction keyed on the
 * order, so they happen once per order whoever asks and however often:
 * - the SDK re-sends a write whose acknowledgement was lost on reconnect; a re-sent
 *   `increment` is applied twice, but a re-sent transaction fails its hash check and runs
 *   again, finds the order in `recientes`, and changes nothing (#12);
 * - a repaired order (payment completado whose writer crashed or timed out) gets the number
 *   the first writer took, which may already have been told to the customer;
 * - a number leaves the counter exactly once, so no two orders ever share one.
 * `recientes` is bounded (by age and count), so the node stays small; it must outlive any
 * repair or replay (the reconciler repairs within minutes).
 */
export interface TStatsRecord {
  pedidos: number;
  ingresos: number;
  /** Last order number given; the next order takes this + 1. */
  numero?: number;
  /** Orders counted recently: key derived from the order key → { n: its number, t: when }. */
  recientes?: Record<string, { n: number; t: number }>;
}

/** How long an order stays in `stats/recientes` (a repair or a replay comes much sooner). */
export const COUNTED_ORDER_MEMORY_MS = 24 * 60 * 60 * 1000;
/** At most this many orders in `stats/recientes` (the oldest go first). */
export const COUNTED_ORDER_MEMORY_MAX = 300;

/** Pure: the stats after counting `orderKey`, or `undefined` when it was counted already. */
export function countOrder(current: TStatsRecord | null, input: { orderKey: string; total: number; now: number; legacyNumber: number | null }): TStatsRecord | undefined {
  const key = countedKey(input.orderKey);
  if (current?.recientes?.[key]) return undefined;
  const last = current?.numero ?? input.legacyNumber ?? FIRST_ORDER_NUMBER - 1;
  const numero = Math.max(last, FIRST_ORDER_NUMBER - 1) + 1;
  const kept = Object.entries(current?.recientes ?? {})
    .filter(([, v]) => v && typeof v.t === 'number' && v.t > input.now - COUNTED_ORDER_MEMORY_MS)
    .sort((a, b) => b[1].t - a[1].t)
    .slice(0, COUNTED_ORDER_MEMORY_MAX - 1);
  return {
    pedidos: (current?.pedidos ?? 0) + 1,
    ingresos: (current?.ingresos ?? 0) + input.total,
    numero,
    recientes: { ...Object.fromEntries(kept), [key]: { n: numero, t: input.now } },
  };
}

export const countedKey = (orderKey: string): string => keyFor(orderKey).slice(0, 16);

/** The order's number: taken and counted now, or the one it was given before. */
async function numberFor(db: Database, input: CreateOrderInput): Promise<number> {
  const statsPath = paths.stats(input.tenantId);
  await input.live?.hold(statsPath);
  // Tenants numbered before (#12) kept their counter at contadores/pedidos; continue from it.
  let legacyNumber: number | null = null;
  const cached = input.live ? await input.live.get(statsPath, (raw) => raw as TStatsRecord | null) : null;
  if (!cached || typeof cached.numero !== 'number') {
    const legacy = await readValue<number>(db, paths.orderCounter(input.tenantId));
    legacyNumber = typeof legacy === 'number' ? legacy : null;
  }
  // Concurrent orders of one tenant in this process share one write: the SDK runs queued
  // transactions on a path one after the other locally and sends the last value.
  const result = await withTimeout(
    db.ref(statsPath).transaction(
      (current: TStatsRecord | null) => countOrder(current, { orderKey: input.orderKey, total: input.draft.total, now: input.now, legacyNumber }),
      undefined,
      false,
    ),
    'order number',
  );
  const stored = result.snapshot.val() as TStatsRecord | null;
  const numero = stored?.recientes?.[countedKey(input.orderKey)]?.n;
  if (typeof numero !== 'number') throw new AppError(ErrorCode.DATABASE_UNAVAILABLE, { message: `order ${input.orderKey} got no number` });
  return numero;
}

/** The order's number (counted once), then the order and its messages in one atomic update. */
async function writeOrder(db: Database, input: CreateOrderInput): Promise<CreateOrderResult> {
  const orderPath = paths.order(input.tenantId, input.orderKey);
  const numero = await numberFor(db, input);
  const order: TOrderRecord = {
    id: String(numero),
    tenantId: input.tenantId,
    cliente: input.cliente,
    telefono: input.cliente,
    telefonoContacto: input.draft.telefonoContacto,
    direccion: input.draft.direccion,
    ...(input.draft.ubicacion ? { ubicacion: input.draft.ubicacion } : {}),
    items: input.draft.items,
    // #16: the delivery fee is its own amount, included in `total`.
    ...(input.draft.tipoEntrega ? { tipoEntrega: input.draft.tipoEntrega, domicilio: input.draft.domicilio ?? 0 } : {}),
    ...(input.draft.programadoPara !== undefined ? { programadoPara: input.draft.programadoPara } : {}),
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
      // Body parameters of the utility template that carries it outside the 24-hour window (#15).
      datos: { pedido: String(order.id), total: order.total },
    })),
    input.now,
  );
  await withTimeout(
    db.ref().update({
      ...update,
      ...(input.alsoWrite?.(order) ?? {}),
      [orderPath]: order,
    }),
    'create order',
  );
  await input.faults?.at('after-order-write');
  return { order, created: true, queued };
}
