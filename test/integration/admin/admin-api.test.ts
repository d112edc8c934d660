import { authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { startHarness, type Harness } from '../../helpers/harness';
import { deliverWebhook, signWompiEvent, wompiTransactionEvent } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';
import { ZEncryptedSecretSchema } from '../../../server/tenants/secrets-crypto';
import type { TOrderRecord } from '../../../server/db/records';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_admin1234', privateKey: 'prv_test_admin5678', integritySecret: 'test_integrity_admin9012', eventsSecret: 'test_events_admin3456' } as const;

/**
 * The owners' API over real sockets: the app with the embedded RTDB, the Firebase Auth
 * emulator issuing real ID tokens, a local Wompi API and the Graph API server.
 */
describe('owners and kitchen staff: /api/admin', () => {
  let h: Harness;
  let wompi: WompiServer;
  let users: TestUsers;
  let pnA: string;
  const token: Record<'ownerA' | 'staffA' | 'ownerB' | 'admin' | 'noClaims', string> = { ownerA: '', staffA: '', ownerB: '', admin: '', noClaims: '' };
  let waCounter = 0;

  beforeAll(async () => {
    const authHost = await authEmulatorHost();
    wompi = await startWompiServer(WOMPI);
    h = await startHarness({ env: { FIREBASE_AUTH_EMULATOR_HOST: authHost, WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl } });
    const a = await h.seedTenant({ id: 'adm-a', payments: { enabled: true, efectivo: true, wompi: { enabled: true, ...WOMPI } } });
    pnA = a.whatsapp.phoneNumberId;
    await h.seedTenant({ id: 'adm-b' });
    users = await testUsers(authHost);
    token.ownerA = (await users.create('owner@adm-a.test', { tenantId: 'adm-a', role: 'owner' })).idToken;
    token.staffA = (await users.create('cocina@adm-a.test', { tenantId: 'adm-a', role: 'staff' })).idToken;
    token.ownerB = (await users.create('owner@adm-b.test', { tenantId: 'adm-b', role: 'owner' })).idToken;
    token.admin = (await users.create('ops@plataforma.test', { role: 'admin' })).idToken;
    token.noClaims = (await users.create('nadie@adm-a.test', null)).idToken;
  }, 150_000);
  afterAll(async () => {
    await users?.close();
    await h?.close();
    await wompi?.close();
  });

  const as = (who: keyof typeof token) => ({
    get: (path: string) => h.http.get(`/api/admin${path}`).set('authorization', `Bearer ${token[who]}`),
    put: (path: string, body: unknown) => h.http.put(`/api/admin${path}`).set('authorization', `Bearer ${token[who]}`).send(body as object),
    patch: (path: string, body: unknown) => h.http.patch(`/api/admin${path}`).set('authorization', `Bearer ${token[who]}`).send(body as object),
    post: (path: string) => h.http.post(`/api/admin${path}`).set('authorization', `Bearer ${token[who]}`),
  });

  const newCustomer = () => `57311000${String(++waCounter).padStart(4, '0')}`;

  async function seedOrder(tenantId: string, orderKey: string, overrides: Partial<TOrderRecord> = {}): Promise<TOrderRecord> {
    const cliente = newCustomer();
    const order: TOrderRecord = {
      id: String(5000 + waCounter),
      tenantId,
      cliente,
      telefono: cliente,
      telefonoContacto: '3001234567',
      direccion: 'Calle 80 #12-34',
      items: [{ itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }],
      total: 30000,
      estado: 'pendiente',
      timestamp: Date.now(),
      fecha: new Date().toISOString(),
      fuente: 'whatsapp',
      restaurante: `Restaurante ${tenantId}`,
      pago: { estado: 'contraentrega' },
      ...overrides,
    };
    await h.db.ref(`tenants/${tenantId}/pedidos/${orderKey}`).set(order);
    return order;
  }

  describe('identity', () => {
    it('answers 401 without a token, with a malformed header and with a forged token', async () => {
      expect((await h.http.get('/api/admin/me')).status).toBe(401);
      expect((await h.http.get('/api/admin/me').set('authorization', 'Basic abc')).status).toBe(401);
      const forged = await h.http.get('/api/admin/me').set('authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJ1aWQiOiJ4In0.');
      expect(forged.status).toBe(401);
      expect(forged.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('answers 403 with a reason for a signed-in user without restaurant or role', async () => {
      const res = await as('noClaims').get('/me');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/rol/);
    });

    it('tells who is signed in from the custom claims', async () => {
      expect((await as('ownerA').get('/me')).body).toMatchObject({ role: 'owner', tenantId: 'adm-a', email: 'owner@adm-a.test' });
      expect((await as('admin').get('/me')).body).toMatchObject({ role: 'admin', tenantId: null });
    });

    it('keeps owners to their tenant and staff to orders; admins see all; unknown tenants are 404', async () => {
      expect((await as('ownerB').get('/tenants/adm-a/payments')).status).toBe(403);
      expect((await as('ownerB').get('/tenants/adm-a/orders')).status).toBe(403);
      expect((await as('staffA').get('/tenants/adm-a/payments')).status).toBe(403);
      expect((await as('staffA').get('/tenants/adm-a/menu')).status).toBe(403);
      expect((await as('staffA').get('/tenants/adm-a/alerts')).status).toBe(403);
      expect((await as('staffA').get('/tenants/adm-a/orders')).status).toBe(200);
      expect((await as('admin').get('/tenants/adm-b/payments')).status).toBe(200);
      expect((await as('admin').get('/tenants/no-existe/payments')).status).toBe(404);
      // A stranger learns nothing about which tenants exist.
      expect((await as('ownerB').get('/tenants/no-existe/payments')).status).toBe(403);
    });
  });

  describe('payment settings', () => {
    it('shows settings with credentials masked to their last 4 characters', async () => {
      const res = await as('ownerA').get('/tenants/adm-a/payments');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ enabled: true, efectivo: true, gateways: { wompi: { enabled: true, environment: 'sandbox', configured: true } } });
      expect(res.body.gateways.wompi.credentials).toEqual({ publicKey: '••••1234', privateKey: '••••5678', integritySecret: '••••9012', eventsSecret: '••••3456' });
      for (const secret of Object.values(WOMPI)) if (secret.length > 8) expect(res.text).not.toContain(secret);
    });

    it('refuses unknown fields and invalid credentials with the field names, never the values', async () => {
      const unknown = await as('ownerA').put('/tenants/adm-a/payments', { enabled: true, extra: 1 });
      expect(unknown.status).toBe(400);
      const bad = await as('ownerA').put('/tenants/adm-a/payments', { wompi: { credentials: { privateKey: 'prv_prod_secretvalue99' } } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('wompi.credentials.privateKey');
      expect(JSON.stringify(bad.body)).not.toContain('secretvalue99');
      const typo = await as('ownerA').put('/tenants/adm-a/payments', { wompi: { credentials: { privatekey: 'x' } } });
      expect(typo.status).toBe(400);
      expect(JSON.stringify(typo.body)).toContain('wompi.credentials.privatekey');
      // Nothing was written by the refused requests.
      expect((await as('ownerA').get('/tenants/adm-a/payments')).body.gateways.wompi.credentials.privateKey).toBe('••••5678');
    });

    it('merges new credential fields over the stored ones and stores them encrypted', async () => {
      const res = await as('ownerA').put('/tenants/adm-a/payments', { wompi: { credentials: { privateKey: 'prv_test_newkey0001' } } });
      expect(res.status).toBe(200);
      expect(res.body.gateways.wompi.credentials.privateKey).toBe('••••0001');
      const stored = ZEncryptedSecretSchema.parse(await h.read('secrets/adm-a/wompi'));
      expect(JSON.stringify(stored)).not.toContain('newkey');
      expect(h.secretsKey.decrypt(stored, { tenantId: 'adm-a', kind: 'wompi' })).toEqual({ ...WOMPI, privateKey: 'prv_test_newkey0001' });
    });

    it('tests credentials against the gateway without creating anything, in plain words', async () => {
      const wrong = await as('ownerA').post('/tenants/adm-a/payments/wompi/test');
      expect(wrong.status).toBe(200);
      expect(wrong.body).toMatchObject({ ok: false, resultado: 'credenciales_invalidas' });
      expect(wrong.body.mensaje).toMatch(/Credenciales inválidas/);

      await as('ownerA').put('/tenants/adm-a/payments', { wompi: { credentials: { privateKey: WOMPI.privateKey } } });
      const right = await as('ownerA').post('/tenants/adm-a/payments/wompi/test');
      expect(right.body).toMatchObject({ ok: true, resultado: 'ok' });
      const lookups = wompi.received.filter((r) => r.path.startsWith('/v1/transactions'));
      expect(lookups.length).toBeGreaterThanOrEqual(2);
      expect(wompi.received.filter((r) => r.method === 'POST')).toHaveLength(0);

      expect((await as('ownerA').post('/tenants/adm-a/payments/bold/test')).body).toMatchObject({ ok: false, resultado: 'sin_credenciales' });
      expect((await as('ownerA').post('/tenants/adm-a/payments/paypal/test')).status).toBe(404);
    });

    it('turning payments off gives the next customer the old flow, while a link already sent is honoured', async () => {
      const chat = async (waId: string) => {
        await h.say(pnA, waId, 'Quiero 2 hamburguesas y 1 coca cola');
        await h.say(pnA, waId, 'confirmar');
        await h.say(pnA, waId, 'Calle 80 #12-34');
      };
      const earlier = newCustomer();
      await chat(earlier);
      await h.say(pnA, earlier, '3001234567');
      await h.say(pnA, earlier, '1');
      const reference = (await h.read<any>(`tenants/adm-a/sesiones/${earlier}`)).pagoPendiente.referencia as string;

      const off = await as('ownerA').put('/tenants/adm-a/payments', { enabled: false });
      expect(off.status).toBe(200);
      expect(off.body.enabled).toBe(false);

      const next = newCustomer();
      await chat(next);
      const texts = await h.say(pnA, next, '3001234567');
      const ordersOf = async (waId: string) => Object.values((await h.read<Record<string, TOrderRecord>>('tenants/adm-a/pedidos')) ?? {}).filter((o) => o.cliente === waId);
      expect(texts.join('\n')).not.toMatch(/Wompi/);
      expect(await ordersOf(next)).toHaveLength(1);

      const signed = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3_300_000, paymentMethodType: 'CARD', transactionId: `tx-${Date.now()}` }));
      expect((await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, signed)).status).toBe(200);
      expect(await ordersOf(earlier)).toHaveLength(1);

      await as('ownerA').put('/tenants/adm-a/payments', { enabled: true });
    });
  });

  describe('WhatsApp templates (#15)', () => {
    it('reads and replaces the utility templates, validated; staff cannot', async () => {
      expect((await as('ownerA').get('/tenants/adm-a/whatsapp/plantillas')).body).toMatchObject({ plantillas: {}, claves: expect.arrayContaining(['pago_confirmado', 'pedido_cancelado']) });
      expect((await as('ownerA').put('/tenants/adm-a/whatsapp/plantillas', { plantillas: { pago_confirmado: { nombre: 'Pago Confirmado' } } })).status).toBe(400);
      expect((await as('ownerA').put('/tenants/adm-a/whatsapp/plantillas', { plantillas: { otra_cosa: { nombre: 'x' } } })).status).toBe(400);
      expect((await as('staffA').put('/tenants/adm-a/whatsapp/plantillas', { plantillas: {} })).status).toBe(403);
      const saved = await as('ownerA').put('/tenants/adm-a/whatsapp/plantillas', { plantillas: { pago_confirmado: { nombre: 'pago_confirmado_v2' } } });
      expect(saved.status).toBe(200);
      expect(saved.body.plantillas).toEqual({ pago_confirmado: { nombre: 'pago_confirmado_v2', idioma: 'es_CO' } });
      expect(await h.read('tenants/adm-a/whatsapp/plantillas')).toEqual({ pago_confirmado: { nombre: 'pago_confirmado_v2', idioma: 'es_CO' } });
    });
  });

  describe('menu', () => {
    it('lists the menu and replaces it with validated items', async () => {
      const before = await as('ownerA').get('/tenants/adm-a/menu');
      expect(before.body.items[0]).toMatchObject({ numero: '1', nombre: 'Hamburguesa', precio: 15000, disponible: true });

      expect((await as('ownerA').put('/tenants/adm-a/menu', { items: [{ numero: '1', nombre: 'X', precio: 1500.5 }] })).status).toBe(400);
      const dup = await as('ownerA').put('/tenants/adm-a/menu', { items: [{ numero: '1', nombre: 'X', precio: 1 }, { numero: '1', nombre: 'Y', precio: 2 }] });
      expect(dup.status).toBe(400);
      expect(JSON.stringify(dup.body)).toContain('repetido');
      expect((await as('ownerA').put('/tenants/adm-a/menu', { items: [{ numero: '1', nombre: 'X', precio: 1, color: 'rojo' }] })).status).toBe(400);

      const items = [
        ...before.body.items.map(({ itemId: _id, ...item }: any) => ({ ...item, categoria: item.categoria ?? undefined })),
        { numero: '7', nombre: 'Malteada', precio: 9000, categoria: 'Bebidas', disponible: false },
      ];
      const saved = await as('ownerA').put('/tenants/adm-a/menu', { items });
      expect(saved.status).toBe(200);
      expect(saved.body.items.at(-1)).toEqual({ itemId: 'item-7', numero: '7', nombre: 'Malteada', precio: 9000, categoria: 'Bebidas', disponible: false });
      expect((await h.runtime.tenants.getTenant('adm-a'))!.menu.find((m) => m.numero === '7')).toMatchObject({ disponible: false });
    });
  });

  describe('orders', () => {
    it('lists open orders oldest first, filtered by estado and desde', async () => {
      const t0 = Date.now();
      await seedOrder('adm-b', 'list-2', { timestamp: t0 - 1000 });
      await seedOrder('adm-b', 'list-1', { timestamp: t0 - 5000 });
      await seedOrder('adm-b', 'list-3', { timestamp: t0 - 2000, estado: 'entregado' });
      await seedOrder('adm-b', 'list-old', { timestamp: t0 - 3 * 24 * 3600_000 });
      const open = await as('ownerB').get('/tenants/adm-b/orders?estado=abiertos');
      expect(open.status).toBe(200);
      expect(open.body.pedidos.map((o: any) => o.key)).toEqual(['list-1', 'list-2']);
      const delivered = await as('ownerB').get('/tenants/adm-b/orders?estado=entregado');
      expect(delivered.body.pedidos.map((o: any) => o.key)).toEqual(['list-3']);
      const old = await as('ownerB').get(`/tenants/adm-b/orders?desde=${t0 - 4 * 24 * 3600_000}`);
      expect(old.body.pedidos.map((o: any) => o.key)).toContain('list-old');
      expect((await as('ownerB').get('/tenants/adm-b/orders?estado=listo')).status).toBe(400);
      expect((await as('ownerB').get('/tenants/adm-b/orders?color=rojo')).status).toBe(400);
    });

    it('moves an order forward only, with 409 otherwise, and tells the customer at each step', async () => {
      const order = await seedOrder('adm-a', 'flow-1');
      const path = '/tenants/adm-a/orders/flow-1';
      const skip = await as('staffA').patch(path, { estado: 'en_camino' });
      expect(skip.status).toBe(409);
      expect(skip.body.error).toMatchObject({ code: 'CONFLICT', estadoActual: 'pendiente', permitidos: ['aceptado', 'rechazado', 'en_preparacion', 'cancelado'] });

      const accept = await as('staffA').patch(path, { estado: 'aceptado' });
      expect(accept.status).toBe(200);
      const [accepted] = await h.graph.waitForMessages(order.cliente, 1);
      expect(JSON.stringify(accepted!.body)).toContain(`Tu pedido #${order.id} fue aceptado`);

      const prep = await as('staffA').patch(path, { estado: 'en_preparacion' });
      expect(prep.status).toBe(200);
      expect(prep.body).toMatchObject({ estadoAnterior: 'aceptado', pedido: { key: 'flow-1', estado: 'en_preparacion', id: order.id } });
      const preparing = await h.graph.waitForMessages(order.cliente, 2);
      expect(JSON.stringify(preparing[1]!.body)).toContain(`Estamos preparando tu pedido #${order.id}`);

      expect((await as('staffA').patch(path, { estado: 'en_camino' })).status).toBe(200);
      const onTheWay = (await h.graph.waitForMessages(order.cliente, 3))[2];
      expect(JSON.stringify(onTheWay!.body)).toContain(`🛵 Tu pedido #${order.id} va en camino`);
      expect(await h.read(`outbox/estado-en_camino-flow-1`)).toMatchObject({ tenantId: 'adm-a', to: order.cliente, kind: 'estado_pedido', estado: 'enviado' });

      const again = await as('staffA').patch(path, { estado: 'en_camino' });
      expect(again.status).toBe(409);
      expect(h.graph.sent.filter((s) => s.to === order.cliente)).toHaveLength(3);

      expect((await as('ownerA').patch(path, { estado: 'entregado' })).status).toBe(200);
      const sent = await h.graph.waitForMessages(order.cliente, 4);
      expect(JSON.stringify(sent[3]!.body)).toContain(`✅ Tu pedido #${order.id} fue entregado. ¡Buen provecho!`);
      expect((await as('staffA').patch(path, { estado: 'cancelado' })).status).toBe(409);

      const stored = await h.read<any>('tenants/adm-a/pedidos/flow-1');
      expect(stored).toMatchObject({ estado: 'entregado', total: 30000, direccion: 'Calle 80 #12-34' });
      expect(Object.keys(stored.historialEstados)).toEqual(expect.arrayContaining(['aceptado', 'en_preparacion', 'en_camino', 'entregado']));
    });

    it('rejects a paid order with its reason, flags it for refund and tells the customer (#16)', async () => {
      const order = await seedOrder('adm-a', 'reject-1', { pago: { estado: 'completado', referencia: 'adm-a_1700000000000_rej1', gateway: 'wompi' } });
      const path = '/tenants/adm-a/orders/reject-1';
      const noReason = await as('staffA').patch(path, { estado: 'rechazado' });
      expect(noReason.status).toBe(400);
      const res = await as('staffA').patch(path, { estado: 'rechazado', motivo: 'Se nos acabó el pan' });
      expect(res.status).toBe(200);
      expect(await h.read('tenants/adm-a/pedidos/reject-1')).toMatchObject({ estado: 'rechazado', motivo: 'Se nos acabó el pan', reembolsoPendiente: true });
      const [notice] = await h.graph.waitForMessages(order.cliente, 1);
      const body = JSON.stringify(notice!.body);
      expect(body).toContain('no pudo ser aceptado');
      expect(body).toContain('Se nos acabó el pan');
      expect(body).toContain('te devolveremos el dinero');
      expect((await as('staffA').patch(path, { estado: 'aceptado' })).status).toBe(409);
    });

    it('announces a cancellation with its reason; a cash order is not flagged for refund (#16)', async () => {
      const order = await seedOrder('adm-a', 'cancel-1', { estado: 'en_preparacion' });
      const res = await as('ownerA').patch('/tenants/adm-a/orders/cancel-1', { estado: 'cancelado', motivo: 'Cerramos por una emergencia' });
      expect(res.status).toBe(200);
      const stored = await h.read<any>('tenants/adm-a/pedidos/cancel-1');
      expect(stored).toMatchObject({ estado: 'cancelado', motivo: 'Cerramos por una emergencia' });
      expect(stored.reembolsoPendiente).toBeUndefined();
      const [notice] = await h.graph.waitForMessages(order.cliente, 1);
      expect(JSON.stringify(notice!.body)).toContain(`Tu pedido #${order.id} fue cancelado`);
      expect(await h.read('outbox/estado-cancelado-cancel-1')).toMatchObject({ kind: 'estado_pedido' });
    });

    it('applies concurrent presses once', async () => {
      await seedOrder('adm-a', 'race-1');
      const results = await Promise.all([1, 2, 3].map(() => as('staffA').patch('/tenants/adm-a/orders/race-1', { estado: 'en_preparacion' })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    });

    it('refuses bad bodies, unknown orders and other tenants', async () => {
      await seedOrder('adm-a', 'bad-1');
      expect((await as('staffA').patch('/tenants/adm-a/orders/bad-1', { estado: 'pendiente' })).status).toBe(400);
      expect((await as('staffA').patch('/tenants/adm-a/orders/bad-1', { estado: 'en_preparacion', total: 1 })).status).toBe(400);
      expect((await as('staffA').patch('/tenants/adm-a/orders/no-existe', { estado: 'en_preparacion' })).status).toBe(404);
      expect((await as('ownerB').patch('/tenants/adm-a/orders/bad-1', { estado: 'en_preparacion' })).status).toBe(403);
      expect(await h.read('tenants/adm-a/pedidos/no-existe')).toBeNull();
    });

    it('answers 404 for ids that name object prototype members, and keeps working afterwards', async () => {
      await seedOrder('adm-a', 'proto-ok');
      for (const orderKey of ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf']) {
        const res = await as('staffA').patch(`/tenants/adm-a/orders/${orderKey}`, { estado: 'en_preparacion' });
        expect([orderKey, res.status, res.body.error?.code]).toEqual([orderKey, 404, 'NOT_FOUND']);
      }
      for (const tenantId of ['constructor', '__proto__', 'hasOwnProperty', 'toString']) {
        for (const path of [`/tenants/${tenantId}/menu`, `/tenants/${tenantId}/orders`, `/tenants/${tenantId}/payments`]) {
          const res = await as('admin').get(path);
          expect([path, res.status]).toEqual([path, 404]);
        }
        const patch = await as('admin').patch(`/tenants/${tenantId}/orders/constructor`, { estado: 'en_preparacion' });
        expect(patch.status).toBe(404);
      }
      for (const gateway of ['constructor', '__proto__', 'toString']) {
        expect((await as('ownerA').post(`/tenants/adm-a/payments/${gateway}/test`)).status).toBe(404);
      }
      // The server and its database connection are still fine.
      expect((await as('staffA').patch('/tenants/adm-a/orders/proto-ok', { estado: 'en_preparacion' })).status).toBe(200);
      expect((await h.http.get('/readyz')).status).toBe(200);
    });

    it('explains a bad body in words (Spanish, for the owners\' page), naming the field and never echoing the value', async () => {
      const res = await as('ownerA').put('/tenants/adm-a/menu', { items: [{ numero: true, nombre: 'Hamburguesa', precio: '15000', secreto: 'x' }] });
      expect(res.status).toBe(400);
      const messages = (res.body.error.issues as Array<{ path: string; message: string }>).map((i) => `${i.path}: ${i.message}`);
      expect(messages).toEqual(
        expect.arrayContaining([
          'items.0.numero: se espera texto o un número, llegó true/false',
          'items.0.precio: se espera un número, llegó texto',
          expect.stringMatching(/^items\.0: campo desconocido "secreto"/),
        ]),
      );
      expect(JSON.stringify(res.body)).not.toContain('Invalid input');
    });
  });

  describe('staff take over a chat (#16)', () => {
    it('a customer asks for a person: staff are alerted, the bot stays silent, staff reply and hand the chat back', async () => {
      const waId = newCustomer();
      await h.say(pnA, waId, '1 hamburguesa');
      const asked = await h.say(pnA, waId, 'quiero hablar con una persona');
      expect(asked.join('\n')).toContain('una persona te responderá');
      expect(await h.read(`tenants/adm-a/alertas/atencion-${waId}`)).toMatchObject({ tipo: 'atencion_personal', cliente: waId });
      const list = await as('staffA').get('/tenants/adm-a/conversations');
      expect(list.status).toBe(200);
      expect(list.body.conversaciones).toEqual(expect.arrayContaining([expect.objectContaining({ waId, estado: 'pendiente' })]));

      // Silence: the message is recorded, nothing is sent.
      const before = h.graph.sent.filter((m) => m.to === waId).length;
      await h.say(pnA, waId, '¿me ayudan con la dirección?', 0);
      expect(h.graph.sent.filter((m) => m.to === waId)).toHaveLength(before);
      const seen = await as('staffA').get(`/tenants/adm-a/conversations/${waId}`);
      expect(seen.status).toBe(200);
      expect(seen.body.atencion).toEqual(expect.objectContaining({ desde: expect.any(Number) }));
      const texts = seen.body.mensajes.map((m: any) => `${m.de}: ${m.texto}`);
      expect(texts[0]).toBe('cliente: 1 hamburguesa');
      expect(texts).toContain('cliente: ¿me ayudan con la dirección?');
      expect(texts.at(-1)).toBe('cliente: ¿me ayudan con la dirección?');

      const replied = await as('staffA').post(`/tenants/adm-a/conversations/${waId}/messages`).send({ texto: 'Hola, soy Ana. Claro que sí.' });
      expect(replied.status).toBe(200);
      const staffMsg = (await h.graph.waitForMessages(waId, before + 1)).at(-1);
      expect(JSON.stringify(staffMsg!.body)).toContain('Hola, soy Ana. Claro que sí.');
      expect((await as('staffA').post(`/tenants/adm-a/conversations/${waId}/messages`).send({ texto: '' })).status).toBe(400);
      expect((await as('ownerB').post(`/tenants/adm-a/conversations/${waId}/handback`)).status).toBe(403);

      const back = await as('staffA').post(`/tenants/adm-a/conversations/${waId}/handback`);
      expect(back.status).toBe(200);
      expect(back.body).toEqual({ devuelto: true });
      const told = (await h.graph.waitForMessages(waId, before + 2)).at(-1);
      expect(JSON.stringify(told!.body)).toContain('El asistente automático está de vuelta');
      expect(await h.read(`tenants/adm-a/atencionClientes/${waId}`)).toBeNull();
      expect((await as('staffA').post(`/tenants/adm-a/conversations/${waId}/handback`)).body).toEqual({ devuelto: false });

      // The bot answers again, with the cart kept.
      const cart = await h.say(pnA, waId, 'carrito');
      expect(cart.join('\n')).toContain('Hamburguesa');
      const transcript = (await as('ownerA').get(`/tenants/adm-a/conversations/${waId}`)).body.mensajes.map((m: any) => m.de);
      expect(transcript).toEqual(expect.arrayContaining(['cliente', 'bot', 'personal']));
    });

    it('refuses a customer id that is not a WhatsApp number', async () => {
      expect((await as('staffA').get('/tenants/adm-a/conversations/constructor')).status).toBe(404);
      expect((await as('staffA').post('/tenants/adm-a/conversations/__proto__/handback')).status).toBe(404);
    });
  });

  describe('support views', () => {
    it('lists payments by estado', async () => {
      const pending = await as('ownerA').get('/tenants/adm-a/payments?estado=pendiente');
      expect(pending.status).toBe(200);
      expect(Array.isArray(pending.body.pagos)).toBe(true);
      const all = await as('ownerA').get('/tenants/adm-a/pagos');
      expect(all.body.pagos.length).toBeGreaterThanOrEqual(1);
      expect(all.body.pagos[0]).toHaveProperty('referencia');
      expect((await as('ownerA').get('/tenants/adm-a/payments?estado=raro')).status).toBe(400);
    });

    it('lists alerts and the tenant’s WhatsApp messages that failed for good', async () => {
      await h.db.ref('tenants/adm-a/alertas/adm-a_1700000000000_abcd').set({ tipo: 'fraude_detectado', referencia: 'adm-a_1700000000000_abcd', fecha: Date.now() });
      const order = await seedOrder('adm-a', 'fail-1', { estado: 'en_preparacion' });
      h.graph.failNext(1, { status: 400, code: 131026 });
      expect((await as('staffA').patch('/tenants/adm-a/orders/fail-1', { estado: 'en_camino' })).status).toBe(200);
      expect(await h.read('outbox/estado-en_camino-fail-1')).toMatchObject({ estado: 'fallido' });
      expect(await h.read('outboxFailed/adm-a/estado-en_camino-fail-1')).toEqual(expect.any(Number));

      const res = await as('ownerA').get('/tenants/adm-a/alerts');
      expect(res.status).toBe(200);
      expect(res.body.alertas.map((a: any) => a.tipo)).toContain('fraude_detectado');
      expect(res.body.mensajesFallidos).toEqual([expect.objectContaining({ outboxId: 'estado-en_camino-fail-1', tipo: 'mensaje_fallido', kind: 'estado_pedido', cliente: order.cliente })]);
      expect((await as('ownerB').get('/tenants/adm-b/alerts')).body.mensajesFallidos).toEqual([]);
    });
  });

  describe('live orders stream', () => {
    it('refuses a stream without a valid token', async () => {
      expect((await h.http.get('/api/admin/tenants/adm-a/orders/stream')).status).toBe(401);
      expect((await h.http.get('/api/admin/tenants/adm-a/orders/stream?token=nope')).status).toBe(401);
      expect((await h.http.get(`/api/admin/tenants/adm-a/orders/stream?token=${token.ownerB}`)).status).toBe(403);
    });

    it('sends recent orders, then new ones and changes as they happen', async () => {
      await seedOrder('adm-b', 'live-0');
      const controller = new AbortController();
      const res = await fetch(`${h.baseUrl}/api/admin/tenants/adm-b/orders/stream?token=${encodeURIComponent(token.ownerB)}`, { signal: controller.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      const events: Array<{ event: string; data: any }> = [];
      const waitFor = async (predicate: (e: { event: string; data: any }) => boolean, timeoutMs = 2000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = events.find(predicate);
          if (found) return found;
          if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event + ':' + (e.data?.key ?? '')).join(', ')}`);
          const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 100))]);
          if (chunk && !chunk.done) {
            buffer += decoder.decode(chunk.value, { stream: true });
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const event = /^event: (.+)$/m.exec(block)?.[1];
              const data = /^data: (.+)$/m.exec(block)?.[1];
              if (event && data) events.push({ event, data: JSON.parse(data) });
            }
          }
        }
      };
      try {
        await waitFor((e) => e.event === 'pedido' && e.data.key === 'live-0');
        await waitFor((e) => e.event === 'listo');
        const started = Date.now();
        await seedOrder('adm-b', 'live-1');
        await waitFor((e) => e.event === 'pedido' && e.data.key === 'live-1' && e.data.estado === 'pendiente');
        expect(Date.now() - started).toBeLessThan(2000);
        expect((await as('ownerB').patch('/tenants/adm-b/orders/live-1', { estado: 'en_preparacion' })).status).toBe(200);
        await waitFor((e) => e.event === 'pedido' && e.data.key === 'live-1' && e.data.estado === 'en_preparacion');
      } finally {
        controller.abort();
        await reader.cancel().catch(() => undefined);
      }
    });
  });
});
