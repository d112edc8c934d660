// @ts-check
/**
 * `/kitchen/ticket/{orderKey}`: one order as an 80 mm thermal-printer ticket (#16), loaded
 * with the board's sign-in from `GET /api/admin/tenants/{t}/orders/{key}` and printed with the
 * browser's print dialog. Uses `staffAuth`, `el` and `formatCOP` from staff-auth.js.
 */
(() => {
  /** @type {{ orderKey: string, stateLabels: Record<string, string>, gatewayNames: Record<string, string> }} */
  const TICKET = JSON.parse(document.getElementById('ticket-data').textContent);
  /** @type {(id: string) => any} */
  const $ = (id) => document.getElementById(id);

  function payment(o) {
    const p = o.pago || {};
    if (p.estado === 'completado') return 'PAGADO' + (p.gateway ? ' · ' + (TICKET.gatewayNames[p.gateway] || p.gateway) : '') + (p.metodoPago ? ' ' + p.metodoPago : '');
    if (p.estado === 'contraentrega') return 'CONTRA ENTREGA: cobrar ' + formatCOP(o.total);
    return 'SIN PAGO EN LÍNEA: cobrar ' + formatCOP(o.total);
  }

  function ticket(o) {
    const pickup = o.tipoEntrega === 'recoger';
    const when = new Date(o.timestamp).toLocaleString('es-CO', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    const rows = (o.items || []).flatMap((i) => [
      el('tr', {}, el('td', {}, i.cantidad + ' x ' + i.nombre), el('td', { className: 'r' }, formatCOP(i.precio * i.cantidad))),
      ...(i.opciones || []).map((op) => el('tr', {}, el('td', { className: 'opt', colspan: '2' }, '+ ' + op.grupo + ': ' + op.valor + (op.precio ? ' (+' + formatCOP(op.precio) + ' incluido)' : '')))),
      ...(i.nota ? [el('tr', {}, el('td', { className: 'nota', colspan: '2' }, 'NOTA: ' + i.nota))] : []),
    ]);
    return [
      el('h1', {}, o.restaurante || ''),
      el('p', { className: 'num' }, 'Pedido #' + o.id),
      el('p', { className: 'center' }, when, ' · ', TICKET.stateLabels[o.estado] || o.estado),
      o.programadoPara ? el('p', { className: 'center big' }, 'PROGRAMADO: ' + new Date(o.programadoPara).toLocaleString('es-CO', { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' })) : null,
      el('hr', {}),
      el('table', {}, el('tbody', {}, rows,
        el('tr', {}, el('td', {}, pickup ? 'Recoger en el local' : 'Domicilio'), el('td', { className: 'r' }, pickup ? '—' : formatCOP(o.domicilio || 0))),
        el('tr', { className: 'total' }, el('td', {}, 'TOTAL'), el('td', { className: 'r' }, formatCOP(o.total))))),
      el('hr', {}),
      el('p', { className: 'big' }, payment(o)),
      o.reembolsoPendiente ? el('p', { className: 'big' }, 'REEMBOLSO PENDIENTE') : null,
      el('hr', {}),
      pickup ? el('p', { className: 'big' }, 'RECOGER') : el('p', {}, 'Dirección: ', el('b', {}, o.direccion)),
      o.nombreCliente ? el('p', {}, 'Cliente: ', o.nombreCliente) : null,
      el('p', {}, 'Teléfono: ', el('b', {}, o.telefonoContacto || o.telefono)),
      o.motivo ? el('p', {}, 'Motivo: ', o.motivo) : null,
    ];
  }

  function showLogin(message) {
    $('login').classList.remove('hidden'); $('app').classList.add('hidden');
    $('login-error').textContent = message || '';
  }

  async function start() {
    let me;
    try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
    const tenantId = me.tenantId || new URLSearchParams(location.search).get('tenant');
    $('login').classList.add('hidden'); $('app').classList.remove('hidden');
    if (!tenantId) { $('status').textContent = 'Falta el restaurante: abre el ticket desde la cocina.'; return; }
    try {
      const data = await staffAuth.api('GET', '/api/admin/tenants/' + encodeURIComponent(tenantId) + '/orders/' + encodeURIComponent(TICKET.orderKey));
      $('ticket').replaceChildren(...ticket(data.pedido).filter(Boolean));
      document.title = 'Ticket #' + data.pedido.id;
      document.body.dataset.listo = '1';
    } catch (e) { $('status').textContent = e.message; $('status').className = 'error'; }
  }

  $('print').addEventListener('click', () => window.print());
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-button').disabled = true; $('login-error').textContent = '';
    try { await staffAuth.signIn($('email').value.trim(), $('password').value); await start(); }
    catch (e) { $('login-error').textContent = e.message; }
    finally { $('login-button').disabled = false; }
  });
  if (staffAuth.session()) start(); else showLogin('');
})();
