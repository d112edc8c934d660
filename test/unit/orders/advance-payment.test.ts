import type { TPaymentRecord } from '../../../server/db/records';
import { advancePayment } from '../../../server/orders/advance-payment';
import type { GatewayResult, GatewayStatus } from '../../../server/payments/gateway';

const record = (estado: TPaymentRecord['estado'], extra: Partial<TPaymentRecord> = {}): TPaymentRecord => ({
  referencia: 'rest1_1700000000000_abcd1234',
  tenantId: 'rest1',
  estado,
  monto: 33000,
  moneda: 'COP',
  cliente: '573001234567',
  direccion: 'Calle 80 #12-34',
  telefonoContacto: '3001234567',
  items: [{ itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }],
  fechaCreacion: 1,
  gateway: 'wompi',
  enlace: 'https://x/pay/r',
  ...extra,
});
const result = (status: GatewayStatus, extra: Partial<GatewayResult> = {}): GatewayResult => ({
  gateway: 'wompi',
  reference: 'rest1_1700000000000_abcd1234',
  transactionId: 'tx-1',
  status,
  amountInCents: 3300000,
  currency: 'COP',
  method: 'NEQUI',
  message: null,
  ...extra,
});
const now = 1_800_000_000_000;

describe('advancePayment', () => {
  it.each([
    ['pendiente', 'approved', 'approve', 'completado'],
    ['pendiente', 'declined', 'reject', 'rechazado'],
    ['pendiente', 'voided', 'reject', 'rechazado'],
    ['pendiente', 'error', 'reject', 'rechazado'],
    ['pendiente', 'pending', 'none', undefined],
    ['rechazado', 'approved', 'approve', 'completado'],
    ['rechazado', 'declined', 'none', undefined],
    ['expirado', 'approved', 'approve', 'completado'],
    ['expirado', 'declined', 'none', undefined],
    ['completado', 'declined', 'none', undefined],
    ['completado', 'voided', 'none', undefined],
    ['completado', 'approved', 'double_charge', undefined],
    ['fraude_detectado', 'approved', 'none', undefined],
  ] as const)('%s + %s → %s (%s)', (estado, status, decision, next) => {
    const out = advancePayment(record(estado, estado === 'completado' ? { transaccionId: 'tx-0' } : {}), result(status), { now });
    expect(out.decision).toBe(decision);
    expect(out.next?.estado).toBe(next);
  });

  it('completes with the transaction, method and payment time', () => {
    expect(advancePayment(record('pendiente'), result('approved'), { now }).next).toMatchObject({ estado: 'completado', transaccionId: 'tx-1', metodoPago: 'NEQUI', fechaPago: now });
  });

  it('reports a duplicate approval of the same transaction as approve, so the order is ensured, without changing the record', () => {
    const out = advancePayment(record('completado', { transaccionId: 'tx-1' }), result('approved'), { now });
    expect(out).toMatchObject({ decision: 'approve', next: undefined });
  });

  it('reports a replayed decline or fraud of the same transaction, so follow-ups are ensured, without changing the record', () => {
    expect(advancePayment(record('rechazado', { transaccionId: 'tx-1' }), result('declined'), { now })).toMatchObject({ decision: 'reject', next: undefined });
    expect(advancePayment(record('fraude_detectado', { transaccionId: 'tx-1' }), result('approved', { amountInCents: 1 }), { now })).toMatchObject({ decision: 'fraud', next: undefined });
  });

  it('reports a second approval of a completed payment by another transaction as a double charge, without changing it (#12)', () => {
    expect(advancePayment(record('completado', { transaccionId: 'tx-0' }), result('approved', { transactionId: 'tx-9' }), { now })).toMatchObject({ decision: 'double_charge', next: undefined });
  });

  it('flags an approval whose transaction already settled another payment, whatever the amount (#12)', () => {
    for (const estado of ['pendiente', 'rechazado', 'expirado'] as const) {
      const out = advancePayment(record(estado), result('approved'), { now, transactionSettledFor: 'rest1_1700000000000_other0001' });
      expect(out).toMatchObject({ decision: 'fraud', next: { estado: 'fraude_detectado', transaccionId: 'tx-1', motivoFraude: 'transaccion_ya_liquidada', referenciaLiquidada: 'rest1_1700000000000_other0001' } });
    }
    // Bound to this very payment: an ordinary approval.
    expect(advancePayment(record('pendiente'), result('approved'), { now, transactionSettledFor: 'rest1_1700000000000_abcd1234' }).decision).toBe('approve');
  });

  it('flags a different amount or currency as fraud with both amounts', () => {
    expect(advancePayment(record('pendiente'), result('approved', { amountInCents: 100000 }), { now }).next).toMatchObject({ estado: 'fraude_detectado', montoEsperado: 33000, montoRecibido: 1000 });
    expect(advancePayment(record('pendiente'), result('approved', { currency: 'USD' }), { now }).decision).toBe('fraud');
    expect(advancePayment(record('pendiente'), result('approved', { amountInCents: 3300001 }), { now }).decision).toBe('fraud');
  });

  it('accepts an approval without an amount only when the caller trusts the source', () => {
    expect(advancePayment(record('pendiente'), result('approved', { amountInCents: -1 }), { now }).decision).toBe('fraud');
    expect(advancePayment(record('pendiente'), result('approved', { amountInCents: -1 }), { now, trustMissingAmount: true }).decision).toBe('approve');
  });

  it("keeps the gateway's decline reason, or a Spanish default", () => {
    expect(advancePayment(record('pendiente'), result('declined', { message: 'Fondos insuficientes' }), { now }).next?.motivoRechazo).toBe('Fondos insuficientes');
    expect(advancePayment(record('pendiente'), result('voided'), { now }).next?.motivoRechazo).toBe('Transacción anulada');
  });
});

describe('advancePayment: the expiry of an unpaid link (#13)', () => {
  const expiry = { kind: 'expire' } as const;

  it('moves a pending payment to expirado with the time it expired', () => {
    const outcome = advancePayment(record('pendiente'), expiry, { now });
    expect(outcome.decision).toBe('expire');
    expect(outcome.next).toEqual({ ...record('pendiente'), estado: 'expirado', fechaExpiracion: now });
  });

  it('reports an already expired payment as expire without changing it, so the notice is ensured after a crash', () => {
    expect(advancePayment(record('expirado', { fechaExpiracion: 5 }), expiry, { now })).toEqual({ decision: 'expire', next: undefined, reason: 'already expired' });
  });

  it.each([['completado'], ['rechazado'], ['fraude_detectado']] as const)('never expires a %s payment', (estado) => {
    const outcome = advancePayment(record(estado), expiry, { now });
    expect(outcome.decision).toBe('none');
    expect(outcome.next).toBeUndefined();
  });

  it('still completes an expired payment when its approval arrives late (the money was taken)', () => {
    const expired = advancePayment(record('pendiente'), expiry, { now }).next!;
    const outcome = advancePayment(expired, result('approved'), { now: now + 1 });
    expect(outcome.decision).toBe('approve');
    expect(outcome.next?.estado).toBe('completado');
  });
});
