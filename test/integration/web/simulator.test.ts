import type { Page } from 'playwright-core';
import request from 'supertest';
import { DEMO_PHONE_NUMBER_ID } from '../../../server/demo/demo-setup';
import { launchBrowser, screenshotForDocs, type BrowserSession } from '../../helpers/browser';
import { demoMessagesSignature } from '../../../server/web/simulator';
import { startHarness, TEST_APP_SECRET, type Harness } from '../../helpers/harness';

/**
 * The embedded default as a newcomer meets it, in a real browser: the WhatsApp simulator, the
 * sandbox checkout and the payment status page, against the app in demo mode over sockets.
 */
describe('the demo in a browser: simulator, sandbox checkout, status page', () => {
  let h: Harness;
  let browser: BrowserSession;

  beforeAll(async () => {
    [h, browser] = await Promise.all([startHarness({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const ordersOf = async (waId: string) => Object.values((await h.read<Record<string, any>>('tenants/demo/pedidos')) ?? {}).filter((o) => o.cliente === waId);

  /** The simulator page, with helpers that act as the customer would. */
  function customer(page: Page) {
    return {
      page,
      async type(text: string) {
        await page.locator('#text').fill(text);
        await page.locator('#text').press('Enter');
      },
      /** Waits for a bot message containing `text`, and returns it. */
      async botSays(text: string) {
        const message = page.locator('.msg.in', { hasText: text }).last();
        await message.waitFor();
        return message;
      },
      /** Taps the latest reply button or list row with this title. */
      async tap(title: string) {
        const chip = page.locator('button.chip', { hasText: title }).last();
        await chip.click();
        await page.locator('.msg.out', { hasText: title }).last().waitFor();
      },
    };
  }

  async function upToPaymentLink(page: Page) {
    const c = customer(page);
    await c.type('hola');
    await c.botSays('Bienvenido');
    await c.type('Quiero 2 hamburguesas y 1 coca cola');
    await c.botSays('$33.000');
    await c.tap('Confirmar pedido');
    await c.botSays('¿A dónde enviamos tu pedido?');
    await c.type('Calle 80 #12-34');
    await c.botSays('¿Cuál es tu número de contacto?');
    await c.tap('Usar este número');
    await c.tap('Pago de prueba (Sandbox)');
    const link = page.locator('a.cta', { hasText: 'Pagar ahora' }).last();
    await link.waitFor();
    return link;
  }

  it('orders, pays in the sandbox and sees "¡Pago exitoso!" and the WhatsApp confirmation', async () => {
    const sim = await browser.newPage();
    await sim.goto(`${h.baseUrl}/simulator`);
    expect(await sim.title()).toContain('La Hamburguesería de la 80');
    expect(await sim.locator('#waId').inputValue()).toBe('573001234567');

    const pay = await upToPaymentLink(sim);
    expect(await pay.getAttribute('target')).toBe('_blank');
    const href = (await pay.getAttribute('href'))!;
    expect(href).toMatch(new RegExp(`^${h.baseUrl}/pay/demo_\\d+_[0-9a-f]+$`));
    // *Total a pagar* is WhatsApp bold: rendered as <strong>, not as asterisks.
    const linkMessage = sim.locator('.msg.in', { hasText: 'Total a pagar' }).last();
    expect(await linkMessage.locator('strong', { hasText: '$33.000' }).count()).toBe(1);
    expect(await linkMessage.textContent()).not.toContain('*');
    await screenshotForDocs(sim, 'simulator.png');

    const [checkout] = await Promise.all([browser.context.waitForEvent('page'), pay.click()]);
    await checkout.waitForLoadState();
    expect(checkout.url()).toContain('/sandbox/checkout/');
    expect(await checkout.locator('[data-testid=total]').textContent()).toBe('$33.000');
    await checkout.getByRole('button', { name: 'Aprobar' }).click();
    await checkout.waitForURL(/\/pay\/demo_/);
    await checkout.locator('h1', { hasText: '¡Pago exitoso!' }).waitFor();

    const [order] = await ordersOf('573001234567');
    expect(order).toMatchObject({ total: 33000, direccion: 'Calle 80 #12-34', telefonoContacto: '3001234567', pago: { estado: 'completado', gateway: 'sandbox' } });
    expect(await checkout.locator('.card').textContent()).toContain(`#${order.id}`);
    expect(await checkout.locator('.card').textContent()).toContain('$33.000');
    await screenshotForDocs(checkout, 'pago-exitoso.png');

    const confirmation = await customer(sim).botSays('¡Pago confirmado!');
    expect(await confirmation.textContent()).toContain(`#${order.id}`);
    expect(await ordersOf('573001234567')).toHaveLength(1);
    await checkout.close();
    await sim.close();
  }, 60_000);

  it('a declined sandbox payment shows the rejection on both pages, and another method still makes the order', async () => {
    const waId = '573109876543';
    const sim = await browser.newPage();
    await sim.goto(`${h.baseUrl}/simulator`);
    // Another customer: the number is editable, and the conversation view follows it.
    await sim.locator('#waId').fill(waId);
    await sim.locator('#waId').press('Enter');
    await sim.locator('.msg').first().waitFor({ state: 'detached' });
    expect(await sim.locator('.msg').count()).toBe(0);

    const pay = await upToPaymentLink(sim);
    const [checkout] = await Promise.all([browser.context.waitForEvent('page'), pay.click()]);
    await checkout.getByRole('button', { name: 'Rechazar (fondos insuficientes)' }).click();
    await checkout.waitForURL(/\/pay\/demo_/);
    await checkout.locator('h1', { hasText: 'Pago rechazado' }).waitFor();
    expect(await checkout.locator('.card').textContent()).toContain('Fondos insuficientes');
    const retry = checkout.getByRole('link', { name: 'Intentar con otro método' });
    expect(await checkout.getByRole('link', { name: 'Contactar por WhatsApp' }).count()).toBe(1);

    const c = customer(sim);
    await c.botSays('Pago rechazado');
    expect(await ordersOf(waId)).toHaveLength(0);

    // In the demo, "another method" leads back to the simulator with the words already typed.
    await retry.click();
    await checkout.waitForURL(/\/simulator\?texto=/);
    const again = customer(checkout);
    expect(await checkout.locator('#text').inputValue()).toBe('cambiar método');
    expect(await checkout.locator('#waId').inputValue()).toBe(waId);
    await checkout.locator('.msg.in', { hasText: 'Pago rechazado' }).waitFor();
    await checkout.locator('#text').press('Enter');
    await again.tap('Efectivo contra entrega');
    await again.botSays('Pagas en efectivo al recibir');

    const orders = await ordersOf(waId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ total: 33000, pago: { estado: 'contraentrega' } });
    await checkout.close();
    await sim.close();
  }, 60_000);

  it('a late gateway notification: the status page shows "Procesando tu pago…" and updates itself', async () => {
    const waId = '573104445566';
    const sim = await browser.newPage();
    await sim.goto(`${h.baseUrl}/simulator?numero=${waId}`);
    const pay = await upToPaymentLink(sim);
    const [checkout] = await Promise.all([browser.context.waitForEvent('page'), pay.click()]);
    // The sandbox sends its signed webhook a second after the payer is back on /pay/{ref}.
    await checkout.locator('input[type=number][name=demora]').fill('1');
    await checkout.getByRole('button', { name: 'Aprobar' }).click();
    await checkout.locator('h1', { hasText: 'Procesando tu pago…' }).waitFor();
    expect(await ordersOf(waId)).toHaveLength(0);
    await checkout.locator('h1', { hasText: '¡Pago exitoso!' }).waitFor();
    const [order] = await ordersOf(waId);
    expect(await checkout.locator('.card').textContent()).toContain(`#${order.id}`);
    await checkout.close();
    await sim.close();
  }, 60_000);

  it('renders whatever the bot sends as text: no markup from messages ever becomes HTML', async () => {
    const waId = '573005550000';
    const capture = (body: Record<string, unknown>) =>
      fetch(`${h.baseUrl}/demo/graph/v25.0/${DEMO_PHONE_NUMBER_ID}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: `+${waId}`, ...body }),
      });
    await capture({ type: 'text', text: { body: '<img src=x onerror="window.__pwned=1"> *negrita* <b>no</b>' } });
    await capture({
      type: 'interactive',
      interactive: { type: 'cta_url', body: { text: '<script>window.__pwned=2</script>' }, action: { name: 'cta_url', parameters: { display_text: 'Pagar', url: 'javascript:window.__pwned=3' } } },
    });
    const page = await browser.newPage();
    await page.goto(`${h.baseUrl}/simulator?numero=${waId}`);
    const first = page.locator('.msg.in').first();
    await first.waitFor();
    await page.locator('.msg.in').nth(1).waitFor();
    expect(await first.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await first.locator('strong').textContent()).toBe('negrita');
    expect(await page.locator('.chat img, .chat b, .chat script').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  });

  it('the send API signs on the server and refuses bad input with a reason', async () => {
    const page = await h.http.get('/simulator');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(h.config.WHATSAPP_APP_SECRET!);
    const cookie = sessionCookie(page.headers['set-cookie']);
    const send = (body: unknown) => h.http.post('/simulator/api/send').set('cookie', cookie).send(body as object);
    const bad = [
      {},
      { waId: '573001234567' },
      { waId: '57300', text: 'hola' },
      { waId: '573001234567', text: '   ' },
      { waId: '573001234567', text: 'hola', choice: { id: 'x', title: 'X', kind: 'button_reply' } },
      { waId: '573001234567', choice: { id: 'x', title: 'X', kind: 'other' } },
      { waId: '573001234567', text: 'hola', appSecret: 'x' },
      { waId: '573001234567', location: { latitude: 123, longitude: 0 } },
    ];
    for (const body of bad) {
      const res = await send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_BODY');
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    const ok = await send({ waId: '573007770000', text: 'hola' });
    expect(ok.status).toBe(200);
    expect(ok.body.messageId).toMatch(/^wamid\.SIM_/);
    await h.settle();
    expect(await h.read('tenants/demo/sesiones/573007770000')).not.toBeNull();
  });
});

/** `simulador=<token>` from a Set-Cookie answer, checking the cookie cannot be read by scripts or sent cross-site. */
function sessionCookie(setCookie: string[] | string | undefined): string {
  const header = ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith('simulador='));
  expect(header).toMatch(/^simulador=[A-Za-z0-9_-]{43};.*HttpOnly/i);
  expect(header).toMatch(/SameSite=Strict/i);
  return header!.split(';')[0]!;
}

describe('the demo never shows one customer\'s messages to another', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demo: true });
  });
  afterAll(() => h?.close());

  const newBrowser = async () => sessionCookie((await h.http.get('/simulator')).headers['set-cookie']);
  const messagesOf = (waId: string, cookie?: string) => {
    const req = h.http.get(`/demo/messages?waId=${waId}`);
    return cookie ? req.set('cookie', cookie) : req;
  };

  it('keeps a customer\'s conversation and the browser\'s numbers across a restart (#17)', async () => {
    const waId = '573006660010';
    const alice = await newBrowser();
    const mallory = await newBrowser();
    for (const text of ['hola', 'Quiero 2 hamburguesas']) {
      expect((await h.http.post('/simulator/api/send').set('cookie', alice).send({ waId, text })).status).toBe(200);
      await h.settle();
    }
    const before = (await messagesOf(waId, alice)).body.messages as Array<{ seq: number; messageId: string }>;
    expect(JSON.stringify(before)).toContain('$30.000');
    // Stored without the browser's token: only its hash.
    expect(JSON.stringify(await h.read('demo/numeros'))).not.toContain(alice.slice('simulador='.length));

    // A fresh server on the same database: its memory is empty, what it shows comes from storage.
    const restarted = await h.anotherInstance();
    try {
      const again = request(restarted.url);
      const after = await again.get(`/demo/messages?waId=${waId}`).set('cookie', alice);
      expect(after.status).toBe(200);
      expect(after.body.messages.map((m: { messageId: string }) => m.messageId)).toEqual(before.map((m) => m.messageId));
      expect((await again.get(`/demo/messages?waId=${waId}`).set('cookie', mallory)).status).toBe(409);
      expect((await again.get(`/demo/messages?waId=${waId}&after=${before.at(-1)!.seq}`).set('cookie', alice)).body.messages).toEqual([]);
    } finally {
      await restarted.runtime.close();
    }
  });

  it('only the browser that started a conversation can read it or write in it', async () => {
    const waId = '573006660001';
    const alice = await newBrowser();
    const mallory = await newBrowser();
    expect(alice).not.toBe(mallory);

    for (const text of ['hola', 'Quiero 2 hamburguesas', 'confirmar', 'Calle 80 #12-34 apto 501']) {
      expect((await h.http.post('/simulator/api/send').set('cookie', alice).send({ waId, text })).status).toBe(200);
      await h.settle();
    }
    const own = await messagesOf(waId, alice);
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body.messages)).toContain('$30.000');

    // Anyone else: no cookie, another browser's cookie, a forged cookie, or a forged CLI signature.
    const strangers = [
      await messagesOf(waId),
      await messagesOf(waId, mallory),
      await messagesOf(waId, `simulador=${'A'.repeat(43)}`),
      await messagesOf(waId).set('x-demo-signature', `sha256=${'0'.repeat(64)}`),
    ];
    expect(strangers.map((r) => r.status)).toEqual([403, 409, 409, 401]);
    for (const res of strangers) expect(JSON.stringify(res.body)).not.toMatch(/Calle 80|\$30\.000|Hamburguesa/);
    const hijack = await h.http.post('/simulator/api/send').set('cookie', mallory).send({ waId, text: 'confirmar' });
    expect(hijack.status).toBe(409);
    expect(hijack.body.error.code).toBe('NUMBER_IN_USE');
    expect((await h.http.post('/simulator/api/send').send({ waId: '573006660002', text: 'hola' })).status).toBe(403);

    // Another browser keeps its own numbers.
    expect((await h.http.post('/simulator/api/send').set('cookie', mallory).send({ waId: '573006660003', text: 'hola' })).status).toBe(200);
    expect((await messagesOf('573006660003', alice)).status).toBe(409);
  });

  it('npm run chat reads with a header signed with the app secret', async () => {
    const alice = await newBrowser();
    const waId = '573006660004';
    expect((await h.http.post('/simulator/api/send').set('cookie', alice).send({ waId, text: 'hola' })).status).toBe(200);
    await h.settle();
    const signed = await messagesOf(waId).set('x-demo-signature', demoMessagesSignature(waId, TEST_APP_SECRET));
    expect(signed.status).toBe(200);
    expect(signed.body.messages.length).toBeGreaterThan(0);
    // A signature for one number does not open another.
    expect((await messagesOf('573006660001').set('x-demo-signature', demoMessagesSignature(waId, TEST_APP_SECRET))).status).toBe(401);
  });
});

describe('outside demo mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('has no simulator, no send API and no message capture', async () => {
    expect(h.config.demoMode).toBe(false);
    expect((await h.http.get('/simulator')).status).toBe(404);
    expect((await h.http.post('/simulator/api/send').send({ waId: '573001234567', text: 'hola' })).status).toBe(404);
    expect((await h.http.get('/demo/messages?waId=573001234567')).status).toBe(404);
  });
});
