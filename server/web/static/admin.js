// @ts-check
/**
 * `/admin`: the owner's settings over `/api/admin`: payments on/off, each gateway with its
 * credentials (write-only: only the last 4 characters come back) and a "Probar" button, cash
 * on delivery, the menu (labelled cards that work on a phone; an incomplete item is flagged,
 * never dropped), the restaurant's name and WhatsApp number with a test message, and a form to
 * create a new restaurant (#17). Problems the server names are shown next to their field.
 * Uses `staffAuth` and `el` from staff-auth.js.
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

  let rowCounter = 0;
  /** One menu item as a labelled card (a table cannot be read on a phone). */
  function menuRow(item) {
    const i = item || { numero: '', nombre: '', precio: '', categoria: '', disponible: true, alias: [] };
    const n = ++rowCounter;
    const field = (name, label, attrs, tag) => el('div', { className: 'f-' + name },
      el('label', { for: 'm' + n + '-' + name }, label),
      el(tag || 'input', { id: 'm' + n + '-' + name, name, autocomplete: 'off', ...attrs }));
    const row = el('fieldset', { className: 'menu-item' },
      el('legend', {}, 'Producto'),
      field('numero', 'N.º', { value: i.numero, inputmode: 'text' }),
      field('nombre', 'Nombre', { value: i.nombre }),
      field('precio', 'Precio (pesos)', { type: 'number', min: '1', step: '1', inputmode: 'numeric', value: i.precio }),
      // A textarea: a long category wraps and stays readable on a phone.
      field('categoria', 'Categoría', { rows: 2, maxlength: 40 }, 'textarea'),
      field('alias', 'Otros nombres (separados por comas)', { value: (i.alias || []).join(', '), placeholder: 'coca, gaseosa' }),
      el('div', { className: 'f-end' },
        el('label', {}, el('input', { name: 'disponible', type: 'checkbox', checked: i.disponible }), 'Disponible'),
        el('button', { type: 'button', className: 'danger', 'aria-label': 'Quitar este producto', onclick: () => row.remove() }, '✕ Quitar')));
    /** @type {HTMLTextAreaElement} */ (row.querySelector('[name=categoria]')).value = i.categoria || '';
    return row;
  }

  /**
   * The items of a menu list. Nothing is dropped silently: a row missing its number, name or
   * price (an empty one too) is flagged in words and the save waits until it is completed or removed.
   */
  function readMenu(list) {
    let incomplete = 0;
    const items = [...list.querySelectorAll('.menu-item')].map((row) => {
      /** @type {(n: string) => HTMLInputElement} */
      const v = (n) => row.querySelector('[name=' + n + ']');
      const item = { numero: v('numero').value.trim(), nombre: v('nombre').value.trim(), precio: v('precio').value.trim() === '' ? NaN : Number(v('precio').value), categoria: v('categoria').value.trim() || undefined, disponible: v('disponible').checked, alias: v('alias').value.split(',').map((a) => a.trim()).filter(Boolean) };
      const missing = [!item.numero && 'número', !item.nombre && 'nombre', !Number.isFinite(item.precio) && 'precio'].filter(Boolean);
      row.classList.toggle('incomplete', missing.length > 0);
      const old = row.querySelector('.row-error'); if (old) old.remove();
      if (missing.length) {
        incomplete++;
        row.append(el('p', { className: 'row-error error' }, missing.length === 3 ? 'Producto vacío: complétalo o quítalo con ✕ Quitar.' : 'Falta ' + missing.join(', ') + ': complétalo o quítalo.'));
      }
      return item;
    });
    return { items, incomplete };
  }

  /** Clears the words shown next to fields inside `scope`. */
  function clearFieldErrors(scope) {
    scope.querySelectorAll('.field-error').forEach((n) => n.remove());
    scope.querySelectorAll('.invalid').forEach((n) => n.classList.remove('invalid'));
  }

  /**
   * Puts each problem the server named next to its field (`nombre`, `items.2.precio`); says the
   * rest in `msgId`. Returns true when the error carried field problems.
   */
  function showFieldErrors(scope, menuList, error, msgId) {
    clearFieldErrors(scope);
    const issues = (error.data && error.data.error && error.data.error.issues) || [];
    if (!issues.length) { say(msgId, error.message, false); return false; }
    const rows = menuList ? [...menuList.querySelectorAll('.menu-item')] : [];
    const unplaced = [];
    for (const issue of issues) {
      const parts = String(issue.path).split('.');
      let input = null;
      if (parts[0] === 'items' && rows[Number(parts[1])]) input = rows[Number(parts[1])].querySelector('[name=' + (parts[2] || 'nombre') + ']');
      else input = scope.querySelector('[data-field="' + parts[0] + '"]');
      if (!input) { unplaced.push((issue.path ? issue.path + ': ' : '') + issue.message); continue; }
      input.classList.add('invalid');
      input.after(el('small', { className: 'field-error' }, issue.message));
    }
    say(msgId, unplaced.length ? unplaced.join('; ') : 'Revisa los campos marcados en rojo.', false);
    const first = scope.querySelector('.invalid'); if (first) first.focus();
    return true;
  }

  async function saveMenu() {
    const { items, incomplete } = readMenu($('menu-rows'));
    if (incomplete) { say('menu-msg', incomplete === 1 ? 'Un producto está incompleto (marcado en rojo).' : incomplete + ' productos están incompletos (marcados en rojo).', false); return; }
    $('save-menu').disabled = true;
    try { const r = await staffAuth.api('PUT', base() + '/menu', { items }); $('menu-rows').replaceChildren(...r.items.map(menuRow)); say('menu-msg', 'Menú guardado (' + r.items.length + ' productos). Aplica desde el próximo mensaje.', true); }
    catch (e) { showFieldErrors($('menu-rows'), $('menu-rows'), e, 'menu-msg'); }
    finally { $('save-menu').disabled = false; }
  }

  function renderRestaurant(r) {
    $('r-nombre').value = r.nombre; $('r-phone-id').value = r.phoneNumberId || ''; $('r-display').value = r.displayPhoneNumber || '';
    $('r-token').value = ''; $('r-token').placeholder = r.accessToken ? 'Guardado: ' + r.accessToken + ' (vacío lo conserva)' : 'Sin guardar';
  }

  async function saveRestaurant(event) {
    event.preventDefault();
    clearFieldErrors($('restaurant-form'));
    $('save-restaurant').disabled = true;
    try {
      const r = await staffAuth.api('PUT', base() + '/restaurant', { nombre: $('r-nombre').value, phoneNumberId: $('r-phone-id').value, displayPhoneNumber: $('r-display').value, accessToken: $('r-token').value });
      renderRestaurant(r); say('restaurant-msg', 'Guardado.', true); loadTenantNames();
    } catch (e) { showFieldErrors($('restaurant-form'), null, e, 'restaurant-msg'); }
    finally { $('save-restaurant').disabled = false; }
  }

  async function sendTest(event) {
    event.preventDefault();
    clearFieldErrors($('test-form'));
    say('test-msg', 'Enviando…', true);
    $('test-send').disabled = true;
    try { const r = await staffAuth.api('POST', base() + '/whatsapp/test', { to: $('test-to').value }); say('test-msg', r.mensaje, r.ok); }
    catch (e) { showFieldErrors($('test-form'), null, e, 'test-msg'); }
    finally { $('test-send').disabled = false; }
  }

  /** "La Esquina del Sabor" → "la-esquina-del-sabor". */
  const slug = (name) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 35).replace(/-+$/, '');
  let idTouched = false;

  function openCreate() {
    $('create').classList.remove('hidden');
    if (!$('create-menu').children.length) $('create-menu').append(menuRow());
    $('c-nombre').focus();
  }

  async function createTenant(event) {
    event.preventDefault();
    clearFieldErrors($('create-form'));
    const { items, incomplete } = readMenu($('create-menu'));
    if (incomplete) { say('create-msg', 'Completa o quita los productos marcados en rojo.', false); return; }
    $('create-submit').disabled = true;
    try {
      const r = await staffAuth.api('POST', '/api/admin/tenants', { id: $('c-id').value.trim(), nombre: $('c-nombre').value, phoneNumberId: $('c-phone-id').value.trim(), displayPhoneNumber: $('c-display').value, accessToken: $('c-token').value.trim(), items });
      // The new restaurant is in the account's claims now; a fresh token carries it.
      await staffAuth.token(true);
      $('create-form').reset(); $('create-menu').replaceChildren(); idTouched = false;
      $('create').classList.add('hidden');
      tenantId = r.tenantId;
      await start();
      say('restaurant-msg', 'Restaurante "' + r.nombre + '" creado. Prueba su número con el mensaje de prueba.', true);
    } catch (e) { showFieldErrors($('create-form'), $('create-menu'), e, 'create-msg'); }
    finally { $('create-submit').disabled = false; }
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

  /** @type {string[]} */
  let tenantIds = [];
  async function loadTenantNames() {
    const names = await Promise.all(tenantIds.map((id) => staffAuth.api('GET', '/api/admin/tenants/' + encodeURIComponent(id) + '/restaurant').then((r) => r.nombre || id, () => id)));
    $('tenant-pick').replaceChildren(...tenantIds.map((id, i) => el('option', { value: id, selected: id === tenantId }, names[i] + ' (' + id + ')')));
  }

  async function start() {
    let me;
    try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
    if (me.role === 'staff') return showLogin('Solo el dueño del restaurante puede cambiar la configuración. El personal de cocina usa /kitchen.');
    tenantIds = me.tenantIds && me.tenantIds.length ? me.tenantIds : [];
    const asked = new URLSearchParams(location.search).get('tenant');
    if (me.role === 'admin') { tenantId = asked; tenantIds = asked ? [asked] : []; }
    else if (!tenantId || !tenantIds.includes(tenantId)) tenantId = asked && tenantIds.includes(asked) ? asked : me.tenantId;
    if (!tenantId) return showLogin('Como administrador, abre /admin?tenant=<id del restaurante>.');
    $('new-tenant').classList.toggle('hidden', me.role !== 'owner');
    $('login').classList.add('hidden'); $('app').classList.remove('hidden'); $('signout').classList.remove('hidden');
    $('who').textContent = (me.email || '') + ' · ' + tenantId;
    ['restaurant-msg', 'payments-msg', 'menu-msg', 'test-msg'].forEach((id) => say(id, '', true));
    loadTenantNames();
    try {
      const [restaurant, payments, menu] = await Promise.all([staffAuth.api('GET', base() + '/restaurant'), staffAuth.api('GET', base() + '/payments'), staffAuth.api('GET', base() + '/menu')]);
      renderRestaurant(restaurant);
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
  $('add-item').addEventListener('click', () => { const row = menuRow(); $('menu-rows').append(row); /** @type {HTMLInputElement} */ (row.querySelector('input')).focus(); });
  $('restaurant-form').addEventListener('submit', saveRestaurant);
  $('test-form').addEventListener('submit', sendTest);
  $('tenant-pick').addEventListener('change', () => { tenantId = $('tenant-pick').value; start(); });
  $('new-tenant').addEventListener('click', openCreate);
  $('create-cancel').addEventListener('click', () => $('create').classList.add('hidden'));
  $('create-add-item').addEventListener('click', () => $('create-menu').append(menuRow()));
  $('create-form').addEventListener('submit', createTenant);
  $('c-id').addEventListener('input', () => { idTouched = true; });
  $('c-nombre').addEventListener('input', () => { if (!idTouched) $('c-id').value = slug($('c-nombre').value); });
  if (staffAuth.session()) start(); else showLogin('');
})();
