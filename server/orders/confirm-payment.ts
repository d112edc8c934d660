import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { paymentConfirmed, paymentMethods, paymentRejected, paymentUnderReview } from '../conversation/messages.es-CO';
import type { Reply } from '../conversation/types';
import { keyFor, paths } from '../db/paths';
import { readValue, transact, withTimeout } from '../db/firebase';
import type { LiveCache } from '../db/live-cache';
import { ZPaymentRecordSchema, type TPaymentRecord } from '../db/records';
import type { GatewayResult } from '../payments/gateway';
import { paymentMethodsFor } from '../payments/payment-methods';
import { maskPhone } from '../observability/logger';
import type { FaultInjector } from '../faults';
import type { Metrics } from '../observability/metrics';
import type { TenantStore } from '../tenants/tenant-store';
import { advancePayment, type PaymentDecision } from './advance-payment';
import { createClaimedOrder, createOrderOnce, ORDER_LEASE_MS } from './create-order';
import { queueMessages, type QueuedMessage } from '../messaging/outbox';
import type { RecentlyDone } from './recently-done';

/** Where a result came from; kept in the audit log. */
export type ResultSource = 'webhook' | 'reconciler' | 'early_result' | 'support';

export interface ConfirmPaymentDeps {
  db: Database;
  /** Keeps order counters listened to, so numbering an order is one write. */
  live?: LiveCache;
  /** Orders and audit lines this process wrote or saw, so duplicate deliveries cost no database work. */
  recent?: RecentlyDone;
  metrics?: Metrics;
  faults?: FaultInjector;
  tenants: TenantStore;
  logger: Logger;
  now: () => number;
  estimatedDeliveryTime: string;
  owner: string;
}

export interface ConfirmPaymentOutcome {
  /** `early`: no payment record yet; the result was kept in earlyResults for when it appears. */
  outcome: PaymentDecision | 'early';
  estado?: TPaymentRecord['estado'];
  pedidoId?: string;
  /** Messages queued by this call, for the caller to deliver. */
  queued: QueuedMessage[];
}

/** The order of a paid payment lives at `pedidos/pago-{referencia}`. */
export const orderKeyForPayment = (reference: string): string => `pago-${reference}`;

/** How long a result for a payment we do not know yet is kept (seed 000's buffer). */
export const EARLY_RESULT_TTL_MS = 30 * 60 * 1000;

/**
 * The one convergence point for gateway results (webhook, reconciler, early results, support
 * tool): moves `pagos/{ref}` forward in one transaction, then does what the decision asks —
 * exactly one order for an approval, a rejection message, or a fraud alert. Every step is
 * idempotent, so a retry after a crash at any point finishes the work without duplicates.
 * Throws when the work could not be made durable (the webhook answers 5xx and is retried).
 */
export async function confirmPayment(
  deps: ConfirmPaymentDeps,
  input: { tenantId: string; result: GatewayResult; source: ResultSource },
): Promise<ConfirmPaymentOutcome> {
  const { tenantId, result, source } = input;
  const now = deps.now();
  const receivedAt = Date.now();
  const log = deps.logger.child({ tenantId, reference: result.reference, gateway: result.gateway, source });
  if (result.warning) log.warn({ warning: result.warning }, 'gateway result carried a warning');

  let decision: PaymentDecision = 'none';
  let reason: string | undefined;
  let previous: TPaymentRecord['estado'] | undefined;
  let invalid = false;
  const tx = await transact(
    deps.db,
    paths.payment(tenantId, result.reference),
    (current: unknown) => {
      decision = 'none';
      invalid = false;
      // `transact` starts from the stored value, so null really means "no record yet".
      if (current === null) return undefined;
      const record = ZPaymentRecordSchema.safeParse(current);
      if (!record.success) {
        invalid = true;
        return undefined;
      }
      previous = record.data.estado;
      const outcome = advancePayment(record.data, result, { now, trustMissingAmount: source === 'reconciler' || source === 'support' });
      decision = outcome.decision;
      reason = outcome.reason;
      return outcome.next;
    },
    'payment transaction',
  );
  await deps.faults?.at('after-payment-transaction');
  const stored = tx.snapshot.val() as unknown;
  if (stored === null) {
    await keepEarlyResult(deps.db, result, now);
    log.info({ status: result.status }, 'result for a payment not recorded yet; kept as an early result');
    return { outcome: 'early', queued: [] };
  }
  if (invalid) {
    log.error('payment record does not match its schema; left for a person');
    await writeAudit(deps.db, auditLine(tenantId, result, source, 'registro_invalido', now));
    return { outcome: 'none', queued: [] };
  }
  const record = ZPaymentRecordSchema.parse(stored);
  // The one call whose transaction moved the payment to completado writes the order.
  const claimed = (decision as PaymentDecision) === 'approve' && tx.committed && previous !== 'completado' && record.estado === 'completado';
  // The audit line: inside the order's atomic update for the call that writes the order, and
  // otherwise alongside the follow-up work; awaited before answering either way, so a
  // failure still means 5xx and a retry.
  const line = auditLine(tenantId, result, source, eventName(decision, result), now);
  const lineKey = Object.keys(line)[0]!;
  const audited =
    claimed || deps.recent?.has(lineKey) ? Promise.resolve() : writeAudit(deps.db, line).then(() => deps.recent?.remember(lineKey));
  if (tx.committed && previous !== record.estado) {
    log.info({ from: previous, to: record.estado, status: result.status }, 'payment state changed');
    deps.metrics?.paymentsSettled.inc({ estado: record.estado, source, gateway: record.gateway });
    if (record.estado === 'completado' && record.fechaPago) deps.metrics?.linkToConfirmation.observe({ gateway: record.gateway }, Math.max(0, (record.fechaPago - record.fechaCreacion) / 1000));
  } else if (decision === 'none') {
    log.info({ status: result.status, estado: record.estado, reason }, 'payment result changed nothing');
  }

  const [outcome] = await Promise.all([followUp(), audited]);
  return outcome;

  async function followUp(): Promise<ConfirmPaymentOutcome> {
    switch (decision as PaymentDecision) {
      case 'approve': {
        const approved = await approve(deps, tenantId, record, now, log, claimed ? { auditLine: line } : undefined);
        if (claimed) deps.recent?.remember(lineKey);
        // Only when this call wrote the order (it queued its confirmation): duplicates are not timed.
        if (approved.queued.length > 0) deps.metrics?.webhookToOrder.observe({ gateway: record.gateway, source }, (Date.now() - receivedAt) / 1000);
        return approved;
      }
      case 'reject':
        return { outcome: 'reject', estado: record.estado, queued: await reject(deps, tenantId, record, result, now) };
      case 'fraud':
        if (tx.committed && previous !== 'fraude_detectado') {
          log.error({ montoEsperado: record.montoEsperado, montoRecibido: record.montoRecibido, moneda: record.monedaRecibida }, 'FRAUD: paid amount or currency does not match the order; no order created');
        }
        return { outcome: 'fraud', estado: record.estado, queued: await flagFraud(deps, tenantId, record, now) };
      default:
        return { outcome: 'none', estado: record.estado, queued: [] };
    }
  }
}

/** Makes sure a `completado` payment has its order (the reconciler's repair after a crash). */
export function ensurePaidOrder(deps: ConfirmPaymentDeps, tenantId: string, record: TPaymentRecord): Promise<ConfirmPaymentOutcome> {
  return approve(deps, tenantId, record, deps.now(), deps.logger.child({ tenantId, reference: record.referencia, source: 'reconciler' }), undefined);
}

async function approve(
  deps: ConfirmPaymentDeps,
  tenantId: string,
  record: TPaymentRecord,
  now: number,
  log: Logger,
  /** Set when this call's transaction completed the payment; its audit line is written with the order. */
  claimed: { auditLine: Record<string, unknown> } | undefined,
): Promise<ConfirmPaymentOutcome> {
  const known = `pedido:${tenantId}/${record.referencia}`;
  if (!claimed) {
    const remembered = deps.recent?.get(known);
    if (remembered !== undefined) return { outcome: 'approve', estado: record.estado, pedidoId: remembered || undefined, queued: [] };
    const existing = await readValue<{ id?: string }>(deps.db, paths.order(tenantId, orderKeyForPayment(record.referencia)));
    if (existing) {
      deps.recent?.remember(known, existing.id ?? '');
      return { outcome: 'approve', estado: record.estado, pedidoId: existing.id, queued: [] };
    }
    // Whoever completed the payment may still be writing its order; only once that window
    // has passed (it crashed) does anyone else write it. Until then the payment stays in
    // pendingPayments, so the reconciler finishes it.
    if (now - (record.fechaPago ?? 0) < ORDER_LEASE_MS) {
      log.info('order of this payment is being written by the caller that completed it');
      return { outcome: 'approve', estado: record.estado, queued: [] };
    }
  }
  const tenant = await deps.tenants.getTenant(tenantId);
  if (record.reemplazadaPor?.startsWith('efectivo')) {
    // The customer switched to cash and that order exists; a late payment of the old link
    // must not make a second order. A person refunds or links it.
    await withTimeout(
      deps.db.ref().update({
        ...claimed?.auditLine,
        [`${paths.alerts(tenantId)}/${record.referencia}`]: {
          tipo: 'pago_de_enlace_reemplazado',
          referencia: record.referencia,
          monto: record.monto,
          cliente: record.cliente,
          fecha: now,
          detalle: 'Pago aprobado de un enlace que el cliente cambió por efectivo; revisar y reembolsar o unir al pedido.',
        },
      }),
      'alert',
    );
    log.warn('approval for a link replaced by cash; alert raised, no second order');
    return { outcome: 'approve', estado: record.estado, queued: [] };
  }
  const orderKey = orderKeyForPayment(record.referencia);
  const result = await (claimed ? createClaimedOrder : createOrderOnce)(deps.db, {
    tenantId,
    restaurantName: tenant?.restaurant.name ?? tenantId,
    orderKey,
    cliente: record.cliente,
    nombreCliente: record.nombreCliente,
    draft: {
      items: record.items,
      total: record.monto,
      direccion: record.direccion,
      ubicacion: record.ubicacion,
      telefonoContacto: record.telefonoContacto,
    },
    pago: {
      estado: 'completado',
      referencia: record.referencia,
      ...(record.transaccionId ? { transaccionId: record.transaccionId } : {}),
      ...(record.metodoPago ? { metodoPago: record.metodoPago } : {}),
      gateway: record.gateway,
      fechaPago: record.fechaPago ?? now,
    },
    notify: (order) => [
      {
        kind: 'pago_confirmado',
        reply: paymentConfirmed({
          pedidoId: order.id,
          total: order.total,
          metodo: record.metodoPago ?? record.gateway,
          estimatedTime: deps.estimatedDeliveryTime,
        }),
      },
    ],
    // Not a field of pagos/{ref}: a write there would abort concurrent transactions on it in
    // this process. The order key is derived from the reference (orderKeyForPayment).
    alsoWrite: () => ({ ...claimed?.auditLine, [paths.pendingPayment(record.referencia)]: null }),
    live: deps.live,
    now,
    owner: deps.owner,
    faults: deps.faults,
  });
  deps.recent?.remember(known, result.order.id);
  // The customer's session is not touched here: its next turn sees the payment completado and starts fresh.
  if (result.created) log.info({ pedidoId: result.order.id, total: result.order.total, waId: maskPhone(record.cliente) }, 'paid order created');
  return { outcome: 'approve', estado: record.estado, pedidoId: result.order.id, queued: result.queued };
}

async function reject(deps: ConfirmPaymentDeps, tenantId: string, record: TPaymentRecord, result: GatewayResult, now: number): Promise<QueuedMessage[]> {
  const outboxPrefix = `rechazo-${keyFor(`${record.referencia}:${result.transactionId}`)}`;
  // Replays (and retries after a crash) find the message already queued and stop here.
  if (await readValue(deps.db, paths.outboxMessage(`${outboxPrefix}-0`))) return [];
  const tenant = await deps.tenants.getTenant(tenantId);
  const methods = tenant ? paymentMethodsFor(tenant) : [];
  const replies: Reply[] = [paymentRejected({ motivo: record.motivoRechazo }), ...(methods.length ? paymentMethods(methods, record.monto) : [])];
  // The conversation goes back to the method choice with the same cart, address and phone.
  await withTimeout(
    deps.db.ref(paths.session(tenantId, record.cliente)).transaction((session: Record<string, unknown> | null) => {
      if (!session) return null;
      if ((session.pagoPendiente as { referencia?: string } | undefined)?.referencia !== record.referencia) return undefined;
      return methods.length ? { ...session, paso: 'metodo_pago' } : session;
    }),
    'session after rejection',
  );
  const { queued, update } = queueMessages(
    replies.map((reply, i) => ({
      outboxId: `${outboxPrefix}-${i}`,
      tenantId,
      to: record.cliente,
      kind: 'pago_rechazado' as const,
      reply,
    })),
    now,
  );
  await withTimeout(deps.db.ref().update(update), 'rejection messages');
  return queued;
}

async function flagFraud(deps: ConfirmPaymentDeps, tenantId: string, record: TPaymentRecord, now: number): Promise<QueuedMessage[]> {
  if (await readValue(deps.db, paths.outboxMessage(`revision-${record.referencia}`))) return [];
  const { queued, update } = queueMessages(
    [{ outboxId: `revision-${record.referencia}`, tenantId, to: record.cliente, kind: 'pago_en_revision', reply: paymentUnderReview() }],
    now,
  );
  await withTimeout(
    deps.db.ref().update({
      ...update,
      [`${paths.alerts(tenantId)}/${record.referencia}`]: {
        tipo: 'fraude_detectado',
        referencia: record.referencia,
        gateway: record.gateway,
        montoEsperado: record.montoEsperado ?? record.monto,
        montoRecibido: record.montoRecibido ?? null,
        moneda: record.monedaRecibida ?? null,
        transaccionId: record.transaccionId ?? null,
        cliente: record.cliente,
        fecha: now,
      },
      [paths.pendingPayment(record.referencia)]: null,
    }),
    'fraud alert',
  );
  return queued;
}

async function keepEarlyResult(db: Database, result: GatewayResult, now: number): Promise<void> {
  // Keyed by reference and transaction+status, so a replay overwrites itself; the newest wins.
  await withTimeout(db.ref(paths.earlyResult(result.reference)).set({ result, receivedAt: now, expiresAt: now + EARLY_RESULT_TTL_MS }), 'early result');
}

function eventName(decision: PaymentDecision, result: GatewayResult): string {
  if (decision === 'approve') return 'pago_aprobado';
  if (decision === 'reject') return 'pago_rechazado';
  if (decision === 'fraud') return 'fraude_detectado';
  return `evento_${result.status}`;
}

/**
 * The audit trail in `analytics/payment_events`, keyed by (transaction, status, source), so a
 * replayed delivery rewrites its own line instead of adding one (never `push()` an outcome).
 * Returned as a multi-path update fragment, so it can go in the same write as an order.
 */
function auditLine(tenantId: string, result: GatewayResult, source: string, evento: string, now: number): Record<string, unknown> {
  const key = keyFor(`${result.reference}:${result.transactionId}:${result.status}:${source}`);
  return {
    [`${paths.paymentEvents(tenantId)}/${key}`]: {
      timestamp: now,
      evento,
      fuente: source,
      referencia: result.reference,
      gateway: result.gateway,
      transaccionId: result.transactionId,
      estadoGateway: result.status,
      montoCentavos: result.amountInCents,
      moneda: result.currency,
      metodo: result.method ?? null,
      mensaje: result.message ?? null,
    },
  };
}

async function writeAudit(db: Database, line: Record<string, unknown>): Promise<void> {
  await withTimeout(db.ref().update(line), 'payment audit');
}
