import type { Page } from 'playwright-core';
import type { TOrderRecord } from '../../../server/db/records';
import { authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { launchBrowser, PHONE_VIEWPORT, screenshotForDocs, type BrowserSession } from '../../helpers/browser';
import { startHarness, type Harness } from '../../helpers/harness';

const STAFF = { email: 'cocina@staff-a.test', password: 'clave-cocina-1' };
const OWNER = { email: 'dueno@staff-a.test', password: 'clave-dueno-1' };
const T = 'staff-a';
const DESKTOP = { width: 1280, height: 800 };

/**
 * The staff side of #16 in headless Chromium on a phone-sized screen: the kitchen board moves an
 * order through its states (customer notices through the Graph server), marks an item sold out
 * (the bot stops offering it), pauses; the 80 mm ticket; the owners' history and CSV; a handoff
 * answered and handed back. Real app, embedded RTDB, Auth emulator, Graph test server.
 */
describe('staff side in a browser (#16)', () => {
  let h: Harness;
  let users: TestUsers;
  let browser: BrowserSession;
  let pn: string;
  let ownerToken: string;
  let waCounter = 0;

  beforeAll(async () => {
    const authHost = await authEmulatorHost();
    [h, browser] = await Promise.all([startHarness({ env: { FIREBASE_AUTH_EMULATOR_HOST: authHost } }), launchBrowser()]);
    const file = await h.seedTenant({ id: T });
    pn = file.whatsapp.phoneNumberId;
    users = await testUsers(authHost);
    await users.create(STAFF.email, { tenantId: T, role: 'staff' }, STAFF.password);
    ownerToken = (await users.create(OWNER.email, { tenantId: T, role: 'owner' }, OWNER.password)).idToken;
    // An order with options, a note, a delivery fee and an online payment, and a customer name a spreadsheet would misread.
    const now = Date.now();
    const base = { tenantId: T, telefono: '573120009999', telefonoContacto: '3001234567', fuente: 'whatsapp', restaurante: 'Restaurante staff-a', fecha: new Date(now).toISOString() };
    await h.db.ref(`tenants/${T}/pedidos`).update({
      'k-ticket': {
        ...base, id: '9001', cliente: '573120009999', direccion: 'Calle 80 #12-34, Chapinero', estado: 'en_preparacion', timestamp: now - 60_000, domicilio: 5000, tipoEntrega: 'domicilio', total: 25000,
        nombreCliente: 'Ana "La, Jefa"',
        items: [{ itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 20000, cantidad: 1, opciones: [{ grupo: 'Término', valor: 'Medio', precio: 0 }, { grupo: 'Adiciones', valor: 'Queso', precio: 2000 }, { grupo: 'Adiciones', valor: 'Tocineta', precio: 3000 }], nota: 'sin cebolla' }],
        pago: { estado: 'completado', referencia: 'ref-9001', metodoPago: 'NEQUI', fechaPago: now },
      },
      'k-pickup': {
        ...base, id: '9002', cliente: '573120009998', direccion: 'Recoger en el local', estado: 'cancelado', motivo: 'se acabó el pan', timestamp: now - 120_000, tipoEntrega: 'recoger', total: 12000,
        nombreCliente: '=HYPERLINK("x")', items: [{ itemId: 'item-3', numero: '3', nombre: 'Perro caliente', precio: 12000, cantidad: 1 }], pago: { estado: 'contraentrega' },
      },
    });
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
    await users?.close();
    await h?.close();
  });

  const newCustomer = () => `57313000${String(++waCounter).padStart(4, '0')}`;
  const ordersOf = async (waId: string) => Object.entries((await h.read<Record<string, TOrderRecord>>(`tenants/${T}/pedidos`)) ?? {}).filter(([, o]) => o.cliente === waId);
  const lastTextTo = async (waId: string, count: number) => JSON.stringify((await h.graph.waitForMessages(waId, count)).at(-1)!.body);

  async function signIn(page: Page, path: string, who: { email: string; password: string }): Promise<void> {
    await page.goto(`${h.baseUrl}${path}`);
    await page.fill('#email', who.email);
    await page.fill('#password', who.password);
    await page.click('#login-button');
    await page.locator('#app').waitFor({ state: 'visible' });
  }

  async function placeOrder(waId: string): Promise<[string, TOrderRecord]> {
    await h.say(pn, waId, 'Quiero 2 hamburguesas y 1 coca cola');
    await h.say(pn, waId, 'confirmar');
    await h.say(pn, waId, 'Calle 80 #12-34');
    await h.say(pn, waId, '3001234567');
    const [entry] = await ordersOf(waId);
    return entry as [string, TOrderRecord];
  }

  it('accepts, prepares, sends and delivers an order on a phone, telling the customer each step; rejects another with a reason', async () => {
    const page = await browser.newPage();
    await signIn(page, '/kitchen', STAFF);
    await page.locator('body[data-listo="1"]').waitFor();
    const waId = newCustomer();
    const [, order] = await placeOrder(waId);
    const card = page.locator(`article.order[data-id="${order.id}"]`);
    await card.waitFor();
    expect(await card.innerText()).toContain('Domicilio');
    await screenshotForDocs(page, 'screenshots/kitchen-board-phone.png');
    await page.setViewportSize(DESKTOP);
    await screenshotForDocs(page, 'screenshots/kitchen-board-desktop.png');
    await page.setViewportSize(PHONE_VIEWPORT);

    const sent = () => h.graph.sent.filter((s) => s.to === waId).length;
    const steps: Array<[string, string, string]> = [
      ['Aceptar', 'aceptado', `#${order.id}`],
      ['En preparación', 'en_preparacion', `#${order.id}`],
      ['En camino', 'en_camino', 'va en camino'],
      ['Entregado', 'entregado', 'fue entregado'],
    ];
    for (const [button, estado, notice] of steps) {
      const before = sent();
      const target = card.getByRole('button', { name: button });
      await target.waitFor();
      const box = await target.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
      await target.click();
      if (estado !== 'entregado') await page.locator(`article.order[data-id="${order.id}"][data-estado="${estado}"]`).waitFor();
      expect(await lastTextTo(waId, before + 1)).toContain(notice);
    }
    await card.waitFor({ state: 'detached' });
    expect((await ordersOf(waId))[0]![1].estado).toBe('entregado');
    await page.getByRole('tab', { name: /Hoy/ }).click();
    await page.locator(`article.order[data-id="${order.id}"][data-estado="entregado"]`).waitFor();
    await page.locator('article.order[data-id="9002"]').getByText('se acabó el pan').waitFor();

    await page.getByRole('tab', { name: /Abiertos/ }).click();
    const other = newCustomer();
    const [otherKey, second] = await placeOrder(other);
    const before = h.graph.sent.filter((s) => s.to === other).length;
    await page.locator(`article.order[data-id="${second.id}"]`).getByRole('button', { name: 'Rechazar' }).click();
    await page.getByLabel('Motivo (se le envía al cliente)').fill('No tenemos domiciliarios ahora');
    await page.getByRole('button', { name: 'Confirmar' }).click();
    expect(await lastTextTo(other, before + 1)).toContain('No tenemos domiciliarios ahora');
    expect(await h.read<string>(`tenants/${T}/pedidos/${otherKey}/estado`)).toBe('rechazado');
    await page.close();
  }, 120_000);

  it('marks an item sold out with one tap (the bot stops offering it at the next message) and pauses ordering', async () => {
    const page = await browser.newPage();
    await signIn(page, '/kitchen', STAFF);
    await page.getByRole('tab', { name: 'Menú y pausas' }).click();
    await page.getByRole('button', { name: 'Marcar agotado hoy: Perro caliente' }).click();
    await page.locator('li[data-item="item-3"].out').waitFor();
    const waId = newCustomer();
    expect((await h.say(pn, waId, '1 perro caliente')).join('\n')).toContain('no está disponible');
    await page.getByRole('button', { name: 'Marcar disponible: Perro caliente' }).click();
    await page.locator('li[data-item="item-3"]:not(.out)').waitFor();
    expect((await h.say(pn, newCustomer(), '1 perro caliente')).join('\n')).not.toContain('no está disponible');

    await page.getByRole('button', { name: 'Pausar pedidos 15 minutos' }).click();
    await page.locator('[data-pausa="pedidos"][data-activa="1"]').waitFor();
    const hasta = (await h.read<{ hasta: number }>(`tenants/${T}/pausa/pedidos`))!.hasta;
    expect(hasta - Date.now()).toBeGreaterThan(13 * 60_000);
    expect(hasta - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    await page.locator('#pause-banner').getByText('Pedidos en pausa').waitFor();
    await page.getByRole('button', { name: 'Reanudar pedidos' }).click();
    await page.locator('[data-pausa="pedidos"][data-activa="0"]').waitFor();
    expect(await h.read(`tenants/${T}/pausa/pedidos`)).toBeNull();
    await page.close();
  }, 90_000);

  it('prints an 80 mm ticket with options, note, delivery fee, payment state, address and phone', async () => {
    const page = await browser.newPage();
    await signIn(page, `/kitchen/ticket/k-ticket?tenant=${T}`, STAFF);
    await page.locator('body[data-listo="1"]').waitFor();
    const text = await page.locator('#ticket').innerText();
    for (const expected of ['Restaurante staff-a', 'Pedido #9001', '1 x Hamburguesa', 'Término: Medio', 'Adiciones: Queso', 'NOTA: sin cebolla', 'Domicilio', '$5.000', '$25.000', 'PAGADO', 'Calle 80 #12-34', '3001234567']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/null|undefined/);
    const width = await page.locator('#ticket').evaluate((n) => n.getBoundingClientRect().width);
    expect(Math.round(width)).toBe(Math.round((72 * 96) / 25.4));
    await screenshotForDocs(page, 'screenshots/kitchen-ticket.png');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#print').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${h.baseUrl}/kitchen/ticket/k-pickup?tenant=${T}`);
    await page.locator('body[data-listo="1"]').waitFor();
    expect(await page.locator('#ticket').innerText()).toContain('RECOGER');
    expect((await page.goto(`${h.baseUrl}/kitchen/ticket/..%2Fx`))!.status()).toBe(404);
    await page.goto(`${h.baseUrl}/kitchen/ticket/no-existe?tenant=${T}`);
    await page.locator('#status').getByText('no existe el pedido').waitFor();
    await page.close();
  }, 60_000);

  it('shows the owners their history with totals per day, and exports it as CSV', async () => {
    const page = await browser.newPage();
    await signIn(page, '/admin/pedidos', OWNER);
    await page.locator('#days tr[data-fecha]').first().waitFor();
    await page.locator('.row-order[data-id="9001"]').waitFor();
    await screenshotForDocs(page, 'screenshots/admin-orders-phone.png');
    await page.setViewportSize(DESKTOP);
    await screenshotForDocs(page, 'screenshots/admin-orders-desktop.png');
    await page.selectOption('#estado', 'cancelado');
    await page.click('#search');
    await page.locator('.row-order[data-id="9001"]').waitFor({ state: 'detached' });
    expect(await page.locator('#total-ventas').innerText()).toBe('$0');
    await page.close();

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Bogota' }).format(new Date());
    const res = await fetch(`${h.baseUrl}/api/admin/tenants/${T}/orders.csv?desde=${today}&hasta=${today}&metodo=en_linea`, { headers: { authorization: `Bearer ${ownerToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header).toBe('Fecha,Pedido,Estado,Cliente,Teléfono,Entrega,Dirección,Productos,Domicilio,Total,Pago,Medio de pago,Motivo,Reembolso pendiente');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2},9001,en_preparacion,"Ana ""La, Jefa""",3001234567,domicilio,"Calle 80 #12-34, Chapinero","1 x Hamburguesa \(Medio, Queso, Tocineta\) \[sin cebolla\]",5000,25000,en_linea,,,$/);
    const cash = await (await fetch(`${h.baseUrl}/api/admin/tenants/${T}/orders.csv?desde=${today}&hasta=${today}&metodo=contraentrega`, { headers: { authorization: `Bearer ${ownerToken}` } })).text();
    expect(cash).toContain(`'=HYPERLINK(""x"")`);
    expect((await fetch(`${h.baseUrl}/api/admin/tenants/${T}/orders.csv?desde=2026-02-30`, { headers: { authorization: `Bearer ${ownerToken}` } })).status).toBe(400);
    expect((await fetch(`${h.baseUrl}/api/admin/tenants/${T}/orders.csv`)).status).toBe(401);
  }, 60_000);

  it('alerts the board when a customer asks for a person; staff reply from the conversation page and hand the chat back', async () => {
    const waId = newCustomer();
    await h.say(pn, waId, '1 hamburguesa');
    await h.say(pn, waId, 'quiero hablar con una persona');
    const page = await browser.newPage();
    await signIn(page, '/kitchen', STAFF);
    const alert = page.locator(`.handoff[data-cliente="${waId}"]`);
    await alert.getByText('Un cliente pide hablar con una persona').waitFor();
    await alert.getByRole('link', { name: 'Abrir conversación' }).click();
    await page.locator('#transcript li.cliente').getByText('quiero hablar con una persona').waitFor();
    const before = h.graph.sent.filter((s) => s.to === waId).length;
    await page.getByLabel('Respuesta al cliente').fill('Hola, soy Ana de la cocina.');
    await page.getByRole('button', { name: 'Enviar' }).click();
    expect(await lastTextTo(waId, before + 1)).toContain('Hola, soy Ana de la cocina.');
    await page.locator('#transcript li.personal').getByText('Hola, soy Ana de la cocina.').waitFor();
    await page.getByRole('button', { name: 'Devolver al bot' }).click();
    await page.locator('#chat-msg').getByText('Devuelto al bot').waitFor();
    expect(await lastTextTo(waId, before + 2)).toContain('El asistente automático está de vuelta');
    expect(await h.read(`tenants/${T}/atencionClientes/${waId}`)).toBeNull();
    await page.close();
  }, 90_000);
});
