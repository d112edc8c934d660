// @ts-check
/**
 * `/kitchen`: open orders oldest first, fed by the server-sent events of
 * `/api/admin/tenants/{t}/orders/stream`; a beep (WebAudio, no file) when a new order arrives;
 * one button per order moves it to its next state. Uses `staffAuth`, `el` and `formatCOP` from staff-auth.js.
 */
(() => {
  /** @type {{ stateLabels: Record<string, string>, nextState: Record<string, string>, gatewayNames: Record<string, string>, testGateways: string[] }} */
  const KITCHEN = JSON.parse(document.getElementById('kitchen-data').textContent);
  const STATE_LABELS = KITCHEN.stateLabels;
  const NEXT_STATE = KITCHEN.nextState;
  const GATEWAY_NAMES = KITCHEN.gatewayNames;
  const TEST_GATEWAYS = KITCHEN.testGateways;
  const OPEN = ['pendiente', 'en_preparacion', 'en_camino'];
  /** Orders older than this are shown in red. */
  const LATE_AFTER_MIN = 30;
  const orders = new Map();
  let tenantId = null, source = null, ready = false, audio = null, reconnectTimer = null;
  /** Form fields and buttons by id; `any`, since each is a different element type. @type {(id: string) => any} */
  const $ = (id) => document.getElementById(id);

  function beep() {
    // Counted before playing, so the signal is observable even on a device without audio.
    const w = /** @type {any} */ (window);
    w.__kitchenBeeps = (w.__kitchenBeeps || 0) + 1;
    try {
      audio = audio || new (window.AudioContext || w.webkitAudioContext)();
      const t = audio.currentTime;
      [0, 0.25].forEach((offset) => {
        const osc = audio.createOscillator(), gain = audio.createGain();
        osc.type = 'sine'; osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, t + offset);
        gain.gain.exponentialRampToValueAtTime(0.4, t + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + offset + 0.2);
        osc.connect(gain).connect(audio.destination);
        osc.start(t + offset); osc.stop(t + offset + 0.22);
      });
    } catch (e) { /* no audio device: the flashing card still shows the new order */ }
  }

  function elapsed(ts) {
    const min = Math.max(0, Math.floor((Date.now() - ts) / 60000));
    return min < 60 ? 'hace ' + min + ' min' : 'hace ' + Math.floor(min / 60) + ' h ' + (min % 60) + ' min';
  }

  function paymentLine(o) {
    const p = o.pago || {};
    if (p.estado === 'completado') return el('p', { className: 'pay-ok' }, '💳 Pagado', p.gateway ? ' · ' + (GATEWAY_NAMES[p.gateway] || p.gateway) + (p.metodoPago && !TEST_GATEWAYS.includes(p.gateway) ? ' (' + p.metodoPago + ')' : '') : '');
    if (p.estado === 'contraentrega') return el('p', { className: 'pay-cash' }, '💵 Contra entrega: cobrar ', formatCOP(o.total));
    return el('p', { className: 'pay-cash' }, '💵 Sin pago en línea: cobrar ', formatCOP(o.total));
  }

  function card(o) {
    const next = NEXT_STATE[o.estado];
    const mins = (Date.now() - o.timestamp) / 60000;
    return el('article', { className: 'order ' + o.estado + (o._nuevo ? ' nuevo' : ''), 'data-key': o.key, 'data-id': o.id, 'data-estado': o.estado },
      el('div', { className: 'top' }, el('span', { className: 'num' }, '#' + o.id), el('span', { className: 'elapsed' + (mins > LATE_AFTER_MIN ? ' late' : ''), 'data-ts': o.timestamp }, elapsed(o.timestamp))),
      el('div', {}, el('span', { className: 'badge' }, STATE_LABELS[o.estado] || o.estado), o.nombreCliente ? ' ' + o.nombreCliente : ''),
      el('ul', {}, (o.items || []).map((i) => el('li', {}, el('b', {}, i.cantidad + ' × '), i.nombre, i.nota ? el('em', { className: 'nota' }, ' — ' + i.nota) : null))),
      el('p', {}, '📍 ', o.direccion),
      el('p', {}, '📞 ', o.telefonoContacto || o.telefono),
      paymentLine(o),
      el('p', {}, 'Total ', el('b', {}, formatCOP(o.total))),
      el('div', { className: 'actions' },
        next ? el('button', { className: 'primary next', type: 'button', onclick: () => move(o, next) }, STATE_LABELS[next]) : null,
        o.estado === 'pendiente' || o.estado === 'en_preparacion' ? el('button', { className: 'danger', type: 'button', onclick: () => { if (confirm('¿Cancelar el pedido #' + o.id + '?')) move(o, 'cancelado'); } }, 'Cancelar') : null));
  }

  function render() {
    const open = [...orders.values()].filter((o) => OPEN.includes(o.estado)).sort((a, b) => a.timestamp - b.timestamp);
    const board = $('board');
    board.replaceChildren(...(open.length ? open.map(card) : [el('p', { className: 'empty' }, 'No hay pedidos abiertos. Los nuevos aparecen aquí solos.')]));
    $('count').textContent = open.length + (open.length === 1 ? ' pedido abierto' : ' pedidos abiertos');
  }

  function setStatus(text, cls) { const s = $('status'); s.textContent = text; s.className = cls || 'muted'; }

  async function move(o, estado) {
    const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('[data-key="' + CSS.escape(o.key) + '"] button'));
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const data = await staffAuth.api('PATCH', '/api/admin/tenants/' + encodeURIComponent(tenantId) + '/orders/' + encodeURIComponent(o.key), { estado });
      orders.set(o.key, { ...data.pedido, key: o.key });
      setStatus('Pedido #' + o.id + ': ' + STATE_LABELS[estado] + '.', 'ok');
    } catch (e) {
      setStatus('Pedido #' + o.id + ': ' + e.message, 'error');
    }
    render();
  }

  async function connect() {
    clearTimeout(reconnectTimer);
    if (source) source.close();
    let token;
    try { token = await staffAuth.token(false); } catch (e) { return showLogin(e.message); }
    if (!token) return showLogin('');
    // Orders sent before "listo" were already there when the board connected: no beep for them.
    ready = false;
    source = new EventSource('/api/admin/tenants/' + encodeURIComponent(tenantId) + '/orders/stream?token=' + encodeURIComponent(token));
    source.addEventListener('open', () => setStatus('Conectado. Los pedidos nuevos aparecen solos.', 'muted'));
    source.addEventListener('pedido', (e) => {
      const o = JSON.parse(e.data);
      const isNew = ready && !orders.has(o.key) && OPEN.includes(o.estado);
      orders.set(o.key, { ...o, _nuevo: isNew });
      if (isNew) beep();
      render();
    });
    source.addEventListener('listo', () => { ready = true; document.body.dataset.listo = '1'; });
    source.addEventListener('eliminado', (e) => { orders.delete(JSON.parse(e.data).key); render(); });
    source.addEventListener('expirado', () => { source.close(); staffAuth.token(true).then(connect, (e) => showLogin(e.message)); });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        setStatus('Sin conexión; reintentando…', 'error');
        reconnectTimer = setTimeout(() => staffAuth.token(true).then(connect, (e) => showLogin(e.message)), 3000);
      } else setStatus('Reconectando…', 'muted');
    });
  }

  function showLogin(message) {
    if (source) source.close();
    $('login').classList.remove('hidden'); $('app').classList.add('hidden'); $('signout').classList.add('hidden');
    $('login-error').textContent = message || '';
  }

  async function start() {
    let me;
    try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
    tenantId = me.tenantId || new URLSearchParams(location.search).get('tenant');
    $('login').classList.add('hidden'); $('app').classList.remove('hidden'); $('signout').classList.remove('hidden');
    $('who').textContent = (me.email || '') + ' · ' + (me.role === 'staff' ? 'cocina' : me.role === 'owner' ? 'dueño' : 'administrador') + (tenantId ? ' · ' + tenantId : '');
    if (!tenantId) return setStatus('Como administrador, abre /kitchen?tenant=<id del restaurante>.', 'error');
    connect();
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    // Created on a user gesture, so browsers let it play the new-order beep later.
    try { audio = audio || new (window.AudioContext || /** @type {any} */ (window).webkitAudioContext)(); } catch (e) { /* no audio */ }
    $('login-button').disabled = true; $('login-error').textContent = '';
    try { await staffAuth.signIn($('email').value.trim(), $('password').value); await start(); }
    catch (e) { $('login-error').textContent = e.message; }
    finally { $('login-button').disabled = false; }
  });
  $('signout').addEventListener('click', () => { staffAuth.signOut(); orders.clear(); showLogin(''); });
  setInterval(() => document.querySelectorAll('.elapsed[data-ts]').forEach((/** @type {HTMLElement} */ n) => { n.textContent = elapsed(Number(n.dataset.ts)); }), 30000);
  if (staffAuth.session()) start(); else showLogin('');
})();
