import type { Page } from 'playwright-core';
import type { TOrderRecord } from '../../../server/db/records';
import { authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { launchBrowser, screenshotForDocs, type BrowserSession } from '../../helpers/browser';
import { startHarness, type Harness } from '../../helpers/harness';
import { deliverWebhook, signWompiEvent, wompiTransactionEvent } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_kitchen1234', privateKey: 'prv_test_kitchen5678', integritySecret: 'test_integrity_kitchen9012', eventsSecret: 'test_events_kitchen3456' } as const;
const STAFF = { email: 'cocina@kit-a.test', password: 'clave-cocina-1' };
const OWNER = { email: 'dueno@kit-a.test', password: 'clave-dueno-1' };

/**
 * The kitchen board and the owner's settings page in headless Chromium, signing in through
 * the Auth emulator, against the app, the embedded RTDB, a local Wompi and the Graph server.
 */
describe('kitchen board and owner settings in a browser', () => {
  let h: Harness;
  let wompi: WompiServer;
  let users: TestUsers;
  let browser: BrowserSession;
  let pn: string;
  let waCounter = 0;

  beforeAll(async () => {
    const authHost = await authEmulatorHost();
    wompi = await startWompiServer(WOMPI);
    [h, browser] = await Promise.all([
      startHarness({ env: { FIREBASE_AUTH_EMULATOR_HOST: authHost, WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl } }),
      launchBrowser(),
    ]);
    const file = await h.seedTenant({ id: 'kit-a', payments: { enabled: true, efectivo: true, wompi: { enabled: true, ...WOMPI } } });
    pn = file.whatsapp.phoneNumberId;
    users = await testUsers(authHost);
    await users.create(STAFF.email, { tenantId: 'kit-a', role: 'staff' }, STAFF.password);
    await users.create(OWNER.email, { tenantId: 'kit-a', role: 'owner' }, OWNER.password);
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
    await users?.close();
    await h?.close();
    await wompi?.close();
  });

  const newCustomer = () => `57312000${String(++waCounter).padStart(4, '0')}`;
  const ordersOf = async (waId: string) => Object.entries((await h.read<Record<string, TOrderRecord>>('tenants/kit-a/pedidos')) ?? {}).filter(([, o]) => o.cliente === waId);

  async function chatToPhone(waId: string): Promise<string[]> {
    await h.say(pn, waId, 'Quiero 2 hamburguesas y 1 coca cola');
    await h.say(pn, waId, 'confirmar');
    await h.say(pn, waId, 'Calle 80 #12-34');
    return h.say(pn, waId, '3001234567');
  }

  async function signIn(page: Page, path: string, who: { email: string; password: string }): Promise<void> {
    await page.goto(`${h.baseUrl}${path}`);
    await page.fill('#email', who.email);
    await page.fill('#password', who.password);
    await page.click('#login-button');
    await page.locator('#app').waitFor({ state: 'visible' });
  }

  it('shows an order paid through a webhook within 2 seconds, and "En camino" messages the customer', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await signIn(page, '/kitchen', STAFF);
    await page.getByText('Conectado').waitFor();
    await page.locator('body[data-listo="1"]').waitFor();

    const waId = newCustomer();
    await chatToPhone(waId);
    await h.say(pn, waId, '1');
    const reference = (await h.read<any>(`tenants/kit-a/sesiones/${waId}`)).pagoPendiente.referencia as string;

    const started = Date.now();
    const signed = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3_300_000, paymentMethodType: 'NEQUI', transactionId: `tx-k-${Date.now()}` }));
    expect((await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, signed)).status).toBe(200);
    const [[, order]] = (await ordersOf(waId)) as [[string, TOrderRecord]];
    const card = page.locator(`article.order[data-id="${order.id}"]`);
    await card.waitFor({ timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    const text = await card.innerText();
    expect(text).toContain(`#${order.id}`);
    expect(text).toContain('2 × Hamburguesa');
    expect(text).toContain('Calle 80 #12-34');
    expect(text).toContain('3001234567');
    expect(text).toContain('Pagado');
    expect(text).toContain('$33.000');
    await screenshotForDocs(page, 'kitchen-board.png');
    expect(await page.evaluate(() => (globalThis as unknown as { __kitchenBeeps?: number }).__kitchenBeeps ?? 0)).toBeGreaterThanOrEqual(1);

    const before = h.graph.sent.filter((s) => s.to === waId).length;
    await card.getByRole('button', { name: 'Aceptar' }).click();
    await page.locator(`article.order[data-id="${order.id}"][data-estado="aceptado"]`).waitFor();
    await card.getByRole('button', { name: 'En preparación' }).click();
    await page.locator(`article.order[data-id="${order.id}"][data-estado="en_preparacion"]`).waitFor();
    // #16: every state the customer cares about is announced, "en preparación" too.
    const preparing = await h.graph.waitForMessages(waId, before + 1);
    expect(JSON.stringify(preparing.at(-1)!.body)).toContain(`Estamos preparando tu pedido #${order.id}`);
    await card.getByRole('button', { name: 'En camino' }).click();
    await page.locator(`article.order[data-id="${order.id}"][data-estado="en_camino"]`).waitFor();
    const sent = await h.graph.waitForMessages(waId, before + 3);
    expect(JSON.stringify(sent.at(-1)!.body)).toContain(`🛵 Tu pedido #${order.id} va en camino`);

    await card.getByRole('button', { name: 'Entregado' }).click();
    await card.waitFor({ state: 'detached' });
    expect(JSON.stringify((await h.graph.waitForMessages(waId, before + 4)).at(-1)!.body)).toContain('fue entregado');
    expect((await h.read<TOrderRecord>(`tenants/kit-a/pedidos/${(await ordersOf(waId))[0]![0]}`))!.estado).toBe('entregado');
    await page.close();
  }, 60_000);

  it('lets the owner test credentials and turn payments off; the next customer gets the old flow', async () => {
    const page = await browser.newPage();
    await signIn(page, '/admin', OWNER);
    const wompiBlock = page.locator('fieldset[data-gateway="wompi"]');
    await expect(wompiBlock.locator('[name="privateKey"]').getAttribute('placeholder')).resolves.toBe('Guardada: ••••5678');
    await wompiBlock.getByRole('button', { name: 'Probar Wompi' }).click();
    await page.locator('#probe-wompi').getByText('aceptó las credenciales').waitFor();

    await screenshotForDocs(page, 'admin-settings.png');
    expect(await page.isChecked('#pay-enabled')).toBe(true);
    await page.uncheck('#pay-enabled');
    await page.click('#save-payments');
    await page.locator('#payments-msg').getByText('Guardado').waitFor();

    const waId = newCustomer();
    const texts = await chatToPhone(waId);
    expect(texts.join('\n')).not.toContain('Wompi');
    expect(await ordersOf(waId)).toHaveLength(1);

    await page.locator('#menu-rows .menu-item').first().locator('[name="precio"]').fill('16000');
    await page.click('#save-menu');
    await page.locator('#menu-msg').getByText('Menú guardado').waitFor();
    expect((await h.runtime.tenants.getTenant('kit-a'))!.menu[0]).toMatchObject({ numero: '1', precio: 16000 });
    await page.close();
  }, 60_000);

  it('keeps kitchen staff out of the settings page', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.baseUrl}/admin`);
    await page.fill('#email', STAFF.email);
    await page.fill('#password', STAFF.password);
    await page.click('#login-button');
    await page.locator('#login-error').getByText('Solo el dueño').waitFor();
    await page.close();
  });
});
