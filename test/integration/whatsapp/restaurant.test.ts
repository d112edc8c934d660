import { startHarness, type Harness } from '../../helpers/harness';
import { ordersOf } from '../../helpers/ordering';
import { deliverWebhook, signWompiEvent, wompiTransactionEvent } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_rest1234', privateKey: 'prv_test_rest1234', integritySecret: 'test_integrity_rest1234', eventsSecret: 'test_events_rest1234' } as const;

const MENU = [
  {
    numero: '1',
    nombre: 'Hamburguesa',
    precio: 15000,
    categoria: 'Platos',
    disponible: true,
    opciones: [
      { nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Medio', precio: 0 }, { nombre: 'Bien asado', precio: 0 }] },
      { nombre: 'Adiciones', min: 0, max: 3, valores: [{ nombre: 'Queso', precio: 2000 }, { nombre: 'Tocineta', precio: 3000 }] },
    ],
  },
  { numero: '2', nombre: 'Perro caliente', precio: 12000, categoria: 'Platos', disponible: true },
  { numero: '3', nombre: 'Coca Cola', precio: 3000, categoria: 'Bebidas', disponible: true },
];

/** Today's date in Bogotá, "YYYY-MM-DD". */
const todayInBogota = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Bogota' }).format(new Date());

/**
 * The restaurant basics of #16 through the real webhook, the real database and the real
 * outbox: a closed restaurant, options priced into the payment, a delivery fee in the payment
 * and the order, pickup, a sold-out item refused before payment, and a reorder.
 */
describe('running a restaurant over WhatsApp (#16)', () => {
  let h: Harness;
  let wompi: WompiServer;
  let pnShop: string;
  let pnClosed: string;
  let waCounter = 0;
  const newCustomer = () => `57312000${String(++waCounter).padStart(4, '0')}`;

  beforeAll(async () => {
    wompi = await startWompiServer(WOMPI);
    h = await startHarness({ env: { WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl } });
    pnShop = (
      await h.seedTenant({
        id: 'rc-shop',
        restaurant: { name: 'La Esquina', timezone: 'America/Bogota' },
        menu: MENU,
        payments: { enabled: true, efectivo: true, wompi: { enabled: true, ...WOMPI } },
        domicilios: { recoger: true, zonas: [{ nombre: 'Chapinero', barrios: ['Chapinero', 'Chapinero Alto'], tarifa: 5000, minimo: 20000 }] },
      })
    ).whatsapp.phoneNumberId;
    // Closed all day today (an exception), open every day from 11:00 to 15:00 otherwise.
    const every = [['11:00', '15:00']] as Array<[string, string]>;
    pnClosed = (
      await h.seedTenant({
        id: 'rc-closed',
        menu: MENU,
        horario: { festivos: false, corteMinutos: 0, pedidosProgramados: false, dias: { lun: every, mar: every, mie: every, jue: every, vie: every, sab: every, dom: every }, excepciones: [{ fecha: todayInBogota(), rangos: [] }] },
      })
    ).whatsapp.phoneNumberId;
  });
  afterAll(async () => {
    await h.close();
    await wompi.close();
  });

  it('a closed restaurant shows its menu with when it opens, and takes no order', async () => {
    const waId = newCustomer();
    const menu = (await h.say(pnClosed, waId, 'hola')).join('\n');
    expect(menu).toContain('En este momento estamos cerrados; abrimos mañana a las 11:00 a. m.');
    expect(menu).toContain('Perro caliente');
    const refused = await h.say(pnClosed, waId, '2 perros calientes');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('abrimos mañana a las 11:00 a. m.');
    expect((await h.read<any>(`tenants/rc-closed/sesiones/${waId}`))?.carrito ?? []).toEqual([]);
  });

  it('asks the required option, prices options and the delivery fee into the payment amount, and the paid order carries both', async () => {
    const waId = newCustomer();
    const asked = (await h.say(pnShop, waId, '2 hamburguesas con queso')).join('\n');
    expect(asked).toContain('Término');
    const last = h.graph.sent.filter((s) => s.to === waId).at(-1)!;
    expect(last.body).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
    expect((await h.say(pnShop, waId, 'medio')).join('\n')).toContain('$34.000');
    await h.say(pnShop, waId, 'confirmar');
    const fee = (await h.say(pnShop, waId, 'Calle 60 # 5-20, Chapinero Alto')).join('\n');
    expect(fee).toContain('Domicilio (Chapinero) — $5.000');
    expect((await h.say(pnShop, waId, '3001234567')).join('\n')).toContain('$39.000');
    await h.say(pnShop, waId, '1');
    const session = await h.read<any>(`tenants/rc-shop/sesiones/${waId}`);
    const reference: string = session.pagoPendiente.referencia;
    const record = await h.read<any>(`tenants/rc-shop/pagos/${reference}`);
    expect(record).toMatchObject({ monto: 39000, domicilio: 5000, tipoEntrega: 'domicilio', ofrecerGuardarDatos: true });
    expect(record.items).toEqual([
      expect.objectContaining({ nombre: 'Hamburguesa', precio: 17000, cantidad: 2, opciones: [{ grupo: 'Término', valor: 'Medio', precio: 0 }, { grupo: 'Adiciones', valor: 'Queso', precio: 2000 }] }),
    ]);
    const checkout = new URL(String((await h.http.get(`/pay/${reference}`).redirects(0)).headers.location));
    expect(checkout.searchParams.get('amount-in-cents')).toBe('3900000');

    const before = h.graph.sent.filter((s) => s.to === waId).length;
    const event = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3900000, paymentMethodType: 'NEQUI', transactionId: `rc-${Date.now()}` }));
    expect((await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, event)).status).toBe(200);
    const [order] = await ordersOf(h, 'rc-shop', waId);
    expect(order).toMatchObject({ total: 39000, domicilio: 5000, tipoEntrega: 'domicilio', direccion: 'Calle 60 # 5-20, Chapinero Alto', pago: { estado: 'completado' } });
    expect(order.items[0]).toMatchObject({ precio: 17000, opciones: [{ valor: 'Medio' }, { valor: 'Queso' }] });
    await h.graph.waitForMessages(waId, before + 2);
    const texts = h.graph.textsTo(waId).join('\n');
    expect(texts).toContain('Pago confirmado');
    expect(texts).toContain('¿Guardamos tu dirección y teléfono');
  });

  it('a gateway amount without the delivery fee does not make an order', async () => {
    const waId = newCustomer();
    await h.say(pnShop, waId, '2 perros calientes');
    await h.say(pnShop, waId, 'confirmar');
    await h.say(pnShop, waId, 'Carrera 7 # 45-10, Chapinero');
    await h.say(pnShop, waId, '3001234567');
    await h.say(pnShop, waId, '1');
    const reference: string = (await h.read<any>(`tenants/rc-shop/sesiones/${waId}`)).pagoPendiente.referencia;
    expect(await h.read<any>(`tenants/rc-shop/pagos/${reference}`)).toMatchObject({ monto: 29000, domicilio: 5000 });
    const event = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 2400000, paymentMethodType: 'NEQUI', transactionId: `rc-short-${Date.now()}` }));
    await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, event);
    expect(await ordersOf(h, 'rc-shop', waId)).toEqual([]);
    expect(await h.read<any>(`tenants/rc-shop/pagos/${reference}`)).toMatchObject({ estado: 'fraude_detectado' });
  });

  it('pickup with cash: no address, no fee; then "lo mismo de siempre" puts the order back in the cart', async () => {
    const waId = newCustomer();
    await h.say(pnShop, waId, '2 perros calientes y 1 coca cola');
    const address = h.graph.sent.filter((s) => s.to === waId).length;
    await h.say(pnShop, waId, 'confirmar');
    const ask = h.graph.sent.filter((s) => s.to === waId).slice(address);
    expect(JSON.stringify(ask.at(-1)!.body)).toContain('entrega:recoger');
    await h.sendMessages(pnShop, [{ waId, choice: { id: 'entrega:recoger', title: 'Recoger en el local' } }]);
    await h.settle();
    await h.say(pnShop, waId, '3001234567');
    await h.say(pnShop, waId, 'efectivo');
    const [order] = await ordersOf(h, 'rc-shop', waId);
    expect(order).toMatchObject({ tipoEntrega: 'recoger', domicilio: 0, total: 27000, direccion: 'Recoge en el local', pago: { estado: 'contraentrega' } });

    const again = (await h.say(pnShop, waId, 'lo mismo de siempre')).join('\n');
    expect(again).toContain('Puse tu último pedido en el carrito');
    expect(again).toContain('$27.000');
    expect((await h.read<any>(`tenants/rc-shop/sesiones/${waId}`)).carrito.map((l: any) => `${l.cantidad} ${l.nombre}`)).toEqual(['2 Perro caliente', '1 Coca Cola']);
  });

  it('remembers the address with consent and offers it next time; "olvidar mis datos" erases it', async () => {
    const waId = newCustomer();
    await h.say(pnShop, waId, '2 perros calientes');
    await h.say(pnShop, waId, 'confirmar');
    await h.say(pnShop, waId, 'Carrera 7 # 45-10, Chapinero');
    await h.say(pnShop, waId, '3001234567');
    await h.say(pnShop, waId, 'efectivo');
    await h.sendMessages(pnShop, [{ waId, choice: { id: 'datos:si', title: 'Sí, guardar' } }]);
    await h.settle();
    expect(await h.read(`tenants/rc-shop/clientes/${waId}`)).toMatchObject({ guardarDatos: true, direccion: 'Carrera 7 # 45-10, Chapinero', telefonoContacto: '3001234567' });

    await h.say(pnShop, waId, '1 perro caliente y 1 hamburguesa bien asada');
    await h.say(pnShop, waId, 'confirmar');
    expect(JSON.stringify(h.graph.sent.filter((s) => s.to === waId).at(-1)!.body)).toContain('addr:same');
    await h.sendMessages(pnShop, [{ waId, choice: { id: 'addr:same', title: 'Usar la misma dirección' } }]);
    await h.settle();
    expect(await h.read<any>(`tenants/rc-shop/sesiones/${waId}`)).toMatchObject({ paso: 'metodo_pago', direccion: 'Carrera 7 # 45-10, Chapinero', telefonoContacto: '3001234567' });

    await h.say(pnShop, waId, 'olvidar mis datos');
    expect(await h.read(`tenants/rc-shop/clientes/${waId}`)).toBeNull();
  });

  it('an item sold out while the customer typed the address is refused before payment, and no link is made', async () => {
    const waId = newCustomer();
    await h.say(pnShop, waId, '2 perros calientes y 1 coca cola');
    await h.say(pnShop, waId, 'confirmar');
    await h.say(pnShop, waId, 'recoger');
    await h.say(pnShop, waId, '3001234567');
    await h.db.ref('tenants/rc-shop/menu/item-3/disponible').set(false);
    // The change reaches every instance's cache by itself; wait until this one has it.
    for (let i = 0; i < 200 && (await h.runtime.tenants.getTenant('rc-shop'))?.menu.find((m) => m.itemId === 'item-3')?.disponible !== false; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const reply = (await h.say(pnShop, waId, '1')).join('\n');
    expect(reply).toContain('Coca Cola');
    const session = await h.read<any>(`tenants/rc-shop/sesiones/${waId}`);
    expect(session.pagoPendiente).toBeUndefined();
    expect(session.carrito.map((l: any) => l.nombre)).toEqual(['Perro caliente']);
    const pagos = Object.values((await h.read<Record<string, any>>('tenants/rc-shop/pagos')) ?? {}).filter((p) => p.cliente === waId);
    expect(pagos).toEqual([]);
    await h.db.ref('tenants/rc-shop/menu/item-3/disponible').set(true);
  });
});
