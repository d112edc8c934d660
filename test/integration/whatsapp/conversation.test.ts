import { startHarness, TEST_APP_SECRET, type Harness } from '../../helpers/harness';
import { changeFor, newWamid, webhookBody } from '../../helpers/whatsapp-payloads';

describe('ordering over WhatsApp with payments off', () => {
  let h: Harness;
  let pn: string;
  beforeAll(async () => {
    h = await startHarness();
    pn = (await h.seedTenant({ id: 'rest123', restaurant: { name: 'La Hamburguesería', timezone: 'America/Bogota' } })).whatsapp.phoneNumberId;
  });
  afterAll(() => h.close());

  it("runs the seed's example end to end: one order of $33.000 with the right items, address and phone", async () => {
    const waId = '573001234567';
    const menu = await h.say(pn, waId, 'hola');
    expect(menu.join('\n')).toContain('$15.000');
    const cart = await h.say(pn, waId, 'Quiero 2 hamburguesas y 1 coca cola');
    expect(cart.join('\n')).toContain('$33.000');
    const address = await h.say(pn, waId, 'confirmar');
    expect(address.join('\n').toLowerCase()).toContain('dirección');
    const phone = await h.say(pn, waId, 'Calle 80 #12-34');
    expect(phone.join('\n').toLowerCase()).toContain('número');
    const done = await h.say(pn, waId, '300 123 4567');
    const confirmation = done.join('\n');
    expect(confirmation).toContain('$33.000');

    const orders = (await h.read<Record<string, any>>('tenants/rest123/pedidos')) ?? {};
    expect(Object.keys(orders)).toHaveLength(1);
    const order = Object.values(orders)[0];
    expect(order).toMatchObject({
      tenantId: 'rest123',
      cliente: waId,
      telefono: waId,
      telefonoContacto: '3001234567',
      direccion: 'Calle 80 #12-34',
      total: 33000,
      estado: 'pendiente',
      fuente: 'whatsapp',
      restaurante: 'La Hamburguesería',
      pago: { estado: 'sin_pago' },
    });
    expect(order.items).toEqual([
      expect.objectContaining({ nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }),
      expect.objectContaining({ nombre: 'Coca Cola', precio: 3000, cantidad: 1 }),
    ]);
    expect(typeof order.timestamp).toBe('number');
    expect(new Date(order.fecha).getTime()).toBe(order.timestamp);
    expect(confirmation).toContain(`#${order.id}`);
    expect(await h.read('tenants/rest123/stats')).toMatchObject({ pedidos: 1, ingresos: 33000 });

    const last = h.graph.sent.filter((s) => s.to === waId).at(-1)!;
    expect(last.phoneNumberId).toBe(pn);
    expect(last.token).toBe('token-rest123');
    expect(last.body.to).toBe(`+${waId}`);
  });

  it('refuses a huge quantity politely and adds nothing', async () => {
    const waId = '573001234568';
    const replies = await h.say(pn, waId, '1000000 hamburguesas');
    expect(replies.join('\n')).not.toContain('$15.000.000.000');
    const session = await h.read<any>(`tenants/rest123/sesiones/${waId}`);
    expect(session?.carrito ?? []).toEqual([]);
  });

  it('answers emoji-only text and gibberish with a polite re-ask, never silence', async () => {
    const waId = '573001234569';
    expect((await h.say(pn, waId, '🍔🍔🍔')).length).toBeGreaterThan(0);
    expect((await h.say(pn, waId, 'asdfghjkl')).length).toBeGreaterThan(0);
  });

  it('creates one order when the last message is delivered concurrently to two server instances', async () => {
    const waId = '573001234570';
    await h.say(pn, waId, '2 x 1');
    await h.say(pn, waId, 'confirmar');
    await h.say(pn, waId, 'Carrera 7 # 45-10, Chapinero');
    const { runtime: second, url: secondUrl } = await h.anotherInstance();
    try {
      const body = JSON.stringify(webhookBody([changeFor(pn, [{ waId, text: '3001234570', id: newWamid() }])]));
      const { signMetaBody } = await import('../../../server/whatsapp/signature');
      const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, TEST_APP_SECRET) };
      const targets = [h.baseUrl, secondUrl, h.baseUrl, secondUrl];
      const results = await Promise.all(targets.map((url) => fetch(`${url}/api/webhooks/whatsapp`, { method: 'POST', headers, body })));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      await h.settle();
      await second.whatsapp.drain();
      const orders = Object.values((await h.read<Record<string, any>>('tenants/rest123/pedidos')) ?? {}).filter((o) => o.cliente === waId);
      expect(orders).toHaveLength(1);
      expect(orders[0].total).toBe(30000);
      const confirmations = h.graph.textsTo(waId).filter((t) => t.includes(`#${orders[0].id}`));
      expect(confirmations).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe('an order in five customer messages, with buttons and corrections (#14)', () => {
  let h: Harness;
  let pn: string;
  beforeAll(async () => {
    h = await startHarness();
    pn = (await h.seedTenant({ id: 'rest14', restaurant: { name: 'La Hamburguesería', timezone: 'America/Bogota' } })).whatsapp.phoneNumberId;
  });
  afterAll(() => h.close());

  /** Taps a button or list row, as WhatsApp sends it, and waits for the answer. */
  async function tap(waId: string, id: string, title: string): Promise<string[]> {
    const before = h.graph.sent.filter((s) => s.to === waId).length;
    const res = await h.sendMessages(pn, [{ waId, choice: { id, title } }]);
    expect(res.status).toBe(200);
    await h.graph.waitForMessages(waId, before + 1);
    await h.settle();
    return h.graph.textsTo(waId).slice(before);
  }

  it('goes from "hola" to a kitchen order in 5 messages; the note reaches the order line', async () => {
    const waId = '573001234999';
    let messages = 0;
    const say = (text: string) => {
      messages++;
      return h.say(pn, waId, text);
    };
    await say('hola');
    const cart = (await say('me regalas 2 hamburguesas y una coca bien fria porfa')).join('\n');
    expect(cart).toContain('$33.000');
    expect(cart).toContain('bien fria');
    messages++;
    const address = (await tap(waId, 'order:confirm', 'Confirmar pedido')).join('\n');
    expect(address).toContain('dirección');
    const phone = (await say('Calle 80 #12-34')).join('\n');
    expect(phone).toContain('Calle 80 #12-34');
    messages++;
    const done = (await tap(waId, 'phone:self', 'Usar este número')).join('\n');
    expect(done).toContain('$33.000');
    expect(messages).toBeLessThanOrEqual(5);

    const orders = Object.values((await h.read<Record<string, any>>('tenants/rest14/pedidos')) ?? {}).filter((o) => o.cliente === waId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ total: 33000, direccion: 'Calle 80 #12-34', telefonoContacto: '3001234999' });
    expect(orders[0].items).toEqual([
      expect.objectContaining({ nombre: 'Hamburguesa', cantidad: 2 }),
      expect.objectContaining({ nombre: 'Coca Cola', cantidad: 1, nota: 'bien fria' }),
    ]);
  });

  it('takes an item at the address step and an address correction at the phone step', async () => {
    const waId = '573001234998';
    await h.say(pn, waId, '2 perros sin salsa');
    await h.say(pn, waId, 'confirmar');
    const added = (await h.say(pn, waId, 'ah y una coca tambien')).join('\n');
    expect(added).toContain('Coca Cola');
    expect(added).toContain('dirección');
    await h.say(pn, waId, 'asdfgh qwerty');
    expect((await h.read<any>(`tenants/rest14/sesiones/${waId}`))?.paso).toBe('direccion');
    await h.say(pn, waId, 'Carrera 7 # 45-10');
    const corrected = (await h.say(pn, waId, 'me equivoque, es Cra 50 # 30-12')).join('\n');
    expect(corrected).toContain('Cra 50 # 30-12');
    await h.say(pn, waId, '3001234998');
    const orders = Object.values((await h.read<Record<string, any>>('tenants/rest14/pedidos')) ?? {}).filter((o) => o.cliente === waId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ total: 27000, direccion: 'Cra 50 # 30-12' });
    expect(orders[0].items).toEqual([
      expect.objectContaining({ nombre: 'Perro caliente', cantidad: 2, nota: 'sin salsa' }),
      expect.objectContaining({ nombre: 'Coca Cola', cantidad: 1 }),
    ]);
  });
});

describe('a restart in the middle of a conversation', () => {
  it('keeps the cart and the step: the session lives in the database', async () => {
    const first = await startHarness();
    const file = await first.seedTenant({ id: 'restart' });
    const waId = '573005550001';
    await first.say(file.whatsapp.phoneNumberId, waId, 'Quiero 3 perros calientes');
    await first.say(file.whatsapp.phoneNumberId, waId, 'confirmar');
    await first.close({ keepDatabase: true });

    const second = await startHarness({ database: first.database, env: { SECRETS_KEY: first.config.SECRETS_KEY! } });
    try {
      second.graph.allowToken(file.whatsapp.phoneNumberId, file.whatsapp.accessToken);
      await second.say(file.whatsapp.phoneNumberId, waId, 'Avenida Boyacá # 12-30 sur');
      const done = await second.say(file.whatsapp.phoneNumberId, waId, '+57 300 555 0001');
      expect(done.join('\n')).toContain('$36.000');
      const orders = Object.values((await second.read<Record<string, any>>('tenants/restart/pedidos')) ?? {});
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ total: 36000, direccion: 'Avenida Boyacá # 12-30 sur', telefonoContacto: '3005550001' });
    } finally {
      await second.close();
      await first.database.close();
    }
  });
});
