/**
 * Sign-in shared by the kitchen board and the owner's settings page: email and password
 * against the Firebase Auth REST API with plain fetch (no Firebase JS SDK, no CDN), the ID
 * token kept in sessionStorage and refreshed before it expires.
 */
import { escapeHtml } from './html';

/** Where the browser signs in; null URLs mean sign-in is not configured on this server. */
export interface SignInConfig {
  signInUrl: string | null;
  refreshUrl: string | null;
  /** Why sign-in cannot be used right now (shown when the page loads), e.g. while the local Auth emulator starts. */
  unavailable?: string | null;
  /** Sign-in is on its way: the page reloads itself until it is ready. */
  pending?: boolean;
}

/** The Auth emulator accepts any API key; production needs the project's web API key. */
const EMULATOR_API_KEY = 'emulator-any-key';

export function signInConfigFrom(config: { FIREBASE_AUTH_EMULATOR_HOST?: string; FIREBASE_WEB_API_KEY?: string }): SignInConfig {
  if (config.FIREBASE_AUTH_EMULATOR_HOST) {
    const key = encodeURIComponent(config.FIREBASE_WEB_API_KEY ?? EMULATOR_API_KEY);
    const base = `http://${config.FIREBASE_AUTH_EMULATOR_HOST}`;
    return {
      signInUrl: `${base}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=${key}`,
      refreshUrl: `${base}/securetoken.googleapis.com/v1/token?key=${key}`,
    };
  }
  if (config.FIREBASE_WEB_API_KEY) {
    const key = encodeURIComponent(config.FIREBASE_WEB_API_KEY);
    return {
      signInUrl: `https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=${key}`,
      refreshUrl: `https://securetoken.googleapis.com/v1/token?key=${key}`,
    };
  }
  return { signInUrl: null, refreshUrl: null };
}

/** JSON placed inside a <script> block: `<` escaped so no value can close the tag. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export const STAFF_STYLE = `
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f0f2f5;color:#1c1e21;font-size:16px}
header.bar{display:flex;gap:12px;align-items:center;justify-content:space-between;background:#1f2a37;color:#fff;padding:10px 16px;position:sticky;top:0;z-index:2}
header.bar h1{font-size:1.15rem;margin:0}header.bar .who{font-size:.85rem;opacity:.85}
main{padding:16px;max-width:1400px;margin:0 auto}
.card{background:#fff;border-radius:12px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.login{max-width:380px;margin:40px auto}
label{display:block;font-weight:600;margin:12px 0 4px}
input,select{width:100%;padding:12px;font-size:1rem;border:1px solid #ccd0d5;border-radius:8px;background:#fff}
input[type=checkbox]{width:auto;transform:scale(1.4);margin-right:10px}
button{padding:12px 16px;font-size:1rem;font-weight:600;border:0;border-radius:10px;cursor:pointer;min-height:48px}
button:disabled{opacity:.6;cursor:default}
.primary{background:#25d366;color:#fff}.secondary{background:#e4e6eb;color:#1c1e21}.danger{background:#fff;color:#c0392b;border:2px solid #e74c3c}
.link{background:none;color:#fff;text-decoration:underline;min-height:0;padding:4px}
.error{color:#c0392b;font-weight:600}.ok{color:#1e8e3e;font-weight:600}.muted{color:#65676b;font-size:.9rem}
.hidden{display:none!important}
`;

/** Client code: `staffAuth` with signIn, signOut, token() and api(). Relies on SIGN_IN (the config above). */
export const STAFF_AUTH_SCRIPT = `
const staffAuth = (() => {
  const KEY = 'pedidos.staff.session';
  const REFRESH_MARGIN_MS = 5 * 60 * 1000;
  const load = () => { try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { return null; } };
  const save = (s) => s ? sessionStorage.setItem(KEY, JSON.stringify(s)) : sessionStorage.removeItem(KEY);
  const REASONS = {
    EMAIL_NOT_FOUND: 'Correo o contraseña incorrectos.', INVALID_PASSWORD: 'Correo o contraseña incorrectos.',
    INVALID_LOGIN_CREDENTIALS: 'Correo o contraseña incorrectos.', USER_DISABLED: 'Este usuario está deshabilitado.',
    TOO_MANY_ATTEMPTS_TRY_LATER: 'Demasiados intentos. Espera unos minutos.', INVALID_EMAIL: 'Escribe un correo válido.',
  };
  async function signIn(email, password) {
    if (!SIGN_IN.signInUrl) throw new Error('El inicio de sesión no está configurado en este servidor (FIREBASE_WEB_API_KEY).');
    let res;
    try {
      res = await fetch(SIGN_IN.signInUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, returnSecureToken: true }) });
    } catch { throw new Error('No pudimos conectar con el servicio de inicio de sesión.'); }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      const code = String((body.error && body.error.message) || '').split(' ')[0];
      throw new Error(REASONS[code] || 'No pudimos iniciar sesión (' + (code || res.status) + ').');
    }
    const session = { idToken: body.idToken, refreshToken: body.refreshToken, email: body.email, expiresAt: Date.now() + Number(body.expiresIn || 3600) * 1000 };
    save(session);
    return session;
  }
  async function refresh(session) {
    const res = await fetch(SIGN_IN.refreshUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=' + encodeURIComponent(session.refreshToken) });
    if (!res.ok) { save(null); throw new Error('La sesión venció. Inicia sesión de nuevo.'); }
    const body = await res.json();
    const next = { ...session, idToken: body.id_token, refreshToken: body.refresh_token, expiresAt: Date.now() + Number(body.expires_in || 3600) * 1000 };
    save(next);
    return next;
  }
  async function token(force) {
    let session = load();
    if (!session) return null;
    if (force || session.expiresAt - Date.now() < REFRESH_MARGIN_MS) session = await refresh(session);
    return session.idToken;
  }
  async function api(method, path, body) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const idToken = await token(attempt > 0);
      if (!idToken) throw Object.assign(new Error('Inicia sesión.'), { status: 401 });
      const res = await fetch(path, { method, headers: { authorization: 'Bearer ' + idToken, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      if (res.status === 401 && attempt === 0) continue;
      const data = await res.json().catch(() => ({}));
      if (!res.ok) {
        const issues = (data.error && data.error.issues) || [];
        const detail = issues.length ? ': ' + issues.map((i) => i.path + ' ' + i.message).join('; ') : '';
        throw Object.assign(new Error(((data.error && data.error.message) || ('Error ' + res.status)) + detail), { status: res.status, data });
      }
      return data;
    }
  }
  return { signIn, signOut: () => save(null), token, api, session: load };
})();
// Said when the page loads, not after a first attempt: sign-in missing, starting or broken.
(() => {
  const reason = SIGN_IN.signInUrl ? SIGN_IN.unavailable : 'El inicio de sesión no está configurado en este servidor (FIREBASE_WEB_API_KEY).';
  const form = document.getElementById('login-form');
  if (!reason || !form) return;
  const note = document.createElement('p');
  note.id = 'login-unavailable'; note.className = 'error'; note.setAttribute('role', 'status'); note.textContent = reason;
  form.before(note);
  document.getElementById('login-button').disabled = true;
  if (SIGN_IN.pending && !staffAuth.session()) setTimeout(() => location.reload(), 4000);
})();
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}
const formatCOP = (n) => '$' + String(Math.round(Number(n) || 0)).replace(/\\B(?=(\\d{3})+(?!\\d))/g, '.');
`;

/** The sign-in card; the page script wires `#login-form`. */
export function signInCard(title: string, note: string): string {
  return `<section id="login" class="card login">
  <h2>${escapeHtml(title)}</h2>
  <p class="muted">${escapeHtml(note)}</p>
  <form id="login-form" autocomplete="on">
    <label for="email">Correo</label><input id="email" name="email" type="email" autocomplete="username" required>
    <label for="password">Contraseña</label><input id="password" name="password" type="password" autocomplete="current-password" required>
    <p id="login-error" class="error" role="alert"></p>
    <button id="login-button" class="primary" type="submit" style="width:100%">Entrar</button>
  </form>
</section>`;
}
