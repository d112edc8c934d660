import type { Page } from 'playwright-core';
import { authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { launchBrowser, screenshotForDocs, type BrowserSession } from '../../helpers/browser';
import { startHarness, type Harness } from '../../helpers/harness';

const OWNER = { email: 'dueno@rs-web.test', password: 'clave-dueno-1' };
const T = 'rs-web';
const DESKTOP = { width: 1280, height: 900 };

/** Today's date in Bogotá, "YYYY-MM-DD". */
const todayInBogota = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Bogota' }).format(new Date());

/**
 * `/admin/restaurante` in headless Chromium on a phone-sized screen (#16): the owner closes the
 * restaurant for today and the next chat turn through the webhook says so; a wrong time is
 * shown at its field; a delivery zone's fee appears in the next cart. Real app, embedded RTDB,
 * Auth emulator, Graph test server.
 */
describe('owners’ restaurant settings page (#16)', () => {
  let h: Harness;
  let users: TestUsers;
  let browser: BrowserSession;
  let pn: string;

  beforeAll(async () => {
    const authHost = await authEmulatorHost();
    [h, browser] = await Promise.all([startHarness({ env: { FIREBASE_AUTH_EMULATOR_HOST: authHost } }), launchBrowser()]);
    pn = (await h.seedTenant({ id: T })).whatsapp.phoneNumberId;
    users = await testUsers(authHost);
    await users.create(OWNER.email, { tenantId: T, role: 'owner' }, OWNER.password);
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
    await users?.close();
    await h?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${h.baseUrl}/admin/restaurante`);
    await page.fill('#email', OWNER.email);
    await page.fill('#password', OWNER.password);
    await page.click('#login-button');
    await page.locator('body[data-ready="true"]').waitFor();
  }

  it('closes the restaurant for today, and the next chat turn says it is closed', async () => {
    const page = await browser.newPage();
    await signIn(page);
    const form = page.locator('#horario-form');
    await form.getByLabel('Usar horario').check();
    // Monday lunch, with a wrong closing time first: the problem shows at that field.
    await form.locator('fieldset', { hasText: 'Lunes' }).getByRole('button', { name: '+ Agregar horario' }).click();
    await form.getByLabel('Abre').first().fill('11:00');
    await form.getByLabel('Cierra').first().fill('25:00');
    await form.getByRole('button', { name: 'Guardar horario' }).click();
    const error = form.locator('[data-path="horario.dias.lun.0.1"] + .field-error, div:has([data-path="horario.dias.lun.0.1"]) > .field-error');
    await expect(error.first().textContent()).resolves.toContain('debe ser una hora "HH:MM"');
    expect(await h.read(`tenants/${T}/horario`)).toBeNull();
    await form.getByLabel('Cierra').first().fill('15:00');
    // Today closed, whatever weekday it is.
    await form.getByRole('button', { name: '+ Agregar fecha especial' }).click();
    await form.getByLabel('Fecha', { exact: true }).fill(todayInBogota());
    await form.getByRole('button', { name: 'Guardar horario' }).click();
    await form.getByText('Guardado.').waitFor();
    expect(await h.read(`tenants/${T}/horario`)).toMatchObject({ dias: { lun: [['11:00', '15:00']] }, excepciones: [{ fecha: todayInBogota() }] });

    const reply = (await h.say(pn, '573150000001', 'hola')).join('\n');
    expect(reply).toContain('En este momento estamos cerrados');
    await page.locator('#horario').evaluate((node) => node.scrollIntoView());
    await screenshotForDocs(page, 'screenshots/restaurant-settings-phone.png');

    // Open again for the next test.
    await form.getByLabel('Usar horario').uncheck();
    await form.getByRole('button', { name: 'Guardar horario' }).click();
    await form.getByText('Guardado.').waitFor();
    expect(await h.read(`tenants/${T}/horario`)).toBeNull();
    await page.close();
  });

  it('adds a delivery zone, and its fee is in the next cart', async () => {
    const page = await browser.newPage();
    await signIn(page);
    const form = page.locator('#domicilios-form');
    await form.getByLabel('Cobrar domicilio por zonas').check();
    await form.getByRole('button', { name: '+ Agregar zona' }).click();
    await form.getByLabel('Nombre de la zona').fill('Centro');
    await form.getByLabel('Barrios (separados por comas)').fill('La Candelaria, Las Aguas');
    await form.getByLabel('Tarifa ($)').fill('7000');
    await form.getByRole('button', { name: 'Guardar domicilios' }).click();
    await form.getByText('Guardado.').waitFor();
    expect(await h.read(`tenants/${T}/domicilios`)).toMatchObject({ recoger: true, zonas: [{ nombre: 'Centro', barrios: ['La Candelaria', 'Las Aguas'], tarifa: 7000 }] });

    const waId = '573150000002';
    await h.say(pn, waId, 'Quiero 2 perros calientes');
    await h.say(pn, waId, 'confirmar');
    const afterAddress = (await h.say(pn, waId, 'Calle 10 # 3-20, La Candelaria')).join('\n');
    expect(afterAddress).toContain('Domicilio (Centro) — $7.000');

    await page.setViewportSize(DESKTOP);
    await page.locator('#domicilios').evaluate((node) => node.scrollIntoView());
    await screenshotForDocs(page, 'screenshots/restaurant-settings-desktop.png');
    await page.close();
  });
});
