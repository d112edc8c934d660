import { countOrder } from '../../../server/orders/create-order';
import {
  applyStatus,
  claimForAttempt,
  OUTBOX_CLAIM_MS,
  OUTBOX_STATUS_WAIT_MS,
  pairRateBackoffMs,
  parseCallbackData,
  queueMessages,
  type OutboxEntry,
} from '../../../server/messaging/outbox';

const T0 = 1_800_000_000_000;
const entry = (over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  tenantId: 't1',
  to: '573100000001',
  kind: 'pago_confirmado',
  reply: { type: 'text', body: 'hola' },
  estado: 'enviando',
  creado: T0,
  intentos: 0,
  siguienteIntento: T0 + OUTBOX_CLAIM_MS + OUTBOX_STATUS_WAIT_MS,
  intento: { id: 'aaaaaaaaaaaaaaaa', desde: T0, hasta: T0 + OUTBOX_CLAIM_MS },
  ...over,
});
const attempt = (at: number) => ({ id: 'bbbbbbbbbbbbbbbb', desde: at, hasta: at + OUTBOX_CLAIM_MS });

describe('outbox attempts (#12)', () => {
  it('a new message is written already claimed by its writer, with leaf paths that never touch the outcome', () => {
    const { queued, update } = queueMessages([{ outboxId: 'm1', tenantId: 't1', to: '573100000001', kind: 'respuesta', reply: { type: 'text', body: 'x' } }], T0);
    expect(queued[0]!.entry.estado).toBe('enviando');
    expect(queued[0]!.entry.intento).toMatchObject({ desde: T0, hasta: T0 + OUTBOX_CLAIM_MS });
    expect(Object.keys(update)).toContain('outbox/m1/estado');
    expect(Object.keys(update)).not.toContain('outbox/m1');
    expect(Object.keys(update).some((k) => k.endsWith('/wamid') || k.endsWith('/enviado'))).toBe(false);
    expect(update['outboxPending/m1']).toBe(T0 + OUTBOX_CLAIM_MS + OUTBOX_STATUS_WAIT_MS);
  });

  it('an attempt with no recorded outcome is not claimed again while its status may still come', () => {
    expect(claimForAttempt(entry(), attempt(T0 + 1000), T0 + 1000)).toBeUndefined();
    expect(claimForAttempt(entry(), attempt(T0 + OUTBOX_CLAIM_MS + 1), T0 + OUTBOX_CLAIM_MS + 1)).toBeUndefined();
    const at = T0 + OUTBOX_CLAIM_MS + OUTBOX_STATUS_WAIT_MS;
    expect(claimForAttempt(entry(), attempt(at), at)).toMatchObject({ estado: 'enviando', intento: { id: 'bbbbbbbbbbbbbbbb' } });
  });

  it('a sent or failed message is never claimed, and a failed attempt only after its backoff', () => {
    const far = T0 + 10 * OUTBOX_STATUS_WAIT_MS;
    expect(claimForAttempt(entry({ wamid: 'wamid.X' }), attempt(far), far)).toBeUndefined();
    expect(claimForAttempt(entry({ estado: 'enviado' }), attempt(far), far)).toBeUndefined();
    expect(claimForAttempt(entry({ estado: 'fallido' }), attempt(far), far)).toBeUndefined();
    const retry = entry({ estado: 'pendiente', intento: undefined, siguienteIntento: T0 + 30_000 });
    expect(claimForAttempt(retry, attempt(T0 + 29_000), T0 + 29_000)).toBeUndefined();
    expect(claimForAttempt(retry, attempt(T0 + 30_000), T0 + 30_000)).toMatchObject({ estado: 'enviando' });
  });

  it('sent, delivered and read settle the message as sent and only move forward', () => {
    const sent = applyStatus(entry(), { status: 'sent', wamid: 'wamid.A', attemptId: 'aaaaaaaaaaaaaaaa', now: T0 + 5 });
    expect(sent).toMatchObject({ estado: 'enviado', wamid: 'wamid.A', estadoMeta: 'sent', enviado: T0 + 5 });
    const read = applyStatus(sent, { status: 'read', wamid: 'wamid.A', now: T0 + 9 });
    expect(read.estadoMeta).toBe('read');
    expect(applyStatus(read, { status: 'delivered', wamid: 'wamid.A', now: T0 + 10 }).estadoMeta).toBe('read');
    expect(applyStatus(read, { status: 'failed', wamid: 'wamid.A', error: { code: 131026 }, now: T0 + 11 }).estado).toBe('enviado');
  });

  it('failed keeps Meta code and title: permanent codes end the message, retryable ones schedule a new attempt', () => {
    const permanent = applyStatus(entry(), { status: 'failed', wamid: 'wamid.A', attemptId: 'aaaaaaaaaaaaaaaa', error: { code: 131047, title: 'Re-engagement message' }, now: T0 + 5 });
    expect(permanent).toMatchObject({ estado: 'fallido', estadoMeta: 'failed', errorMeta: { codigo: 131047, titulo: 'Re-engagement message' } });
    const retryable = applyStatus(entry(), { status: 'failed', wamid: 'wamid.A', attemptId: 'aaaaaaaaaaaaaaaa', error: { code: 131000, title: 'Something went wrong' }, now: T0 + 5 });
    // Retried within seconds, so a recovered WhatsApp gets it within 30 s (#15).
    expect(retryable).toMatchObject({ estado: 'pendiente', siguienteIntento: T0 + 5 + 5_000 });
    expect(retryable.intento).toBeUndefined();
    // A failure of an older attempt does not touch the current one.
    expect(applyStatus(entry(), { status: 'failed', wamid: 'wamid.OLD', attemptId: 'cccccccccccccccc', error: { code: 131047 }, now: T0 + 5 }).estado).toBe('enviando');
  });

  it('reads back only callback data the outbox wrote', () => {
    expect(parseCallbackData('pedido-pago-x-0:aaaaaaaaaaaaaaaa')).toEqual({ outboxId: 'pedido-pago-x-0', attemptId: 'aaaaaaaaaaaaaaaa' });
    expect(parseCallbackData('../x:aaaaaaaaaaaaaaaa')).toBeNull();
    expect(parseCallbackData('order-42')).toBeNull();
    expect(parseCallbackData(undefined)).toBeNull();
  });
});

describe('the 24-hour window and rate limits (#15)', () => {
  it('a 131047 failure of a notice with a template goes again as the template, at once; a template that fails is final', () => {
    const notice = entry({ plantilla: 'pago_confirmado', datos: { pedido: '1001', total: 33000 } });
    const again = applyStatus(notice, { status: 'failed', wamid: 'wamid.A', attemptId: 'aaaaaaaaaaaaaaaa', error: { code: 131047, title: 'Re-engagement message' }, now: T0 + 5 });
    expect(again).toMatchObject({ estado: 'pendiente', comoPlantilla: true, siguienteIntento: T0 + 5 });
    expect(again.intento).toBeUndefined();
    expect(again.wamid).toBeUndefined();
    const templateFailed = applyStatus({ ...notice, categoria: 'plantilla' }, { status: 'failed', wamid: 'wamid.A', attemptId: 'aaaaaaaaaaaaaaaa', error: { code: 131047 }, now: T0 + 5 });
    expect(templateFailed.estado).toBe('fallido');
    // A plain reply has no template: 131047 ends it.
    expect(applyStatus(entry({ kind: 'respuesta' }), { status: 'failed', wamid: 'wamid.A', attemptId: 'aaaaaaaaaaaaaaaa', error: { code: 131047 }, now: T0 + 5 }).estado).toBe('fallido');
  });

  it('payment notices carry their template by kind; order-status callers name theirs', () => {
    const { queued } = queueMessages(
      [
        { outboxId: 'a', tenantId: 't1', to: '573100000001', kind: 'pago_confirmado', reply: { type: 'text', body: 'x' }, datos: { pedido: '1001', total: 1 } },
        { outboxId: 'b', tenantId: 't1', to: '573100000001', kind: 'respuesta', reply: { type: 'text', body: 'x' } },
        { outboxId: 'c', tenantId: 't1', to: '573100000001', kind: 'estado_pedido', reply: { type: 'text', body: 'x' }, plantilla: 'pedido_en_camino' },
      ],
      T0,
    );
    expect(queued.map((q) => q.entry.plantilla)).toEqual(['pago_confirmado', undefined, 'pedido_en_camino']);
  });

  it('131056 backs off 4^n seconds as Meta suggests: 1, 4, 16, 64 s', () => {
    expect([1, 2, 3, 4].map(pairRateBackoffMs)).toEqual([1000, 4000, 16000, 64000]);
  });
});

describe('countOrder (#12)', () => {
  it('counts and numbers an order once, keyed on the order', () => {
    const first = countOrder(null, { orderKey: 'pago-a', total: 100, now: T0, legacyNumber: null })!;
    expect(first).toMatchObject({ pedidos: 1, ingresos: 100, numero: 1001 });
    expect(countOrder(first, { orderKey: 'pago-a', total: 100, now: T0 + 1, legacyNumber: null })).toBeUndefined();
    expect(countOrder(first, { orderKey: 'pago-b', total: 50, now: T0 + 1, legacyNumber: null })).toMatchObject({ pedidos: 2, ingresos: 150, numero: 1002 });
  });

  it('continues from the old counter, and forgets orders by age and count', () => {
    expect(countOrder({ pedidos: 7, ingresos: 70 }, { orderKey: 'k', total: 1, now: T0, legacyNumber: 1007 })).toMatchObject({ numero: 1008, pedidos: 8 });
    let stats = countOrder(null, { orderKey: 'old', total: 1, now: T0, legacyNumber: null })!;
    stats = countOrder(stats, { orderKey: 'new', total: 1, now: T0 + 25 * 3600_000, legacyNumber: null })!;
    expect(Object.keys(stats.recientes!)).toHaveLength(1);
    for (let i = 0; i < 400; i++) stats = countOrder(stats, { orderKey: `o${i}`, total: 1, now: T0 + 25 * 3600_000 + i, legacyNumber: null })!;
    expect(Object.keys(stats.recientes!).length).toBeLessThanOrEqual(300);
    expect(stats.numero).toBe(1001 + 401);
  });
});
