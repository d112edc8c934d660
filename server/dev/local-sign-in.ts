import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { z } from 'zod';
import { useAuthEmulator } from '../admin/auth';
import { DEMO_TENANT_ID } from '../demo/demo-setup';
import { signInConfigFrom, type SignInConfig } from '../web/kitchen-signin';
import type { TLocalAuthState } from './runtime-file';

/**
 * Sign-in for `/kitchen` and `/admin` on the embedded default: firebase-tools' own Firebase
 * Auth emulator (Node, offline, no Java) in a child process, and a demo owner and a demo
 * kitchen user with the claims the admin API reads. Real Firebase Auth: the pages sign in over
 * its REST API and the server verifies the ID tokens; only the server is pointed at it.
 *
 * Building the emulator's request validator costs 10–20 s of CPU, so it starts in the
 * background after the bot is up; the pages say "preparing" until it answers.
 */

/** Time for the emulator to answer before sign-in is declared unavailable. */
const READY_TIMEOUT_MS = 180_000;
const READY_MARKER = 'AUTH_EMULATOR_READY';

/** Runs in the child: the emulator app on the given port; exits with its parent (stdin closes). */
const CHILD_SOURCE = `
const [modulePath, port, projectId] = process.argv.slice(1);
const { createApp } = require(modulePath);
createApp(projectId).then((app) => {
  const server = app.listen(Number(port), '127.0.0.1', () => process.stdout.write('${READY_MARKER}\\n'));
  server.on('error', (error) => { process.stderr.write(String(error.message) + '\\n'); process.exit(1); });
}, (error) => { process.stderr.write(String(error && error.message || error) + '\\n'); process.exit(1); });
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export const ZDemoUsersSchema = z.object({
  owner: z.object({ email: z.string(), password: z.string() }),
  staff: z.object({ email: z.string(), password: z.string() }),
});
export type TDemoUsers = z.infer<typeof ZDemoUsersSchema>;

/** The demo users' e-mails and passwords: made once and kept in DATA_DIR, so they stay the same across restarts. */
export function ensureDemoUsers(dataDir: string): TDemoUsers {
  const file = join(dataDir, 'demo-users.json');
  if (existsSync(file)) {
    try {
      const parsed = ZDemoUsersSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // Unreadable: made again below.
    }
  }
  const password = () => randomBytes(9).toString('base64url');
  const users: TDemoUsers = {
    owner: { email: 'dueno@demo.test', password: password() },
    staff: { email: 'cocina@demo.test', password: password() },
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  return users;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Creates or updates a user (fixed uid, password, claims); safe to run at every start. */
async function upsertUser(auth: Auth, uid: string, email: string, password: string, claims: Record<string, string>): Promise<void> {
  const existing = await auth.getUserByEmail(email).catch(() => null);
  if (existing) await auth.updateUser(existing.uid, { password });
  else await auth.createUser({ uid, email, password });
  await auth.setCustomUserClaims(existing?.uid ?? uid, claims);
}

export class LocalSignIn {
  /** What the sign-in pages read at each load; updated in place as the emulator comes up. */
  readonly signIn: SignInConfig;
  private current: TLocalAuthState;
  private child: ChildProcess | undefined;
  private stopping = false;

  private constructor(
    readonly host: string,
    readonly projectId: string,
    readonly users: TDemoUsers,
  ) {
    this.signIn = { ...signInConfigFrom({ FIREBASE_AUTH_EMULATOR_HOST: host }), unavailable: null };
    this.current = { host, state: 'starting' };
    this.apply();
  }

  /** Picks the port and the demo users; nothing runs until start(). */
  static async prepare(options: { projectId: string; dataDir: string }): Promise<LocalSignIn> {
    return new LocalSignIn(`127.0.0.1:${await freePort()}`, options.projectId, ensureDemoUsers(options.dataDir));
  }

  get state(): TLocalAuthState {
    return this.current;
  }

  /** Starts the emulator and creates the demo users, in the background; `onChange` hears each state. */
  start(onChange: (state: TLocalAuthState) => void): void {
    this.onChange = onChange;
    void this.run().then(
      () => this.set({ host: this.host, state: 'ready' }),
      (error: unknown) => {
        this.kill();
        this.set({ host: this.host, state: 'unavailable', reason: (error as Error).message });
      },
    );
  }

  private onChange: (state: TLocalAuthState) => void = () => undefined;

  private async run(): Promise<void> {
    let modulePath: string;
    try {
      modulePath = require.resolve('firebase-tools/lib/emulator/auth/server');
    } catch {
      throw new Error('firebase-tools is not installed (it is a development dependency: run npm install without --omit=dev)');
    }
    const port = this.host.split(':')[1]!;
    const child = spawn(process.execPath, ['-e', CHILD_SOURCE, modulePath, port, this.projectId], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      let err = '';
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`the Auth emulator did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!ready && out.includes(READY_MARKER)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      // Kept short: only the last line explains a failure.
      child.stderr!.on('data', (chunk: Buffer) => (err = `${err}${chunk.toString()}`.slice(-2000)));
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`could not run the Auth emulator: ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (!ready) {
          const last = err.trim().split('\n').filter(Boolean).pop();
          reject(new Error(`the Auth emulator exited (code ${code})${last ? `: ${last}` : ''}`));
        } else this.set({ host: this.host, state: 'unavailable', reason: `the Auth emulator stopped (exit code ${code})` });
      });
    });
    await this.createDemoUsers();
  }

  private async createDemoUsers(): Promise<void> {
    useAuthEmulator(this.host);
    const app = initializeApp({ projectId: this.projectId }, `demo-users-${process.pid}`);
    try {
      const auth = getAuth(app);
      await upsertUser(auth, 'demo-owner', this.users.owner.email, this.users.owner.password, { tenantId: DEMO_TENANT_ID, role: 'owner' });
      await upsertUser(auth, 'demo-kitchen', this.users.staff.email, this.users.staff.password, { tenantId: DEMO_TENANT_ID, role: 'staff' });
    } catch (error) {
      throw new Error(`could not create the demo users: ${(error as Error).message}`);
    } finally {
      await deleteApp(app);
    }
  }

  private set(state: TLocalAuthState): void {
    if (this.stopping) return;
    this.current = state;
    this.apply();
    this.onChange(state);
  }

  /** Mirrors the state into what the sign-in pages render (Spanish: staff read it). */
  private apply(): void {
    this.signIn.pending = this.current.state === 'starting';
    this.signIn.unavailable =
      this.current.state === 'starting'
        ? 'El inicio de sesión se está preparando; la página se recarga sola en unos segundos.'
        : this.current.state === 'unavailable'
          ? 'El inicio de sesión no pudo arrancar en este servidor; el motivo está en la terminal donde corre npm start.'
          : null;
  }

  /** The start banner's lines about sign-in. */
  bannerLines(): string[] {
    const { owner, staff } = this.users;
    return [
      `  sign-in (Firebase Auth emulator at ${this.host}, ${this.current.state === 'ready' ? 'ready' : 'starting in the background'}):`,
      `    owner   ${owner.email}  password ${owner.password}  → /admin and /kitchen`,
      `    kitchen ${staff.email}  password ${staff.password}  → /kitchen`,
    ];
  }

  private kill(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }

  /** Stops the emulator (its users live in memory; they are made again at the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
