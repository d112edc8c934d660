import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { connectDatabase } from '../../../server/db/firebase';
import { demoTenantFile } from '../../../server/demo/demo-setup';
import { writeRuntimeFile, type TRuntimeInfo } from '../../../server/dev/runtime-file';
import { importTenant } from '../../../server/tenants/import-tenant';
import { SecretsKey } from '../../../server/tenants/secrets-crypto';
import { ZTenantFileSchema } from '../../../server/tenants/tenant-file';
import { freePort, tenantFile } from '../../helpers/harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');
const PROJECT = 'demo-pedidos';

/**
 * `npm run tenant -- list | export` on the embedded default, as a restaurant operator runs
 * them: only DATA_DIR in the environment; the database is found through DATA_DIR/runtime.json.
 */
describe('npm run tenant -- list / export', () => {
  let database: EmbeddedDatabase;
  let dataDir: string;
  const key = randomBytes(32).toString('base64');
  const example = ZTenantFileSchema.parse(JSON.parse(readFileSync(join(ROOT, 'docs/tenant-example.json'), 'utf8')));

  const runtimeInfo = (overrides: Partial<TRuntimeInfo> = {}): TRuntimeInfo => ({
    pid: process.pid,
    port: 1,
    publicBaseUrl: 'http://localhost:1',
    projectId: PROJECT,
    databaseUrl: database.url(PROJECT),
    databaseHost: database.emulatorHost,
    authEmulator: null,
    startedAt: new Date().toISOString(),
    ...overrides,
  });

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'pedidos-tenant-cli-'));
    writeFileSync(join(dataDir, 'demo-secrets.json'), JSON.stringify({ SECRETS_KEY: key, WHATSAPP_APP_SECRET: 'a', WHATSAPP_VERIFY_TOKEN: 'v', SANDBOX_SECRET: 's' }));
    writeRuntimeFile(dataDir, runtimeInfo());
    const writer = connectDatabase({ url: database.url(PROJECT), projectId: PROJECT, name: 'tenant-cli-seed' });
    const secretsKey = new SecretsKey(key);
    await importTenant(writer.db, demoTenantFile('sandbox-secret-value-1234'), secretsKey);
    await importTenant(writer.db, example, secretsKey);
    await importTenant(
      writer.db,
      tenantFile({
        id: 'con-wompi',
        restaurant: { name: 'Pollo Dorado', timezone: 'America/Bogota' },
        whatsapp: { phoneNumberId: '5550101', displayPhoneNumber: '573004445566', accessToken: 'EAAGsecretaccesstoken9876' },
        payments: {
          enabled: true,
          efectivo: false,
          wompi: { enabled: true, environment: 'sandbox', publicKey: 'pub_test_publickey1111', privateKey: 'prv_test_privatekey2222', integritySecret: 'test_integrity_secret3333', eventsSecret: 'test_events_secret4444' },
        },
      }),
      secretsKey,
    );
    await writer.close();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/cli/tenant.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DOTENV_CONFIG_PATH: '/nonexistent/.env', DATA_DIR: dataDir, ...env },
    });

  it('lists every restaurant with its number and payments', async () => {
    const { stdout } = await cli(['list']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+PHONE NUMBER ID\s+NUMBER\s+PAYMENTS$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ['con-wompi', 'Pollo Dorado', '5550101', '+573004445566', 'on (wompi)'],
      ['demo', 'La Hamburguesería de la 80', '100200300', '+573001112233', 'on (sandbox, efectivo)'],
      ['la-esquina', 'Corrientazo La Esquina', '109876543210987', '+573009998877', 'on (efectivo)'],
    ]);
  }, 60_000);

  it('the example file in docs/ has its own number, not the demo restaurant\'s', () => {
    expect(example.whatsapp.phoneNumberId).not.toBe(demoTenantFile('x').whatsapp.phoneNumberId);
    expect(example.id).not.toBe('demo');
  });

  it('exports a tenant as a tenant file with every credential masked', async () => {
    const { stdout, stderr } = await cli(['export', 'con-wompi']);
    for (const secret of ['EAAGsecretaccesstoken9876', 'pub_test_publickey1111', 'prv_test_privatekey2222', 'test_integrity_secret3333', 'test_events_secret4444']) {
      expect(stdout).not.toContain(secret);
    }
    const file = JSON.parse(stdout);
    expect(file.whatsapp).toEqual({ phoneNumberId: '5550101', displayPhoneNumber: '573004445566', accessToken: '••••9876' });
    expect(file.payments).toEqual({
      enabled: true,
      efectivo: false,
      wompi: { enabled: true, environment: 'sandbox', publicKey: '••••1111', privateKey: '••••2222', integritySecret: '••••3333', eventsSecret: '••••4444' },
    });
    expect(file.menu).toHaveLength(6);
    expect(file.menu[0]).toEqual({ numero: '1', nombre: 'Hamburguesa', precio: 15000, categoria: 'Platos', disponible: true });
    expect(Object.keys(file)).toEqual(['id', 'restaurant', 'whatsapp', 'menu', 'payments']);
    expect(stderr).toContain('masked');
  }, 60_000);

  it('exports the example tenant back as the file it was imported from', async () => {
    const file = JSON.parse((await cli(['export', 'la-esquina'])).stdout);
    expect(file).toEqual({ ...example, whatsapp: { ...example.whatsapp, accessToken: '••••uina' } });
  }, 60_000);

  it('refuses an unknown tenant in one line', async () => {
    await expect(cli(['export', 'no-existe'])).rejects.toMatchObject({ code: 1, stderr: 'tenant "no-existe" does not exist; "npm run tenant -- list" shows the restaurants.\n' });
  }, 60_000);

  it('ignores a runtime file whose process has ended', async () => {
    const other = mkdtempSync(join(tmpdir(), 'pedidos-tenant-cli-stale-'));
    try {
      writeFileSync(join(other, 'demo-secrets.json'), readFileSync(join(dataDir, 'demo-secrets.json')));
      const ended = spawn(process.execPath, ['-e', '']);
      await new Promise((r) => ended.once('exit', r));
      // The stale file names a database nobody listens on; the configured port is the real one.
      writeRuntimeFile(other, runtimeInfo({ pid: ended.pid!, databaseUrl: `http://127.0.0.1:${await freePort()}?ns=${PROJECT}` }));
      const { stdout } = await cli(['list'], { DATA_DIR: other, EMBEDDED_DATABASE_PORT: String(database.port) });
      expect(stdout).toContain('la-esquina');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);
});
