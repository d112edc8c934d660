import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase } from '../../server/db/firebase';
import { ZRuntimeInfoSchema } from '../../server/dev/runtime-file';
import { authEmulatorHost } from '../helpers/auth-emulator';
import { launchBrowser, PHONE_VIEWPORT, screenshotForDocs } from '../helpers/browser';
import { freePort } from '../helpers/harness';

/**
 * `npm start` as a newcomer runs it: the real entry point in its own process (through tsx, as
 * the start script does), with a temporary data folder and free ports, no .env and no Firebase
 * variables, so it takes the embedded default.
 */
const ROOT = join(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(ROOT, 'server', 'main.ts');
const START_TIMEOUT_MS = 25_000;
/** The local Auth emulator builds its request validator first: 10–20 s of CPU, more under load. */
const SIGN_IN_TIMEOUT_MS = 150_000;

interface Started {
  child: ChildProcess;
  output(): string;
  errors(): string;
  exited: Promise<number | null>;
  /** Resolves once the start banner is out; rejects with the output if the process ends first. */
  ready: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

describe('npm start on the embedded default', () => {
  let dir: string;
  let ports: { PORT: string; EMBEDDED_DATABASE_PORT: string };
  const running = new Set<Started>();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pedidos-start-'));
    ports = { PORT: String(await freePort()), EMBEDDED_DATABASE_PORT: String(await freePort()) };
  });
  afterEach(async () => {
    await Promise.all([...running].map((s) => s.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Only what a shell would have: no .env (cwd is the temp folder), no Firebase variables.
   * Tests about other things point sign-in at the test run's Auth emulator, so each start does
   * not build one of its own; `localSignIn` keeps the true default.
   */
  function start(extraEnv: Record<string, string> = {}, options: { localSignIn?: boolean } = {}): Started {
    const signIn = options.localSignIn ? {} : { FIREBASE_AUTH_EMULATOR_HOST: process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '' };
    const child = spawn(process.execPath, [TSX_CLI, MAIN], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, LOG_LEVEL: 'warn', DATA_DIR: join(dir, '.data'), ...ports, ...signIn, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: tsx runs the server in a child, and a forced stop must reach both.
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start banner within ${START_TIMEOUT_MS} ms:\n${out}\n${err}`)), START_TIMEOUT_MS);
      child.stdout!.on('data', () => {
        if (/^ {2}orders: /m.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before starting:\n${out}\n${err}`));
      });
    });
    ready.catch(() => undefined);
    const started: Started = {
      child,
      output: () => out,
      errors: () => err,
      exited,
      ready,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) {
          if (signal === 'SIGKILL') process.kill(-child.pid!, 'SIGKILL');
          else child.kill(signal);
        }
        const code = await exited;
        running.delete(started);
        return code;
      },
    };
    running.add(started);
    return started;
  }

  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  };
  const dbGet = async (path: string) => JSON.parse((await get(`http://127.0.0.1:${ports.EMBEDDED_DATABASE_PORT}/${path}.json`)).text);
  const occupy = async (port: string): Promise<Server> => {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(port), resolve));
    return server;
  };

  it('creates the demo restaurant, prints the URLs, and keeps orders across a restart', async () => {
    const first = start();
    await first.ready;
    const base = `http://localhost:${ports.PORT}`;
    expect(first.output()).toContain(`Server listening on ${base}`);
    expect(first.output()).toContain(`  WhatsApp webhook: ${base}/api/webhooks/whatsapp`);
    expect(first.output()).toContain(`  simulator: ${base}/simulator`);
    expect(first.output()).not.toContain('NOTE:');
    expect(await dbGet('tenants/demo/restaurant')).toMatchObject({ name: 'La Hamburguesería de la 80' });
    const simulator = await get(`${base}/simulator`);
    expect(simulator.status).toBe(200);
    expect(simulator.text).toContain('La Hamburguesería de la 80');
    const secrets = readFileSync(join(dir, '.data', 'demo-secrets.json'), 'utf8');

    // An order, written as the app writes one: through the Admin SDK.
    const writer = connectDatabase({ url: `http://127.0.0.1:${ports.EMBEDDED_DATABASE_PORT}?ns=demo-pedidos`, projectId: 'demo-pedidos', name: 'start-test' });
    await writer.db.ref('tenants/demo/pedidos/-reinicio').set({ id: '4242', total: 33000, estado: 'pendiente' });
    await writer.close();
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = start();
    await second.ready;
    expect(await dbGet('tenants/demo/pedidos')).toEqual({ '-reinicio': { id: '4242', total: 33000, estado: 'pendiente' } });
    expect(readFileSync(join(dir, '.data', 'demo-secrets.json'), 'utf8')).toBe(secrets);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('starts the embedded default from a copy of .env.example (cp .env.example .env)', async () => {
    writeFileSync(join(dir, '.env'), readFileSync(join(ROOT, '.env.example')));
    const app = start();
    await app.ready;
    expect(app.output()).toContain(`  simulator: http://localhost:${ports.PORT}/simulator`);
    expect(await dbGet('tenants/demo/restaurant')).toMatchObject({ name: 'La Hamburguesería de la 80' });
    expect(app.errors()).toBe('');
    expect(await app.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('refuses a SECRETS_KEY that cannot open the credentials already stored, saying how to fix it', async () => {
    const first = start();
    await first.ready;
    expect(await first.stop('SIGTERM')).toBe(0);
    const wrongKey = start({ SECRETS_KEY: Buffer.alloc(32, 9).toString('base64') });
    expect(await wrongKey.exited).toBe(1);
    expect(wrongKey.errors()).toMatch(/^Cannot start: SECRETS_KEY: it cannot decrypt the credentials already stored \(restaurant "demo", \w+\).*Fix: remove SECRETS_KEY/m);
    expect(wrongKey.errors()).not.toContain(Buffer.alloc(32, 9).toString('base64'));
  }, 60_000);

  it('refuses the Firebase Auth emulator together with NODE_ENV=production', async () => {
    const app = start({ NODE_ENV: 'production', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' });
    expect(await app.exited).toBe(1);
    expect(app.errors()).toMatch(/FIREBASE_AUTH_EMULATOR_HOST: .*unsigned ID tokens/);
  }, 30_000);
  const waitForOutput = async (app: Started, pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(app.output())) {
      if (app.child.exitCode !== null) throw new Error(`exited while waiting for ${pattern}:\n${app.output()}\n${app.errors()}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${app.output()}\n${app.errors()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const runtimeFile = () => ZRuntimeInfoSchema.parse(JSON.parse(readFileSync(join(dir, '.data', 'runtime.json'), 'utf8')));
  const cli = (script: string, args: string[]) => {
    const child = spawn(process.execPath, [TSX_CLI, join(ROOT, 'server', 'cli', script), ...args], {
      cwd: dir,
      // Only DATA_DIR: the tools find the server's ports in its runtime file.
      env: { PATH: process.env.PATH ?? '', HOME: dir, DATA_DIR: join(dir, '.data') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, output: () => out, errors: () => err };
  };
  const signInWithPassword = async (host: string, email: string, password: string) => {
    const res = await fetch(`http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    });
    const body = (await res.json()) as { idToken?: string };
    expect(res.status).toBe(200);
    return body.idToken!;
  };
  const claimsOf = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8'));

  it('starts its own Firebase Auth emulator with a demo owner and kitchen user, again after a restart', async () => {
    const first = start({}, { localSignIn: true });
    await first.ready;
    const base = `http://localhost:${ports.PORT}`;
    const owner = /^ {4}owner +(\S+) +password (\S+)/m.exec(first.output());
    const kitchen = /^ {4}kitchen +(\S+) +password (\S+)/m.exec(first.output());
    expect(owner?.[1]).toBe('dueno@demo.test');
    expect(kitchen?.[1]).toBe('cocina@demo.test');
    const info = runtimeFile();
    expect(info).toMatchObject({ port: Number(ports.PORT), databaseHost: `127.0.0.1:${ports.EMBEDDED_DATABASE_PORT}`, projectId: 'demo-pedidos' });
    const authHost = info.authEmulator!.host;

    await waitForOutput(first, /^Sign-in ready: /m, SIGN_IN_TIMEOUT_MS);
    expect(runtimeFile().authEmulator).toEqual({ host: authHost, state: 'ready' });
    // The pages now offer sign-in at load, with no notice.
    const page = await (await fetch(`${base}/kitchen`)).text();
    const signIn = JSON.parse(/<script type="application\/json" id="sign-in">(.*?)<\/script>/.exec(page)![1]!);
    expect(signIn).toMatchObject({ signInUrl: `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=emulator-any-key`, unavailable: null, pending: false });

    // Real sign-in: ID tokens with the claims the admin API reads, accepted by the server.
    const ownerToken = await signInWithPassword(authHost, owner![1]!, owner![2]!);
    expect(claimsOf(ownerToken)).toMatchObject({ tenantId: 'demo', role: 'owner', email: 'dueno@demo.test', aud: 'demo-pedidos' });
    const kitchenToken = await signInWithPassword(authHost, kitchen![1]!, kitchen![2]!);
    expect(claimsOf(kitchenToken)).toMatchObject({ tenantId: 'demo', role: 'staff', email: 'cocina@demo.test' });
    const me = await fetch(`${base}/api/admin/me`, { headers: { authorization: `Bearer ${kitchenToken}` } });
    expect(await me.json()).toMatchObject({ role: 'staff', tenantId: 'demo' });
    const settings = await fetch(`${base}/api/admin/tenants/demo/payments`, { headers: { authorization: `Bearer ${ownerToken}` } });
    expect(settings.status).toBe(200);

    // `npm run user` uses that emulator with no variable but DATA_DIR, and refuses a tenant that does not exist.
    const created = cli('user.ts', ['create', 'ayudante@demo.test', '--tenant', 'demo', '--role', 'staff', '--password', 'clave-ayudante']);
    expect(await created.exited).toBe(0);
    expect(created.output()).toContain(`Created ayudante@demo.test`);
    expect(claimsOf(await signInWithPassword(authHost, 'ayudante@demo.test', 'clave-ayudante'))).toMatchObject({ tenantId: 'demo', role: 'staff' });
    const refused = cli('user.ts', ['create', 'otro@demo.test', '--tenant', 'no-existe', '--role', 'owner']);
    expect(await refused.exited).toBe(1);
    expect(refused.errors()).toContain('tenant "no-existe" does not exist');

    // A clean stop removes the runtime file and the emulator with it.
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dir, '.data', 'runtime.json'))).toBe(false);
    await expect(fetch(`http://${authHost}/`)).rejects.toThrow();

    // The emulator keeps users in memory: the next start makes them again, same passwords.
    const second = start({}, { localSignIn: true });
    await second.ready;
    expect(second.output()).toContain(`owner   dueno@demo.test  password ${owner![2]}`);
    await waitForOutput(second, /^Sign-in ready: /m, SIGN_IN_TIMEOUT_MS);
    const again = await signInWithPassword(runtimeFile().authEmulator!.host, owner![1]!, owner![2]!);
    expect(claimsOf(again)).toMatchObject({ tenantId: 'demo', role: 'owner' });

    // In a browser, as the newcomer follows it (#17): the landing page names the demo users
    // (e-mails only) and links the simulator; the kitchen user signs in at /kitchen.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      for (const [size, viewport] of [['phone', PHONE_VIEWPORT], ['desktop', { width: 1280, height: 900 }]] as const) {
        await page.setViewportSize(viewport);
        await page.goto(`${base}/`);
        await screenshotForDocs(page, `screenshots/landing-demo-${size}.png`);
      }
      const users = await page.locator('#demo-users').textContent();
      expect(users).toContain('dueno@demo.test');
      expect(users).toContain('cocina@demo.test');
      expect(users).toContain('demo-users.json');
      expect(await page.content()).not.toContain(owner![2]!);
      expect(await page.locator('a[href="/simulator"]').count()).toBe(1);

      await page.click('a[href="/kitchen"]');
      await page.fill('#email', kitchen![1]!);
      await page.fill('#password', kitchen![2]!);
      await page.click('#login-button');
      await page.locator('#app').waitFor({ state: 'visible' });
      for (const [size, viewport] of [['phone', PHONE_VIEWPORT], ['desktop', { width: 1280, height: 900 }]] as const) {
        await page.setViewportSize(viewport);
        await screenshotForDocs(page, `screenshots/kitchen-demo-${size}.png`);
      }
    } finally {
      await browser.close();
    }
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 400_000);

  it('lets npm run chat find the server and a tenant by id, and exit in one line when the server stops', async () => {
    await authEmulatorHost();
    const app = start();
    await app.ready;
    const imported = cli('tenant.ts', ['import', join(ROOT, 'docs', 'tenant-example.json')]);
    expect(await imported.exited).toBe(0);
    expect(imported.output()).toContain('Created tenant "la-esquina"');

    const chat = cli('chat.ts', ['--tenant', 'la-esquina']);
    await waitForOutput({ ...app, output: chat.output, child: chat.child } as Started, /Chatting as \+\d+ with tenant "la-esquina" \(phone number id 109876543210987\)/, 60_000);
    chat.child.stdin!.write('hola\n');
    await waitForOutput({ ...app, output: chat.output, child: chat.child } as Started, /Corrientazo La Esquina/, 60_000);

    expect(await app.stop('SIGTERM')).toBe(0);
    expect(await chat.exited).toBe(1);
    const lines = chat.errors().trim().split('\n');
    // Refused, or reset when the stop lands mid-request: either way one line.
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^The server at http://127\\.0\\.0\\.1:${ports.PORT} is not answering \\((ECONNREFUSED|ECONNRESET|EPIPE)\\); start it again with "npm start", then run "npm run chat"\\.$`))]);
    expect(chat.errors()).not.toMatch(/x-hub-signature|sha256=|\n\s+at /i);
  }, 150_000);

  it('exits with a clear message naming PORT when the port is taken', async () => {
    const blocker = await occupy(ports.PORT);
    try {
      const app = start();
      expect(await app.exited).not.toBe(0);
      expect(app.errors()).toContain(`port ${ports.PORT} is already in use`);
      expect(app.errors()).toContain('PORT=<port> npm start');
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('keeps a corrupt data file aside, starts fresh and says so with the URLs', async () => {
    const dataDir = join(dir, '.data');
    const first = start();
    await first.ready;
    expect(await first.stop('SIGTERM')).toBe(0);
    const broken = '{"tenants": {"demo": {"pedidos": ';
    writeFileSync(join(dataDir, 'database.json'), broken);

    const app = start();
    await app.ready;
    const kept = readdirSync(dataDir).filter((f) => f.startsWith('database.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dataDir, kept[0]!), 'utf8')).toBe(broken);
    expect(app.output()).toMatch(/NOTE: The data file .*database\.json could not be read; it was kept as .*database\.json\.corrupt-.* and the database starts empty\./);
    expect(await dbGet('tenants/demo/restaurant')).toMatchObject({ name: 'La Hamburguesería de la 80' });
    expect(existsSync(join(dataDir, 'demo-secrets.json'))).toBe(true);
    expect(await app.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
