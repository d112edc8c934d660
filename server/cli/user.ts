import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { z } from 'zod';
import { useAuthEmulator } from '../admin/auth';
import { connectDatabase, readValue } from '../db/firebase';
import { paths, TENANT_ID_PATTERN } from '../db/paths';
import { readRuntimeFile, type TRuntimeInfo } from '../dev/runtime-file';
import { die, loadCliEnv, noRunningServer, type CliEnv } from './cli-env';

const USAGE = `Usage: npm run user -- create <email> --tenant <id> --role owner|staff [--password <password>]
       npm run user -- create <email> --role admin [--password <password>]
  Creates the Firebase Auth user (or updates it when the email exists) and sets its claims
  { tenantId, role }, which the admin API and the database rules read. Without --password a
  password is generated and printed once.
  The tenant must exist (npm run tenant -- list).
  Uses the server's environment (.env): FIREBASE_PROJECT_ID, and FIREBASE_AUTH_EMULATOR_HOST for
  the emulator; otherwise real Firebase Auth with GOOGLE_APPLICATION_CREDENTIALS. On the
  embedded default it uses the Auth emulator of the running "npm start".`;

/** How long to wait for the running server's sign-in to finish starting. */
const SIGN_IN_WAIT_MS = 180_000;

/** Firebase Auth refuses passwords shorter than 6 characters. */
const MIN_PASSWORD_CHARS = 6;

const ZArgsSchema = z
  .object({
    email: z.email('not a valid email address'),
    role: z.enum(['owner', 'staff', 'admin'], 'must be owner, staff or admin'),
    tenant: z.string().regex(TENANT_ID_PATTERN, 'letters, digits and "-" only').optional(),
    password: z.string().min(MIN_PASSWORD_CHARS, `at least ${MIN_PASSWORD_CHARS} characters`).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.role !== 'admin' && !a.tenant) ctx.addIssue({ code: 'custom', path: ['tenant'], message: `--tenant is required for role ${a.role}` });
  });

function parseArgs(argv: string[]): Record<string, string> {
  const [command, email, ...rest] = argv;
  if (command !== 'create' || !email || email.startsWith('--')) die(USAGE);
  const out: Record<string, string> = { email };
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (!flag?.startsWith('--') || value === undefined) die(`unexpected argument "${flag}"\n${USAGE}`);
    out[flag.slice(2)] = value;
  }
  return out;
}

/** Readable and strong enough to type on a kitchen tablet once: 18 characters from 12 random bytes. */
function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

async function main(argv: string[]): Promise<void> {
  const parsed = ZArgsSchema.safeParse(parseArgs(argv));
  if (!parsed.success) die(parsed.error.issues.map((i) => `${i.path.join('.') ? `--${i.path.join('.')}` : 'arguments'}: ${i.message}`).join('\n'));
  const args = parsed.data;
  const env = loadCliEnv({ secrets: false });
  const { config } = env;
  const target = await authTarget(env);
  if (args.role !== 'admin') await assertTenantExists(env, args.tenant!);
  useAuthEmulator(target.emulatorHost);
  const app = initializeApp({ projectId: target.projectId }, 'user-cli');
  const auth = getAuth(app);
  const claims = args.role === 'admin' ? { role: 'admin' } : { tenantId: args.tenant, role: args.role };
  const generated = args.password ? undefined : generatePassword();
  try {
    const existing = await auth.getUserByEmail(args.email).catch((error: { code?: string }) => {
      if (error.code === 'auth/user-not-found') return null;
      throw error;
    });
    const user = existing
      ? await auth.updateUser(existing.uid, args.password ? { password: args.password } : {})
      : await auth.createUser({ email: args.email, password: args.password ?? generated, emailVerified: false });
    await auth.setCustomUserClaims(user.uid, claims);
    const where = target.emulatorHost ? `Auth emulator at ${target.emulatorHost}` : `project ${config.FIREBASE_PROJECT_ID}`;
    const lines = [`${existing ? 'Updated' : 'Created'} ${args.email} (uid ${user.uid}) in ${where}: role ${args.role}${args.tenant && args.role !== 'admin' ? `, tenant ${args.tenant}` : ''}.`];
    if (!existing && generated) lines.push(`Password (shown once, hand it over privately): ${generated}`);
    if (existing && !args.password) lines.push('Password unchanged. Claims apply at the user\'s next sign-in (or within the hour).');
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    die(`could not create the user: ${(error as Error).message}`);
  } finally {
    await deleteApp(app);
  }
}

/**
 * Which Firebase Auth to write to: the configured emulator or project, or on the embedded
 * default the running server's own emulator (waiting for it if it is still starting).
 */
async function authTarget(env: CliEnv): Promise<{ emulatorHost?: string; projectId: string }> {
  const { config } = env;
  if (config.FIREBASE_AUTH_EMULATOR_HOST || config.database.kind !== 'embedded') {
    return { emulatorHost: config.FIREBASE_AUTH_EMULATOR_HOST, projectId: config.FIREBASE_PROJECT_ID };
  }
  let running: TRuntimeInfo | null = env.running;
  if (!running) die(noRunningServer(config));
  const deadline = Date.now() + SIGN_IN_WAIT_MS;
  let told = false;
  while (running?.authEmulator?.state === 'starting' && Date.now() < deadline) {
    if (!told) process.stderr.write('Waiting for the server\'s sign-in (Firebase Auth emulator) to finish starting…\n');
    told = true;
    await new Promise((r) => setTimeout(r, 500));
    running = readRuntimeFile(config.DATA_DIR);
  }
  if (!running) die(noRunningServer(config));
  const auth = running.authEmulator;
  if (!auth) die('the running server has no sign-in of its own (it was started with FIREBASE_AUTH_EMULATOR_HOST or FIREBASE_WEB_API_KEY): run this with the same setting.');
  if (auth.state === 'starting') die(`the server's sign-in did not become ready within ${SIGN_IN_WAIT_MS / 1000} s; see the terminal running "npm start".`);
  if (auth.state === 'unavailable') die(`sign-in is unavailable on the running server: ${auth.reason ?? 'see the terminal running "npm start"'}.`);
  return { emulatorHost: auth.host, projectId: running.projectId };
}

/** A user for a restaurant that does not exist could never use the board: refused before anything is written. */
async function assertTenantExists(env: CliEnv, tenantId: string): Promise<void> {
  const connection = connectDatabase({ url: env.databaseUrl, projectId: env.running?.projectId ?? env.config.FIREBASE_PROJECT_ID, name: 'user-cli-db' });
  let restaurant: unknown;
  try {
    restaurant = await readValue(connection.db, paths.restaurant(tenantId));
  } catch (error) {
    die(`could not read the database at ${env.databaseUrl.replace(/\?.*$/, '')} to check tenant "${tenantId}": ${(error as Error).message}. Is the server (npm start) running?`);
  } finally {
    await connection.close();
  }
  if (!restaurant) die(`tenant "${tenantId}" does not exist: "npm run tenant -- list" shows the restaurants; "npm run tenant -- import <file.json>" adds one.`);
}

void main(process.argv.slice(2)).then(() => process.exit(0));
