/**
 * Cloud Functions for Firebase entry (2nd gen): the same `server/` code as `npm start`, scaled
 * out by the platform. `firebase.json` points here through package.json `main` (the compiled
 * `dist/functions/functions.js`); see docs/DEPLOY.md.
 *
 * - `api`: the whole Express app (WhatsApp and payment webhooks, /pay pages, owners' API,
 *   kitchen board) as one HTTPS function; instances share nothing but the database.
 * - `reconcile`: one reconciler pass every 2 minutes (Cloud Scheduler). The lease in
 *   `locks/reconciler` still keeps overlapping runs from doing the same work twice.
 */
import { defineSecret, defineString } from 'firebase-functions/params';
import * as functionsLogger from 'firebase-functions/logger';
import { onRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { ConfigError } from '../server/config';
import type { FunctionsParamValues } from './functions-config';
import { instanceRuntime, serveRequest } from './functions-runtime';

// Secrets live in Secret Manager: `firebase functions:secrets:set WHATSAPP_APP_SECRET`.
const WHATSAPP_APP_SECRET = defineSecret('WHATSAPP_APP_SECRET');
const WHATSAPP_VERIFY_TOKEN = defineSecret('WHATSAPP_VERIFY_TOKEN');
const SECRETS_KEY = defineSecret('SECRETS_KEY');

const PUBLIC_BASE_URL = defineString('PUBLIC_BASE_URL', {
  description: 'Public https URL customers and gateways reach, without a trailing slash (e.g. https://<project>.web.app). Payment links are {PUBLIC_BASE_URL}/pay/{referencia}.',
});
const WEB_API_KEY = defineString('WEB_API_KEY', {
  default: '',
  description: 'Web API key of the Firebase project (Project settings → General); the /kitchen and /admin pages sign in with it. Same as FIREBASE_WEB_API_KEY in .env. Empty disables sign-in.',
});

const secrets = [WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, SECRETS_KEY];

/** Read on first use per instance: params have no values while the CLI analyses the code. */
const paramValues = (): FunctionsParamValues => ({
  publicBaseUrl: PUBLIC_BASE_URL.value(),
  webApiKey: WEB_API_KEY.value(),
  whatsappAppSecret: WHATSAPP_APP_SECRET.value(),
  whatsappVerifyToken: WHATSAPP_VERIFY_TOKEN.value(),
  secretsKey: SECRETS_KEY.value(),
});

export const api = onRequest(
  {
    secrets,
    // Meta and the gateways get an answer well within this; SSE streams of the kitchen board
    // are cut here and the browser reconnects.
    timeoutSeconds: 60,
    memory: '512MiB',
    invoker: 'public',
  },
  async (req, res) => {
    let runtime;
    try {
      runtime = instanceRuntime(paramValues);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // The problems name settings, never values.
      functionsLogger.error('invalid configuration: the function cannot start', { problems: error.problems });
      res.status(500).json({ error: { code: 'CONFIG_INVALID', message: 'the service is not configured; see the function logs' } });
      return;
    }
    await serveRequest(runtime, req, res);
  },
);

export const reconcile = onSchedule(
  {
    schedule: 'every 2 minutes',
    secrets,
    timeoutSeconds: 300,
    // One pass at a time is the lease's job; one instance keeps the scheduler from fanning out.
    maxInstances: 1,
    // A failed pass is simply the next one, two minutes later.
    retryCount: 0,
  },
  async () => {
    // Logs its own summary (counts per job) through the app's logger.
    await instanceRuntime(paramValues).reconciler.runOnce();
  },
);
