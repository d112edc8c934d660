// @ts-check
/**
 * `/admin`: the owner's settings over `/api/admin`: payments on/off, each gateway with its
 * credentials (write-only: only the last 4 characters come back) and a "Probar" button, cash
 * on delivery, and the menu. Uses `staffAuth` and `el` from staff-auth.js.
 */
(() => {
  /**
   * Gateways in offer order, as the adapter registry describes them.
   * @type {{ id: string, name: string, ownerName: string, ownerListing: string, testOnly: boolean, credentialFields: { key: string, label: string, secret: boolean }[] }[]}
   */
  const GATEWAYS = JSON.parse(document.getElementById('gateways-data').textContent);
  const FIELDS = Object.fromEntries(GATEWAYS.map((g) => [g.id, g.credentialFields]));
  const GATEWAY_NAMES = Object.fromEntries(GATEWAYS.map((g) => [g.id, g.ownerName]));
  let tenantId = null;
  /** Form fields and buttons by id; `any`, since each is a different element type. @type {(id: string) => any} */
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
    document.querySelectorAll('fieldset[data-gateway]').forEach((/** @type {HTMLFieldSetElement} */ fs) => {
      const gateway = fs.dataset.gateway;
      const credentials = {};
      FIELDS[gateway].forEach(({ key }) => { const value = /** @type {HTMLInputElement} */ (fs.querySelector('[name="' + key + '"]')).value.trim(); if (value) credentials[key] = value; });
      const enabled = /** @type {HTMLInputElement} */ (fs.querySelector('[name=enabled]')).checked;
      const environment = /** @type {HTMLSelectElement} */ (fs.querySelector('[name=environment]')).value;
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
      /** @type {(n: string) => HTMLInputElement} */
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
})();
