// @ts-check
/**
 * `/admin/restaurante`: the owner's restaurant settings (#16, #15): opening hours, delivery
 * zones, one menu item's option groups, the staff handoff idle time and the WhatsApp utility
 * templates. Each section loads and saves its own part of `/api/admin/tenants/{t}/…`; a 400's
 * problems are shown next to the field they name (`data-path` = the issue's path). Uses
 * `staffAuth`, `el` and `formatCOP` from staff-auth.js.
 */
(() => {
  /** @type {{ dias: Array<{ id: string, nombre: string }>, plantillas: Array<{ id: string, nombre: string }> }} */
  const DATA = JSON.parse(document.getElementById('restaurant-data').textContent);
  /** @type {(id: string) => any} */
  const $ = (id) => document.getElementById(id);
  let tenantId = null;
  const base = () => '/api/admin/tenants/' + encodeURIComponent(tenantId);
  let seq = 0;
  const uid = (p) => p + '-' + (++seq);

  /** A labelled input bound to `obj[key]`; `kind` says how the text becomes a value. */
  function field(label, obj, key, path, opts) {
    const o = opts || {};
    const id = uid('f');
    const kind = o.kind || 'text';
    const value = obj[key] === undefined || obj[key] === null ? '' : String(obj[key]);
    const input = el('input', {
      id, 'data-path': path, value, type: kind === 'number' ? 'number' : kind === 'date' ? 'date' : 'text',
      inputmode: kind === 'time' ? 'numeric' : kind === 'number' ? 'decimal' : undefined,
      placeholder: o.placeholder, step: kind === 'number' ? (o.step || '1') : undefined, autocomplete: 'off',
      oninput: (/** @type {Event} */ e) => {
        const v = /** @type {HTMLInputElement} */ (e.target).value.trim();
        if (kind === 'number') obj[key] = v === '' ? undefined : Number(v);
        else if (kind === 'list') obj[key] = v === '' ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
        else obj[key] = v === '' ? undefined : v;
      },
    });
    if (kind === 'list') input.value = Array.isArray(obj[key]) ? obj[key].join(', ') : '';
    return el('div', {}, el('label', { for: id }, label), input);
  }

  function check(label, obj, key, path, onchange) {
    const id = uid('c');
    return el('label', { className: 'check', for: id },
      el('input', { id, type: 'checkbox', 'data-path': path, checked: !!obj[key], onchange: (/** @type {Event} */ e) => { obj[key] = /** @type {HTMLInputElement} */ (e.target).checked; if (onchange) onchange(); } }),
      label);
  }

  const button = (text, className, onclick, extra) => el('button', { type: 'button', className, onclick, ...(extra || {}) }, text);

  /** The save row of a section: button and a status line. */
  function actions(form, label) {
    return el('div', { className: 'actions' }, el('button', { type: 'submit', className: 'primary' }, label || 'Guardar'), el('p', { className: 'status', role: 'status', 'data-form': form.id }));
  }

  function say(form, text, ok) {
    const status = form.querySelector('.status');
    if (status) { status.textContent = text; status.className = 'status ' + (ok ? 'ok' : 'error'); }
  }

  /** Shows each issue under the closest field its path names; the rest in the status line. */
  function showIssues(form, error) {
    form.querySelectorAll('.field-error').forEach((n) => n.remove());
    form.querySelectorAll('.invalid').forEach((n) => n.classList.remove('invalid'));
    const issues = (error.data && error.data.error && error.data.error.issues) || [];
    const loose = [];
    for (const issue of issues) {
      const parts = String(issue.path).split('.');
      let target = null;
      for (let n = parts.length; n > 0 && !target; n--) target = form.querySelector('[data-path="' + CSS.escape(parts.slice(0, n).join('.')) + '"]');
      if (!target) { loose.push(issue.message); continue; }
      target.classList.add('invalid');
      const holder = target.closest('div, fieldset, label') || target;
      holder.append(el('p', { className: 'field-error', role: 'alert' }, issue.message));
    }
    say(form, issues.length ? 'Revisa los campos marcados.' + (loose.length ? ' ' + loose.join('; ') : '') : error.message, false);
    const first = form.querySelector('.invalid');
    if (first) first.focus();
  }

  function clearIssues(form) {
    form.querySelectorAll('.field-error').forEach((n) => n.remove());
    form.querySelectorAll('.invalid').forEach((n) => n.classList.remove('invalid'));
  }

  /** Wires a form's submit to `save`, with status and field problems. */
  function onSave(form, save) {
    form.onsubmit = async (/** @type {Event} */ event) => {
      event.preventDefault();
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      clearIssues(form);
      say(form, 'Guardando…', true);
      try { await save(); say(form, 'Guardado.', true); }
      catch (e) { showIssues(form, e); }
      finally { submit.disabled = false; }
    };
  }

  /** Ranges of a day or exception, each ["HH:MM","HH:MM"], editable in place. */
  function rangesEditor(ranges, path, rerender) {
    return el('div', { className: 'ranges', 'data-path': path },
      ranges.map((range, i) => el('div', { className: 'row' },
        field('Abre', range, 0, path + '.' + i + '.0', { kind: 'time', placeholder: 'HH:MM' }),
        field('Cierra', range, 1, path + '.' + i + '.1', { kind: 'time', placeholder: 'HH:MM' }),
        button('✕', 'remove', () => { ranges.splice(i, 1); rerender(); }, { 'aria-label': 'Quitar horario ' + (range[0] || '') + '–' + (range[1] || '') }))),
      button('+ Agregar horario', 'secondary add', () => { ranges.push(['', '']); rerender(); }));
  }

  // ---- Horario -------------------------------------------------------------------------
  let horario = null;
  let horarioOn = false;
  function renderHorario() {
    const form = $('horario-form');
    const h = horario;
    const parts = [check('Usar horario (sin horario, el restaurante está siempre abierto)', { v: horarioOn }, 'v', 'horario', () => { horarioOn = !horarioOn; renderHorario(); })];
    if (horarioOn) {
      parts.push(
        el('div', { className: 'grid2' },
          field('Zona horaria', h, 'zona', 'horario.zona', { placeholder: 'America/Bogota' }),
          field('Corte antes del cierre (minutos)', h, 'corteMinutos', 'horario.corteMinutos', { kind: 'number' })),
        check('Festivos de Colombia con el horario del domingo', h, 'festivos', 'horario.festivos'),
        check('Aceptar pedidos programados cuando está cerrado', h, 'pedidosProgramados', 'horario.pedidosProgramados'),
        el('p', { className: 'muted' }, 'Un día sin horarios está cerrado. Un cierre antes de la apertura pasa la medianoche (p. ej. 18:00–02:00).'),
        DATA.dias.map((d) => {
          h.dias[d.id] = h.dias[d.id] || [];
          return el('fieldset', { 'data-path': 'horario.dias.' + d.id }, el('legend', {}, d.nombre), rangesEditor(h.dias[d.id], 'horario.dias.' + d.id, renderHorario));
        }),
        el('h3', {}, 'Excepciones por fecha'),
        h.excepciones.map((x, i) => el('fieldset', { className: 'group', 'data-path': 'horario.excepciones.' + i },
          el('legend', {}, x.fecha || 'Nueva fecha'),
          el('div', { className: 'row' }, field('Fecha', x, 'fecha', 'horario.excepciones.' + i + '.fecha', { kind: 'date' }), button('Quitar fecha', 'remove', () => { h.excepciones.splice(i, 1); renderHorario(); })),
          check('Cerrado todo el día', { v: x.rangos.length === 0 }, 'v', 'horario.excepciones.' + i + '.cerrado', () => { x.rangos = x.rangos.length ? [] : [['', '']]; renderHorario(); }),
          x.rangos.length ? rangesEditor(x.rangos, 'horario.excepciones.' + i + '.rangos', renderHorario) : null)),
        button('+ Agregar fecha especial', 'secondary add', () => { h.excepciones.push({ fecha: '', rangos: [] }); renderHorario(); }),
      );
    }
    form.replaceChildren(...parts.flat(), actions(form, 'Guardar horario'));
  }
  function horarioBody() {
    if (!horarioOn) return { horario: null };
    const h = horario;
    const dias = {};
    for (const d of DATA.dias) if (h.dias[d.id] && h.dias[d.id].length) dias[d.id] = h.dias[d.id].map((r) => [r[0] || '', r[1] || '']);
    const out = { festivos: !!h.festivos, pedidosProgramados: !!h.pedidosProgramados, dias, excepciones: h.excepciones.map((x) => ({ fecha: x.fecha || '', rangos: x.rangos.map((r) => [r[0] || '', r[1] || '']), ...(x.motivo ? { motivo: x.motivo } : {}) })) };
    if (h.zona) out.zona = h.zona;
    if (h.corteMinutos !== undefined) out.corteMinutos = h.corteMinutos;
    return { horario: out };
  }
  async function loadHorario() {
    const r = await staffAuth.api('GET', base() + '/horario');
    horarioOn = !!r.horario;
    const h = r.horario || { zona: r.zonaPorDefecto, festivos: true, corteMinutos: 0, pedidosProgramados: false, dias: {}, excepciones: [] };
    horario = { ...h, dias: { ...(h.dias || {}) }, excepciones: (h.excepciones || []).map((x) => ({ ...x, rangos: x.rangos || [] })) };
    renderHorario();
    onSave($('horario-form'), async () => {
      const saved = await staffAuth.api('PUT', base() + '/horario', horarioBody());
      if (!saved.horario) { horarioOn = false; renderHorario(); }
    });
  }

  // ---- Domicilios ----------------------------------------------------------------------
  let domicilios = null;
  let domiciliosOn = false;
  function renderDomicilios() {
    const form = $('domicilios-form');
    const d = domicilios;
    const parts = [check('Cobrar domicilio por zonas (sin esto, no hay tarifa ni revisión de zona)', { v: domiciliosOn }, 'v', 'domicilios', () => { domiciliosOn = !domiciliosOn; renderDomicilios(); })];
    if (domiciliosOn) {
      parts.push(
        check('Ofrecer recoger en el restaurante', d, 'recoger', 'domicilios.recoger'),
        el('fieldset', { 'data-path': 'domicilios.ubicacion' }, el('legend', {}, 'Ubicación del restaurante (para zonas por distancia)'),
          el('div', { className: 'grid2' },
            field('Latitud', d.ubicacion, 'latitud', 'domicilios.ubicacion.latitud', { kind: 'number', step: 'any', placeholder: '4.6486' }),
            field('Longitud', d.ubicacion, 'longitud', 'domicilios.ubicacion.longitud', { kind: 'number', step: 'any', placeholder: '-74.0628' }))),
        el('div', { 'data-path': 'domicilios.zonas' },
          d.zonas.map((z, i) => {
            const p = 'domicilios.zonas.' + i;
            return el('fieldset', { className: 'group', 'data-path': p }, el('legend', {}, z.nombre || 'Nueva zona'),
              field('Nombre de la zona', z, 'nombre', p + '.nombre'),
              field('Barrios (separados por comas)', z, 'barrios', p + '.barrios', { kind: 'list', placeholder: 'Chapinero, Chapinero Alto' }),
              el('div', { className: 'grid2' },
                field('Radio (km)', z, 'radioKm', p + '.radioKm', { kind: 'number', step: 'any' }),
                field('Tarifa ($)', z, 'tarifa', p + '.tarifa', { kind: 'number' }),
                field('Pedido mínimo ($)', z, 'minimo', p + '.minimo', { kind: 'number' }),
                field('Gratis desde ($)', z, 'gratisDesde', p + '.gratisDesde', { kind: 'number' })),
              button('Quitar zona', 'remove add', () => { d.zonas.splice(i, 1); renderDomicilios(); }));
          })),
        button('+ Agregar zona', 'secondary add', () => { d.zonas.push({ nombre: '' }); renderDomicilios(); }),
      );
    }
    form.replaceChildren(...parts, actions(form, 'Guardar domicilios'));
  }
  function domiciliosBody() {
    if (!domiciliosOn) return { domicilios: null };
    const d = domicilios;
    const u = d.ubicacion;
    const out = { recoger: !!d.recoger, zonas: d.zonas.map((z) => Object.fromEntries(Object.entries(z).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length)))) };
    if (u.latitud !== undefined || u.longitud !== undefined) out.ubicacion = { latitud: u.latitud, longitud: u.longitud };
    return { domicilios: out };
  }
  async function loadDomicilios() {
    const r = await staffAuth.api('GET', base() + '/domicilios');
    domiciliosOn = !!r.domicilios;
    const d = r.domicilios || { recoger: true, zonas: [] };
    domicilios = { recoger: d.recoger, ubicacion: { ...(d.ubicacion || {}) }, zonas: (d.zonas || []).map((z) => ({ ...z })) };
    renderDomicilios();
    onSave($('domicilios-form'), async () => { await staffAuth.api('PUT', base() + '/domicilios', domiciliosBody()); });
  }

  // ---- Item options --------------------------------------------------------------------
  let items = [];
  let itemId = '';
  let groups = [];
  function renderOptions() {
    const form = $('opciones-form');
    const pick = uid('item');
    const parts = [
      el('label', { for: pick }, 'Producto'),
      el('select', { id: pick, 'data-path': 'item', onchange: (/** @type {Event} */ e) => selectItem(/** @type {HTMLSelectElement} */ (e.target).value) },
        el('option', { value: '' }, items.length ? 'Elige un producto…' : 'El menú está vacío'),
        items.map((it) => el('option', { value: it.itemId, selected: it.itemId === itemId }, it.numero + '. ' + it.nombre + ' · ' + formatCOP(it.precio)))),
    ];
    if (itemId) {
      parts.push(
        el('p', { className: 'muted' }, 'Ejemplo: "Término", mínimo 1 y máximo 1 (obligatorio); "Adiciones", mínimo 0 y máximo 3. El precio se suma por unidad.'),
        el('div', { 'data-path': 'opciones' }, groups.map((g, i) => {
          const p = 'opciones.' + i;
          return el('fieldset', { className: 'group', 'data-path': p }, el('legend', {}, g.nombre || 'Nuevo grupo'),
            field('Nombre del grupo', g, 'nombre', p + '.nombre', { placeholder: 'Término' }),
            el('div', { className: 'grid2' }, field('Mínimo', g, 'min', p + '.min', { kind: 'number' }), field('Máximo', g, 'max', p + '.max', { kind: 'number' })),
            el('div', { 'data-path': p + '.valores' }, g.valores.map((v, j) => el('div', { className: 'row' },
              field('Opción', v, 'nombre', p + '.valores.' + j + '.nombre'),
              field('Precio ($)', v, 'precio', p + '.valores.' + j + '.precio', { kind: 'number' }),
              button('✕', 'remove', () => { g.valores.splice(j, 1); renderOptions(); }, { 'aria-label': 'Quitar opción ' + (v.nombre || '') })))),
            el('div', { className: 'row' },
              button('+ Agregar opción', 'secondary add', () => { g.valores.push({ nombre: '', precio: 0 }); renderOptions(); }),
              button('Quitar grupo', 'remove add', () => { groups.splice(i, 1); renderOptions(); })));
        })),
        button('+ Agregar grupo de opciones', 'secondary add', () => { groups.push({ nombre: '', min: 0, max: 1, valores: [{ nombre: '', precio: 0 }] }); renderOptions(); }),
        actions(form, 'Guardar opciones'),
      );
    }
    form.replaceChildren(...parts);
  }
  async function selectItem(id) {
    itemId = id;
    groups = [];
    if (id) {
      const r = await staffAuth.api('GET', base() + '/menu/' + encodeURIComponent(id) + '/opciones');
      groups = r.opciones.map((g) => ({ ...g, valores: g.valores.map((v) => ({ ...v })) }));
    }
    renderOptions();
  }
  async function loadOptions() {
    items = (await staffAuth.api('GET', base() + '/menu')).items;
    renderOptions();
    onSave($('opciones-form'), async () => {
      const r = await staffAuth.api('PUT', base() + '/menu/' + encodeURIComponent(itemId) + '/opciones', { opciones: groups });
      groups = r.opciones.map((g) => ({ ...g, valores: g.valores.map((v) => ({ ...v })) }));
      renderOptions();
    });
  }

  // ---- Atención ------------------------------------------------------------------------
  async function loadAtencion() {
    const atencion = (await staffAuth.api('GET', base() + '/atencion')).atencion;
    const form = $('atencion-form');
    form.replaceChildren(
      el('p', { className: 'muted' }, 'Cuando una persona atiende un chat, el bot calla. Si nadie escribe en este tiempo, el bot vuelve y se lo dice al cliente.'),
      field('Minutos sin respuesta antes de que el bot vuelva', atencion, 'minutosInactividad', 'atencion.minutosInactividad', { kind: 'number' }),
      actions(form, 'Guardar atención'));
    onSave(form, async () => { await staffAuth.api('PUT', base() + '/atencion', { atencion }); });
  }

  // ---- WhatsApp templates (#15) --------------------------------------------------------
  async function loadTemplates() {
    const stored = (await staffAuth.api('GET', base() + '/whatsapp/plantillas')).plantillas || {};
    const rows = Object.fromEntries(DATA.plantillas.map((t) => [t.id, { nombre: (stored[t.id] && stored[t.id].nombre) || undefined, idioma: (stored[t.id] && stored[t.id].idioma) || 'es_CO' }]));
    const form = $('plantillas-form');
    form.replaceChildren(
      ...DATA.plantillas.map((t) => el('fieldset', { 'data-path': 'plantillas.' + t.id }, el('legend', {}, t.nombre),
        el('div', { className: 'grid2' },
          field('Nombre de la plantilla', rows[t.id], 'nombre', 'plantillas.' + t.id + '.nombre', { placeholder: t.id }),
          field('Idioma', rows[t.id], 'idioma', 'plantillas.' + t.id + '.idioma', { placeholder: 'es_CO' })))),
      actions(form, 'Guardar plantillas'));
    onSave(form, async () => {
      const plantillas = {};
      for (const [k, v] of Object.entries(rows)) if (v.nombre) plantillas[k] = { nombre: v.nombre, idioma: v.idioma || 'es_CO' };
      await staffAuth.api('PUT', base() + '/whatsapp/plantillas', { plantillas });
    });
  }

  // ---- Sign-in -------------------------------------------------------------------------
  function showLogin(message) {
    $('login').classList.remove('hidden'); $('app').classList.add('hidden'); $('signout').classList.add('hidden');
    $('login-error').textContent = message || '';
  }

  async function start() {
    let me;
    try { me = await staffAuth.api('GET', '/api/admin/me'); } catch (e) { return showLogin(e.status === 401 ? '' : e.message); }
    if (me.role === 'staff') return showLogin('Solo el dueño del restaurante cambia esta configuración. El personal de cocina usa /kitchen.');
    tenantId = me.tenantId || new URLSearchParams(location.search).get('tenant');
    if (!tenantId) return showLogin('Como administrador, abre /admin/restaurante?tenant=<id del restaurante>.');
    $('login').classList.add('hidden'); $('app').classList.remove('hidden'); $('signout').classList.remove('hidden');
    $('who').textContent = (me.email || '') + ' · ' + tenantId;
    /** @type {Array<{ form: string, load: () => Promise<void> }>} */
    const loaders = [{ form: 'horario-form', load: loadHorario }, { form: 'domicilios-form', load: loadDomicilios }, { form: 'opciones-form', load: loadOptions }, { form: 'atencion-form', load: loadAtencion }, { form: 'plantillas-form', load: loadTemplates }];
    await Promise.all(loaders.map(async ({ form, load }) => {
      try { await load(); }
      catch (e) { $(form).replaceChildren(el('p', { className: 'error', role: 'alert' }, 'No pudimos cargar esta sección: ' + e.message)); }
    }));
    document.body.dataset.ready = 'true';
  }

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
