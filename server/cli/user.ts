import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { z } from 'zod';
import { useAuthEmulator } from '../admin/auth';
import { ConfigError, loadConfig } from '../config';
import { TENANT_ID_PATTERN } from '../db/paths';
import { die } from './cli-env';

const USAGE = `Usage: npm run user -- create <email> --tenant <id> --role owner|staff [--password <password>]
       npm run user -- create <email> --role admin [--password <password>]
  Creates the Firebase Auth user (or updates it when the email exists) and sets its claims
  { tenantId, role }, which the admin API and the database rules read. Without --password a
  password is generated and printed once.
  Uses the server's environment (.env): FIREBASE_PROJECT_ID, and FIREBASE_AUTH_EMULATOR_HOST for
  the emulator; otherwise real Firebase Auth with GOOGLE_APPLICATION_CREDENTIALS.`;

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
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) die(error.message);
    throw error;
  }
  useAuthEmulator(config.FIREBASE_AUTH_EMULATOR_HOST);
  const app = initializeApp({ projectId: config.FIREBASE_PROJECT_ID }, 'user-cli');
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
    const where = config.FIREBASE_AUTH_EMULATOR_HOST ? `Auth emulator at ${config.FIREBASE_AUTH_EMULATOR_HOST}` : `project ${config.FIREBASE_PROJECT_ID}`;
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

void main(process.argv.slice(2)).then(() => process.exit(0));
