import express, { type Router } from 'express';
import { describeGateways } from '../payments/adapters';
import { scriptJson, signInCard, STAFF_AUTH_SCRIPT, STAFF_STYLE, type SignInConfig } from './kitchen-signin';

/**
 * `/admin`: the owner's settings over `/api/admin`: payments on/off, each gateway with its
 * credentials (write-only: only the last 4 characters come back) and a "Probar" button, cash
 * on delivery, and the menu.
 */
export function adminPageRouter(signIn: SignInConfig): Router {
  const router = express.Router();
  router.get('/admin', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(adminPage(signIn));
  });
  return router;
}


const ADMIN_STYLE = `
main{max-width:900px}section.card{margin-bottom:16px}h2{margin:.2rem 0 .8rem;font-size:1.2rem}
.row{display:flex;align-items:center;gap:8px;margin:8px 0;font-weight:600}
fieldset{border:1px solid #dde1e6;border-radius:10px;margin:12px 0;padding:10px 14px}legend{font-weight:700;padding:0 6px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:0 14px}
.buttons{display:flex;gap:8px;flex-wrap:wrap;margin-top:10px}
table{width:100%;border-collapse:collapse}th,td{padding:4px;text-align:left;vertical-align:middle}
td input{padding:8px}td.n{width:70px}td.p{width:120px}td.c{width:150px}td.d{width:60px;text-align:center}td.x{width:48px}
@media (max-width:640px){table,tbody,tr,td{display:block;width:100%!important}thead{display:none}tr{border-bottom:1px solid #ddd;padding:6px 0}}
`;

const ADMIN_SCRIPT = `
/** Gateways in offer order, as the adapter registry describes them. */
const GATEWAYS = ${scriptJson(describeGateways())};
const FIELDS = Object.fromEntries(GATEWAYS.map((g) => [g.id, g.credentialFields]));
const GATEWAY_NAMES = Object.fromEntries(GATEWAYS.map((g) => [g.id, g.ownerName]));
let tenantId = null;
const $ = (id) => document.getElementById(id);
const base = () => '/api/admin/tenants/' + encodeURIComponent(tenantId);
const say = (id, text, ok) => { const n = $(id); n.textContent = text; n.className = ok ? 'ok' : 'error'; };

function gatewayBlock(gateway, view) {
  const v = view || { enabled: false, environment: 'sandbox', configured: false, credentials: {} };
  return el('fieldset', { 'data-gateway': gateway },
    el('legend', {}, GATEWAY_NAMES[gateway] || gateway),
    el('label', { className: 'row' }, el('input', { type: 'checkbox', name: 'enabled', checked: v.enabled }), 'Ofrecer ' + (GATEWAY_NAMES[gateway] || gateway) + ' a los clientes'),
    el('label', {}, 'Ambiente'),
    el('select', { name: 'environment' },
      el('option', { value: 'sandbox', selected: v.environment === 'sandbox' }, 'Pruebas (sandbox)'),
      el('option', { value: 'production', selected: v.environment === 'production' }, 'Producción')),
    el('div', { className: 'grid2' }, FIELDS[gateway].map(({ key, label }) => el('div', {},
      el('label', { for: gateway + '-' + key }, label),
      el('input', { id: gateway + '-' + key, name: key, autocomplete: 'off', placeholder: v.credentials[key] ? 'Guardada: ' + v.credentials[key] : 'Sin guardar' })))),
    el('p', { className: 'muted' }, v.configured ? 'Credenciales guardadas. Deja un campo vacío para conservarlo.' : 'Faltan credenciales.'),
    el('div', { className: 'buttons' }, el('button', { type: 'button', className: 'secondary', onclick: () => probe(gateway) }, 'Probar ' + (GATEWAY_NAMES[gateway] || gateway))),
    el('p', { id: 'probe-' + gateway, role: 'status' }));
}

function renderPayments(view) {
  $('pay-enabled').checked = view.enabled;
  $('pay-cash').checked = view.efectivo;
  const shown = GATEWAYS.filter((g) => g.ownerListing === 'always' || view.gateways[g.id]).map((g) => g.id);
  $('gateways').replaceChildren(...shown.map((g) => gatewayBlock(g, view.gateways[g])));
}

function paymentsBody() {
  const body = { enabled: $('pay-enabled').checked, efectivo: $('pay-cash').checked };
  document.querySelectorAll('fieldset[data-gateway]').forEach((fs) => {
    const gateway = fs.dataset.gateway;
    const credentials = {};
    FIELDS[gateway].forEach(({ key }) => { const value = fs.querySelector('[name="' + key + '"]').value.trim(); if (value) credentials[key] = value; });
    const enabled = fs.querySelector('[name=enabled]').checked;
    const environment = fs.querySelector('[name=environment]').value;
    const touched = Object.keys(credentials).length > 0;
    // Untouched, disabled gateways without credentials are left alone.
    if (!touched && !enabled && !fs.querySelector('.muted').textContent.startsWith('Credenciales guardadas')) return;
    body[gateway] = { enabled, environment, ...(touched ? { credentials } : {}) };
  });
  return body;
}

async function savePayments() {
  $('save-payments').disabled = true;
  try { renderPayments(await staffAuth.api('PUT', base() + '/payments', paymentsBody())); say('payments-msg', 'Guardado. Aplica desde el próximo cliente que llegue al pago.', true); }
  catch (e) { say('payments-msg', e.message, false); }
  finally { $('save-payments').disabled = false; }
}

async function probe(gateway) {
  say('probe-' + gateway, 'Probando…', true);
  try { const r = await staffAuth.api('POST', base() + '/payments/' + gateway + '/test'); say('probe-' + gateway, r.mensaje, r.ok); }
  catch (e) { say('probe-' + gateway, e.message, false); }
}

function menuRow(item) {
  const i = item || { numero: '', nombre: '', precio: '', categoria: '', disponible: true, alias: [] };
  const row = el('tr', {},
    el('td', { className: 'n' }, el('input', { name: 'numero', value: i.numero, 'aria-label': 'Número' })),
    el('td', {}, el('input', { name: 'nombre', value: i.nombre, 'aria-label': 'Nombre' })),
    el('td', { className: 'p' }, el('input', { name: 'precio', type: 'number', min: '1', step: '1', inputmode: 'numeric', value: i.precio, 'aria-label': 'Precio en pesos' })),
    el('td', { className: 'c' }, el('input', { name: 'categoria', value: i.categoria || '', 'aria-label': 'Categoría' })),
    el('td', { className: 'c' }, el('input', { name: 'alias', value: (i.alias || []).join(', '), placeholder: 'coca, gaseosa', 'aria-label': 'Otros nombres, separados por comas' })),
    el('td', { className: 'd' }, el('input', { name: 'disponible', type: 'checkbox', checked: i.disponible, 'aria-label': 'Disponible' })),
    el('td', { className: 'x' }, el('button', { type: 'button', className: 'danger', title: 'Quitar', onclick: () => row.remove() }, '✕')));
  return row;
}

async function saveMenu() {
  const items = [...document.querySelectorAll('#menu-rows tr')].map((tr) => {
    const v = (n) => tr.querySelector('[name=' + n + ']');
    return { numero: v('numero').value.trim(), nombre: v('nombre').value.trim(), precio: Number(v('precio').value), categoria: v('categoria').value.trim() || undefined, disponible: v('disponible').checked, alias: v('alias').value.split(',').map((a) => a.trim()).filter(Boolean) };
  }).filter((i) => i.numero || i.nombre);
  $('save-menu').disabled = true;
  try { const r = await staffAuth.api('PUT', base() + '/menu', { items }); $('menu-rows').replaceChildren(...r.items.map(menuRow)); say('menu-msg', 'Menú guardado (' + r.items.length + ' productos).', true); }
  catch (e) { say('menu-msg', e.message, false); }
  finally { $('save-menu').disabled = false; }
}

async function loadAlerts() {
  try {
    const r = await staffAuth.api('GET', base() + '/alerts');
    const rows = r.alertas.map((a) => el('li', {}, el('b', {}, a.tipo), ' · ', a.referencia || '', ' · ', new Date(Number(a.fecha)).toLocaleString('es-CO')))
      .concat(r.mensajesFallidos.map((m) => el('li', {}, el('b', {}, 'Mensaje de WhatsApp no entregado'), ' · ', m.kind, ' · ', new Date(m.fecha).toLocaleString('es-CO'))));
    $('alerts').replaceChildren(...(rows.length ? rows : [el('li', { className: 'muted' }, 'Sin alertas.')]));
  } catch (e) { $('alerts').replaceChildren(el('li', { className: 'error' }, e.message)); }
}

function showLogin(message) {
  $('login').classList.remove('hidden'); $('app').classList.add('hidden'); $('signout').classList.add('hidden');
  $('login-error').textContent = message || '';
}

async function start() {
  let me;
  try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
  if (me.role === 'staff') return showLogin('Solo el dueño del restaurante puede cambiar la configuración. El personal de cocina usa /kitchen.');
  tenantId = me.tenantId || new URLSearchParams(location.search).get('tenant');
  if (!tenantId) return showLogin('Como administrador, abre /admin?tenant=<id del restaurante>.');
  $('login').classList.add('hidden'); $('app').classList.remove('hidden'); $('signout').classList.remove('hidden');
  $('who').textContent = (me.email || '') + ' · ' + tenantId;
  try {
    const [payments, menu] = await Promise.all([staffAuth.api('GET', base() + '/payments'), staffAuth.api('GET', base() + '/menu')]);
    renderPayments(payments);
    $('menu-rows').replaceChildren(...menu.items.map(menuRow));
  } catch (e) { say('payments-msg', e.message, false); }
  loadAlerts();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-button').disabled = true; $('login-error').textContent = '';
  try { await staffAuth.signIn($('email').value.trim(), $('password').value); await start(); }
  catch (e) { $('login-error').textContent = e.message; }
  finally { $('login-button').disabled = false; }
});
$('signout').addEventListener('click', () => { staffAuth.signOut(); showLogin(''); });
$('save-payments').addEventListener('click', savePayments);
$('save-menu').addEventListener('click', saveMenu);
$('add-item').addEventListener('click', () => $('menu-rows').append(menuRow()));
if (staffAuth.session()) start(); else showLogin('');
`;

export function adminPage(signIn: SignInConfig): string {
  return `<!doctype html>
<html lang="es-CO"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Configuración · Pedidos</title><style>${STAFF_STYLE}${ADMIN_STYLE}</style></head>
<body>
<header class="bar"><div><h1>⚙️ Configuración del restaurante</h1><div id="who" class="who"></div></div><button id="signout" class="link hidden" type="button">Salir</button></header>
<main>
${signInCard('Configuración', 'Entra con tu correo y contraseña de dueño del restaurante.')}
<div id="app" class="hidden">
  <section class="card">
    <h2>Pagos</h2>
    <label class="row"><input id="pay-enabled" type="checkbox">Pagos en línea activos</label>
    <p class="muted">Apagados: el pedido se crea al confirmar el teléfono, como antes. Los enlaces ya enviados siguen funcionando.</p>
    <label class="row"><input id="pay-cash" type="checkbox">Efectivo contra entrega</label>
    <div id="gateways"></div>
    <div class="buttons"><button id="save-payments" class="primary" type="button">Guardar pagos</button></div>
    <p id="payments-msg" role="status"></p>
  </section>
  <section class="card">
    <h2>Menú</h2>
    <p class="muted">Precios en pesos enteros. Desmarca "disponible" para ocultar un producto sin borrarlo.</p>
    <table><thead><tr><th>N.º</th><th>Nombre</th><th>Precio</th><th>Categoría</th><th>Otros nombres</th><th>Disp.</th><th></th></tr></thead><tbody id="menu-rows"></tbody></table>
    <div class="buttons"><button id="add-item" class="secondary" type="button">Agregar producto</button><button id="save-menu" class="primary" type="button">Guardar menú</button></div>
    <p id="menu-msg" role="status"></p>
  </section>
  <section class="card"><h2>Alertas</h2><ul id="alerts"></ul></section>
</div>
</main>
<script>const SIGN_IN = ${scriptJson(signIn)};${STAFF_AUTH_SCRIPT}${ADMIN_SCRIPT}</script>
</body></html>`;
}
