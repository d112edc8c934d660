import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TenantConfig } from '../../../server/tenants/tenant-store';
import { conversationsPage, ordersHistoryPage, restaurantSettingsPage } from '../../../server/web/admin-orders-page';
import { adminPage } from '../../../server/web/admin-page';
import { kitchenPage, ticketPage } from '../../../server/web/kitchen-page';
import { landingPage, notFoundPage } from '../../../server/web/landing-page';
import { statusPage, type PaymentStatusView } from '../../../server/web/pay-pages';
import { simulatorPage } from '../../../server/web/simulator-page';
import { render, scriptJson, VIEWS_DIR } from '../../../server/web/views';

/**
 * Every page escapes what customers, owners and gateways control: a restaurant name, a menu
 * item, a rejection reason, a link or a sign-in setting written as markup stays text. This is
 * the guarantee the templates' default escaping gives; a new view needs a case here.
 */
const EVIL = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`;

/** Markup from EVIL that would run or change the page if it were not escaped. */
function expectInert(html: string): void {
  expect(html).not.toContain('<script>alert(1)');
  expect(html).not.toContain('<img src=x');
  expect(html).not.toContain(`"'>`);
  // Every `</script>` closes one of the page's own script elements: no value ends a JSON block early.
  expect(html.split('</script>').length).toBe(html.split('<script').length);
}

const tenant = { restaurant: { name: EVIL }, whatsapp: { displayPhoneNumber: '57 300 123 4567' } } as unknown as TenantConfig;
const chatLink = (_t: TenantConfig | null, text?: string) => `https://chat.example/${EVIL}?text=${text ?? ''}`;
const status = (estado: PaymentStatusView['estado'], extra: Partial<PaymentStatusView> = {}): PaymentStatusView => ({ estado, pedido: null, ...extra });

const CASES: Record<string, () => string> = {
  'pay/completed': () => statusPage(EVIL, status('completado', { pedido: { id: EVIL } }), tenant, { monto: 33000, chatLink }),
  'pay/rejected': () => statusPage(EVIL, status('rechazado', { motivo: EVIL }), tenant, { monto: 33000, chatLink }),
  'pay/expired': () => statusPage(EVIL, status('expirado'), tenant, { chatLink }),
  'pay/review': () => statusPage(EVIL, status('fraude_detectado'), tenant, { chatLink }),
  'pay/processing': () => statusPage(`${EVIL}</script>`, status('pendiente'), tenant, { chatLink }),
  'pay/replaced': () => render('pay/replaced', { newLink: EVIL }),
  'pay/redirect': () => render('pay/redirect', { action: EVIL, fields: [[EVIL, EVIL]], restaurant: EVIL }),
  'pay/unavailable': () => render('pay/unavailable', { whatsapp: EVIL }),
  'demo-checkout/checkout': () =>
    render('demo-checkout/checkout', { restaurant: EVIL, rows: [{ quantity: 2, name: EVIL, subtotal: EVIL }], total: EVIL, settled: false, estado: EVIL, statusLink: EVIL }),
  'demo-checkout/checkout (settled)': () =>
    render('demo-checkout/checkout', { restaurant: EVIL, rows: [], total: '$0', settled: true, estado: EVIL, statusLink: EVIL }),
  simulator: () => simulatorPage({ restaurantName: EVIL, defaultWaId: EVIL }),
  kitchen: () => kitchenPage({ signInUrl: EVIL, refreshUrl: EVIL, unavailable: `${EVIL}</script><!--`, pending: true }),
  'kitchen-ticket': () => ticketPage({ signInUrl: EVIL, refreshUrl: EVIL, unavailable: `${EVIL}</script><!--` }, EVIL),
  'admin-orders': () => ordersHistoryPage({ signInUrl: EVIL, refreshUrl: EVIL, unavailable: `${EVIL}</script><!--` }),
  'admin-conversations': () => conversationsPage({ signInUrl: EVIL, refreshUrl: EVIL, unavailable: `${EVIL}</script><!--` }),
  'admin-restaurant': () => restaurantSettingsPage({ signInUrl: EVIL, refreshUrl: EVIL, unavailable: `${EVIL}</script><!--` }),
  landing: () => landingPage(true, { owner: EVIL, staff: EVIL, passwordsFile: EVIL }),
  'not-found': () => notFoundPage(`/${EVIL}`),
  admin: () => adminPage({ signInUrl: EVIL, refreshUrl: EVIL, unavailable: `${EVIL}</script><!--` }),
};

/** Pages that show nothing from outside. */
const FIXED_PAGES = ['pay/not-found', 'demo-checkout/not-found'];

function viewsIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return viewsIn(path);
    return name.endsWith('.eta') ? [relative(VIEWS_DIR, path).replace(/\\/g, '/').replace(/\.eta$/, '')] : [];
  });
}

describe('pages escape what others control', () => {
  it.each(Object.keys(CASES))('%s renders hostile strings as text', (name) => {
    const html = CASES[name]!();
    expectInert(html);
    // The value is on the page, escaped, not dropped.
    expect(html).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;|\\u003cscript\\u003ealert\(1\)\\u003c\/script\\u003e/);
  });

  it('has a case for every page template', () => {
    const pages = viewsIn(VIEWS_DIR).filter((v) => !v.startsWith('layouts/') && !v.startsWith('partials/'));
    const covered = new Set([...Object.keys(CASES).map((k) => k.split(' ')[0]), ...FIXED_PAGES]);
    expect(pages.filter((p) => !covered.has(p))).toEqual([]);
  });

  it.each(FIXED_PAGES)('%s has no value to escape', (name) => {
    const html = render(name);
    expect(html.split('<script').length).toBe(1);
    expect(html).not.toMatch(/undefined|null/);
  });

  it('puts page data in JSON blocks that parse back to the same value', () => {
    const signIn = { signInUrl: EVIL, refreshUrl: null, unavailable: `a\u2028b</script>&`, pending: true };
    const html = kitchenPage(signIn);
    const block = /<script type="application\/json" id="sign-in">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(block)).toEqual(signIn);
    expect(scriptJson('</script>')).toBe('"\\u003c/script\\u003e"');
  });
});
