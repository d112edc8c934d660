import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { paymentExpired, paymentReminder } from '../../conversation/messages.es-CO';
import { readValue, transact, withTimeout } from '../../db/firebase';
import { paths } from '../../db/paths';
import { ZPaymentRecordSchema, type TPaymentRecord } from '../../db/records';
import { advancePayment, type PaymentDecision } from '../../orders/advance-payment';
import { confirmPayment, ensurePaidOrder, type ConfirmPaymentDeps } from '../../orders/confirm-payment';
import { deliverMessages, queueMessages, type OutboxDeps, type QueuedMessage } from '../../messaging/outbox';
import { ZGatewayIdSchema } from '../../payments/adapters';
import { environmentOf, type GatewayManager } from '../../payments/gateway-manager';

/** How many pending payments one run looks at, and how many gateway calls run at once. */
export const PENDING_BATCH = 200;
export const GATEWAY_CONCURRENCY = 5;

export interface PendingPaymentsDeps {
  db: Database;
  logger: Logger;
  now: () => number;
  gateways: GatewayManager;
  confirm: ConfirmPaymentDeps;
  outbox: OutboxDeps;
  queryAfterMs: number;
  reminderAfterMs: number;
  expireAfterMs: number;
}

/** `pendingPayments/{ref}`: what the poller walks; removed when the payment settles. */
export const ZPendingEntrySchema = z.looseObject({
  tenantId: z.string(),
  gateway: ZGatewayIdSchema,
  createdAt: z.number(),
  recordatorio: z.number().optional(),
  /** When the gateway was last asked (only kept for gateways with their own query schedule). */
  consultado: z.number().optional(),
});

export interface PendingSummary {
  [key: string]: number;
  examined: number;
  queried: number;
  settled: number;
  reminded: number;
  expired: number;
  repaired: number;
  errors: number;
}

/**
 * Pending payments older than the webhook's grace period are asked of their gateway (a
 * missing or late webhook must not leave a paid customer waiting); approved or declined
 * results take the same path as a webhook. One reminder at `reminderAfterMs`, `expirado` at
 * `expireAfterMs`. Reads and gateway calls grow with pending payments only: settled ones
 * leave `pendingPayments/`.
 */
export async function reconcilePendingPayments(deps: PendingPaymentsDeps): Promise<PendingSummary> {
  const now = deps.now();
  const summary: PendingSummary = { examined: 0, queried: 0, settled: 0, reminded: 0, expired: 0, repaired: 0, errors: 0 };
  const snap = await withTimeout(
    deps.db.ref(paths.pendingPayments()).orderByChild('createdAt').endAt(now - deps.queryAfterMs).limitToFirst(PENDING_BATCH).once('value'),
    'pending payments',
  );
  const entries = Object.entries((snap.val() as Record<string, unknown> | null) ?? {});
  const queue = [...entries];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [reference, raw] = next;
      summary.examined++;
      try {
        await reconcileOne(deps, reference, raw, now, summary);
      } catch (error) {
        summary.errors++;
        deps.logger.error({ err: error, reference }, 'could not reconcile a pending payment; next run tries again');
      }
    }
  };
  await Promise.allSettled(Array.from({ length: Math.min(GATEWAY_CONCURRENCY, entries.length) }, worker));
  return summary;
}

async function reconcileOne(deps: PendingPaymentsDeps, reference: string, raw: unknown, now: number, summary: PendingSummary): Promise<void> {
  const entry = ZPendingEntrySchema.safeParse(raw);
  if (!entry.success) {
    await deps.db.ref(paths.pendingPayment(reference)).remove();
    return;
  }
  const { tenantId, gateway } = entry.data;
  const parsed = ZPaymentRecordSchema.safeParse(await readValue(deps.db, paths.payment(tenantId, reference)));
  if (!parsed.success) {
    deps.logger.warn({ reference }, 'pending entry without a readable payment record; dropped');
    await deps.db.ref(paths.pendingPayment(reference)).remove();
    return;
  }
  let record = parsed.data;

  if (record.estado === 'completado') {
    // Paid, but the order step did not finish (a crash between the two): finish it.
    const outcome = await ensurePaidOrder(deps.confirm, tenantId, record);
    await deliverMessages(deps.outbox, outcome.queued);
    summary.repaired++;
    return;
  }
  if (record.estado === 'fraude_detectado') {
    await deps.db.ref(paths.pendingPayment(reference)).remove();
    return;
  }
  if (record.estado === 'expirado') {
    // Expired by an earlier run that stopped before its cleanup: finish it.
    await expire(deps, tenantId, record, now, summary);
    return;
  }

  // pendiente, or rechazado (Wompi and PayU let the payer retry with the same reference).
  const adapter = deps.gateways.adapter(gateway);
  const schedule = adapter.capabilities.statusQuerySchedule;
  // A gateway with its own query schedule (PayU: ~7 min after creation, then every 10 min) is
  // asked only when it is due; the last time is kept on the pending entry (#12).
  const due =
    !schedule ||
    (now - entry.data.createdAt >= schedule.firstAfterMs && (entry.data.consultado === undefined || now - entry.data.consultado >= schedule.everyMs));
  if (adapter.capabilities.statusLookup && due) {
    const ctx = await deps.gateways.context(tenantId, gateway);
    if (ctx) {
      summary.queried++;
      if (schedule) await withTimeout(deps.db.ref(`${paths.pendingPayment(reference)}/consultado`).set(now), 'query time');
      const result = await adapter.fetchResult(reference, ctx);
      if (result && result.status !== 'pending') {
        const outcome = await confirmPayment(deps.confirm, { tenantId, result, source: 'reconciler', environment: environmentOf(ctx) });
        await deliverMessages(deps.outbox, outcome.queued);
        if (outcome.estado && outcome.estado !== record.estado) summary.settled++;
        if (outcome.estado === 'completado' || outcome.estado === 'fraude_detectado') return;
        const fresh = ZPaymentRecordSchema.safeParse(await readValue(deps.db, paths.payment(tenantId, reference)));
        if (fresh.success) record = fresh.data;
      }
    }
  }

  const age = now - record.fechaCreacion;
  if (age >= deps.expireAfterMs) {
    await expire(deps, tenantId, record, now, summary);
    return;
  }
  if (record.estado === 'pendiente' && age >= deps.reminderAfterMs && entry.data.recordatorio === undefined) {
    await remind(deps, tenantId, record, now);
    summary.reminded++;
  }
}

async function remind(deps: PendingPaymentsDeps, tenantId: string, record: TPaymentRecord, now: number): Promise<void> {
  // A link the customer already replaced gets no reminder: the newer one is the one to pay.
  const messages = record.reemplazadaPor
    ? { queued: [] as QueuedMessage[], update: {} }
    : queueMessages(
        [{ outboxId: `recordatorio-${record.referencia}`, tenantId, to: record.cliente, kind: 'recordatorio_pago', reply: paymentReminder({ url: record.enlace, total: record.monto }) }],
        now,
      );
  await withTimeout(
    deps.db.ref().update({ ...messages.update, [`${paths.pendingPayment(record.referencia)}/recordatorio`]: now }),
    'payment reminder',
  );
  await deliverMessages(deps.outbox, messages.queued);
}

async function expire(deps: PendingPaymentsDeps, tenantId: string, record: TPaymentRecord, now: number, summary: PendingSummary): Promise<void> {
  let expiredNow = false;
  let decision = 'none' as PaymentDecision;
  // `transact` starts from the stored value: a bare transaction would first see `null` when
  // nothing is cached and could decide from that instead of the record (#13).
  await transact<unknown>(
    deps.db,
    paths.payment(tenantId, record.referencia),
    (current) => {
      expiredNow = false;
      decision = 'none';
      const stored = ZPaymentRecordSchema.safeParse(current);
      if (!stored.success) return undefined;
      const outcome = advancePayment(stored.data, { kind: 'expire' }, { now });
      decision = outcome.decision;
      expiredNow = outcome.next !== undefined;
      return outcome.next;
    },
    'expire payment',
  );
  // Rejected payments are not "expired" (the state rule has no such move); they just stop being polled.
  const outboxId = `expirado-${record.referencia}`;
  const notify = decision === 'expire' && !record.reemplazadaPor && !(await readValue(deps.db, paths.outboxMessage(outboxId)));
  const messages = notify
    ? queueMessages([{ outboxId, tenantId, to: record.cliente, kind: 'pago_expirado', reply: paymentExpired(), datos: { pedido: record.referencia, total: record.monto } }], now)
    : { queued: [] as QueuedMessage[], update: {} };
  await withTimeout(deps.db.ref().update({ ...messages.update, [paths.pendingPayment(record.referencia)]: null }), 'expire cleanup');
  if (expiredNow) {
    summary.expired++;
    deps.confirm.metrics?.paymentsSettled.inc({ estado: 'expirado', source: 'reconciler', gateway: record.gateway });
    deps.logger.info({ tenantId, reference: record.referencia }, 'payment expired unpaid');
  }
  await deliverMessages(deps.outbox, messages.queued);
}
