import type { Page } from 'playwright-core';
import { authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { launchBrowser, PHONE_VIEWPORT, screenshotForDocs, type BrowserSession } from '../../helpers/browser';
import { startHarness, type Harness } from '../../helpers/harness';

const OWNER = { email: 'dueno@own-a.test', password: 'clave-dueno-own' };
const DESKTOP = { width: 1280, height: 900 } as const;
const SIZES = [
  ['phone', PHONE_VIEWPORT],
  ['desktop', DESKTOP],
] as const;
const LONG_CATEGORY = 'Especialidades de la casa para compartir';

/**
 * What an owner sees (#17), in headless Chromium against the app, the embedded RTDB, the Auth
 * emulator and the Graph server: the landing page and its HTML 404, the owners' page at phone
 * and desktop sizes, a price change reaching the next chat, and a second restaurant created
 * from the page whose menu is then served on its own number.
 */
describe('landing page and owners\' page in a browser', () => {
  let h: Harness;
  let users: TestUsers;
  let browser: BrowserSession;
  let pn: string;

  beforeAll(async () => {
    const authHost = await authEmulatorHost();
    [h, browser] = await Promise.all([startHarness({ env: { FIREBASE_AUTH_EMULATOR_HOST: authHost } }), launchBrowser()]);
    const file = await h.seedTenant({
      id: 'own-a',
      restaurant: { name: 'La Esquina del Sabor', timezone: 'America/Bogota' },
      menu: [
        { numero: '1', nombre: 'Bandeja paisa', precio: 28000, categoria: LONG_CATEGORY, disponible: true },
        { numero: '2', nombre: 'Limonada de coco', precio: 7000, categoria: 'Bebidas', disponible: true },
      ],
    });
    pn = file.whatsapp.phoneNumberId;
    users = await testUsers(authHost);
    await users.create(OWNER.email, { tenantId: 'own-a', role: 'owner' }, OWNER.password);
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
    await users?.close();
    await h?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${h.baseUrl}/admin`);
    await page.fill('#email', OWNER.email);
    await page.fill('#password', OWNER.password);
    await page.click('#login-button');
    await page.locator('#app').waitFor({ state: 'visible' });
    await page.locator('#menu-rows .menu-item').first().waitFor();
  }

  it('links everything from / and answers browsers with an HTML 404, API clients with JSON', async () => {
    const page = await browser.newPage();
    for (const [size, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await page.goto(`${h.baseUrl}/`);
      await screenshotForDocs(page, `screenshots/landing-${size}.png`);
    }
    for (const href of ['/kitchen', '/admin', '/healthz', '/readyz']) expect(await page.locator(`a[href="${href}"]`).count()).toBe(1);
    // Not demo mode: no simulator link, no demo users.
    expect(await page.locator('a[href="/simulator"]').count()).toBe(0);
    expect(await page.locator('#demo-users').count()).toBe(0);
    await expect(page.locator('#docs').textContent()).resolves.toContain('README.md');
    await page.click('a[href="/healthz"]');
    await expect(page.locator('body').textContent()).resolves.toContain('"status":"ok"');

    const missing = await page.goto(`${h.baseUrl}/no-existe`);
    expect(missing!.status()).toBe(404);
    await page.getByText('No encontramos esta página').waitFor();
    await page.click('a[href="/"]');
    await page.getByRole('heading', { name: 'Pedidos por WhatsApp' }).waitFor();
    const api = await h.http.get('/no-existe').set('accept', 'application/json');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('NOT_FOUND');
    await page.close();
  }, 60_000);

  it('shows the owners\' page at phone and desktop sizes with labelled fields and readable long categories', async () => {
    const page = await browser.newPage();
    await signIn(page);
    for (const [size, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      const category = page.locator('#menu-rows .menu-item').first().locator('[name="categoria"]');
      // The whole category fits its field (no clipped text) at both sizes.
      const [scroll, client] = await category.evaluate((n: { scrollHeight: number; clientHeight: number }) => [n.scrollHeight, n.clientHeight]);
      expect(scroll).toBeLessThanOrEqual(client + 1);
      await expect(category.inputValue()).resolves.toBe(LONG_CATEGORY);
      await screenshotForDocs(page, `screenshots/admin-${size}.png`);
      await page.locator('#menu-rows').scrollIntoViewIfNeeded();
      await screenshotForDocs(page, `screenshots/admin-menu-${size}.png`);
      await page.evaluate('window.scrollTo(0, 0)');
    }
    // Every menu field has a visible label.
    await expect(page.getByLabel('Precio (pesos)').first().inputValue()).resolves.toBe('28000');
    await expect(page.getByLabel('Nombre', { exact: true }).first().inputValue()).resolves.toBe('Bandeja paisa');
    expect(await page.locator('#r-phone-id').inputValue()).toBe(pn);

    // An empty row is flagged, not dropped, and nothing is saved until it is completed or removed.
    await page.click('#add-item');
    await page.click('#save-menu');
    await page.locator('.menu-item.incomplete').getByText('Producto vacío').waitFor();
    await page.locator('#menu-msg').getByText('incompleto').waitFor();
    const incomplete = page.locator('.menu-item.incomplete');
    await incomplete.locator('[name="numero"]').fill('3');
    await incomplete.locator('[name="nombre"]').fill('Arepa con queso');
    await page.click('#save-menu');
    await page.locator('.menu-item.incomplete').getByText('Falta precio').waitFor();
    await incomplete.getByRole('button', { name: 'Quitar este producto' }).click();
    expect(Object.keys((await h.read<Record<string, unknown>>('tenants/own-a/menu'))!)).toHaveLength(2);
    await page.close();
  }, 60_000);

  it('changes a price as the owner and the next chat turn shows it', async () => {
    const page = await browser.newPage();
    await signIn(page);
    await page.locator('#menu-rows .menu-item').first().locator('[name="precio"]').fill('31500');
    await page.click('#save-menu');
    await page.locator('#menu-msg').getByText('Menú guardado').waitFor();
    const replies = await h.say(pn, '573120005501', 'menu');
    expect(replies.join('\n')).toContain('$31.500');

    // A server refusal lands next to its field, in words.
    await page.locator('#menu-rows .menu-item').nth(1).locator('[name="numero"]').fill('1');
    await page.click('#save-menu');
    await page.locator('#menu-rows .menu-item').nth(1).locator('.field-error').getByText('está repetido').waitFor();
    await page.close();
  }, 60_000);

  it('creates a second restaurant from the page; its menu is served on its number', async () => {
    const page = await browser.newPage();
    await signIn(page);
    await page.click('#new-tenant');
    await page.fill('#c-nombre', 'Arepas Doña Rosa');
    expect(await page.inputValue('#c-id')).toBe('arepas-dona-rosa');
    await page.fill('#c-phone-id', 'no es un número');
    await page.fill('#c-display', '+57 300 777 0001');
    await page.fill('#c-token', 'EAAG-owner-page-token-rosa-0001');
    const item = page.locator('#create-menu .menu-item').first();
    await item.locator('[name="numero"]').fill('1');
    await item.locator('[name="nombre"]').fill('Arepa de choclo');
    await item.locator('[name="precio"]').fill('9000');
    await item.locator('[name="categoria"]').fill(LONG_CATEGORY);
    await page.click('#create-submit');
    await page.locator('#c-phone-id + .field-error').getByText('solo dígitos').waitFor();
    for (const [size, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await page.locator('#c-phone-id').scrollIntoViewIfNeeded();
      await screenshotForDocs(page, `screenshots/admin-create-${size}.png`);
    }

    await page.fill('#c-phone-id', '880000000201');
    await page.click('#create-submit');
    await page.locator('#restaurant-msg').getByText('creado').waitFor();
    expect(await page.locator('#tenant-pick').inputValue()).toBe('arepas-dona-rosa');
    await expect(page.locator('#r-nombre').inputValue()).resolves.toBe('Arepas Doña Rosa');
    await expect(page.locator('#menu-rows .menu-item [name="nombre"]').first().inputValue()).resolves.toBe('Arepa de choclo');

    // "Send me a test message" goes through the Graph API with the new number.
    h.graph.allowToken('880000000201', 'EAAG-owner-page-token-rosa-0001');
    await page.fill('#test-to', '573120005502');
    await page.click('#test-send');
    await page.locator('#test-msg.ok').getByText('Enviado').waitFor();
    expect(h.graph.sent.filter((s) => s.to === '573120005502').map((s) => s.phoneNumberId)).toEqual(['880000000201']);

    const replies = await h.say('880000000201', '573120005503', 'menu');
    expect(replies.join('\n')).toContain('Arepa de choclo');
    expect(replies.join('\n')).not.toContain('Bandeja paisa');

    // The first restaurant is still one pick away.
    await page.selectOption('#tenant-pick', 'own-a');
    await page.waitForFunction("document.getElementById('r-nombre').value === 'La Esquina del Sabor'");
    await page.close();
  }, 90_000);
});
