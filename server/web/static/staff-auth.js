// @ts-check
/**
 * Sign-in shared by the kitchen board and the owner's settings page: email and password
 * against the Firebase Auth REST API with plain fetch (no Firebase JS SDK, no CDN), the ID
 * token kept in sessionStorage and refreshed before it expires. Also the small DOM helpers both
 * pages use: `el` and `formatCOP`.
 */

/**
 * Where the browser signs in (rendered at each request: it changes while the Auth emulator starts).
 * @type {{ signInUrl: string | null, refreshUrl: string | null, unavailable?: string | null, pending?: boolean }}
 */
const SIGN_IN = JSON.parse(document.getElementById('sign-in').textContent);
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
  /** @type {HTMLButtonElement} */ (document.getElementById('login-button')).disabled = true;
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
const formatCOP = (n) => '$' + String(Math.round(Number(n) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
