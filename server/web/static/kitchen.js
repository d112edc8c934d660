// @ts-check
/**
 * `/kitchen`: open orders oldest first, fed by the server-sent events of
 * `/api/admin/tenants/{t}/orders/stream`; a beep (WebAudio, no file) when a new order arrives;
 * buttons per order to accept, reject with a reason, move it on or cancel it (#16); today's
 * delivered and cancelled orders in a tab; one-tap sold-out items and pauses; alerts for
 * customers who asked for a person. Uses `staffAuth`, `el` and `formatCOP` from staff-auth.js.
 */
(() => {
  /** @type {{ stateLabels: Record<string, string>, gatewayNames: Record<string, string>, testGateways: string[] }} */
  const KITCHEN = JSON.parse(document.getElementById('kitchen-data').textContent);
  const STATE_LABELS = KITCHEN.stateLabels;
  const GATEWAY_NAMES = KITCHEN.gatewayNames;
  const TEST_GATEWAYS = KITCHEN.testGateways;
  const OPEN = ['pendiente', 'aceptado', 'en_preparacion', 'en_camino'];
  const DONE = ['entregado', 'cancelado', 'rechazado'];
  /** Orders older than this are shown in red. */
  const LATE_AFTER_MIN = 30;
  const HANDOFF_POLL_MS = 15000;
  const CONTROLS_POLL_MS = 60000;
  const orders = new Map();
  let tenantId = null, source = null, ready = false, audio = null, reconnectTimer = null, view = 'open';
  let knownHandoffs = new Set();
  /** Form fields and buttons by id; `any`, since each is a different element type. @type {(id: string) => any} */
  const $ = (id) => document.getElementById(id);
  const api = (method, path, body) => staffAuth.api(method, '/api/admin/tenants/' + encodeURIComponent(tenantId) + path, body);

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
  const clock = (ms) => new Date(ms).toLocaleTimeString('es-CO', { hour: '2-digit', minute: '2-digit' });

  function paymentLine(o) {
    const p = o.pago || {};
    if (p.estado === 'completado') return el('p', { className: 'pay-ok' }, '💳 Pagado', p.gateway ? ' · ' + (GATEWAY_NAMES[p.gateway] || p.gateway) + (p.metodoPago && !TEST_GATEWAYS.includes(p.gateway) ? ' (' + p.metodoPago + ')' : '') : '');
    if (p.estado === 'contraentrega') return el('p', { className: 'pay-cash' }, '💵 Contra entrega: cobrar ', formatCOP(o.total));
    return el('p', { className: 'pay-cash' }, '💵 Sin pago en línea: cobrar ', formatCOP(o.total));
  }

  /** "Término: Medio · Adiciones: Queso, Tocineta". */
  function optionsText(opciones) {
    const groups = new Map();
    for (const op of opciones || []) groups.set(op.grupo, [...(groups.get(op.grupo) || []), op.valor]);
    return [...groups].map(([g, v]) => g + ': ' + v.join(', ')).join(' · ');
  }

  function line(i) {
    const opts = optionsText(i.opciones);
    return el('li', {}, el('b', {}, i.cantidad + ' × '), i.nombre, opts ? el('span', { className: 'opts' }, opts) : null, i.nota ? el('span', { className: 'opts nota' }, '📝 ' + i.nota) : null);
  }

  /** The buttons an order's state allows (server/admin/order-status.ts ORDER_TRANSITIONS). */
  function actions(o) {
    const pickup = o.tipoEntrega === 'recoger';
    const b = (label, cls, onclick, extra) => el('button', { className: cls, type: 'button', onclick, ...(extra || {}) }, label);
    const ticket = b('🖨 Ticket', 'secondary', () => openTicket(o), { 'aria-label': 'Imprimir ticket del pedido #' + o.id });
    switch (o.estado) {
      case 'pendiente': return [b('Aceptar', 'primary next', () => move(o, 'aceptado')), b('Rechazar', 'danger', () => askReason(o, 'rechazado')), ticket];
      case 'aceptado': return [b('En preparación', 'primary next', () => move(o, 'en_preparacion')), b('Cancelar', 'danger', () => askReason(o, 'cancelado')), ticket];
      case 'en_preparacion': return [b(pickup ? 'Listo para recoger' : 'En camino', 'primary next', () => move(o, 'en_camino')), b('Cancelar', 'danger', () => askReason(o, 'cancelado')), ticket];
      case 'en_camino': return [b('Entregado', 'primary next', () => move(o, 'entregado')), ticket];
      default: return [ticket];
    }
  }

  function card(o) {
    const mins = (Date.now() - o.timestamp) / 60000;
    const pickup = o.tipoEntrega === 'recoger';
    const done = DONE.includes(o.estado);
    return el('article', { className: 'order ' + o.estado + (o._nuevo ? ' nuevo' : ''), 'data-key': o.key, 'data-id': o.id, 'data-estado': o.estado, 'aria-label': 'Pedido #' + o.id },
      el('div', { className: 'top' }, el('span', { className: 'num' }, '#' + o.id),
        done ? el('span', { className: 'elapsed' }, clock(o.timestamp)) : el('span', { className: 'elapsed' + (mins > LATE_AFTER_MIN ? ' late' : ''), 'data-ts': o.timestamp }, elapsed(o.timestamp))),
      el('div', {}, el('span', { className: 'badge' }, STATE_LABELS[o.estado] || o.estado), ' ',
        pickup ? el('span', { className: 'badge pickup' }, '🥡 Recoger') : null,
        o.reembolsoPendiente ? el('span', { className: 'badge refund' }, 'reembolso pendiente') : null,
        o.nombreCliente ? ' ' + o.nombreCliente : ''),
      o.programadoPara ? el('p', { className: 'pay-cash' }, '⏰ Programado para ', new Date(o.programadoPara).toLocaleString('es-CO', { weekday: 'short', hour: '2-digit', minute: '2-digit' })) : null,
      el('ul', {}, (o.items || []).map(line)),
      pickup ? null : el('p', {}, '📍 ', o.direccion),
      el('p', {}, '📞 ', o.telefonoContacto || o.telefono),
      pickup ? null : el('p', {}, '🛵 Domicilio ', el('b', {}, formatCOP(o.domicilio || 0))),
      paymentLine(o),
      el('p', {}, 'Total ', el('b', {}, formatCOP(o.total))),
      o.motivo ? el('p', { className: 'muted' }, 'Motivo: ', o.motivo) : null,
      el('div', { className: 'actions' }, actions(o)));
  }

  const isToday = (ts) => new Date(ts).toDateString() === new Date().toDateString();

  function render() {
    const all = [...orders.values()];
    const open = all.filter((o) => OPEN.includes(o.estado)).sort((a, b) => a.timestamp - b.timestamp);
    const done = all.filter((o) => DONE.includes(o.estado) && isToday(o.estadoActualizado || o.timestamp)).sort((a, b) => b.timestamp - a.timestamp);
    $('count').textContent = open.length + (open.length === 1 ? ' pedido abierto' : ' pedidos abiertos');
    $('tab-open').textContent = 'Abiertos (' + open.length + ')';
    $('tab-done').textContent = 'Hoy: entregados y cancelados (' + done.length + ')';
    if (view === 'menu') return;
    const list = view === 'open' ? open : done;
    const empty = view === 'open' ? 'No hay pedidos abiertos. Los nuevos aparecen aquí solos.' : 'Hoy todavía no hay pedidos entregados ni cancelados.';
    $('board').replaceChildren(...(list.length ? list.map(card) : [el('p', { className: 'empty' }, empty)]));
  }

  function showView(next) {
    view = next;
    document.querySelectorAll('.tab').forEach((/** @type {HTMLElement} */ t) => t.setAttribute('aria-selected', String(t.dataset.view === next)));
    $('board').classList.toggle('hidden', next === 'menu');
    $('controls').classList.toggle('hidden', next !== 'menu');
    if (next === 'menu') loadControls();
    render();
  }

  function setStatus(text, cls) { const s = $('status'); s.textContent = text; s.className = cls || 'muted'; }

  async function move(o, estado, motivo) {
    const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('[data-key="' + CSS.escape(o.key) + '"] button'));
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const data = await api('PATCH', '/orders/' + encodeURIComponent(o.key), motivo ? { estado, motivo } : { estado });
      orders.set(o.key, { ...data.pedido, key: o.key });
      setStatus('Pedido #' + o.id + ': ' + STATE_LABELS[estado] + '.', 'ok');
    } catch (e) {
      setStatus('Pedido #' + o.id + ': ' + e.message, 'error');
    }
    render();
  }

  /** Rejecting or cancelling needs a reason the customer reads. */
  let pendingStop = null;
  function askReason(o, estado) {
    pendingStop = { o, estado };
    $('reason-title').textContent = (estado === 'rechazado' ? 'Rechazar' : 'Cancelar') + ' el pedido #' + o.id;
    $('reason').value = '';
    $('reason-dialog').showModal();
    $('reason').focus();
  }
  $('reason-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const motivo = $('reason').value.trim();
    if (!motivo || !pendingStop) return;
    $('reason-dialog').close();
    move(pendingStop.o, pendingStop.estado, motivo);
    pendingStop = null;
  });
  $('reason-cancel').addEventListener('click', () => { pendingStop = null; $('reason-dialog').close(); });

  function openTicket(o) {
    // window.open keeps this tab's sessionStorage (the sign-in) in the new one.
    window.open('/kitchen/ticket/' + encodeURIComponent(o.key) + '?tenant=' + encodeURIComponent(tenantId), '_blank');
  }

  // --- Sold-out items and pauses -------------------------------------------------------------

  const PAUSES = [{ tipo: 'pedidos', label: 'Pedidos' }, { tipo: 'domicilios', label: 'Solo domicilios (recoger sigue abierto)' }];

  function renderPauses(pausa) {
    const active = PAUSES.filter((p) => pausa[p.tipo]);
    $('pause-banner').classList.toggle('hidden', active.length === 0);
    $('pause-banner').textContent = active.map((p) => '⏸ ' + (p.tipo === 'pedidos' ? 'Pedidos' : 'Domicilios') + ' en pausa hasta las ' + clock(pausa[p.tipo])).join(' · ');
    $('pauses').replaceChildren(...PAUSES.map((p) => {
      const until = pausa[p.tipo];
      const b = (label, body, aria) => el('button', { className: 'secondary', type: 'button', 'aria-label': aria, onclick: () => setPause(p.tipo, body) }, label);
      return el('div', { className: 'pause-row', 'data-pausa': p.tipo, 'data-activa': until ? '1' : '0' },
        el('h3', {}, p.label, ': ', until ? el('span', { className: 'error' }, 'en pausa hasta las ' + clock(until)) : el('span', { className: 'ok' }, 'abiertos')),
        el('div', { className: 'actions' },
          until ? el('button', { className: 'primary', type: 'button', onclick: () => setPause(p.tipo, null) }, 'Reanudar ' + (p.tipo === 'pedidos' ? 'pedidos' : 'domicilios'))
            : [b('15 min', { minutos: 15 }, 'Pausar ' + p.tipo + ' 15 minutos'), b('30 min', { minutos: 30 }, 'Pausar ' + p.tipo + ' 30 minutos'), b('60 min', { minutos: 60 }, 'Pausar ' + p.tipo + ' 60 minutos'), b('Hasta el cierre', { hastaCierre: true }, 'Pausar ' + p.tipo + ' hasta el cierre')]));
    }));
  }

  async function setPause(tipo, body) {
    try {
      const data = body ? await api('PUT', '/pausa', { tipo, ...body }) : await api('DELETE', '/pausa/' + tipo);
      renderPauses(data.pausa);
      setStatus(body ? 'Pausa guardada.' : 'Reanudado.', 'ok');
    } catch (e) { setStatus(e.message, 'error'); }
  }

  function renderSoldOut(items) {
    $('soldout').replaceChildren(...items.map((i) => el('li', { className: i.disponible ? '' : 'out', 'data-item': i.itemId },
      el('span', { className: 'name' }, i.numero + '. ' + i.nombre),
      el('span', { className: 'badge' + (i.disponible ? '' : ' refund') }, i.disponible ? 'Disponible' : (i.agotadoHasta ? 'Agotado hoy' : 'Agotado')),
      el('button', { className: i.disponible ? 'danger' : 'primary', type: 'button', 'aria-label': (i.disponible ? 'Marcar agotado hoy: ' : 'Marcar disponible: ') + i.nombre, onclick: () => toggleItem(i) }, i.disponible ? 'Agotado hoy' : 'Disponible'))));
  }

  async function toggleItem(i) {
    try {
      const data = await api('PATCH', '/disponibilidad/' + encodeURIComponent(i.itemId), { disponible: !i.disponible, soloHoy: true });
      setStatus(data.item.nombre + ': ' + (data.item.disponible ? 'disponible.' : 'agotado hoy.'), 'ok');
      await loadControls();
    } catch (e) { setStatus(e.message, 'error'); }
  }

  async function loadControls() {
    try {
      const [menu, pausa] = await Promise.all([view === 'menu' ? api('GET', '/disponibilidad') : null, api('GET', '/pausa')]);
      if (menu) renderSoldOut(menu.items);
      renderPauses(pausa.pausa);
    } catch (e) { setStatus(e.message, 'error'); }
  }

  // --- Customers who asked for a person ------------------------------------------------------

  async function loadHandoffs() {
    try {
      const data = await api('GET', '/conversations');
      const waiting = data.conversaciones.filter((c) => c.estado === 'pendiente');
      if (waiting.some((c) => !knownHandoffs.has(c.waId))) beep();
      knownHandoffs = new Set(waiting.map((c) => c.waId));
      $('handoffs').replaceChildren(...waiting.map((c) => el('div', { className: 'handoff', 'data-cliente': c.waId },
        el('span', {}, '🙋 Un cliente pide hablar con una persona', c.nombre ? ': ' + c.nombre : '', ' · ', clock(c.desde)),
        el('a', { href: '/admin/conversaciones?tenant=' + encodeURIComponent(tenantId) + '&cliente=' + encodeURIComponent(c.waId) }, 'Abrir conversación'))));
    } catch (e) { /* shown again at the next poll */ }
  }

  // --- Live orders ---------------------------------------------------------------------------

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

  let timers = [];
  async function start() {
    let me;
    try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
    tenantId = me.tenantId || new URLSearchParams(location.search).get('tenant');
    $('login').classList.add('hidden'); $('app').classList.remove('hidden'); $('signout').classList.remove('hidden');
    $('who').textContent = (me.email || '') + ' · ' + (me.role === 'staff' ? 'cocina' : me.role === 'owner' ? 'dueño' : 'administrador') + (tenantId ? ' · ' + tenantId : '');
    if (!tenantId) return setStatus('Como administrador, abre /kitchen?tenant=<id del restaurante>.', 'error');
    connect();
    loadHandoffs(); loadControls();
    timers.forEach(clearInterval);
    timers = [setInterval(loadHandoffs, HANDOFF_POLL_MS), setInterval(loadControls, CONTROLS_POLL_MS)];
  }

  document.querySelectorAll('.tab').forEach((/** @type {HTMLElement} */ t) => t.addEventListener('click', () => showView(t.dataset.view)));
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    // Created on a user gesture, so browsers let it play the new-order beep later.
    try { audio = audio || new (window.AudioContext || /** @type {any} */ (window).webkitAudioContext)(); } catch (e) { /* no audio */ }
    $('login-button').disabled = true; $('login-error').textContent = '';
    try { await staffAuth.signIn($('email').value.trim(), $('password').value); await start(); }
    catch (e) { $('login-error').textContent = e.message; }
    finally { $('login-button').disabled = false; }
  });
  $('signout').addEventListener('click', () => { staffAuth.signOut(); orders.clear(); timers.forEach(clearInterval); showLogin(''); });
  setInterval(() => document.querySelectorAll('.elapsed[data-ts]').forEach((/** @type {HTMLElement} */ n) => { n.textContent = elapsed(Number(n.dataset.ts)); }), 30000);
  if (staffAuth.session()) start(); else showLogin('');
})();
