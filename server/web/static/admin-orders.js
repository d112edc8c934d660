// @ts-check
/**
 * `/admin/pedidos`: the owner's order history (#16) from
 * `GET /api/admin/tenants/{t}/orders/history`: filters by local date range, state and payment
 * method, totals per day, and the same rows as CSV (`orders.csv`, downloaded with the ID token).
 * Uses `staffAuth`, `el` and `formatCOP` from staff-auth.js.
 */
(() => {
  /** @type {{ stateLabels: Record<string, string>, methods: Array<{ id: string, name: string }> }} */
  const DATA = JSON.parse(document.getElementById('orders-data').textContent);
  /** @type {(id: string) => any} */
  const $ = (id) => document.getElementById(id);
  let tenantId = null;
  const base = () => '/api/admin/tenants/' + encodeURIComponent(tenantId);
  const say = (text, ok) => { $('msg').textContent = text; $('msg').className = ok ? 'ok' : 'error'; };
  /** Today in the browser's zone, as YYYY-MM-DD. */
  const today = () => { const d = new Date(); return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10); };
  const dayLabel = (fecha) => { const [y, m, d] = fecha.split('-'); return d + '/' + m + '/' + y; };

  function query() {
    const p = new URLSearchParams({ desde: $('desde').value, hasta: $('hasta').value });
    if ($('estado').value) p.set('estado', $('estado').value);
    if ($('metodo').value) p.set('metodo', $('metodo').value);
    return p.toString();
  }

  function orderRow(o) {
    const lines = (o.items || []).map((i) => i.cantidad + ' × ' + i.nombre + ((i.opciones || []).length ? ' (' + i.opciones.map((x) => x.valor).join(', ') + ')' : '') + (i.nota ? ' — ' + i.nota : '')).join(' · ');
    const pay = o.pago && o.pago.estado === 'completado' ? 'Pagado en línea' : o.pago && o.pago.estado === 'contraentrega' ? 'Contra entrega' : 'Sin pago en línea';
    return el('article', { className: 'row-order', 'data-id': o.id, 'data-estado': o.estado },
      el('div', {}, el('span', { className: 'id' }, '#' + o.id), ' · ', new Date(o.timestamp).toLocaleString('es-CO', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }), ' ',
        el('span', { className: 'badge' }, DATA.stateLabels[o.estado] || o.estado), ' ', o.reembolsoPendiente ? el('span', { className: 'badge refund' }, 'reembolso pendiente') : null),
      el('div', { className: 'total' }, formatCOP(o.total)),
      el('div', { className: 'lines' }, lines, ' · ', o.tipoEntrega === 'recoger' ? 'Recoger' : 'Domicilio ' + formatCOP(o.domicilio || 0), ' · ', pay, o.motivo ? ' · Motivo: ' + o.motivo : ''));
  }

  async function search() {
    $('search').disabled = true;
    try {
      const h = await staffAuth.api('GET', base() + '/orders/history?' + query());
      $('days').replaceChildren(...(h.dias.length ? h.dias.map((d) => el('tr', { 'data-fecha': d.fecha }, el('td', {}, dayLabel(d.fecha)), el('td', {}, String(d.pedidos)), el('td', {}, String(d.anulados)), el('td', { className: 'r' }, formatCOP(d.ventas))))
        : [el('tr', {}, el('td', { colspan: '4', className: 'muted' }, 'Sin pedidos en estas fechas.'))]));
      $('days-total').replaceChildren(el('tr', {}, el('td', {}, 'Total'), el('td', {}, String(h.totales.pedidos)), el('td', {}, String(h.totales.anulados)), el('td', { className: 'r', id: 'total-ventas' }, formatCOP(h.totales.ventas))));
      $('orders').replaceChildren(...h.pedidos.slice().reverse().map(orderRow));
      say(h.pedidos.length + ' pedidos.' + (h.truncado ? ' Hay más: acorta el rango de fechas.' : ''), true);
    } catch (e) { say(e.message, false); }
    finally { $('search').disabled = false; }
  }

  async function exportCsv() {
    try {
      const token = await staffAuth.token(false);
      const res = await fetch(base() + '/orders.csv?' + query(), { headers: { authorization: 'Bearer ' + token } });
      if (!res.ok) { const body = await res.json().catch(() => ({})); throw new Error((body.error && body.error.message) || 'Error ' + res.status); }
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: 'pedidos-' + $('desde').value + '-' + $('hasta').value + '.csv' });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) { say(e.message, false); }
  }

  function showLogin(message) {
    $('login').classList.remove('hidden'); $('app').classList.add('hidden'); $('signout').classList.add('hidden');
    $('login-error').textContent = message || '';
  }

  async function start() {
    let me;
    try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
    if (me.role === 'staff') return showLogin('Solo el dueño del restaurante ve el historial. El personal de cocina usa /kitchen.');
    tenantId = me.tenantId || new URLSearchParams(location.search).get('tenant');
    if (!tenantId) return showLogin('Como administrador, abre /admin/pedidos?tenant=<id del restaurante>.');
    $('login').classList.add('hidden'); $('app').classList.remove('hidden'); $('signout').classList.remove('hidden');
    $('who').textContent = (me.email || '') + ' · ' + tenantId;
    search();
  }

  $('estado').replaceChildren(el('option', { value: '' }, 'Todos'), ...Object.entries(DATA.stateLabels).map(([k, v]) => el('option', { value: k }, v)));
  $('metodo').replaceChildren(el('option', { value: '' }, 'Todos'), ...DATA.methods.map((m) => el('option', { value: m.id }, m.name)));
  $('desde').value = today(); $('hasta').value = today();
  $('filters').addEventListener('submit', (event) => { event.preventDefault(); search(); });
  $('export').addEventListener('click', exportCsv);
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-button').disabled = true; $('login-error').textContent = '';
    try { await staffAuth.signIn($('email').value.trim(), $('password').value); await start(); }
    catch (e) { $('login-error').textContent = e.message; }
    finally { $('login-button').disabled = false; }
  });
  $('signout').addEventListener('click', () => { staffAuth.signOut(); showLogin(''); });
  if (staffAuth.session()) start(); else showLogin('');
})();
