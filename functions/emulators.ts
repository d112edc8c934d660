import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GATEWAY_IDS } from '../server/payments/adapters';
import { connectDatabase } from '../server/db/firebase';
import { ensureDemoSecrets, ensureDemoTenant, type TDemoSecrets } from '../server/demo/demo-setup';
import { SecretsKey } from '../server/tenants/secrets-crypto';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../embedded-database/embedded-database';

/**
 * `npm run emulators` (after `npm run build`): the functions of functions.ts under the Firebase
 * emulators, as they run once deployed, with the Auth emulator. The database is
 * - the official RTDB emulator when firebase-tools can run it (Java 21 or newer and its jar,
 *   which it downloads on first use), or
 * - the embedded RTDB on port 9000, data in DATA_DIR, when it cannot (offline, older Java).
 * `--database=official|embedded` forces one. The project is `demo-pedidos`, the namespace
 * `npm start` uses, and the demo restaurant and its secrets are the ones `npm start` makes,
 * so the same data and `npm run chat -- --url <api URL>` work against both.
 */
const ROOT = resolve(__dirname, '..');
const PROJECT_ID = 'demo-pedidos';
const REGION = 'us-central1';
/** Ports of firebase.json: the emulators' defaults. */
const FUNCTIONS_PORT = 5001;
const DATABASE_PORT = 9000;
const AUTH_PORT = 9099;
/** Time for the official database emulator (a JVM) to start listening. */
const DATABASE_READY_TIMEOUT_MS = 60_000;
/** Time for the CLI to analyse the functions and a first worker to load them. */
const API_READY_TIMEOUT_MS = 120_000;
/** First line of a `.secret.local` this script wrote, so it may rewrite it; anyone else's is left alone. */
const SECRET_FILE_MARKER = '# Written by `npm run emulators` from the demo secrets in DATA_DIR; delete this line to keep your own values.';
const FIREBASE_BIN = join(ROOT, 'node_modules/firebase-tools/lib/bin/firebase.js');

type DatabaseChoice = 'auto' | 'official' | 'embedded';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function databaseChoice(): DatabaseChoice {
  const arg = process.argv.find((a) => a.startsWith('--database='))?.slice('--database='.length) ?? 'auto';
  if (arg !== 'auto' && arg !== 'official' && arg !== 'embedded') fail(`--database must be auto, official or embedded, not "${arg}"`);
  return arg;
}

/** firebase-tools 15 runs the RTDB emulator only on Java 21+. */
function javaMajorVersion(): number | null {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error) return null;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  if (!match) return null;
  // Java 8 and older report "1.8.0_x".
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/** Whether the official emulator can start: Java 21+ and its jar (downloaded now if missing). */
function officialDatabaseAvailable(): { ok: true } | { ok: false; why: string } {
  const java = javaMajorVersion();
  if (java === null) return { ok: false, why: 'no Java on PATH (the official RTDB emulator is a Java program)' };
  if (java < 21) return { ok: false, why: `Java ${java} found; firebase-tools needs Java 21 or newer for the RTDB emulator` };
  const setup = spawnSync(process.execPath, [FIREBASE_BIN, 'setup:emulators:database'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (setup.status !== 0) {
    const reason = `${setup.stdout ?? ''}${setup.stderr ?? ''}`.split('\n').find((l) => l.startsWith('Error:')) ?? 'the download failed';
    return { ok: false, why: `its jar could not be downloaded (${reason.trim()})` };
  }
  return { ok: true };
}

/**
 * The Functions emulator reads secrets from `.secret.local` in the functions source folder and
 * asks Secret Manager for any it lacks (which fails offline and logs an error). This keeps the
 * file in step with the demo secrets, unless someone wrote their own.
 */
function writeLocalSecrets(secrets: TDemoSecrets): string {
  const file = join(ROOT, '.secret.local');
  if (existsSync(file) && !readFileSync(file, 'utf8').startsWith(SECRET_FILE_MARKER)) return `${file} (yours, kept as is)`;
  const lines = [SECRET_FILE_MARKER, `WHATSAPP_APP_SECRET=${secrets.WHATSAPP_APP_SECRET}`, `WHATSAPP_VERIFY_TOKEN=${secrets.WHATSAPP_VERIFY_TOKEN}`, `SECRETS_KEY=${secrets.SECRETS_KEY}`];
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

async function waitForDatabase(host: string): Promise<void> {
  const deadline = Date.now() + DATABASE_READY_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`http://${host}/.json?ns=${PROJECT_ID}&shallow=true`).catch(() => null);
    if (res?.ok) return;
    if (Date.now() > deadline) throw new Error(`the database emulator at ${host} did not answer within ${DATABASE_READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The api function answers once the CLI has loaded the code and a worker serves it. */
async function waitForApi(api: string): Promise<void> {
  const deadline = Date.now() + API_READY_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`${api}/healthz`).catch(() => null);
    if (res?.ok) return;
    if (Date.now() > deadline) throw new Error(`${api}/healthz did not answer within ${API_READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function seedDemoRestaurant(host: string, secrets: TDemoSecrets): Promise<void> {
  const setup = connectDatabase({ url: `http://${host}?ns=${PROJECT_ID}`, projectId: PROJECT_ID, name: 'emulators-setup' });
  try {
    if (await ensureDemoTenant(setup.db, new SecretsKey(secrets.SECRETS_KEY), secrets.SANDBOX_SECRET)) say('demo restaurant created (tenant "demo")');
  } finally {
    await setup.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/functions/functions.js'))) fail('dist/ is missing: run `npm run build` first (`npm run emulators` does).');
  const dataDir = process.env.DATA_DIR ?? '.data';
  const secrets = ensureDemoSecrets(dataDir);
  const secretFile = writeLocalSecrets(secrets);

  const choice = databaseChoice();
  let official = choice === 'official';
  if (choice === 'auto') {
    const check = officialDatabaseAvailable();
    official = check.ok;
    if (!check.ok) say(`Official RTDB emulator not available: ${check.why}. Using the embedded database.`);
  }

  const databaseHost = `127.0.0.1:${official ? DATABASE_PORT : Number(process.env.EMBEDDED_DATABASE_PORT ?? DATABASE_PORT)}`;
  let embedded: EmbeddedDatabase | undefined;
  if (!official) {
    embedded = await startEmbeddedDatabase({
      port: Number(databaseHost.split(':')[1]),
      dataFile: join(dataDir, 'database.json'),
      onNotice: (m) => process.stderr.write(`${m}\n`),
    }).catch((error: unknown) => fail(`could not start the embedded database on ${databaseHost}: ${(error as Error).message} (another \`npm start\` or \`npm run db\` running?)`));
    await seedDemoRestaurant(databaseHost, secrets);
  }

  const only = official ? 'database,functions,auth' : 'functions,auth';
  // The Functions emulator passes its environment on to the functions; with the official
  // database emulator it names it itself.
  const env = { ...process.env, ...(official ? {} : { FIREBASE_DATABASE_EMULATOR_HOST: databaseHost }) };
  // Its own process group: Ctrl+C reaches only this script, which asks the CLI to stop once
  // (a second SIGINT would make it skip its clean shutdown).
  const child = spawn(process.execPath, [FIREBASE_BIN, 'emulators:start', '--only', only, '--project', PROJECT_ID], { cwd: ROOT, env, stdio: 'inherit', detached: true });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // The CLI shuts its emulators down cleanly on SIGINT.
    if (child.exitCode === null) child.kill(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const exited = new Promise<number>((r) => child.once('exit', (c) => r(c ?? 0)));

  const api = `http://127.0.0.1:${FUNCTIONS_PORT}/${PROJECT_ID}/${REGION}/api`;
  const ready = (async () => {
    if (official) {
      await waitForDatabase(databaseHost);
      await seedDemoRestaurant(databaseHost, secrets);
    }
    await waitForApi(api);
  })();
  const summary = () =>
    say(
      [
        '',
        `Functions: api at ${api}`,
        `  WhatsApp webhook: ${api}/api/webhooks/whatsapp`,
        `  payment webhooks: ${api}/api/webhooks/payment/{${GATEWAY_IDS.join('|')}}`,
        `  reconcile: scheduled every 2 minutes once deployed; the emulator skips it (it needs the Pub/Sub emulator)`,
        `  database: ${official ? 'official RTDB emulator' : 'embedded RTDB'} at ${databaseHost}, namespace ${PROJECT_ID}${embedded ? `, data in ${join(dataDir, 'database.json')}` : ''}`,
        `  auth emulator: 127.0.0.1:${AUTH_PORT}`,
        `  settings: functions/env/.env.${PROJECT_ID}; secrets: ${secretFile}`,
        `  chat as a customer: npm run chat -- --url ${api}`,
        '',
      ].join('\n'),
    );
  // The CLI prints its own errors; this only decides whether to print the summary.
  void ready.then(summary, (error: unknown) => process.stderr.write(`${(error as Error).message}\n`));
  const code = await exited;
  await embedded?.close();
  process.exit(code);
}

main().catch((error: unknown) => fail(`Could not start the emulators: ${error instanceof Error ? error.message : String(error)}`));
