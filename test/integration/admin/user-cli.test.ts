import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AUTH_EMULATOR_PROJECT_ID, authEmulatorHost, testUsers, type TestUsers } from '../../helpers/auth-emulator';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');

/** `npm run user -- create …` against the Auth emulator, as an operator runs it. */
describe('npm run user', () => {
  let host: string;
  let users: TestUsers;

  beforeAll(async () => {
    host = await authEmulatorHost();
    users = await testUsers(host);
  }, 150_000);
  afterAll(() => users?.close());

  const cli = (...args: string[]) =>
    run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/cli/user.ts', ...args], {
      cwd: ROOT,
      // A developer's .env must not change what this test talks to.
      env: { PATH: process.env.PATH, DOTENV_CONFIG_PATH: '/nonexistent/.env', FIREBASE_AUTH_EMULATOR_HOST: host, FIREBASE_PROJECT_ID: AUTH_EMULATOR_PROJECT_ID },
    });

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

  it('refuses staff without a tenant and unknown roles, naming the flag', async () => {
    await expect(cli('create', 'x@rest.test', '--role', 'staff')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--tenant') });
    await expect(cli('create', 'x@rest.test', '--tenant', 'rest-cli', '--role', 'chef')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--role') });
  }, 60_000);
});
