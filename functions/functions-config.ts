import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../server/config';
import type { Logger } from '../server/observability/logger';
import type { RuntimeSettings } from '../server/runtime';

/**
 * Cloud Functions configuration mapped onto the same zod config as `.env` (server/config.ts),
 * so a setting means the same thing whether the server runs with `npm start` or as functions.
 *
 * Where the values come from on Cloud Functions:
 * - secrets (`defineSecret`): Secret Manager, `firebase functions:secrets:set NAME`;
 * - params (`defineString`): `functions/env/.env.<projectId>`, asked for at first deploy;
 * - any other `.env` variable: a line in those same dotenv files (deployed as environment
 *   variables), except names the platform reserves (`PORT`, `FIREBASE_*`), which are mapped here;
 * - project id and database URL: the platform's `FIREBASE_CONFIG`.
 */

/** What Cloud Functions and its emulator put in FIREBASE_CONFIG (JSON). */
const ZFirebaseConfigSchema = z.object({
  projectId: z.string().trim().min(1).optional(),
  databaseURL: z.string().trim().optional(),
});

/** Values of the declared params and secrets, read when a function first runs on an instance. */
export interface FunctionsParamValues {
  publicBaseUrl: string;
  /** FIREBASE_WEB_API_KEY under a name the Functions CLI accepts (it reserves `FIREBASE_*`). */
  webApiKey: string;
  whatsappAppSecret: string;
  whatsappVerifyToken: string;
  secretsKey: string;
}

/** The platform's FIREBASE_CONFIG; invalid JSON reads as empty, so the config error names what is missing. */
function readFirebaseConfig(text: string | undefined): z.infer<typeof ZFirebaseConfigSchema> {
  if (!text) return {};
  try {
    const parsed = ZFirebaseConfigSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

const blankToUndefined = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value : undefined);

/**
 * The environment `loadConfig` expects, built from a function's environment and its params.
 * An unset param reads as '' on Cloud Functions: it becomes "not set", so the config error
 * names the missing setting instead of complaining about an empty value.
 */
export function functionsEnvironment(env: NodeJS.ProcessEnv, params: FunctionsParamValues): NodeJS.ProcessEnv {
  const firebase = readFirebaseConfig(env.FIREBASE_CONFIG);
  const emulatorHost = blankToUndefined(env.FIREBASE_DATABASE_EMULATOR_HOST);
  return {
    ...env,
    // The platform's port (a socket path under the emulator) belongs to the Functions Framework.
    PORT: undefined,
    // Deployed functions are production unless said otherwise; the emulator is development.
    NODE_ENV: env.NODE_ENV ?? (env.FUNCTIONS_EMULATOR === 'true' ? 'development' : 'production'),
    FIREBASE_PROJECT_ID: firebase.projectId ?? env.GCLOUD_PROJECT,
    // The emulator suite names the database emulator; otherwise the project's default database.
    FIREBASE_DATABASE_URL: emulatorHost ? undefined : blankToUndefined(firebase.databaseURL),
    FIREBASE_DATABASE_EMULATOR_HOST: emulatorHost,
    FIREBASE_WEB_API_KEY: blankToUndefined(params.webApiKey),
    PUBLIC_BASE_URL: blankToUndefined(params.publicBaseUrl),
    WHATSAPP_APP_SECRET: blankToUndefined(params.whatsappAppSecret),
    WHATSAPP_VERIFY_TOKEN: blankToUndefined(params.whatsappVerifyToken),
    SECRETS_KEY: blankToUndefined(params.secretsKey),
  };
}

/** Parses the functions' configuration; throws ConfigError naming every problem. */
export function loadFunctionsConfig(env: NodeJS.ProcessEnv, params: FunctionsParamValues): Config {
  const config = loadConfig(functionsEnvironment(env, params));
  if (config.database.kind === 'embedded') {
    // Functions never start the embedded server: there is no disk or port to give it.
    throw new ConfigError([
      'FIREBASE_CONFIG: no databaseURL. Create the Realtime Database in the Firebase console (Build → Realtime Database) and deploy again, or run under the emulators with FIREBASE_DATABASE_EMULATOR_HOST',
    ]);
  }
  return config;
}

/** What createRuntime needs, from a functions config (secrets and URL are required by then). */
export function functionsRuntimeSettings(config: Config, logger: Logger): RuntimeSettings {
  const { WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, SECRETS_KEY, PUBLIC_BASE_URL } = config;
  const databaseUrl = config.database.url;
  if (!databaseUrl || !WHATSAPP_APP_SECRET || !WHATSAPP_VERIFY_TOKEN || !SECRETS_KEY || !PUBLIC_BASE_URL) {
    // loadConfig already requires these with an external database; this keeps the types honest.
    throw new ConfigError(['database URL, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, SECRETS_KEY and PUBLIC_BASE_URL are required']);
  }
  return {
    config,
    logger,
    databaseUrl,
    appSecret: WHATSAPP_APP_SECRET,
    verifyToken: WHATSAPP_VERIFY_TOKEN,
    secretsKey: SECRETS_KEY,
    graphBaseUrl: config.WHATSAPP_GRAPH_URL,
    publicBaseUrl: PUBLIC_BASE_URL,
    // One runtime per function instance, as per `npm start` process.
    defaultMetrics: true,
  };
}
