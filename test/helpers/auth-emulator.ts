import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';

/**
 * The Firebase Auth emulator from firebase-tools (Node, no Java, runs offline), started once
 * per integration run by test/helpers/auth-emulator-setup.ts in a child process: building
 * its request validator takes about 15 s of CPU, too much to pay in every test file.
 * Tests find it through FIREBASE_AUTH_EMULATOR_HOST and wait until it answers.
 */

/** The project the emulator answers API-key requests (browser sign-in) for; the harness uses the same. */
export const AUTH_EMULATOR_PROJECT_ID = 'test-project';
const READY_TIMEOUT_MS = 120_000;

/** Code the child runs: firebase-tools' own Auth emulator app, listening on the given port. */
const CHILD_SOURCE = `
const { createApp } = require('firebase-tools/lib/emulator/auth/server');
const [port, projectId] = process.argv.slice(1);
createApp(projectId).then((app) => {
  const server = app.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\\n'));
  // Nothing to flush: the emulator keeps its users in memory.
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  // Dies with its parent, so an interrupted test run leaves nothing behind.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}, (error) => { process.stderr.write(String(error && error.stack || error) + '\\n'); process.exit(1); });
`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns the emulator without waiting for it; returns its host:port and the child. */
export async function spawnAuthEmulator(projectId = AUTH_EMULATOR_PROJECT_ID): Promise<{ host: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', CHILD_SOURCE, String(port), projectId], {
    cwd: process.cwd(),
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  // Neither the child nor its stdin pipe may keep the test runner alive; teardown stops it.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return { host: `127.0.0.1:${port}`, child };
}

/** The emulator of this run; waits until it answers. */
export async function authEmulatorHost(): Promise<string> {
  const host = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  if (!host) throw new Error('FIREBASE_AUTH_EMULATOR_HOST is not set: run integration tests through jest (its globalSetup starts the Auth emulator)');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`http://${host}/`);
      if (res.ok) return host;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`Auth emulator at ${host} did not answer within ${READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface TestUsers {
  auth: Auth;
  /** Creates (or recreates) a user with these claims and returns its ID token from a real sign-in. */
  create(email: string, claims: Record<string, unknown> | null, password?: string): Promise<{ uid: string; idToken: string; password: string }>;
  signIn(email: string, password: string): Promise<{ idToken: string; refreshToken: string }>;
  close(): Promise<void>;
}

let appCounter = 0;

/** Users in the emulator, created with the Admin SDK and signed in over the REST API the browser uses. */
export async function testUsers(host: string, projectId = AUTH_EMULATOR_PROJECT_ID): Promise<TestUsers> {
  process.env.FIREBASE_AUTH_EMULATOR_HOST = host;
  const app: App = initializeApp({ projectId }, `test-users-${process.pid}-${appCounter++}`);
  const auth = getAuth(app);
  const signIn = async (email: string, password: string) => {
    const res = await fetch(`http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=test-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    });
    const body = (await res.json()) as { idToken?: string; refreshToken?: string; error?: { message?: string } };
    if (!res.ok || !body.idToken) throw new Error(`sign-in of ${email} failed: ${body.error?.message ?? res.status}`);
    return { idToken: body.idToken, refreshToken: body.refreshToken ?? '' };
  };
  return {
    auth,
    signIn,
    async create(email, claims, password = 'clave-segura-123') {
      const existing = await auth.getUserByEmail(email).catch(() => null);
      if (existing) await auth.deleteUser(existing.uid);
      const user = await auth.createUser({ email, password });
      if (claims) await auth.setCustomUserClaims(user.uid, claims);
      const { idToken } = await signIn(email, password);
      return { uid: user.uid, idToken, password };
    },
    close: () => deleteApp(app),
  };
}
