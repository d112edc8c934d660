// @ts-check
/**
 * `/admin/conversaciones`: customers who asked for a person (#16), their transcript, a reply
 * box (sent through the outbox by `POST …/conversations/{waId}/messages`) and "Devolver al bot".
 * Owners and kitchen staff alike. Uses `staffAuth` and `el` from staff-auth.js.
 */
(() => {
  /** @type {(id: string) => any} */
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 5000;
  const WHO = { cliente: 'Cliente', bot: 'Bot', personal: 'Personal' };
  let tenantId = null, current = null, timer = null;
  const base = () => '/api/admin/tenants/' + encodeURIComponent(tenantId) + '/conversations';
  const say = (id, text, ok) => { $(id).textContent = text; $(id).className = ok ? 'ok' : 'error'; };
  const clock = (ms) => new Date(ms).toLocaleString('es-CO', { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' });
  /** The last 4 digits only: enough to tell customers apart on a shared screen. */
  const masked = (waId) => '•••' + String(waId).slice(-4);

  async function loadList() {
    try {
      const data = await staffAuth.api('GET', base());
      $('list').replaceChildren(...data.conversaciones.map((c) => el('li', {}, el('button', { type: 'button', 'data-cliente': c.waId, 'aria-current': String(c.waId === current), onclick: () => open(c.waId) },
        (c.nombre || 'Cliente ' + masked(c.waId)), ' · ', c.estado === 'pendiente' ? 'espera desde ' : 'atendido desde ', clock(c.desde)))));
      $('list-msg').textContent = data.conversaciones.length ? '' : 'Nadie está esperando a una persona.';
    } catch (e) { say('list-msg', e.message, false); }
  }

  async function loadChat() {
    if (!current) return;
    try {
      const c = await staffAuth.api('GET', base() + '/' + encodeURIComponent(current));
      $('chat-title').textContent = 'Cliente ' + masked(c.waId) + (c.atencion ? ' · atendido por una persona' : ' · con el bot');
      $('transcript').replaceChildren(...c.mensajes.map((m) => el('li', { className: m.de }, el('small', {}, WHO[m.de] || m.de, ' · ', clock(m.fecha)), m.texto)));
      const last = $('transcript').lastElementChild;
      if (last) last.scrollIntoView({ block: 'nearest' });
      $('reply-form').classList.remove('hidden');
      $('handback').disabled = !c.atencion;
    } catch (e) { say('chat-msg', e.message, false); }
  }

  function open(waId) {
    current = waId;
    const url = new URL(location.href); url.searchParams.set('cliente', waId); history.replaceState(null, '', url);
    $('chat-msg').textContent = '';
    loadList(); loadChat();
  }

  $('reply-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const texto = $('reply').value.trim();
    if (!texto || !current) return;
    $('send').disabled = true;
    try {
      await staffAuth.api('POST', base() + '/' + encodeURIComponent(current) + '/messages', { texto });
      $('reply').value = '';
      say('chat-msg', 'Enviado. El bot queda en silencio con este cliente hasta que lo devuelvas.', true);
      await Promise.all([loadChat(), loadList()]);
    } catch (e) { say('chat-msg', e.message, false); }
    finally { $('send').disabled = false; }
  });
  $('handback').addEventListener('click', async () => {
    if (!current) return;
    try {
      const r = await staffAuth.api('POST', base() + '/' + encodeURIComponent(current) + '/handback');
      say('chat-msg', r.devuelto ? 'Devuelto al bot; se le avisó al cliente.' : 'Este cliente ya estaba con el bot.', true);
      await Promise.all([loadChat(), loadList()]);
    } catch (e) { say('chat-msg', e.message, false); }
  });

  function showLogin(message) {
    $('login').classList.remove('hidden'); $('app').classList.add('hidden'); $('signout').classList.add('hidden');
    $('login-error').textContent = message || '';
  }

  async function start() {
    let me;
    try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
    const params = new URLSearchParams(location.search);
    tenantId = me.tenantId || params.get('tenant');
    if (!tenantId) return showLogin('Como administrador, abre /admin/conversaciones?tenant=<id del restaurante>.');
    $('login').classList.add('hidden'); $('app').classList.remove('hidden'); $('signout').classList.remove('hidden');
    $('who').textContent = (me.email || '') + ' · ' + tenantId;
    current = params.get('cliente');
    loadList(); loadChat();
    clearInterval(timer);
    timer = setInterval(() => { loadList(); loadChat(); }, POLL_MS);
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-button').disabled = true; $('login-error').textContent = '';
    try { await staffAuth.signIn($('email').value.trim(), $('password').value); await start(); }
    catch (e) { $('login-error').textContent = e.message; }
    finally { $('login-button').disabled = false; }
  });
  $('signout').addEventListener('click', () => { staffAuth.signOut(); clearInterval(timer); showLogin(''); });
  if (staffAuth.session()) start(); else showLogin('');
})();
