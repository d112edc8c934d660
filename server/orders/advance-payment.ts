import type { GatewayResult } from '../payments/gateway';
import type { TPaymentRecord } from '../db/records';

/**
 * The payment state rule (DESIGN.md), the only place a payment's `estado` moves: states move
 * forward only. `pendiente` → `completado` | `rechazado` | `expirado` | `fraude_detectado`; a
 * `rechazado` or `expirado` payment may still become `completado` (the payer retried with the
 * same reference, or the money was taken after the link expired); `completado` is final and
 * `fraude_detectado` changes only by a person. Events are gateway results and the expiry of an
 * unpaid link (#13). Pure: it runs inside an RTDB transaction and may run several times.
 */
export type PaymentDecision =
  /** Approved, amount and currency match: the order must exist. */
  | 'approve'
  /** Declined, voided or failed: the customer is told and offered another method. */
  | 'reject'
  /** Approved with a different amount or currency: no order, an alert. */
  | 'fraud'
  /**
   * A second approval, with another transaction id, of a payment already completed: the
   * customer paid twice. Nothing changes; the caller audits it and alerts the owner (#12).
   */
  | 'double_charge'
  /** The unpaid link ran out: the customer is told once and the payment is no longer polled. */
  | 'expire'
  /** Nothing to change (pending result, duplicate, or a late event for a settled payment). */
  | 'none';

/** The link of an unpaid payment ran out (`PAYMENT_EXPIRE_AFTER_MS` after its creation). */
export interface ExpiryEvent {
  kind: 'expire';
}

/** What moves a payment: a gateway's result for it, or the expiry of its link. */
export type PaymentEvent = GatewayResult | ExpiryEvent;

const isExpiry = (event: PaymentEvent): event is ExpiryEvent => 'kind' in event && event.kind === 'expire';

export interface AdvanceOutcome {
  /** The record to store, or undefined when nothing changes. */
  next: TPaymentRecord | undefined;
  decision: PaymentDecision;
  /** Why nothing changed, for the audit log. */
  reason?: string;
}

export interface AdvanceOptions {
  now: number;
  /**
   * Accept an approval whose amount the gateway did not report (PayU's query API): only for
   * results we fetched ourselves over the gateway's authenticated API, never for webhooks.
   */
  trustMissingAmount?: boolean;
  /**
   * The reference this approval's transaction already settled, when it is not this payment's:
   * one gateway transaction settles at most one payment, so this one is flagged (#12).
   */
  transactionSettledFor?: string;
}

export function amountMatches(record: TPaymentRecord, result: GatewayResult, options: AdvanceOptions): boolean {
  if (result.currency !== 'COP') return false;
  if (result.amountInCents < 0) return options.trustMissingAmount === true;
  return result.amountInCents === record.monto * 100;
}

export function advancePayment(record: TPaymentRecord, event: PaymentEvent, options: AdvanceOptions): AdvanceOutcome {
  if (isExpiry(event)) return expirePayment(record, options.now);
  const result = event;
  if (record.estado === 'completado') {
    // Final. A duplicate approval still reports 'approve' so the caller makes sure the order
    // exists (a crash may have happened between the two writes); anything else is only audited.
    if (result.status === 'approved' && record.transaccionId === result.transactionId) {
      return { next: undefined, decision: 'approve', reason: 'already completed' };
    }
    if (result.status === 'approved') return { next: undefined, decision: 'double_charge', reason: 'payment already completed by another transaction' };
    return { next: undefined, decision: 'none', reason: `payment already completed; ${result.status} event ignored` };
  }
  if (record.estado === 'fraude_detectado') {
    // The same suspicious transaction again: report it, so the alert is ensured after a crash.
    return result.status === 'approved' && record.transaccionId === result.transactionId
      ? { next: undefined, decision: 'fraud', reason: 'already flagged' }
      : { next: undefined, decision: 'none', reason: 'payment under review; only a person changes it' };
  }
  switch (result.status) {
    case 'approved':
      if (options.transactionSettledFor !== undefined && options.transactionSettledFor !== record.referencia) {
        return {
          decision: 'fraud',
          reason: `transaction already settled payment ${options.transactionSettledFor}`,
          next: { ...record, estado: 'fraude_detectado', transaccionId: result.transactionId, motivoFraude: 'transaccion_ya_liquidada', referenciaLiquidada: options.transactionSettledFor },
        };
      }
      if (!amountMatches(record, result, options)) {
        return {
          decision: 'fraud',
          next: {
            ...record,
            estado: 'fraude_detectado',
            transaccionId: result.transactionId,
            montoEsperado: record.monto,
            montoRecibido: result.amountInCents >= 0 ? result.amountInCents / 100 : -1,
            monedaRecibida: result.currency,
          },
        };
      }
      return {
        decision: 'approve',
        next: {
          ...record,
          estado: 'completado',
          transaccionId: result.transactionId,
          ...(result.method ? { metodoPago: result.method } : {}),
          fechaPago: options.now,
        },
      };
    case 'declined':
    case 'voided':
    case 'error':
      if (record.estado === 'rechazado' && record.transaccionId === result.transactionId) {
        // A replay of the decline we already applied: the caller makes sure the customer was told.
        return { next: undefined, decision: 'reject', reason: 'already rejected' };
      }
      if (record.estado !== 'pendiente') {
        return { next: undefined, decision: 'none', reason: `payment already ${record.estado}; ${result.status} event ignored` };
      }
      return {
        decision: 'reject',
        next: {
          ...record,
          estado: 'rechazado',
          transaccionId: result.transactionId,
          motivoRechazo: result.message ?? defaultReason(result.status),
          fechaRechazo: options.now,
        },
      };
    case 'pending':
      return { next: undefined, decision: 'none', reason: 'gateway reports the payment as pending' };
  }
}

/**
 * Only a pending payment expires. An expired one reports 'expire' again, so a run that stopped
 * before telling the customer finishes it; a rejected one just stops being polled (its decline
 * was told already), and a completed or flagged one is never touched by time.
 */
function expirePayment(record: TPaymentRecord, now: number): AdvanceOutcome {
  switch (record.estado) {
    case 'pendiente':
      return { decision: 'expire', next: { ...record, estado: 'expirado', fechaExpiracion: now } };
    case 'expirado':
      return { decision: 'expire', next: undefined, reason: 'already expired' };
    default:
      return { decision: 'none', next: undefined, reason: `payment ${record.estado}; expiry ignored` };
  }
}

function defaultReason(status: GatewayResult['status']): string {
  if (status === 'voided') return 'Transacción anulada';
  if (status === 'error') return 'Error procesando el pago';
  return 'Pago rechazado por la entidad';
}
