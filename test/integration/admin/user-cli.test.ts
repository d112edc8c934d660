import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { connectDatabase } from '../../../server/db/firebase';
import { writeRuntimeFile } from '../../../server/dev/runtime-file';
import { importTenant } from '../../../server/tenants/import-tenant';
import { SecretsKey } from '../../../server/tenants/secrets-crypto';
import { AUTH_EMULATOR_PROJECT_ID, authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';
import { tenantFile } from '../../helpers/harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');

/**
 * `npm run user -- create …` as an operator runs it on the embedded default: no variables but
 * DATA_DIR; the running server is found through DATA_DIR/runtime.json, which names its
 * database and its Auth emulator (here the test run's emulator and a database of this file).
 */
describe('npm run user', () => {
  let host: string;
  let users: TestUsers;
  let database: EmbeddedDatabase;
  let dataDir: string;

  beforeAll(async () => {
    host = await authEmulatorHost();
    users = await testUsers(host);
    database = await startEmbeddedDatabase({ port: 0 });
    const writer = connectDatabase({ url: database.url(AUTH_EMULATOR_PROJECT_ID), projectId: AUTH_EMULATOR_PROJECT_ID, name: 'user-cli-seed' });
    await importTenant(writer.db, tenantFile({ id: 'rest-cli' }), new SecretsKey(randomBytes(32).toString('base64')));
    await writer.close();
    dataDir = mkdtempSync(join(tmpdir(), 'pedidos-user-cli-'));
    writeRuntimeFile(dataDir, {
      // This test process stands in for the server: alive for as long as the tests run.
      pid: process.pid,
      port: 1,
      publicBaseUrl: 'http://localhost:1',
      projectId: AUTH_EMULATOR_PROJECT_ID,
      databaseUrl: database.url(AUTH_EMULATOR_PROJECT_ID),
      databaseHost: database.emulatorHost,
      authEmulator: { host, state: 'ready' },
      startedAt: new Date().toISOString(),
    });
  }, 150_000);
  afterAll(async () => {
    await users?.close();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cliIn = (dir: string, ...args: string[]) =>
    run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/cli/user.ts', ...args], {
      cwd: ROOT,
      // A developer's .env must not change what this test talks to.
      env: { PATH: process.env.PATH, DOTENV_CONFIG_PATH: '/nonexistent/.env', DATA_DIR: dir },
    });
  const cli = (...args: string[]) => cliIn(dataDir, ...args);

  const claimsOf = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8'));

  it('creates an owner with a generated password printed once and sets the claims', async () => {
    const { stdout } = await cli('create', 'dueno-cli@rest.test', '--tenant', 'rest-cli', '--role', 'owner');
    expect(stdout).toContain('Created dueno-cli@rest.test');
    const password = /Password \(shown once[^)]*\): (\S+)/.exec(stdout)?.[1];
    expect(password).toBeDefined();
    const { idToken } = await users.signIn('dueno-cli@rest.test', password!);
    expect(claimsOf(idToken)).toMatchObject({ tenantId: 'rest-cli', role: 'owner', email: 'dueno-cli@rest.test' });
  }, 60_000);

  it('updates an existing user with a given password and new role', async () => {
    await cli('create', 'cocina-cli@rest.test', '--tenant', 'rest-cli', '--role', 'owner', '--password', 'primera-clave');
    const { stdout } = await cli('create', 'cocina-cli@rest.test', '--tenant', 'rest-cli', '--role', 'staff', '--password', 'segunda-clave');
    expect(stdout).toContain('Updated cocina-cli@rest.test');
    expect(stdout).not.toContain('segunda-clave');
    const { idToken } = await users.signIn('cocina-cli@rest.test', 'segunda-clave');
    expect(claimsOf(idToken)).toMatchObject({ tenantId: 'rest-cli', role: 'staff' });
  }, 60_000);

  it('refuses a tenant that does not exist, and creates no user', async () => {
    await expect(cli('create', 'nadie@rest.test', '--tenant', 'no-existe', '--role', 'owner')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('tenant "no-existe" does not exist'),
    });
    await expect(users.auth.getUserByEmail('nadie@rest.test')).rejects.toMatchObject({ code: 'auth/user-not-found' });
  }, 60_000);

  it('says to start the server when none is running in DATA_DIR', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pedidos-user-cli-none-'));
    try {
      const failed = await cliIn(empty, 'create', 'x@rest.test', '--tenant', 'rest-cli', '--role', 'owner').catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 1 });
      expect((failed as { stderr: string }).stderr.trim().split('\n')).toEqual([expect.stringMatching(/^no running server found \(.*runtime\.json is missing or its process has ended\): start it with "npm start"/)]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses staff without a tenant and unknown roles, naming the flag', async () => {
    await expect(cli('create', 'x@rest.test', '--role', 'staff')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--tenant') });
    await expect(cli('create', 'x@rest.test', '--tenant', 'rest-cli', '--role', 'chef')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--role') });
  }, 60_000);
});
