import { escapeHtml } from './html';

/**
 * The simulator page: plain HTML, CSS and JavaScript, no CDN and no build step. Everything the
 * bot sends is untrusted here (customer text is echoed back, and the demo Graph capture accepts
 * any post), so messages are built with DOM nodes and textContent, never innerHTML.
 */
export interface SimulatorPageInput {
  /** The demo restaurant's name, or null when it is not set up. */
  restaurantName: string | null;
  defaultWaId: string;
}

const STYLE = `
*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#d1d7db;color:#111b21;font-size:15px}
.app{display:flex;flex-direction:column;height:100vh;height:100dvh;max-width:520px;margin:0 auto;background:#efeae2;box-shadow:0 0 24px rgba(0,0,0,.15)}
.bar{display:flex;align-items:center;gap:10px;padding:10px 12px;background:#008069;color:#fff}
.avatar{flex:none;width:40px;height:40px;border-radius:50%;background:#dfe5e7;color:#008069;display:grid;place-items:center;font-weight:700;font-size:17px}
.who{min-width:0}.who .name{font-weight:600;font-size:16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.who .sub{font-size:12.5px;opacity:.85}
.number{display:flex;align-items:center;gap:6px;padding:6px 12px;background:#f0f2f5;border-bottom:1px solid #d1d7db;font-size:13px;color:#54656f;white-space:nowrap}
.number input{width:9.5em;font:inherit;font-size:14px;padding:4px 6px;border:1px solid #c9d1d6;border-radius:6px;background:#fff;color:#111b21}
.number input[aria-invalid=true]{border-color:#ea0038;outline-color:#ea0038}
.number .hint{margin-left:auto;font-size:12px;overflow:hidden;text-overflow:ellipsis}
@media (max-width:400px){.number .hint{display:none}}
.chat{flex:1;overflow-y:auto;padding:12px 10px 6px;display:flex;flex-direction:column;gap:4px}
.note{align-self:center;max-width:92%;margin:4px 0 8px;padding:6px 10px;border-radius:8px;background:#ffeecd;color:#54656f;font-size:12.5px;text-align:center;line-height:1.4}
.note.warn{background:#ffd6d6;color:#7a1020}
.msg{display:flex;flex-direction:column;max-width:85%;margin-top:2px}
.msg.in{align-self:flex-start}.msg.out{align-self:flex-end}
.bubble{position:relative;padding:6px 8px 18px;border-radius:8px;box-shadow:0 1px .5px rgba(11,20,26,.13);line-height:1.38;white-space:pre-wrap;overflow-wrap:anywhere;min-width:64px}
.in .bubble{background:#fff;border-top-left-radius:0}
.out .bubble{background:#d9fdd3;border-top-right-radius:0}
.bubble .head{font-weight:700;margin-bottom:2px}
.bubble .foot{color:#667781;font-size:13px;margin-top:4px}
.bubble a{color:#027eb5}
.meta{position:absolute;right:8px;bottom:3px;font-size:11px;color:#667781;white-space:nowrap}
.meta .ticks{color:#53bdeb;margin-left:3px}
.failed .meta{color:#ea0038}
.error{font-size:12px;color:#ea0038;margin-top:2px;text-align:right}
.chips{display:flex;flex-direction:column;gap:2px;margin-top:2px}
.chip{display:block;width:100%;padding:9px 10px;border:0;border-radius:8px;background:#fff;color:#008069;font:inherit;font-weight:500;text-align:center;cursor:pointer;box-shadow:0 1px .5px rgba(11,20,26,.13)}
.chip:hover,.chip:focus-visible{background:#f5f6f6}
.chip:active{background:#e9edef}
.list{margin-top:2px;background:#fff;border-radius:8px;box-shadow:0 1px .5px rgba(11,20,26,.13);overflow:hidden}
.list .label{padding:8px 10px;color:#008069;font-weight:500;text-align:center;border-bottom:1px solid #e9edef}
.list .section{padding:6px 10px 2px;font-size:12.5px;color:#008069;font-weight:600;text-transform:uppercase;letter-spacing:.02em}
.list .chip{box-shadow:none;border-radius:0;text-align:left;color:#111b21;border-bottom:1px solid #f0f2f5}
.list .chip small{display:block;color:#667781;font-weight:400;font-size:12.5px;margin-top:1px}
.cta{display:flex;align-items:center;justify-content:center;gap:6px;margin-top:2px;padding:9px 10px;border-radius:8px;background:#fff;color:#008069;font-weight:500;text-align:center;text-decoration:none;box-shadow:0 1px .5px rgba(11,20,26,.13)}
.cta:hover{background:#f5f6f6}
.composer{display:flex;align-items:flex-end;gap:6px;padding:6px 8px calc(6px + env(safe-area-inset-bottom));background:#f0f2f5}
.composer textarea{flex:1;resize:none;max-height:120px;padding:9px 12px;border:0;border-radius:20px;font:inherit;line-height:1.35;background:#fff;color:#111b21;outline:none}
.round{flex:none;width:42px;height:42px;border:0;border-radius:50%;cursor:pointer;display:grid;place-items:center}
.round svg,.cta svg{width:22px;height:22px;fill:currentColor}.cta svg{width:18px;height:18px}
.send{background:#008069;color:#fff}.send:disabled{opacity:.5;cursor:default}
.attach{background:transparent;color:#54656f}
`;

/** Page chrome icons as inline SVG, so they look the same without an emoji font. */
const ICON = {
  attach:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10.6a4.5 4.5 0 0 1-9 0V5.6a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9.6a3 3 0 0 0 6 0V5.6a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0V6.5z"/></svg>',
  send: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10.1 16 12 3.4 13.9z"/></svg>',
  /** Read by the script for "Pagar ahora"-style links; static markup, never message text. */
  external:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14zM5 5h6v2H5v12h12v-6h2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z"/></svg>',
} as const;

/** Client code. Written without template literals, since it lives inside one. */
const SCRIPT = String.raw`
(function () {
  'use strict';
  var POLL_MS = 700;
  var MAX_POLL_MS = 5000;
  var WA_ID = /^\d{8,15}$/;
  // Shaped like a shared place (name and address), which the bot turns into "Carrera 11 #80-45, Bogotá".
  var DEMO_LOCATION = { latitude: 4.665142, longitude: -74.054312, name: 'Carrera 11 #80-45', address: 'Bogotá' };

  var chat = document.getElementById('chat');
  var form = document.getElementById('composer');
  var input = document.getElementById('text');
  var numberInput = document.getElementById('waId');
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
        var error = new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
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
`;

/** "La Hamburguesería de la 80" → "LH": the avatar of a business without a photo. */
function initials(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^\p{Lu}/u.test(w));
  return (words.length ? words : [name]).slice(0, 2).map((w) => w[0]).join('').toUpperCase();
}

export function simulatorPage(input: SimulatorPageInput): string {
  const name = input.restaurantName ?? 'Restaurante de demostración';
  const notice = input.restaurantName
    ? `<div class="note">🔒 Modo demostración: eres un cliente escribiéndole a <strong>${escapeHtml(name)}</strong>. Los mensajes no salen de este servidor.<br>Escribe <strong>hola</strong> para empezar.</div>`
    : `<div class="note warn">No encontramos el restaurante de demostración. Reinicia el servidor con <strong>npm start</strong> para crearlo.</div>`;
  return `<!doctype html>
<html lang="es-CO"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="robots" content="noindex"><meta name="theme-color" content="#008069"><link rel="icon" href="data:,">
<title>Simulador de WhatsApp · ${escapeHtml(name)}</title><style>${STYLE}</style></head>
<body data-default-wa-id="${escapeHtml(input.defaultWaId)}">
<div class="app">
<header class="bar"><div class="avatar" aria-hidden="true">${escapeHtml(initials(name))}</div><div class="who"><div class="name">${escapeHtml(name)}</div><div class="sub" id="status">en línea · simulador</div></div></header>
<div class="number"><label for="waId">Tu número</label><span aria-hidden="true">+</span><input id="waId" inputmode="numeric" autocomplete="off" maxlength="15" value="${escapeHtml(input.defaultWaId)}"><span class="hint">Cada número es un cliente</span></div>
<main id="chat" class="chat" role="log" aria-live="polite" aria-label="Conversación">${notice}</main>
<form id="composer" class="composer" autocomplete="off">
<button type="button" id="attach" class="round attach" title="Compartir una ubicación de prueba" aria-label="Compartir ubicación">${ICON.attach}</button>
<textarea id="text" rows="1" placeholder="Escribe un mensaje" aria-label="Mensaje" maxlength="4096"></textarea>
<button type="submit" class="round send" aria-label="Enviar">${ICON.send}</button>
</form>
</div>
<template id="icon-external">${ICON.external}</template>
<script>${SCRIPT}</script>
</body></html>`;
}
