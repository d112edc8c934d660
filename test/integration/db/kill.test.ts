import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getDatabase, type Database } from 'firebase-admin/database';

/**
 * SIGKILL of the process running the embedded database, at random moments while clients
 * write: every write whose acknowledgement arrived must be there after a restart (#12).
 */

const ROOT = join(__dirname, '..', '..', '..');
const KILLS = 20;

interface Incarnation {
  child: ChildProcess;
  host: string;
  errors: () => string;
}

/** `npm run db` in a child process on a free port, with its data under `dataDir`. */
function startDatabaseProcess(dataDir: string): Promise<Incarnation> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'embedded-database/start-database.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, EMBEDDED_DATABASE_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const host = /FIREBASE_DATABASE_EMULATOR_HOST=(\S+)/.exec(out)?.[1];
      if (host) resolve({ child, host, errors: () => err });
    });
    child.once('exit', (code) => reject(new Error(`database process exited with ${code}: ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function connect(host: string, name: string): { app: App; db: Database } {
  const app = initializeApp({ projectId: 'kill-test', databaseURL: `http://${host}?ns=kill-test` }, name);
  return { app, db: getDatabase(app) };
}

/** Drops a client whose server is gone: its unacknowledged writes are abandoned, never awaited. */
async function abandon(client: { app: App; db: Database }): Promise<void> {
  client.db.goOffline();
  await deleteApp(client.app);
}

/** JSON with keys sorted, to compare values whatever the order their keys come back in. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

describe('embedded database killed at random moments (real child process, SIGKILL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rtdb-kill-'));
  let current: Incarnation | undefined;
  afterAll(async () => {
    if (current) await killed(current.child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged set, multi-path update and transaction over ${KILLS} kills`, async () => {
    /** path → the value the client was told is stored. */
    const acknowledged = new Map<string, unknown>();
    /** counter → the highest value a committed transaction reported. */
    const committed = new Map<string, number>();
    let lost: string[] = [];
    let total = 0;

    for (let round = 0; round <= KILLS; round++) {
      current = await startDatabaseProcess(dataDir);
      const client = connect(current.host, `kill-${round}`);

      // Everything acknowledged by earlier incarnations is there, with its exact value.
      const [orders, messages, counters] = await Promise.all(['orders', 'messages', 'counters'].map(async (p) => (await client.db.ref(p).get()).val() as Record<string, unknown> | null));
      const stored: Record<string, Record<string, unknown> | null> = { orders: orders ?? null, messages: messages ?? null, counters: counters ?? null };
      for (const [path, value] of acknowledged) {
        const [top, key] = path.split('/') as [string, string];
        if (canonical(stored[top]?.[key] ?? null) !== canonical(value)) lost.push(path);
      }
      for (const [counter, value] of committed) {
        const now = (stored.counters?.[counter] as number | undefined) ?? 0;
        if (now < value) lost.push(`counters/${counter} (${now} < ${value})`);
      }
      if (round === KILLS) {
        await abandon(client);
        break;
      }

      // Writers until the kill: sets, multi-path updates, transactions on shared counters.
      let stop = false;
      let n = 0;
      const writer = async (w: number) => {
        while (!stop) {
          const id = `r${round}w${w}n${n++}`;
          const kind = n % 3;
          const order = { id, total: random(1000, 99000), estado: 'pagado', items: { a: { nombre: 'Hamburguesa', cantidad: random(1, 5) } } };
          if (kind === 0) {
            await client.db.ref(`orders/${id}`).set(order);
            acknowledged.set(`orders/${id}`, order);
            total++;
          } else if (kind === 1) {
            const message = { texto: `¡Pago confirmado! Pedido ${id}`, estado: 'pendiente' };
            await client.db.ref().update({ [`orders/${id}`]: order, [`messages/${id}`]: message });
            acknowledged.set(`orders/${id}`, order);
            acknowledged.set(`messages/${id}`, message);
            total++;
          } else {
            const counter = `c${w % 3}`;
            const result = await client.db.ref(`counters/${counter}`).transaction((v: number | null) => (v ?? 0) + 1, undefined, false);
            if (result.committed) {
              committed.set(counter, Math.max(committed.get(counter) ?? 0, result.snapshot.val() as number));
              total++;
            }
          }
        }
      };
      const writers = Array.from({ length: 8 }, (_, w) => writer(w));
      void Promise.allSettled(writers);
      await new Promise((r) => setTimeout(r, random(100, 700)));
      await killed(current.child);
      stop = true;
      await abandon(client);
    }

    lost = [...new Set(lost)];
    expect(total).toBeGreaterThan(KILLS * 10);
    expect({ acknowledgedWrites: total, lost: lost.length, examples: lost.slice(0, 5) }).toEqual({ acknowledgedWrites: total, lost: 0, examples: [] });
  }, 120_000);
});
