import { ConfigError, loadConfig } from '../../server/config';

describe('loadConfig', () => {
  it('defaults to the embedded database and demo mode with no Firebase variables', () => {
    const c = loadConfig({});
    expect(c.database.kind).toBe('embedded');
    expect(c.demoMode).toBe(true);
    expect(c.PORT).toBe(3000);
    expect(c.WHATSAPP_GRAPH_URL).toMatch(/graph\.facebook\.com\/v\d+\.0$/);
  });

  it('uses an emulator host with the project as namespace', () => {
    const c = loadConfig({
      FIREBASE_DATABASE_EMULATOR_HOST: '127.0.0.1:9000',
      FIREBASE_PROJECT_ID: 'p1',
      WHATSAPP_APP_SECRET: 'x',
      WHATSAPP_VERIFY_TOKEN: 'y',
      SECRETS_KEY: Buffer.alloc(32).toString('base64'),
      PUBLIC_BASE_URL: 'https://example.test/',
    });
    expect(c.database).toEqual({ kind: 'emulator', emulatorHost: '127.0.0.1:9000', url: 'http://127.0.0.1:9000?ns=p1' });
    expect(c.PUBLIC_BASE_URL).toBe('https://example.test');
    expect(c.demoMode).toBe(false);
  });

  it('reports every problem at once, naming each variable', () => {
    try {
      loadConfig({ PORT: 'abc', FIREBASE_DATABASE_URL: 'https://x.firebaseio.com', SECRETS_KEY: 'short', LOG_LEVEL: 'loud' });
      throw new Error('expected ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'SECRETS_KEY', 'LOG_LEVEL']) expect(text).toContain(name);
    }
  });

  it('requires the WhatsApp and encryption secrets when a real database is configured', () => {
    expect(() => loadConfig({ FIREBASE_DATABASE_URL: 'https://x.firebaseio.com' })).toThrow(/WHATSAPP_APP_SECRET[\s\S]*SECRETS_KEY/);
  });
});
