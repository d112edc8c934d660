import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError, loadConfig } from '../../server/config';
import { nodeVersionProblem } from '../../server/require-node';

/** The problems loadConfig reports for `env`, one line each. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected ConfigError');
}

const REAL_DATABASE = {
  FIREBASE_DATABASE_URL: 'https://p1-default-rtdb.firebaseio.com',
  WHATSAPP_APP_SECRET: 'a-real-looking-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'a-real-looking-verify-token',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  PUBLIC_BASE_URL: 'https://pedidos.mirestaurante.co',
};

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
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
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

  it('names what is wrong in words, never echoing the value', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', DEMO_MODE: 'yes-please' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: expected a number/),
        'LOG_LEVEL: must be one of "fatal", "error", "warn", "info", "debug", "trace" or "silent"',
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/Invalid input|loud|yes-please/);
  });

  it('refuses the Firebase Auth emulator in production, saying why', () => {
    const problems = problemsOf({ ...REAL_DATABASE, NODE_ENV: 'production', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^FIREBASE_AUTH_EMULATOR_HOST: .*unsigned ID tokens.*unset it in production/);
    expect(loadConfig({ ...REAL_DATABASE, NODE_ENV: 'development', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' }).FIREBASE_AUTH_EMULATOR_HOST).toBe('127.0.0.1:9099');
  });

  it('refuses sample values from the documentation, one line each with the fix', () => {
    const problems = problemsOf({
      ...REAL_DATABASE,
      PUBLIC_BASE_URL: 'https://pedidos.example.com',
      WHATSAPP_APP_SECRET: 'replace-with-the-app-secret',
      WHATSAPP_VERIFY_TOKEN: 'replace-with-a-long-random-string',
      SECRETS_KEY: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      FIREBASE_WEB_API_KEY: 'AIzaSy-replace-with-your-web-api-key',
      WOMPI_API_URL: 'https://wompi.example.com/v1',
    });
    for (const key of ['PUBLIC_BASE_URL', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'SECRETS_KEY', 'FIREBASE_WEB_API_KEY', 'WOMPI_API_URL']) {
      const line = problems.find((p) => p.startsWith(`${key}: `));
      expect([key, line]).toEqual([key, expect.stringMatching(/example|sample|generate one/)]);
      expect(line).not.toContain('\n');
    }
    expect(problems.join('\n')).not.toContain('replace-with');
  });

  it('refuses a PUBLIC_BASE_URL without a scheme, showing the form it needs', () => {
    for (const url of ['pedidos.mirestaurante.co', 'localhost:3000', 'ftp://pedidos.mirestaurante.co']) {
      const problems = problemsOf({ ...REAL_DATABASE, PUBLIC_BASE_URL: url });
      expect([url, problems]).toEqual([url, [expect.stringMatching(/^PUBLIC_BASE_URL: must start with https:\/\//)]]);
    }
    expect(loadConfig({ ...REAL_DATABASE, PUBLIC_BASE_URL: 'http://localhost:3000/' }).PUBLIC_BASE_URL).toBe('http://localhost:3000');
  });

  it('reads TRUST_PROXY as Express does, off by default, and never as "trust everyone"', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.10,::1,fd00::/8' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.168.1.10', '::1', 'fd00::/8']);
    for (const bad of ['true', '*', 'proxy.local', '10.0.0.0/40', '1.2.3']) {
      expect([bad, problemsOf({ TRUST_PROXY: bad })]).toEqual([bad, [expect.stringMatching(/^TRUST_PROXY: /)]]);
    }
  });

  it('has HTTP timeouts in seconds with short defaults, and a connection cap', () => {
    const c = loadConfig({});
    expect([c.HTTP_HEADERS_TIMEOUT_SECONDS, c.HTTP_REQUEST_TIMEOUT_SECONDS, c.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS, c.HTTP_MAX_CONNECTIONS]).toEqual([10, 30, 5, 2000]);
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_SECONDS: '20', HTTP_REQUEST_TIMEOUT_SECONDS: '5' })).toEqual([expect.stringMatching(/^HTTP_REQUEST_TIMEOUT_SECONDS: must be at least HTTP_HEADERS_TIMEOUT_SECONDS/)]);
  });

  it('.env.example copied as it is gives the embedded default, with replies kept local', () => {
    const env = parseDotenv(readFileSync(join(__dirname, '..', '..', '.env.example')));
    const c = loadConfig(env);
    expect(c.database.kind).toBe('embedded');
    expect(c.demoMode).toBe(true);
    expect(c.graphUrlExplicit).toBe(false);
    expect(c.SECRETS_KEY).toBeUndefined();
    expect(c.PUBLIC_BASE_URL).toBeUndefined();
    expect(c.WHATSAPP_APP_SECRET).toBeUndefined();
  });

  it('documents every setting in .env.example', () => {
    const text = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
    for (const key of ['TRUST_PROXY', 'HTTP_HEADERS_TIMEOUT_SECONDS', 'HTTP_REQUEST_TIMEOUT_SECONDS', 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 'HTTP_MAX_CONNECTIONS']) {
      expect([key, new RegExp(`^#? ?${key}=`, 'm').test(text)]).toEqual([key, true]);
    }
  });
});

describe('the Node version check', () => {
  it('refuses Node older than 20, naming the version found', () => {
    expect(nodeVersionProblem('v18.19.1')).toMatch(/Node 20 or newer is required; this is Node v18\.19\.1/);
    expect(nodeVersionProblem('v16.0.0')).toContain('v16.0.0');
    expect(nodeVersionProblem('garbage')).toContain('garbage');
  });
  it('accepts Node 20 and later', () => {
    for (const v of ['v20.0.0', 'v20.20.2', 'v22.1.0', 'v24.0.0']) expect(nodeVersionProblem(v)).toBeUndefined();
  });
});
