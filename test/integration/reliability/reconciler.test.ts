import { createHash } from 'node:crypto';
import { keyFor } from '../../../server/db/paths';
import { startHarness, type Harness } from '../../helpers/harness';
import { chooseMethod, orderUpToMethods, ordersOf } from '../../helpers/ordering';
import { newWamid } from '../../helpers/whatsapp-payloads';
import { startBoldServer, type BoldServer } from '../../servers/bold-server';
import { payuOrder, startPayuServer, type PayuServer } from '../../servers/payu-server';
import { boldWebhookBody, deliverWebhook, signWompiEvent, wompiTransaction, wompiTransactionEvent } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_rec', privateKey: 'prv_test_rec', integritySecret: 'test_integrity_rec', eventsSecret: 'test_events_rec' } as const;
const BOLD = { environment: 'sandbox', apiKey: 'bold-rec-key', secretKey: 'bold-rec-secret' } as const;
const PAYU = { environment: 'sandbox', merchantId: '508029', accountId: '512321', apiKey: 'PayuRecKey', apiLogin: 'payuRecLogin' } as const;
const MINUTE = 60_000;

describe('nothing lost: the reconciler', () => {
  let h: Harness;
  let wompi: WompiServer;
  let bold: BoldServer;
  let payu: PayuServer;
  let pn: string;
  let clock = Date.now();
  let n = 0;
  const T = 'rec-rest';

  beforeAll(async () => {
    wompi = await startWompiServer(WOMPI);
    bold = await startBoldServer({ apiKey: BOLD.apiKey, allowHttpCallbackUrl: true });
    payu = await startPayuServer(PAYU);
    h = await startHarness({
      now: () => clock,
      env: { WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl, BOLD_API_URL: bold.apiUrl, PAYU_API_URL: payu.apiUrl, PAYU_CHECKOUT_URL: payu.checkoutUrl },
    });
    pn = (
      await h.seedTenant({
        id: T,
        payments: { enabled: true, efectivo: true, wompi: { enabled: true, ...WOMPI }, bold: { enabled: true, ...BOLD }, payu: { enabled: true, ...PAYU } },
      })
    ).whatsapp.phoneNumberId;
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([wompi.close(), bold.close(), payu.close()]);
  });

  const customer = () => `57320000${String(++n).padStart(4, '0')}`;
  const startPayment = async (method: string) => {
    const waId = customer();
    await orderUpToMethods(h, pn, waId);
    const { reference } = await chooseMethod(h, pn, T, waId, method);
    return { waId, reference };
  };
  const run = () => h.runtime.reconciler.runOnce();
  const gatewayCalls = (server: { received: Array<{ path: string }> }, reference: string) => server.received.filter((r) => r.path.includes(reference)).length;

  it('does not ask the gateway before the webhook grace period', async () => {
    const { reference } = await startPayment('1');
    clock += 1 * MINUTE;
    await run();
    expect(gatewayCalls(wompi, reference)).toBe(0);
  });

  it('asks Wompi by reference when no webhook came, and an approval becomes the order', async () => {
    const { waId, reference } = await startPayment('1');
    wompi.setTransactions(reference, [wompiTransaction({ reference, status: 'APPROVED', amountInCents: 3300000, paymentMethodType: 'CARD' })]);
    clock += 3 * MINUTE;
    const result = await run();
    expect(result.ran).toBe(true);
    expect(gatewayCalls(wompi, reference)).toBe(1);
    expect(await ordersOf(h, T, waId)).toHaveLength(1);
    expect(await h.read(`pendingPayments/${reference}`)).toBeNull();
    await h.graph.waitForMessages(waId, 1);
    expect(h.graph.textsTo(waId).some((t) => t.includes('Pago confirmado'))).toBe(true);
    const events = Object.values((await h.read<Record<string, any>>(`tenants/${T}/analytics/payment_events`)) ?? {}).filter((e) => e.referencia === reference);
    expect(events.map((e) => e.fuente)).toEqual(['reconciler']);
  });

  it("uses Bold's notifications fallback by our reference", async () => {
    const { waId, reference } = await startPayment('2');
    bold.setNotifications(reference, [boldWebhookBody({ reference, totalPesos: 33000, type: 'SALE_APPROVED', paymentMethod: 'NEQUI' })]);
    clock += 3 * MINUTE;
    await run();
    expect(await ordersOf(h, T, waId)).toHaveLength(1);
  });

  it("uses PayU's ORDER_DETAIL_BY_REFERENCE_CODE and trusts our own amount when PayU reports none", async () => {
    const { waId, reference } = await startPayment('3');
    payu.setOrders(reference, [payuOrder({ reference, amountPesos: null, transactions: [{ state: 'APPROVED', paymentMethod: 'VISA' }] })]);
    clock += 8 * MINUTE;
    await run();
    expect(await ordersOf(h, T, waId)).toHaveLength(1);
  });

  it("asks PayU on its documented schedule: first about 7 minutes after creation, then at most every 10 (#12)", async () => {
    const { reference } = await startPayment('3');
    payu.setOrders(reference, [payuOrder({ reference, amountPesos: 33000, transactions: [{ state: 'PENDING', paymentMethod: 'PSE' }] })]);
    const queries = () => payu.received.filter((r) => JSON.stringify(r.body ?? '').includes(reference)).length;
    const at = async (minutes: number) => {
      clock = start + minutes * MINUTE;
      await run();
      return queries();
    };
    const start = clock;
    expect(await at(3)).toBe(0);
    expect(await at(5)).toBe(0);
    expect(await at(7)).toBe(1);
    expect(await at(9)).toBe(1);
    expect(await at(15)).toBe(1);
    expect(await at(17)).toBe(2);
    expect(await at(19)).toBe(2);
  });

  it('sends PayU WebCheckout an expiration consistent with the link expiry, in Colombian time (#12)', async () => {
    const { reference } = await startPayment('3');
    const record = await h.read<{ fechaCreacion: number }>(`tenants/${T}/pagos/${reference}`);
    const page = await h.http.get(`/pay/${reference}`);
    const fields = Object.fromEntries([...page.text.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const expected = new Date(record!.fechaCreacion + h.config.PAYMENT_EXPIRE_AFTER_MS - 5 * 60 * MINUTE).toISOString().slice(0, 19).replace('T', ' ');
    expect(fields.expirationDate).toBe(expected);
    // The local PayU accepts the form as sent (signature, tax fields and the date format).
    const res = await fetch(payu.checkoutUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields as Record<string, string>).toString() });
    expect(res.status).toBe(200);
    expect(payu.submittedForms.some((f) => f.referenceCode === reference && f.expirationDate === expected)).toBe(true);
  });

  it('sends one reminder at 10 minutes, expires at 30, and still honours a payment that arrives after expiry', async () => {
    const { waId, reference } = await startPayment('1');
    const before = h.graph.sent.filter((s) => s.to === waId).length;
    clock += 11 * MINUTE;
    await run();
    clock += 1 * MINUTE;
    await run();
    const reminders = h.graph.textsTo(waId).slice(before).filter((t) => t.includes('Recordatorio'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain(`/pay/${reference}`);

    clock += 20 * MINUTE;
    await run();
    expect(await h.read(`tenants/${T}/pagos/${reference}`)).toMatchObject({ estado: 'expirado' });
    expect(await h.read(`pendingPayments/${reference}`)).toBeNull();
    expect(h.graph.textsTo(waId).some((t) => t.includes('expiró'))).toBe(true);
    expect(await ordersOf(h, T, waId)).toHaveLength(0);

    const late = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3300000 }));
    expect((await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, late)).status).toBe(200);
    expect(await ordersOf(h, T, waId)).toHaveLength(1);
    expect(await h.read(`tenants/${T}/pagos/${reference}`)).toMatchObject({ estado: 'completado' });
  });

  it('expires from an instance with nothing cached, through the state rule, and tells the customer once (#13)', async () => {
    const { waId, reference } = await startPayment('1');
    const expiresAt = clock + 31 * MINUTE;
    // Another instance, its own connection: it has never read this payment.
    const fresh = await startHarness({
      database: h.database,
      graph: h.graph,
      now: () => expiresAt,
      env: { SECRETS_KEY: h.config.SECRETS_KEY!, WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl, BOLD_API_URL: bold.apiUrl, PAYU_API_URL: payu.apiUrl, PAYU_CHECKOUT_URL: payu.checkoutUrl },
    });
    try {
      await fresh.runtime.reconciler.runOnce();
      await fresh.runtime.reconciler.runOnce();
    } finally {
      await fresh.close();
    }
    expect(await h.read(`tenants/${T}/pagos/${reference}`)).toMatchObject({ estado: 'expirado', fechaExpiracion: expiresAt });
    expect(await h.read(`pendingPayments/${reference}`)).toBeNull();
    expect(h.graph.textsTo(waId).filter((t) => t.includes('expiró'))).toHaveLength(1);
  });

  it('costs the same with 5,000 settled payments as with none: its reads and calls follow pending work only', async () => {
    // Ten payments pending for 3 minutes, unknown to the gateway (they stay pending).
    const seed: Record<string, unknown> = {};
    const refs = Array.from({ length: 10 }, (_, i) => `${T}_${clock}_cost${String(i).padStart(4, '0')}`);
    for (const reference of refs) {
      seed[`tenants/${T}/pagos/${reference}`] = paymentRecord(reference, 'pendiente', clock);
      seed[`pendingPayments/${reference}`] = { tenantId: T, gateway: 'wompi', createdAt: clock };
    }
    await h.db.ref().update(seed);
    clock += 3 * MINUTE;
    await run(); // settle anything left by earlier tests
    const measure = async () => {
      h.database.server.resetStats();
      const calls = wompi.received.length;
      await run();
      // Reads (listens, gets) and writes; unlistens are fire-and-forget and may land after the run.
      const { q = 0, g = 0, p = 0, m = 0 } = h.database.server.stats.requests;
      return { rtdb: { q, g, p, m }, gateway: wompi.received.length - calls };
    };
    clock += 1000;
    const empty = await measure();
    const settled: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) {
      const reference = `${T}_${clock}_old${String(i).padStart(5, '0')}`;
      settled[`tenants/${T}/pagos/${reference}`] = paymentRecord(reference, 'completado', clock - 60 * MINUTE);
    }
    await h.db.ref().update(settled);
    clock += 1000;
    const full = await measure();
    expect(empty.gateway).toBe(10);
    expect(full).toEqual(empty);
  });

  it('applies a gateway result that arrived before its payment record, in both orders', async () => {
    // Result first: the reference is derived from the message, so it can be known in advance.
    const waId = customer();
    await orderUpToMethods(h, pn, waId);
    const wamid = newWamid();
    const expected = `${T}_${clock}_${createHash('sha256').update(`${keyFor(wamid)}:0`).digest('hex').slice(0, 10)}`;
    const early = wompi.sign(wompiTransactionEvent({ reference: expected, status: 'APPROVED', amountInCents: 3300000 }));
    expect((await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, early)).status).toBe(200);
    expect(await h.read(`earlyResults/${expected}`)).not.toBeNull();
    await h.sendMessages(pn, [{ waId, text: '1', id: wamid }]);
    await h.settle();
    expect((await h.read<any>(`tenants/${T}/sesiones/${waId}`)).pagoPendiente?.referencia ?? expected).toBe(expected);
    expect(await ordersOf(h, T, waId)).toHaveLength(1);
    expect(await h.read(`earlyResults/${expected}`)).toBeNull();

    // Record first: the ordinary path, and the sweep drops results older than 30 minutes.
    const stale = `${T}_${clock}_stale00001`;
    await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, wompi.sign(wompiTransactionEvent({ reference: stale, status: 'APPROVED', amountInCents: 3300000 })));
    clock += 31 * MINUTE;
    await run();
    expect(await h.read(`earlyResults/${stale}`)).toBeNull();
  });

  it('keeps a confirmation while WhatsApp is down and delivers it later; a permanent error is recorded with its code', async () => {
    const { waId, reference } = await startPayment('1');
    h.graph.failNext(3, { status: 503, code: 131016 });
    const approve = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3300000 }));
    expect((await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, approve)).status).toBe(200);
    await h.settle(); // the direct delivery has given up (3 attempts) before the clock moves
    expect(h.graph.textsTo(waId).some((t) => t.includes('Pago confirmado'))).toBe(false);
    const pending = await h.read<Record<string, number>>('outboxPending');
    expect(Object.keys(pending ?? {}).some((k) => k.startsWith(`pedido-pago-${reference}`))).toBe(true);
    clock += 2 * MINUTE;
    await run();
    expect(h.graph.textsTo(waId).filter((t) => t.includes('Pago confirmado'))).toHaveLength(1);

    const second = await startPayment('1');
    h.graph.failNext(1, { status: 400, code: 131047 });
    await deliverWebhook(
      `${h.baseUrl}/api/webhooks/payment/wompi`,
      wompi.sign(wompiTransactionEvent({ reference: second.reference, status: 'APPROVED', amountInCents: 3300000 })),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(await h.read(`outbox/pedido-pago-${second.reference}-0`)).toMatchObject({ estado: 'fallido', ultimoError: { codigo: 131047 } });
  });
});

function paymentRecord(reference: string, estado: string, fechaCreacion: number) {
  return {
    referencia: reference,
    tenantId: 'rec-rest',
    estado,
    monto: 33000,
    moneda: 'COP',
    cliente: '573209999999',
    direccion: 'Calle 1 # 2-3',
    telefonoContacto: '3209999999',
    items: [{ itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }],
    fechaCreacion,
    gateway: 'wompi',
    enlace: `https://pedidos.example.test/pay/${reference}`,
  };
}
