import { randomUUID } from 'node:crypto';
import type { DataSnapshot, Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { paymentConfirmed, paymentMethods, paymentRejected, paymentUnderReview, withSaveDataQuestion } from '../conversation/messages.es-CO';
import { sessionAfterPaymentRejected } from '../conversation/state';
import type { Reply } from '../conversation/types';
import { keyFor, paths } from '../db/paths';
import { readValue, transact, withTimeout } from '../db/firebase';
import type { LiveCache } from '../db/live-cache';
import { ZPaymentRecordSchema, ZSettledTransactionSchema, type TPaymentRecord, type TSettledTransaction } from '../db/records';
import { AppError, ErrorCode } from '../errors';
import { isTestOnlyGateway } from '../payments/adapters';
import type { GatewayEnvironment, GatewayResult } from '../payments/gateway';
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

/** Payments made with the gateways' test keys: no real money moved. */
const testEnvironment: GatewayEnvironment = 'sandbox';

/** The order of a paid payment lives at `pedidos/pago-{referencia}`. */
export const orderKeyForPayment = (reference: string): string => `pago-${reference}`;

/** How long a result for a payment we do not know yet is kept (seed 000's buffer). */
export const EARLY_RESULT_TTL_MS = 30 * 60 * 1000;

export interface ConfirmPaymentInput {
  tenantId: string;
  result: GatewayResult;
  source: ResultSource;
  /**
   * The environment whose keys vouch for the result: the secret that verified a webhook, or
   * the credentials the reconciler asked with. A payment created in another environment is
   * not settled by it (#12).
   */
  environment: GatewayEnvironment;
}

/** How long a caller that finds a completed payment without its order waits for the writer. */
export const ORDER_WAIT_MS = 5_000;

/**
 * The one convergence point for gateway results (webhook, reconciler, early results, support
 * tool): moves `pagos/{ref}` forward in one transaction, then does what the decision asks —
 * exactly one order for an approval, a rejection message, or a fraud alert. Every step is
 * idempotent, so a retry after a crash at any point finishes the work without duplicates.
 * Throws when the work could not be made durable (the webhook answers 5xx and is retried),
 * and with CONFLICT when the result belongs to another gateway or environment than the payment.
 */
export async function confirmPayment(deps: ConfirmPaymentDeps, input: ConfirmPaymentInput): Promise<ConfirmPaymentOutcome> {
  const { tenantId, result, source, environment } = input;
  const now = deps.now();
  const receivedAt = Date.now();
  const log = deps.logger.child({ tenantId, reference: result.reference, gateway: result.gateway, source });
  if (result.warning) log.warn({ warning: result.warning }, 'gateway result carried a warning');

  // One gateway transaction settles at most one payment: an approval first binds its
  // transaction id to this reference, create-once, before the payment can move. The binding
  // never changes, so "claim, then move the payment" is as good as one atomic step: a crash
  // between the two leaves a claim that the retry finds as its own (#12).
  const settledFor = result.status === 'approved' ? await claimTransaction(deps, tenantId, result, now) : undefined;

  // Who writes the order if this call completes the payment: recorded in the same transaction.
  const responsable = `${deps.owner}:${randomUUID()}`;
  let decision: PaymentDecision = 'none';
  let reason: string | undefined;
  let previous: TPaymentRecord['estado'] | undefined;
  let invalid = false;
  let misrouted: { gateway: string; entorno: string | undefined } | undefined;
  const update = (current: unknown) => {
    decision = 'none';
    invalid = false;
    misrouted = undefined;
    // `transact` starts from the stored value, so null really means "no record yet".
    if (current === null) return undefined;
    const record = ZPaymentRecordSchema.safeParse(current);
    if (!record.success) {
      invalid = true;
      return undefined;
    }
    // An event settles only a payment of its own gateway and environment (#12).
    if (record.data.gateway !== result.gateway || (record.data.entorno !== undefined && record.data.entorno !== environment)) {
      misrouted = { gateway: record.data.gateway, entorno: record.data.entorno };
      return undefined;
    }
    previous = record.data.estado;
    const outcome = advancePayment(record.data, result, {
      now,
      trustMissingAmount: source === 'reconciler' || source === 'support',
      transactionSettledFor: settledFor,
    });
    decision = outcome.decision;
    reason = outcome.reason;
    if (outcome.next?.estado === 'completado' && record.data.estado !== 'completado') {
      return { ...outcome.next, pedidoEnCurso: { responsable, hasta: now + ORDER_LEASE_MS } };
    }
    return outcome.next;
  };
  const tx = await transact(deps.db, paths.payment(tenantId, result.reference), update, 'payment transaction', undefined, (late) => {
    // The SDK committed after we gave up waiting (and answered 5xx): if that commit made this
    // call the order's writer, write it now rather than leave it to the lease running out.
    const record = ZPaymentRecordSchema.safeParse(late.snapshot.val());
    if (!late.committed || !record.success || record.data.pedidoEnCurso?.responsable !== responsable) return;
    log.warn('payment transaction committed after its timeout; writing the order now');
    void approve(deps, tenantId, record.data, now, log, { auditLine: auditLine(tenantId, result, source, 'pago_aprobado', now) }).catch((error: unknown) =>
      log.error({ err: error }, 'order after a late commit failed; a retry or the reconciler writes it once the lease runs out'),
    );
  });
  const stored = tx.snapshot.val() as unknown;
  if (stored === null) {
    await deps.faults?.at('after-payment-transaction');
    await keepEarlyResult(deps.db, result, environment, now);
    log.info({ status: result.status }, 'result for a payment not recorded yet; kept as an early result');
    return { outcome: 'early', queued: [] };
  }
  if (misrouted) {
    log.warn(
      { paymentGateway: misrouted.gateway, paymentEnvironment: misrouted.entorno ?? null, eventGateway: result.gateway, eventEnvironment: environment },
      'payment result from another gateway or environment than the payment was created for; refused, nothing written',
    );
    throw new AppError(ErrorCode.CONFLICT, { userMessage: 'this payment was not created for this gateway or environment' });
  }
  if (invalid) {
    log.error('payment record does not match its schema; left for a person');
    await writeAudit(deps.db, auditLine(tenantId, result, source, 'registro_invalido', now));
    return { outcome: 'none', queued: [] };
  }
  const record = ZPaymentRecordSchema.parse(stored);
  // The one call whose transaction moved the payment to completado writes the order.
  const claimed = (decision as PaymentDecision) === 'approve' && tx.committed && record.pedidoEnCurso?.responsable === responsable;
  try {
    await deps.faults?.at('after-payment-transaction');
  } catch (error) {
    // Failed before writing anything of the order: hand the writing over at once.
    if (claimed) await releaseOrderLease(deps, tenantId, record.referencia, responsable).catch(() => undefined);
    throw error;
  }
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
        const approved = await approve(deps, tenantId, record, now, log, claimed ? { auditLine: line, responsable } : undefined, { mustExist: true });
        if (claimed) deps.recent?.remember(lineKey);
        // Only when this call wrote the order (it queued its confirmation): duplicates are not timed.
        if (approved.queued.length > 0) deps.metrics?.webhookToOrder.observe({ gateway: record.gateway, source }, (Date.now() - receivedAt) / 1000);
        return approved;
      }
      case 'reject':
        return { outcome: 'reject', estado: record.estado, queued: await reject(deps, tenantId, record, result, now) };
      case 'fraud':
        if (tx.committed && previous !== 'fraude_detectado') {
          log.error(
            { montoEsperado: record.montoEsperado, montoRecibido: record.montoRecibido, moneda: record.monedaRecibida, motivo: record.motivoFraude, referenciaLiquidada: record.referenciaLiquidada },
            'FRAUD: the approval does not fit this payment (amount, currency, or a transaction that settled another payment); no order created',
          );
        }
        return { outcome: 'fraud', estado: record.estado, queued: await flagFraud(deps, tenantId, record, now) };
      case 'double_charge':
        log.error({ transaccionId: result.transactionId, pagadaCon: record.transaccionId }, 'DOUBLE CHARGE: a completed payment was approved again by another transaction; owner alerted');
        await alertDoubleCharge(deps, tenantId, record, result, now);
        return { outcome: 'double_charge', estado: record.estado, queued: [] };
      default:
        return { outcome: 'none', estado: record.estado, queued: [] };
    }
  }
}

/**
 * Binds an approval's transaction id to this payment, create-once, in
 * `transaccionesLiquidadas/{gateway}/{key}`. Returns the reference it is bound to when that is
 * another payment (the caller flags this one), else undefined.
 */
async function claimTransaction(deps: ConfirmPaymentDeps, tenantId: string, result: GatewayResult, now: number): Promise<string | undefined> {
  const known = `liquidada:${result.gateway}/${result.transactionId}`;
  if (deps.recent?.get(known) === result.reference) return undefined;
  const claim: TSettledTransaction = { tenantId, referencia: result.reference, transaccionId: result.transactionId, fecha: now };
  const tx = await transact(deps.db, paths.settledTransaction(result.gateway, result.transactionId), (current: unknown) => (current === null ? claim : undefined), 'transaction claim');
  const stored = ZSettledTransactionSchema.safeParse(tx.snapshot.val());
  // An unreadable claim is not ours to trust: treat it as another payment's, so a person looks.
  const boundTo = stored.success ? stored.data.referencia : '(ilegible)';
  if (boundTo === result.reference) {
    deps.recent?.remember(known, boundTo);
    return undefined;
  }
  return boundTo;
}

/** Gives the order's writing up (hasta = 0) when the lease holder failed before writing anything. */
async function releaseOrderLease(deps: ConfirmPaymentDeps, tenantId: string, reference: string, responsable: string): Promise<void> {
  // `transact` starts from the stored value: with nothing cached, a plain transaction would see
  // null first and give up without asking the server.
  await transact(
    deps.db,
    paths.payment(tenantId, reference),
    (current: TPaymentRecord | null) => (current?.pedidoEnCurso?.responsable === responsable ? { ...current, pedidoEnCurso: { responsable, hasta: 0 } } : undefined),
    'release order lease',
  );
}

/** The customer paid twice for one payment: an owner alert per extra transaction (a replay rewrites its own). */
async function alertDoubleCharge(deps: ConfirmPaymentDeps, tenantId: string, record: TPaymentRecord, result: GatewayResult, now: number): Promise<void> {
  await withTimeout(
    deps.db.ref().update({
      [`${paths.alerts(tenantId)}/${record.referencia}-cobro-doble-${keyFor(`${result.gateway}:${result.transactionId}`).slice(0, 16)}`]: {
        tipo: 'cobro_doble',
        referencia: record.referencia,
        gateway: result.gateway,
        transaccionId: result.transactionId,
        transaccionPedido: record.transaccionId ?? null,
        monto: result.amountInCents >= 0 ? result.amountInCents / 100 : null,
        moneda: result.currency,
        cliente: record.cliente,
        fecha: now,
        detalle: 'El cliente pagó dos veces el mismo pedido; revisar y reembolsar el cobro repetido.',
      },
    }),
    'double charge alert',
  );
}

/** Makes sure a `completado` payment has its order (the reconciler's repair after a crash). */
export function ensurePaidOrder(deps: ConfirmPaymentDeps, tenantId: string, record: TPaymentRecord): Promise<ConfirmPaymentOutcome> {
  return approve(deps, tenantId, record, deps.now(), deps.logger.child({ tenantId, reference: record.referencia, source: 'reconciler' }), undefined, { mustExist: false });
}

async function approve(
  deps: ConfirmPaymentDeps,
  tenantId: string,
  record: TPaymentRecord,
  now: number,
  log: Logger,
  /** Set when this call's transaction completed the payment; its audit line is written with the order. */
  claimed: { auditLine: Record<string, unknown>; responsable?: string } | undefined,
  options: {
    /**
     * The caller answers 200 for this approval (a webhook): it must know the order exists, so
     * while another caller's lease runs it waits for the order, and throws (5xx, retried) if
     * the order does not appear (#12). The reconciler's repair just tries again next run.
     */
    mustExist: boolean;
  } = { mustExist: true },
): Promise<ConfirmPaymentOutcome> {
  const known = `pedido:${tenantId}/${record.referencia}`;
  const orderPath = paths.order(tenantId, orderKeyForPayment(record.referencia));
  if (!claimed) {
    const remembered = deps.recent?.get(known);
    if (remembered !== undefined) return { outcome: 'approve', estado: record.estado, pedidoId: remembered || undefined, queued: [] };
    const existing = await readValue<{ id?: string }>(deps.db, orderPath);
    if (existing) {
      deps.recent?.remember(known, existing.id ?? '');
      return { outcome: 'approve', estado: record.estado, pedidoId: existing.id, queued: [] };
    }
    // Whoever completed the payment holds a lease on writing its order (records from before the
    // lease existed: fechaPago plus the same length). While it runs, wait for the order; once it
    // has run out (the writer crashed, or gave its lease back after failing), take over.
    const leaseUntil = record.pedidoEnCurso?.hasta ?? (record.fechaPago ?? 0) + ORDER_LEASE_MS;
    if (now < leaseUntil) {
      if (!options.mustExist) {
        log.info('order of this payment is being written by the caller that completed it');
        return { outcome: 'approve', estado: record.estado, queued: [] };
      }
      const order = await waitForValue<{ id?: string }>(deps.db, orderPath, Math.min(ORDER_WAIT_MS, leaseUntil - now));
      if (order) {
        deps.recent?.remember(known, order.id ?? '');
        return { outcome: 'approve', estado: record.estado, pedidoId: order.id, queued: [] };
      }
      log.warn('payment completed but its order is not written yet and its writer still holds the lease; answered 5xx so it is retried');
      throw new AppError(ErrorCode.DATABASE_UNAVAILABLE, { message: `order of ${record.referencia} is still being written` });
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
      // #16: the fee is part of `monto`, which the gateway amount matched exactly.
      ...(record.tipoEntrega ? { tipoEntrega: record.tipoEntrega, domicilio: record.domicilio ?? 0 } : {}),
      ...(record.programadoPara !== undefined ? { programadoPara: record.programadoPara } : {}),
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
        // A first order: the confirmation also asks whether to remember the address and phone (#16).
        reply: (record.ofrecerGuardarDatos ? withSaveDataQuestion : (reply: Reply) => reply)(
          paymentConfirmed({
            pedidoId: order.id,
            total: order.total,
            metodo: record.metodoPago ?? record.gateway,
            prueba: isTestOnlyGateway(record.gateway) || record.entorno === testEnvironment,
            estimatedTime: deps.estimatedDeliveryTime,
          }),
        ),
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

/** A session as stored: only what the rejection rule reads is typed; every other key is kept. */
type StoredSession = { paso?: unknown; pagoPendiente?: { referencia?: unknown } } & Record<string, unknown>;

async function reject(deps: ConfirmPaymentDeps, tenantId: string, record: TPaymentRecord, result: GatewayResult, now: number): Promise<QueuedMessage[]> {
  const outboxPrefix = `rechazo-${keyFor(`${record.referencia}:${result.transactionId}`)}`;
  // Replays (and retries after a crash) find the message already queued and stop here.
  if (await readValue(deps.db, paths.outboxMessage(`${outboxPrefix}-0`))) return [];
  const tenant = await deps.tenants.getTenant(tenantId);
  const methods = tenant ? paymentMethodsFor(tenant) : [];
  const replies: Reply[] = [paymentRejected({ motivo: record.motivoRechazo }), ...(methods.length ? paymentMethods(methods, record.monto) : [])];
  // The conversation goes back to the method choice with the same cart, address and phone.
  // The session rule is the conversation's; `transact` applies it to the stored session.
  await transact<StoredSession>(
    deps.db,
    paths.session(tenantId, record.cliente),
    (session) => sessionAfterPaymentRejected(session, record.referencia, methods.length > 0),
    'session after rejection',
  );
  const { queued, update } = queueMessages(
    replies.map((reply, i) => ({
      outboxId: `${outboxPrefix}-${i}`,
      tenantId,
      to: record.cliente,
      kind: 'pago_rechazado' as const,
      reply,
      // Outside the 24-hour window the first message goes as the tenant's template (#15).
      ...(i === 0 ? { datos: { pedido: record.referencia, total: record.monto } } : {}),
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
        motivo: record.motivoFraude ?? 'monto_o_moneda',
        referenciaLiquidada: record.referenciaLiquidada ?? null,
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

async function keepEarlyResult(db: Database, result: GatewayResult, environment: GatewayEnvironment, now: number): Promise<void> {
  // Keyed by reference, so a replay overwrites itself; the newest wins. The environment that
  // vouched for it travels along: the payment it meets later is checked against it.
  await withTimeout(db.ref(paths.earlyResult(result.reference)).set({ result, environment, receivedAt: now, expiresAt: now + EARLY_RESULT_TTL_MS }), 'early result');
}

/** The value at `path` once it exists, or null after `timeoutMs` (one listen, no polling). */
async function waitForValue<T>(db: Database, path: string, timeoutMs: number): Promise<T | null> {
  const ref = db.ref(path);
  let onValue: ((snap: DataSnapshot) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<T | null>((resolve) => {
      timer = setTimeout(() => resolve(null), Math.max(0, timeoutMs));
      onValue = (snap: DataSnapshot) => {
        if (snap.exists()) resolve(snap.val() as T);
      };
      ref.on('value', onValue, () => resolve(null));
    });
  } finally {
    clearTimeout(timer);
    if (onValue) ref.off('value', onValue);
  }
}

function eventName(decision: PaymentDecision, result: GatewayResult): string {
  if (decision === 'approve') return 'pago_aprobado';
  if (decision === 'reject') return 'pago_rechazado';
  if (decision === 'fraud') return 'fraude_detectado';
  if (decision === 'double_charge') return 'cobro_doble';
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
