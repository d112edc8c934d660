// @ts-check
/**
 * The WhatsApp simulator (`/simulator`, demo mode only). Everything the bot sends is untrusted
 * here (customer text is echoed back, and the demo Graph capture accepts any post), so messages
 * are built with DOM nodes and textContent, never innerHTML.
 */
(function () {
  'use strict';
  var POLL_MS = 700;
  var MAX_POLL_MS = 5000;
  var WA_ID = /^\d{8,15}$/;
  // Shaped like a shared place (name and address), which the bot turns into "Carrera 11 #80-45, Bogotá".
  var DEMO_LOCATION = { latitude: 4.665142, longitude: -74.054312, name: 'Carrera 11 #80-45', address: 'Bogotá' };

  var chat = document.getElementById('chat');
  var form = /** @type {HTMLFormElement} */ (document.getElementById('composer'));
  var input = /** @type {HTMLTextAreaElement} */ (document.getElementById('text'));
  var numberInput = /** @type {HTMLInputElement} */ (document.getElementById('waId'));
  var status = document.getElementById('status');
  var attach = document.getElementById('attach');
  var intro = chat.firstElementChild;
  var ICON_EXTERNAL = document.getElementById('icon-external').innerHTML;

  var params = new URLSearchParams(location.search);
  var waId = storage('get', 'simulador.numero') || document.body.getAttribute('data-default-wa-id');
  if (params.get('numero') && WA_ID.test(params.get('numero'))) waId = params.get('numero');
  if (!WA_ID.test(waId)) waId = document.body.getAttribute('data-default-wa-id');
  numberInput.value = waId;
  if (params.get('texto')) input.value = params.get('texto').slice(0, 1000);

  var after = 0;
  var generation = 0;
  var timer = null;
  var delay = POLL_MS;
  var typingTimer = null;

  function storage(op, key, value) {
    try {
      if (op === 'get') return localStorage.getItem(key);
      localStorage.setItem(key, value);
    } catch (e) { /* private mode: the page still works, it just forgets */ }
    return null;
  }

  // What this customer sent, kept in the browser: the capture only holds what the bot sent.
  function sentKey() { return 'simulador.enviados.' + waId; }
  function loadSent() {
    try { var list = JSON.parse(storage('get', sentKey()) || '[]'); return Array.isArray(list) ? list : []; } catch (e) { return []; }
  }
  function rememberSent(label, at) {
    var list = loadSent();
    list.push({ at: at, label: String(label) });
    storage('set', sentKey(), JSON.stringify(list.slice(-200)));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clock(at) {
    var d = new Date(at);
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function safeUrl(value) {
    try {
      var url = new URL(String(value), location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) { return null; }
  }

  function link(href, text) {
    var a = el('a', null, text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }

  // WhatsApp markup (*bold*, _italic_, ~strike~) and bare links, as DOM nodes; the rest stays text.
  var MARKUP = /(?<![\w*])\*([^*\n]+)\*(?![\w*])|(?<![\w_])_([^_\n]+)_(?![\w_])|(?<![\w~])~([^~\n]+)~(?![\w~])|(https?:\/\/[^\s<>"]+)/g;
  function appendFormatted(parent, text) {
    text = String(text === undefined || text === null ? '' : text);
    var last = 0;
    var match;
    MARKUP.lastIndex = 0;
    while ((match = MARKUP.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var end = MARKUP.lastIndex;
      if (match[1] !== undefined) parent.appendChild(el('strong', null, match[1]));
      else if (match[2] !== undefined) parent.appendChild(el('em', null, match[2]));
      else if (match[3] !== undefined) parent.appendChild(el('s', null, match[3]));
      else {
        var raw = match[4].replace(/[.,;:!?)]+$/, '');
        end = match.index + raw.length;
        var href = safeUrl(raw);
        parent.appendChild(href ? link(href, raw) : document.createTextNode(raw));
        MARKUP.lastIndex = end;
      }
      last = end;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function nearBottom() { return chat.scrollHeight - chat.scrollTop - chat.clientHeight < 120; }
  function scrollDown() { chat.scrollTop = chat.scrollHeight; }

  function addMessage(direction, at) {
    var row = el('div', 'msg ' + direction);
    var bubble = el('div', 'bubble');
    var content = el('div', 'content');
    var meta = el('span', 'meta', clock(at));
    bubble.appendChild(content);
    bubble.appendChild(meta);
    row.appendChild(bubble);
    chat.appendChild(row);
    return { row: row, bubble: bubble, content: content, meta: meta };
  }

  function chip(choice, label, detail) {
    var button = el('button', 'chip', label);
    button.type = 'button';
    if (detail) button.appendChild(el('small', null, detail));
    button.addEventListener('click', function () {
      send({ choice: choice }, choice.title);
    });
    return button;
  }

  function renderInteractive(message, interactive) {
    var header = interactive.header;
    if (header && header.text) message.content.appendChild(el('div', 'head', header.text));
    appendFormatted(message.content, interactive.body && interactive.body.text);
    if (interactive.footer && interactive.footer.text) message.content.appendChild(el('div', 'foot', interactive.footer.text));
    var action = interactive.action || {};
    if (interactive.type === 'button') {
      var chips = el('div', 'chips');
      (action.buttons || []).forEach(function (b) {
        var reply = (b && b.reply) || {};
        if (reply.id && reply.title) chips.appendChild(chip({ id: String(reply.id), title: String(reply.title), kind: 'button_reply' }, reply.title));
      });
      message.row.appendChild(chips);
    } else if (interactive.type === 'list') {
      var list = el('div', 'list');
      list.appendChild(el('div', 'label', '☰ ' + (action.button || 'Opciones')));
      (action.sections || []).forEach(function (section) {
        if (section && section.title) list.appendChild(el('div', 'section', section.title));
        ((section && section.rows) || []).forEach(function (r) {
          if (r && r.id && r.title) list.appendChild(chip({ id: String(r.id), title: String(r.title), kind: 'list_reply' }, r.title, r.description));
        });
      });
      message.row.appendChild(list);
    } else if (interactive.type === 'cta_url') {
      var parameters = action.parameters || {};
      var href = safeUrl(parameters.url);
      var label = String(parameters.display_text || 'Abrir');
      if (href) {
        var a = link(href, label);
        a.className = 'cta';
        a.insertAdjacentHTML('afterbegin', ICON_EXTERNAL);
        message.row.appendChild(a);
      } else {
        message.content.appendChild(el('div', 'foot', label + ' (enlace no válido)'));
      }
    }
  }

  function renderBot(m) {
    var body = (m && m.body) || {};
    var message = addMessage('in', m.at || Date.now());
    message.row.setAttribute('data-seq', String(m.seq));
    if (body.type === 'text') appendFormatted(message.content, body.text && body.text.body);
    else if (body.type === 'interactive') renderInteractive(message, body.interactive || {});
    else message.content.appendChild(el('em', null, '[mensaje de tipo ' + String(body.type) + ']'));
  }

  function renderSent(label, at) {
    var message = addMessage('out', at);
    appendFormatted(message.content, label);
    return message;
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    status.textContent = on ? 'escribiendo…' : 'en línea · simulador';
    if (on) typingTimer = setTimeout(function () { setTyping(false); }, 6000);
  }

  function send(payload, label) {
    var at = Date.now();
    var message = renderSent(label, at);
    message.meta.appendChild(el('span', 'ticks', '✓'));
    scrollDown();
    rememberSent(label, at);
    setTyping(true);
    var body = { waId: waId };
    Object.keys(payload).forEach(function (k) { body[k] = payload[k]; });
    return fetch('/simulator/api/send', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        if (res.ok) { message.meta.lastChild.textContent = '✓✓'; return; }
        return res.json().catch(function () { return {}; }).then(function (data) {
          var error = (data && data.error) || {};
          var issues = (error.issues || []).map(function (i) { return (i.path ? i.path + ': ' : '') + i.message; }).join('; ');
          throw new Error(issues || error.message || ('HTTP ' + res.status));
        });
      })
      .catch(function (error) {
        setTyping(false);
        message.row.classList.add('failed');
        message.meta.lastChild.textContent = '!';
        message.row.appendChild(el('div', 'error', 'No se envió: ' + error.message));
      });
  }

  function fetchMessages(since) {
    return fetch('/demo/messages?waId=' + encodeURIComponent(waId) + '&after=' + since, { cache: 'no-store', credentials: 'same-origin' }).then(function (res) {
      if (res.ok) return res.json();
      // Another browser holds this number (409), or this one has no session (403): say so.
      return res.json().catch(function () { return {}; }).then(function (data) {
        var error = /** @type {Error & { refused?: boolean }} */ (new Error((data && data.error && data.error.message) || ('HTTP ' + res.status)));
        error.refused = res.status === 403 || res.status === 409 || res.status === 429;
        throw error;
      });
    });
  }

  function poll(gen) {
    fetchMessages(after)
      .then(function (data) {
        if (gen !== generation) return;
        delay = POLL_MS;
        var messages = (data && data.messages) || [];
        if (messages.length) {
          var follow = nearBottom();
          messages.forEach(function (m) { after = Math.max(after, m.seq); renderBot(m); });
          setTyping(false);
          if (follow) scrollDown();
        } else if (status.textContent !== 'escribiendo…') {
          setTyping(false);
        }
      })
      .catch(function (error) {
        if (gen !== generation) return;
        status.textContent = error && error.refused ? error.message : 'sin conexión';
        delay = Math.min(delay * 2, MAX_POLL_MS);
      })
      .then(function () {
        if (gen === generation) timer = setTimeout(function () { poll(gen); }, delay);
      });
  }

  // Shows this customer's conversation so far (bot messages from the capture, ours from this
  // browser, in time order), then follows new ones.
  function start() {
    var gen = ++generation;
    clearTimeout(timer);
    after = 0;
    while (chat.lastChild && chat.lastChild !== intro) chat.removeChild(chat.lastChild);
    fetchMessages(0)
      .catch(function () { return { messages: [] }; })
      .then(function (data) {
        if (gen !== generation) return;
        var items = ((data && data.messages) || []).map(function (m) { return { at: m.at || 0, bot: m }; });
        loadSent().forEach(function (s) { items.push({ at: s.at || 0, label: s.label }); });
        items.sort(function (a, b) { return a.at - b.at; });
        items.forEach(function (item) {
          if (item.bot) { after = Math.max(after, item.bot.seq); renderBot(item.bot); }
          else renderSent(item.label, item.at).meta.appendChild(el('span', 'ticks', '✓✓'));
        });
        scrollDown();
        setTyping(false);
        poll(gen);
      });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    resize();
    send({ text: text }, text);
    input.focus();
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  function resize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 120) + 'px';
  }
  input.addEventListener('input', resize);
  attach.addEventListener('click', function () {
    send({ location: DEMO_LOCATION }, '📍 Ubicación: ' + DEMO_LOCATION.name + ', ' + DEMO_LOCATION.address);
  });
  // Another number is another customer: their own conversation, from the start.
  function applyNumber() {
    var value = numberInput.value.replace(/\D/g, '');
    if (!WA_ID.test(value)) { numberInput.setAttribute('aria-invalid', 'true'); return; }
    numberInput.removeAttribute('aria-invalid');
    numberInput.value = value;
    if (value === waId) return;
    waId = value;
    storage('set', 'simulador.numero', waId);
    start();
  }
  numberInput.addEventListener('change', applyNumber);
  numberInput.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    applyNumber();
    input.focus();
  });

  start();
  input.focus();
})();
