import { createHash } from 'node:crypto';
import type { Runtime } from '../../../server/runtime';
import { startHarness, type Harness } from '../../helpers/harness';
import { chooseMethod, orderUpToMethods as orderUpToMethodsVia, ordersOf } from '../../helpers/ordering';
import { startBoldServer, type BoldServer } from '../../servers/bold-server';
import { payuOrder, startPayuServer, type PayuServer } from '../../servers/payu-server';
import { boldWebhook, boldWebhookBody, deliverWebhook, payuConfirmationForm, signWompiEvent, wompiTransactionEvent, type SignedWebhook } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_flow123', privateKey: 'prv_test_flow123', integritySecret: 'test_integrity_flow123', eventsSecret: 'test_events_flow123' } as const;
const BOLD = { environment: 'sandbox', apiKey: 'bold-identity-key', secretKey: 'bold-secret-key' } as const;
const PAYU = { environment: 'sandbox', merchantId: '508029', accountId: '512321', apiKey: 'PayuApiKeyExample', apiLogin: 'payuLogin' } as const;

describe('paying for a WhatsApp order through Wompi, Bold, PayU or cash', () => {
  let h: Harness;
  let wompi: WompiServer;
  let bold: BoldServer;
  let payu: PayuServer;
  let pn: string;
  let waCounter = 0;

  beforeAll(async () => {
    wompi = await startWompiServer(WOMPI);
    bold = await startBoldServer({ apiKey: BOLD.apiKey, allowHttpCallbackUrl: true });
    payu = await startPayuServer(PAYU);
    h = await startHarness({
      env: {
        WOMPI_API_URL: wompi.apiUrl,
        WOMPI_CHECKOUT_URL: wompi.checkoutUrl,
        BOLD_API_URL: bold.apiUrl,
        PAYU_API_URL: payu.apiUrl,
        PAYU_CHECKOUT_URL: payu.checkoutUrl,
      },
    });
    const file = await h.seedTenant({
      id: 'pay-rest',
      restaurant: { name: 'Pagos Express', timezone: 'America/Bogota' },
      payments: {
        enabled: true,
        efectivo: true,
        wompi: { enabled: true, ...WOMPI },
        bold: { enabled: true, ...BOLD },
        payu: { enabled: true, algorithm: 'MD5', ...PAYU },
      },
    });
    pn = file.whatsapp.phoneNumberId;
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([wompi.close(), bold.close(), payu.close()]);
  });

  const newCustomer = () => `57310000${String(++waCounter).padStart(4, '0')}`;

  const orderUpToMethods = (waId: string) => orderUpToMethodsVia(h, pn, waId);
  const choose = (waId: string, text: string) => chooseMethod(h, pn, 'pay-rest', waId, text);
  const orders = (waId: string) => ordersOf(h, 'pay-rest', waId);
  const payment = (reference: string) => h.read<any>(`tenants/pay-rest/pagos/${reference}`);
  const post = (gateway: string, signed: SignedWebhook) => deliverWebhook(`${h.baseUrl}/api/webhooks/payment/${gateway}`, signed);
  const wompiEvent = (reference: string, status: string, amountInCents = 3300000, extra: { transactionId?: string; currency?: string; statusMessage?: string } = {}) =>
    wompi.sign(wompiTransactionEvent({ reference, status, amountInCents, paymentMethodType: 'NEQUI', transactionId: extra.transactionId ?? `1234-${Date.now()}-${status}`, currency: extra.currency, statusMessage: extra.statusMessage }));

  it('lists the enabled gateways in order, then cash', async () => {
    const texts = (await orderUpToMethods(newCustomer())).join('\n');
    const order = ['Wompi (Tarjeta, Nequi, PSE)', 'Bold (Tarjeta, PSE, Nequi)', 'PayU (Tarjeta, PSE, Efecty)', 'Efectivo contra entrega'].map((m) => texts.indexOf(m));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(texts).toContain('$33.000');
  });

  it('Wompi: writes the pending record first, sends /pay/{ref}, redirects to a signed Web Checkout, and one approval makes one order', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference, texts } = await choose(waId, '1');
    // While the link was made the customer saw "typing…" (mark-as-read with the typing indicator, #15).
    expect(h.graph.reads.some((r) => r.typing)).toBe(true);
    expect(reference).toMatch(/^pay-rest_\d+_[0-9a-f]+$/);
    const record = await payment(reference);
    expect(record).toMatchObject({ referencia: reference, estado: 'pendiente', monto: 33000, gateway: 'wompi', cliente: waId, direccion: 'Calle 80 #12-34', telefonoContacto: '3001234567' });
    expect(record.items).toHaveLength(2);
    expect(await h.read(`pendingPayments/${reference}`)).toMatchObject({ tenantId: 'pay-rest', gateway: 'wompi' });
    const link = h.graph.sent.filter((s) => s.to === waId).at(-1)!;
    expect(link.body).toMatchObject({ type: 'interactive', interactive: { type: 'cta_url', action: { parameters: { url: `https://pedidos.example.test/pay/${reference}` } } } });
    expect(texts.join('\n')).toContain('El pedido solo se enviará a la cocina después de validar tu pago');

    const redirect = await h.http.get(`/pay/${reference}`).redirects(0);
    expect(redirect.status).toBe(302);
    const url = new URL(String(redirect.headers.location));
    expect(`${url.origin}${url.pathname}`).toBe(wompi.checkoutUrl);
    expect(url.searchParams.get('public-key')).toBe(WOMPI.publicKey);
    expect(url.searchParams.get('amount-in-cents')).toBe('3300000');
    expect(url.searchParams.get('currency')).toBe('COP');
    expect(url.searchParams.get('reference')).toBe(reference);
    expect(url.searchParams.get('redirect-url')).toBe(`https://pedidos.example.test/pay/${reference}`);
    const expiration = url.searchParams.get('expiration-time') ?? '';
    expect(url.searchParams.get('signature:integrity')).toBe(
      createHash('sha256').update(`${reference}3300000COP${expiration}${WOMPI.integritySecret}`).digest('hex'),
    );

    const res = await post('wompi', wompiEvent(reference, 'APPROVED'));
    expect(res.status).toBe(200);
    const mine = await orders(waId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ total: 33000, estado: 'pendiente', pago: { estado: 'completado', referencia: reference, gateway: 'wompi', metodoPago: 'NEQUI' } });
    expect(await payment(reference)).toMatchObject({ estado: 'completado', metodoPago: 'NEQUI' });
    expect(await h.read(`pendingPayments/${reference}`)).toBeNull();
    const [confirmation] = (await h.graph.waitForMessages(waId, 1)).filter((s) => JSON.stringify(s.body).includes('Pago confirmado'));
    expect(JSON.stringify(confirmation!.body)).toContain(`#${mine[0].id}`);
    const status = await h.http.get(`/api/payments/${reference}/status`);
    expect(status.body).toEqual({ estado: 'completado', pedido: { id: mine[0].id } });
    expect(JSON.stringify(status.body)).not.toContain('Calle');
    const events = Object.values((await h.read<Record<string, any>>('tenants/pay-rest/analytics/payment_events')) ?? {}).filter((e) => e.referencia === reference);
    expect(events.map((e) => e.evento)).toContain('pago_aprobado');
    const page = await h.http.get(`/pay/${reference}`);
    expect(page.text).toContain('¡Pago exitoso!');
    expect(page.text).toContain(`#${mine[0].id}`);
    expect(page.text).not.toContain('Calle 80');
  });

  it('Bold: creates the payment link once at the API in pesos with our reference, and a signed SALE_APPROVED makes the order', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference } = await choose(waId, '2');
    const first = await h.http.get(`/pay/${reference}`).redirects(0);
    expect(first.status).toBe(302);
    const again = await h.http.get(`/pay/${reference}`).redirects(0);
    expect(again.headers.location).toBe(first.headers.location);
    const created = bold.createdLinks.filter((l) => l.request.reference === reference);
    expect(created).toHaveLength(1);
    expect(created[0]!.request.amount).toMatchObject({ currency: 'COP', total_amount: 33000 });
    expect(first.headers.location).toBe(created[0]!.url);

    const res = await post('bold', boldWebhook(boldWebhookBody({ reference, totalPesos: 33000, paymentMethod: 'PSE' }), BOLD.secretKey));
    expect(res.status).toBe(200);
    expect(await orders(waId)).toHaveLength(1);
  });

  it('PayU: serves a form that auto-submits to WebCheckout with tax fields and the signature, and a confirmation makes the order', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference } = await choose(waId, 'PayU');
    const page = await h.http.get(`/pay/${reference}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${payu.checkoutUrl}"`);
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)?.[1];
    expect(field('referenceCode')).toBe(reference);
    expect(field('amount')).toBe('33000');
    expect(field('tax')).toBe('0');
    expect(field('taxReturnBase')).toBe('0');
    expect(field('confirmationUrl')).toBe('https://pedidos.example.test/api/webhooks/payment/payu');
    expect(field('responseUrl')).toBe(`https://pedidos.example.test/pay/${reference}`);
    expect(field('signature')).toBe(createHash('md5').update(`${PAYU.apiKey}~${PAYU.merchantId}~${reference}~33000~COP`).digest('hex'));

    payu.setOrders(reference, [payuOrder({ reference, amountPesos: 33000, transactions: [{ state: 'APPROVED', transactionId: 'payu-flow-tx-1' }] })]);
    const form = payuConfirmationForm({ merchantId: PAYU.merchantId, referenceSale: reference, value: '33000.00', statePol: '4', transactionId: 'payu-flow-tx-1' }, PAYU.apiKey);
    const res = await post('payu', form);
    expect(res.status).toBe(200);
    expect(await orders(waId)).toHaveLength(1);
  });

  it('cash on delivery creates the order at once, marked contraentrega', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const texts = await h.say(pn, waId, 'efectivo');
    const mine = await orders(waId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ total: 33000, pago: { estado: 'contraentrega' } });
    expect(texts.join('\n')).toContain(`#${mine[0].id}`);
  });

  it('20 concurrent duplicates of an approval through 4 server instances make one order, one stats count and one confirmation', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference } = await choose(waId, '1');
    const statsBefore = (await h.read<{ pedidos: number; ingresos: number }>('tenants/pay-rest/stats')) ?? { pedidos: 0, ingresos: 0 };
    const extra: Runtime[] = [];
    const urls = [h.baseUrl];
    for (let i = 0; i < 3; i++) {
      const other = await h.anotherInstance();
      urls.push(other.url);
      extra.push(other.runtime);
    }
    try {
      const signed = wompiEvent(reference, 'APPROVED', 3300000, { transactionId: '5555-1700000000-77777' });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => deliverWebhook(`${urls[i % 4]}/api/webhooks/payment/wompi`, signed)));
      // Every delivery is either done (200) or told to retry (5xx); a retry then finds it done.
      for (const [i, r] of results.entries()) if (r.status !== 200) expect((await deliverWebhook(`${urls[i % 4]}/api/webhooks/payment/wompi`, signed)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(await orders(waId)).toHaveLength(1);
      expect(await h.read('tenants/pay-rest/stats')).toMatchObject({ pedidos: statsBefore.pedidos + 1, ingresos: statsBefore.ingresos + 33000 });
      const confirmations = h.graph.textsTo(waId).filter((t) => t.includes('Pago confirmado'));
      expect(confirmations).toHaveLength(1);
    } finally {
      await Promise.all(extra.map((r) => r.close()));
    }
  });

  it('a tampered amount marks fraude_detectado, makes no order, raises an alert and tells the customer it is under review', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference } = await choose(waId, '1');
    expect((await post('wompi', wompiEvent(reference, 'APPROVED', 100000))).status).toBe(200);
    expect(await orders(waId)).toHaveLength(0);
    expect(await payment(reference)).toMatchObject({ estado: 'fraude_detectado', montoEsperado: 33000, montoRecibido: 1000 });
    expect(await h.read(`tenants/pay-rest/alertas/${reference}`)).toMatchObject({ tipo: 'fraude_detectado', montoEsperado: 33000 });
    await h.graph.waitForMessages(waId, 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.graph.textsTo(waId).some((t) => t.includes('revisando tu pago'))).toBe(true);
    // A later "correct" approval does not undo a fraud flag: only a person does.
    expect((await post('wompi', wompiEvent(reference, 'APPROVED'))).status).toBe(200);
    expect(await orders(waId)).toHaveLength(0);
  });

  it('a wrong currency is treated like a wrong amount', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference } = await choose(waId, '1');
    await post('wompi', wompiEvent(reference, 'APPROVED', 3300000, { currency: 'USD' }));
    expect(await payment(reference)).toMatchObject({ estado: 'fraude_detectado', monedaRecibida: 'USD' });
    expect(await orders(waId)).toHaveLength(0);
  });

  it('declined then approved on the same reference (the payer retried): the customer hears why, then gets one order', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference } = await choose(waId, '1');
    const before = h.graph.sent.filter((s) => s.to === waId).length;
    expect((await post('wompi', wompiEvent(reference, 'DECLINED', 3300000, { statusMessage: 'Fondos insuficientes' }))).status).toBe(200);
    expect(await payment(reference)).toMatchObject({ estado: 'rechazado', motivoRechazo: 'Fondos insuficientes' });
    await h.graph.waitForMessages(waId, before + 1);
    await new Promise((r) => setTimeout(r, 100));
    const rejection = h.graph.textsTo(waId).slice(before).join('\n');
    expect(rejection).toContain('Fondos insuficientes');
    expect(rejection).toContain('Wompi');
    // The conversation is back at the method choice, same cart (#13).
    expect(await h.read(`tenants/pay-rest/sesiones/${waId}`)).toMatchObject({ paso: 'metodo_pago', pagoPendiente: { referencia: reference } });
    expect((await post('wompi', wompiEvent(reference, 'APPROVED'))).status).toBe(200);
    expect(await orders(waId)).toHaveLength(1);
    expect(await payment(reference)).toMatchObject({ estado: 'completado' });
  });

  it('a late decline after an approval changes nothing and is audited', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference } = await choose(waId, '1');
    await post('wompi', wompiEvent(reference, 'APPROVED'));
    expect((await post('wompi', wompiEvent(reference, 'DECLINED'))).status).toBe(200);
    expect(await payment(reference)).toMatchObject({ estado: 'completado' });
    expect(await orders(waId)).toHaveLength(1);
    const events = Object.values((await h.read<Record<string, any>>('tenants/pay-rest/analytics/payment_events')) ?? {}).filter((e) => e.referencia === reference);
    expect(events.map((e) => e.estadoGateway).sort()).toEqual(['approved', 'declined']);
  });

  it('changing method makes a new reference, and an approval arriving later on the old one is still honoured', async () => {
    const waId = newCustomer();
    await orderUpToMethods(waId);
    const { reference: first } = await choose(waId, '1');
    await h.say(pn, waId, 'cambiar método');
    const { reference: second } = await choose(waId, '2');
    expect(second).not.toBe(first);
    expect(await payment(first)).toMatchObject({ estado: 'pendiente', reemplazadaPor: second });
    const replaced = await h.http.get(`/pay/${first}`).redirects(0);
    expect(replaced.text).toContain('reemplazado');
    expect((await post('wompi', wompiEvent(first, 'APPROVED'))).status).toBe(200);
    expect(await orders(waId)).toHaveLength(1);
  });

  it('exposes what happened in /metrics: settled payments by source, webhook answers, turns by step', async () => {
    const res = await h.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/payments_settled_total\{estado="completado",source="webhook",gateway="wompi"\} [1-9]/);
    expect(res.text).toMatch(/webhook_requests_total\{source="wompi",status="200"\} [1-9]/);
    expect(res.text).toMatch(/conversation_turns_total\{paso="metodo_pago"\} [1-9]/);
    expect(res.text).toMatch(/payment_result_to_order_seconds_count\{gateway="wompi",source="webhook"\} [1-9]/);
    expect(res.text).not.toContain('Calle 80');
  });

  it('rate limits payment webhooks with 429 and Retry-After', async () => {
    const limited = await startHarness({ env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 4; i++) {
        const res = await limited.http.post('/api/webhooks/payment/sandbox').set('content-type', 'application/json').send('{}');
        statuses.push(res.status);
        retryAfter = res.headers['retry-after'];
      }
      expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
      expect(statuses[3]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  describe('refuses what it cannot trust', () => {
    let reference: string;
    beforeAll(async () => {
      const waId = newCustomer();
      await orderUpToMethods(waId);
      reference = (await choose(waId, '1')).reference;
    });

    it('answers 401 to a wrong signature and writes nothing', async () => {
      const forged = signWompiEvent(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3300000 }), 'test_events_someone_else');
      expect((await post('wompi', forged)).status).toBe(401);
      const tampered = wompiEvent(reference, 'DECLINED');
      expect((await post('wompi', { ...tampered, rawBody: tampered.rawBody.replace('DECLINED', 'APPROVED') })).status).toBe(401);
      expect(await payment(reference)).toMatchObject({ estado: 'pendiente' });
      const events = Object.values((await h.read<Record<string, any>>('tenants/pay-rest/analytics/payment_events')) ?? {}).filter((e) => e.referencia === reference);
      expect(events).toHaveLength(0);
    });

    it('answers 401 to a Bold body re-serialized after signing', async () => {
      const signed = boldWebhook(boldWebhookBody({ reference, totalPesos: 33000 }), BOLD.secretKey);
      const reserialized = { ...signed, rawBody: JSON.stringify(JSON.parse(signed.rawBody), null, 2) };
      expect((await post('bold', reserialized)).status).toBe(401);
    });

    it('answers 404 to an unknown gateway and to a reference that is not ours', async () => {
      expect((await post('paypal', wompiEvent(reference, 'APPROVED'))).status).toBe(404);
      expect((await post('wompi', wompiEvent('PEDIDO-1001', 'APPROVED'))).status).toBe(404);
    });

    it('answers 400 to bodies it cannot read', async () => {
      expect((await post('wompi', { rawBody: '{"event":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await post('wompi', { rawBody: '', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await post('bold', { rawBody: '<xml/>', headers: { 'content-type': 'text/xml' } })).status).toBe(400);
    });

    it('keeps a verified result for a reference with no record yet as an early result (2xx)', async () => {
      const early = `pay-rest_${Date.now()}_abcdef1234`;
      expect((await post('wompi', wompiEvent(early, 'APPROVED'))).status).toBe(200);
      expect(await h.read(`earlyResults/${early}`)).toMatchObject({ result: { reference: early, status: 'approved' } });
    });

    it('shows a 404 page for an unknown /pay reference', async () => {
      const res = await h.http.get('/pay/nope_1234567890_abcd');
      expect(res.status).toBe(404);
      expect(res.text).toContain('Enlace no encontrado');
    });
  });
});
