import { ConfigError } from '../../../server/config';
import { functionsEnvironment, functionsRuntimeSettings, loadFunctionsConfig, type FunctionsParamValues } from '../../../functions/functions-config';
import { silentLogger } from '../../../server/observability/logger';

const params: FunctionsParamValues = {
  publicBaseUrl: 'https://pedidos-prod.web.app',
  webApiKey: 'AIzaSy-web-key',
  whatsappAppSecret: 'app-secret',
  whatsappVerifyToken: 'verify-token',
  secretsKey: Buffer.alloc(32, 7).toString('base64'),
};
const deployed = {
  FIREBASE_CONFIG: JSON.stringify({ projectId: 'pedidos-prod', databaseURL: 'https://pedidos-prod-default-rtdb.firebaseio.com', locationId: 'us-central1' }),
  GCLOUD_PROJECT: 'pedidos-prod',
  PORT: '8080',
  K_SERVICE: 'api',
};

describe('Cloud Functions configuration onto the .env schema', () => {
  it('takes the project and the database from FIREBASE_CONFIG and the rest from params and secrets', () => {
    const config = loadFunctionsConfig(deployed, params);
    expect(config.FIREBASE_PROJECT_ID).toBe('pedidos-prod');
    expect(config.database).toEqual({ kind: 'firebase', url: 'https://pedidos-prod-default-rtdb.firebaseio.com' });
    expect(config.PUBLIC_BASE_URL).toBe('https://pedidos-prod.web.app');
    expect(config.FIREBASE_WEB_API_KEY).toBe('AIzaSy-web-key');
    expect(config.NODE_ENV).toBe('production');
    expect(config.demoMode).toBe(false);
  });

  it("ignores the platform's PORT, which is a socket path under the emulator", () => {
    expect(() => loadFunctionsConfig({ ...deployed, PORT: '/tmp/fire_emu_123.sock' }, params)).not.toThrow();
    expect(functionsEnvironment(deployed, params).PORT).toBeUndefined();
  });

  it('reads other .env settings from the dotenv variables the deploy sets', () => {
    const config = loadFunctionsConfig({ ...deployed, SESSION_TTL_MS: '60000', LOG_LEVEL: 'warn', ESTIMATED_DELIVERY_TIME: '20-30 minutos' }, params);
    expect(config.SESSION_TTL_MS).toBe(60000);
    expect(config.LOG_LEVEL).toBe('warn');
    expect(config.ESTIMATED_DELIVERY_TIME).toBe('20-30 minutos');
  });

  it('prefers the database emulator the suite names over the URL in FIREBASE_CONFIG', () => {
    const config = loadFunctionsConfig({ ...deployed, FUNCTIONS_EMULATOR: 'true', FIREBASE_DATABASE_EMULATOR_HOST: '127.0.0.1:9000' }, params);
    expect(config.database).toEqual({ kind: 'emulator', emulatorHost: '127.0.0.1:9000', url: 'http://127.0.0.1:9000?ns=pedidos-prod' });
    expect(config.NODE_ENV).toBe('development');
  });

  it('names every missing secret and param instead of failing on empty values', () => {
    const empty = { publicBaseUrl: '', webApiKey: '', whatsappAppSecret: '', whatsappVerifyToken: '', secretsKey: '' };
    let error: unknown;
    try {
      loadFunctionsConfig(deployed, empty);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'SECRETS_KEY', 'PUBLIC_BASE_URL']) expect(problems).toContain(`${name}: required`);
    expect(problems).not.toContain('app-secret');
  });

  it('refuses to run without a database rather than starting an embedded one', () => {
    expect(() => loadFunctionsConfig({ GCLOUD_PROJECT: 'pedidos-prod' }, params)).toThrow(/no databaseURL/);
  });

  it('hands createRuntime the resolved secrets and URLs', () => {
    const settings = functionsRuntimeSettings(loadFunctionsConfig(deployed, params), silentLogger);
    expect(settings).toMatchObject({
      databaseUrl: 'https://pedidos-prod-default-rtdb.firebaseio.com',
      appSecret: 'app-secret',
      verifyToken: 'verify-token',
      publicBaseUrl: 'https://pedidos-prod.web.app',
      graphBaseUrl: expect.stringMatching(/^https:\/\/graph\.facebook\.com\/v\d+\.\d+$/),
    });
  });
});
