/**
 * Sign-in shared by the kitchen board and the owner's settings page: where the browser signs
 * in. The browser side (email and password against the Firebase Auth REST API, the ID token in
 * sessionStorage) is `static/staff-auth.js`; the card is `views/partials/sign-in.eta`.
 */

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
