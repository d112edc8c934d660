import { startHarness, tenantFile, type Harness } from '../../helpers/harness';
import { chooseMethod, orderUpToMethods as orderUpToMethodsVia, ordersOf } from '../../helpers/ordering';
import { startBoldServer, type BoldServer } from '../../servers/bold-server';
import { payuOrder, startPayuServer, type PayuServer } from '../../servers/payu-server';
import {
  boldWebhook,
  boldWebhookBody,
  deliverWebhook,
  payuConfirmationForm,
  sandboxWebhook,
  signWompiEvent,
  wompiTransaction,
  wompiTransactionEvent,
  type SignedWebhook,
} from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

/**
 * Issue #12, "Forged or misrouted payment events": every request below is signed exactly as
 * its gateway signs (with the tenant's own secrets, or Bold's public test-mode key), and each
 * must still settle nothing it should not. Black-box: the app over its socket, the embedded
 * RTDB, and the local Wompi, Bold and PayU servers answering the app's lookups.
 */
const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_trust', privateKey: 'prv_test_trust', integritySecret: 'test_integrity_trust', eventsSecret: 'test_events_trust' } as const;
const WOMPI_PROD = { environment: 'production', publicKey: 'pub_prod_trust', privateKey: 'prv_prod_trust', integritySecret: 'prod_integrity_trust', eventsSecret: 'prod_events_trust' } as const;
const BOLD = { environment: 'sandbox', apiKey: 'bold-trust-key', secretKey: 'bold-trust-secret' } as const;
const BOLD_PROD = { environment: 'production', apiKey: 'bold-trust-key', secretKey: 'bold-trust-prod-secret' } as const;
const PAYU = { environment: 'sandbox', merchantId: '508029', accountId: '512321', apiKey: 'PayuTrustKey', apiLogin: 'payuTrustLogin' } as const;
const SANDBOX = { environment: 'sandbox', secret: 'sandbox-trust-secret' } as const;
const T = 'trust-rest';
const AMOUNT_IN_CENTS = 3_300_000;

describe('a payment event settles only what its gateway really says (#12)', () => {
  let h: Harness;
  let wompi: WompiServer;
  let bold: BoldServer;
  let payu: PayuServer;
  let pn: string;
  let n = 0;

  const seed = (id: string, payments: Record<string, unknown>, phoneNumberId?: string) =>
    h.seedTenant({ id, ...(phoneNumberId ? { whatsapp: { ...tenantFile({ id }).whatsapp, phoneNumberId } } : {}), payments: { enabled: true, efectivo: true, ...payments } as never });
  const allGateways = { wompi: { enabled: true, ...WOMPI }, bold: { enabled: true, ...BOLD }, payu: { enabled: true, ...PAYU }, sandbox: { enabled: true, ...SANDBOX } };

  beforeAll(async () => {
    wompi = await startWompiServer({ ...WOMPI, otherLookupKeys: [WOMPI_PROD.publicKey] });
    bold = await startBoldServer({ apiKey: BOLD.apiKey, allowHttpCallbackUrl: true });
    payu = await startPayuServer(PAYU);
    h = await startHarness({
      env: { WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl, BOLD_API_URL: bold.apiUrl, PAYU_API_URL: payu.apiUrl, PAYU_CHECKOUT_URL: payu.checkoutUrl },
    });
    pn = (await seed(T, allGateways)).whatsapp.phoneNumberId;
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([wompi.close(), bold.close(), payu.close()]);
  });

  const customer = () => `57350000${String(++n).padStart(4, '0')}`;
  /** A pending payment of $33.000 with the method typed (1 Wompi, 2 Bold, 3 PayU, 4 sandbox). */
  const pending = async (method: string, tenantId = T, phoneNumberId = pn) => {
    const waId = customer();
    await orderUpToMethodsVia(h, phoneNumberId, waId);
    const { reference } = await chooseMethod(h, phoneNumberId, tenantId, waId, method);
    return { waId, reference };
  };
  const post = (gateway: string, signed: SignedWebhook) => deliverWebhook(`${h.baseUrl}/api/webhooks/payment/${gateway}`, signed);
  const payment = (reference: string, tenantId = T) => h.read<Record<string, any>>(`tenants/${tenantId}/pagos/${reference}`);
  const auditOf = async (reference: string, tenantId = T) =>
    Object.values((await h.read<Record<string, any>>(`tenants/${tenantId}/analytics/payment_events`)) ?? {}).filter((e) => e.referencia === reference);
  /** A Wompi approval the local Wompi knows (as if the payer paid at its checkout). */
  const wompiApproval = (reference: string, transactionId: string, amountInCents = AMOUNT_IN_CENTS) =>
    wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents, transactionId }));
  const expectUntouched = async (reference: string, tenantId = T) => {
    expect(await payment(reference, tenantId)).toMatchObject({ estado: 'pendiente' });
    expect(await auditOf(reference, tenantId)).toHaveLength(0);
    expect(await h.read(`earlyResults/${reference}`)).toBeNull();
  };

  describe('1. an event settles only a payment of its own gateway and environment', () => {
    it('refuses a Bold approval, signed with the tenant\'s Bold secret, for a Wompi payment: 4xx and nothing written', async () => {
      const { waId, reference } = await pending('1');
      const res = await post('bold', boldWebhook(boldWebhookBody({ reference, totalPesos: 33000 }), BOLD.secretKey));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      await expectUntouched(reference);
      expect(await ordersOf(h, T, waId)).toHaveLength(0);
    });

    it('refuses a sandbox-gateway approval for a Wompi payment', async () => {
      const { waId, reference } = await pending('1');
      const res = await post('sandbox', sandboxWebhook({ reference, transactionId: `sbx-${reference}`, status: 'APPROVED', amountInCents: AMOUNT_IN_CENTS }, SANDBOX.secret));
      expect(res.status).toBe(409);
      await expectUntouched(reference);
      expect(await ordersOf(h, T, waId)).toHaveLength(0);
    });

    it('refuses a production event for a payment created with sandbox keys, after the owner switched keys', async () => {
      const id = 'trust-env';
      const phone = String(700000 + Math.floor(Math.random() * 99999));
      await seed(id, { wompi: { enabled: true, ...WOMPI } }, phone);
      const { waId, reference } = await pending('1', id, phone);
      await seed(id, { wompi: { enabled: true, ...WOMPI_PROD } }, phone);
      // The production keys really signed it and Wompi knows it: only the environment is wrong.
      wompi.record(wompiTransaction({ reference, status: 'APPROVED', amountInCents: AMOUNT_IN_CENTS, transactionId: `prod-${reference}` }));
      const event = signWompiEvent(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: AMOUNT_IN_CENTS, transactionId: `prod-${reference}` }, { environment: 'prod' }), WOMPI_PROD.eventsSecret);
      const res = await post('wompi', event);
      expect(res.status).toBe(409);
      await expectUntouched(reference, id);
      expect(await ordersOf(h, id, waId)).toHaveLength(0);
    });
  });

  describe("2. Bold's empty-key test signatures never settle real money", () => {
    it('refuses an empty-key event once the owner switched Bold off, though sandbox keys are still stored', async () => {
      const id = 'trust-off';
      const phone = String(800000 + Math.floor(Math.random() * 99999));
      await seed(id, { wompi: { enabled: true, ...WOMPI }, bold: { enabled: true, ...BOLD } }, phone);
      const { waId, reference } = await pending('2', id, phone);
      await seed(id, { wompi: { enabled: true, ...WOMPI }, bold: { enabled: false, ...BOLD } }, phone);
      const body = boldWebhookBody({ reference, totalPesos: 33000, paymentId: `BOLDOFF${n}` });
      bold.setNotifications(reference, [body]);
      const res = await post('bold', boldWebhook(body, ''));
      expect(res.status).toBe(401);
      await expectUntouched(reference, id);
      expect(await ordersOf(h, id, waId)).toHaveLength(0);
    });

    it('refuses an empty-key event for a payment created with Bold production keys', async () => {
      const id = 'trust-bprod';
      const phone = String(900000 + Math.floor(Math.random() * 99999));
      await seed(id, { bold: { enabled: true, ...BOLD_PROD } }, phone);
      const { waId, reference } = await pending('1', id, phone);
      expect(await payment(reference, id)).toMatchObject({ gateway: 'bold' });
      // The owner then stores sandbox keys to try something: the production payment stays out of reach.
      await seed(id, { bold: { enabled: true, ...BOLD } }, phone);
      const body = boldWebhookBody({ reference, totalPesos: 33000, paymentId: `BOLDPROD${n}` });
      bold.setNotifications(reference, [body]);
      const res = await post('bold', boldWebhook(body, ''));
      expect(res.status).toBe(409);
      await expectUntouched(reference, id);
      expect(await ordersOf(h, id, waId)).toHaveLength(0);
    });

    it('accepts an empty-key event for a sandbox payment only when Bold itself confirms the transaction', async () => {
      const forged = await pending('2');
      const body = boldWebhookBody({ reference: forged.reference, totalPesos: 33000, paymentId: `BOLDFAKE${n}` });
      expect((await post('bold', boldWebhook(body, ''))).status).toBe(409);
      await expectUntouched(forged.reference);

      const real = await pending('2');
      const genuine = boldWebhookBody({ reference: real.reference, totalPesos: 33000, paymentId: `BOLDREAL${n}` });
      bold.setNotifications(real.reference, [genuine]);
      expect((await post('bold', boldWebhook(genuine, ''))).status).toBe(200);
      expect(await ordersOf(h, T, real.waId)).toHaveLength(1);
    });
  });

  describe("3. Wompi's checksum cannot be re-pointed", () => {
    it('refuses a captured decline re-signed over transaction.blob as an approval', async () => {
      const { waId, reference } = await pending('1');
      // What an attacker can do with one genuine event: Wompi's checksum is SHA-256 of the values
      // named in signature.properties + timestamp + secret, so they only need a field to equal
      // the captured concatenation. Here the "genuine" checksum is reproduced over a blob field.
      const draft = wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: AMOUNT_IN_CENTS, transactionId: `blob-${reference}` }, { properties: ['transaction.blob'] });
      (draft.data.transaction as Record<string, unknown>).blob = 'captured-values';
      wompi.record(draft.data.transaction as Record<string, unknown>);
      const res = await post('wompi', signWompiEvent(draft, WOMPI.eventsSecret));
      expect(res.status).toBe(401);
      await expectUntouched(reference);
      expect(await ordersOf(h, T, waId)).toHaveLength(0);
    });

    it('refuses an event whose timestamp is far outside the retry window', async () => {
      const { reference } = await pending('1');
      const old = Math.floor(Date.now() / 1000) - 3 * 24 * 60 * 60;
      const tx = wompiTransaction({ reference, status: 'APPROVED', amountInCents: AMOUNT_IN_CENTS, transactionId: `old-${reference}` });
      wompi.record(tx);
      const res = await post('wompi', signWompiEvent(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: AMOUNT_IN_CENTS, transactionId: `old-${reference}` }, { timestamp: old }), WOMPI.eventsSecret));
      expect(res.status).toBe(401);
      await expectUntouched(reference);
    });
  });

  describe('4. an approval is confirmed at the source before it makes an order', () => {
    it('refuses a genuine Wompi approval whose unsigned reference was swapped to another payment', async () => {
      const paid = await pending('1');
      const victim = await pending('1');
      const genuine = wompiApproval(paid.reference, `swap-${paid.reference}`);
      expect((await post('wompi', genuine)).status).toBe(200);
      const swapped = { ...genuine, rawBody: genuine.rawBody.replace(`"reference":"${paid.reference}"`, `"reference":"${victim.reference}"`) };
      expect(swapped.rawBody).toContain(victim.reference);
      const res = await post('wompi', swapped);
      expect(res.status).toBe(409);
      await expectUntouched(victim.reference);
      expect(await ordersOf(h, T, victim.waId)).toHaveLength(0);
      expect(await ordersOf(h, T, paid.waId)).toHaveLength(1);
    });

    it('answers 5xx while Wompi cannot be asked, writes nothing, and settles on the retry', async () => {
      const { waId, reference } = await pending('1');
      const approval = wompiApproval(reference, `down-${reference}`);
      wompi.failNext(503);
      const res = await post('wompi', approval);
      expect(res.status).toBeGreaterThanOrEqual(500);
      await expectUntouched(reference);
      expect((await post('wompi', approval)).status).toBe(200);
      expect(await ordersOf(h, T, waId)).toHaveLength(1);
    });

    it('refuses a PayU confirmation whose unsigned transaction_id PayU does not know', async () => {
      const { waId, reference } = await pending('3');
      payu.setOrders(reference, [payuOrder({ reference, amountPesos: 33000, transactions: [{ state: 'APPROVED', transactionId: `payu-real-${n}` }] })]);
      const forged = payuConfirmationForm({ merchantId: PAYU.merchantId, referenceSale: reference, value: '33000.00', statePol: '4', transactionId: `payu-forged-${n}` }, PAYU.apiKey);
      expect((await post('payu', forged)).status).toBe(409);
      await expectUntouched(reference);
      const real = payuConfirmationForm({ merchantId: PAYU.merchantId, referenceSale: reference, value: '33000.00', statePol: '4', transactionId: `payu-real-${n}` }, PAYU.apiKey);
      expect((await post('payu', real)).status).toBe(200);
      expect(await ordersOf(h, T, waId)).toHaveLength(1);
    });
  });

  describe('5. one gateway transaction settles at most one payment', () => {
    it('flags a second payment that claims an already settled transaction, with an owner alert and no second order', async () => {
      const first = await pending('4');
      const second = await pending('4');
      const transactionId = `sbx-shared-${n}`;
      const approve = (reference: string) => post('sandbox', sandboxWebhook({ reference, transactionId, status: 'APPROVED', amountInCents: AMOUNT_IN_CENTS }, SANDBOX.secret));
      expect((await approve(first.reference)).status).toBe(200);
      expect((await approve(second.reference)).status).toBe(200);
      expect(await ordersOf(h, T, first.waId)).toHaveLength(1);
      expect(await ordersOf(h, T, second.waId)).toHaveLength(0);
      expect(await payment(second.reference)).toMatchObject({ estado: 'fraude_detectado', motivoFraude: 'transaccion_ya_liquidada', referenciaLiquidada: first.reference });
      expect(await h.read(`tenants/${T}/alertas/${second.reference}`)).toMatchObject({ tipo: 'fraude_detectado', referenciaLiquidada: first.reference, transaccionId: transactionId });
    });
  });

  describe('6. a second approval of a completed payment is a double charge', () => {
    it('audits it and alerts the owner that the customer paid twice, with no second order', async () => {
      const { waId, reference } = await pending('1');
      expect((await post('wompi', wompiApproval(reference, `twice-a-${reference}`))).status).toBe(200);
      expect((await post('wompi', wompiApproval(reference, `twice-b-${reference}`))).status).toBe(200);
      expect(await ordersOf(h, T, waId)).toHaveLength(1);
      const alerts = Object.values((await h.read<Record<string, any>>(`tenants/${T}/alertas`)) ?? {}).filter((a) => a.referencia === reference);
      expect(alerts).toEqual([expect.objectContaining({ tipo: 'cobro_doble', transaccionId: `twice-b-${reference}`, transaccionPedido: `twice-a-${reference}` })]);
      expect((await auditOf(reference)).map((e) => e.evento).sort()).toEqual(['cobro_doble', 'pago_aprobado']);
    });
  });

  describe('7. verified events that are not about a payment answer 200 and change nothing', () => {
    it("answers 200 to Wompi's nequi_token.updated", async () => {
      const event = signWompiEvent(
        { event: 'nequi_token.updated', data: { nequi_token: { id: 'nequi_token_123', status: 'APPROVED', phone_number: '3991111111', name: 'Cuenta' } }, environment: 'test', properties: ['nequi_token.id', 'nequi_token.status'], timestamp: Math.floor(Date.now() / 1000) },
        WOMPI.eventsSecret,
      );
      const res = await post('wompi', event);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ received: true, ignored: expect.stringContaining('nequi_token.updated') });
    });

    it('answers 200 to a Bold sale without metadata.reference (a terminal sale)', async () => {
      const res = await post('bold', boldWebhook(boldWebhookBody({ reference: null, totalPesos: 12000, paymentMethod: 'CARD' }), BOLD.secretKey));
      expect(res.status).toBe(200);
    });

    it('still answers 4xx to a body it cannot read', async () => {
      expect((await post('wompi', { rawBody: '{"event":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    });
  });

  describe('9. references stay within every gateway limit', () => {
    it('refuses a tenant id that would make references longer than 60, and the longest allowed id gets a Bold link', async () => {
      await expect(seed('a'.repeat(36), { bold: { enabled: true, ...BOLD } })).rejects.toThrow();
      const id = `b${'x'.repeat(34)}`;
      const phone = String(600000 + Math.floor(Math.random() * 99999));
      await seed(id, { bold: { enabled: true, ...BOLD } }, phone);
      const { reference } = await pending('1', id, phone);
      expect(reference.length).toBeLessThanOrEqual(60);
      const link = await h.http.get(`/pay/${reference}`).redirects(0);
      expect(link.status).toBe(302);
      expect(bold.createdLinks.some((l) => l.request.reference === reference)).toBe(true);
    });
  });

  describe('10. an approval is answered 200 only when its order exists', () => {
    it('answers 5xx, not 200, when the payment is completado, its writer still holds the lease and no order appears', async () => {
      const { waId, reference } = await pending('1');
      const transactionId = `lease-${reference}`;
      const approval = wompiApproval(reference, transactionId);
      const record = await payment(reference);
      const now = Date.now();
      // As left by a writer that completed the payment and then died before writing the order.
      await h.db.ref(`tenants/${T}/pagos/${reference}`).set({ ...record, estado: 'completado', transaccionId: transactionId, fechaPago: now, pedidoEnCurso: { responsable: 'gone', hasta: now + 60_000 } });
      const res = await post('wompi', approval);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(await ordersOf(h, T, waId)).toHaveLength(0);

      // Once the lease has run out, the next delivery writes the order and only then says 200.
      await h.db.ref(`tenants/${T}/pagos/${reference}/pedidoEnCurso/hasta`).set(now - 1);
      await h.db.ref(`tenants/${T}/pagos/${reference}/fechaPago`).set(now - 120_000);
      expect((await post('wompi', approval)).status).toBe(200);
      expect(await ordersOf(h, T, waId)).toHaveLength(1);
    });
  });
});
