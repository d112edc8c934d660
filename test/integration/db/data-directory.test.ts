import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getDatabase, ServerValue } from 'firebase-admin/database';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { encodeRecord } from '../../../embedded-database/rtdb/write-log';

/** The embedded database's data directory: lock, start from any file, the log's damaged records, close (#12). */

const ROOT = join(__dirname, '..', '..', '..');
const newDir = () => mkdtempSync(join(tmpdir(), 'rtdb-dir-'));

async function open(dir: string, notices: string[] = [], port = 0): Promise<EmbeddedDatabase> {
  return startEmbeddedDatabase({ port, dataFile: join(dir, 'database.json'), onNotice: (m) => notices.push(m) });
}

async function withClient<T>(db: EmbeddedDatabase, name: string, work: (client: ReturnType<typeof getDatabase>) => Promise<T>): Promise<T> {
  const app = initializeApp({ projectId: 'dir', databaseURL: db.url('dir') }, name);
  try {
    return await work(getDatabase(app));
  } finally {
    await deleteApp(app);
  }
}

describe('embedded database data directory', () => {
  it('refuses a second process on the same directory, naming the directory and the PID that holds it', async () => {
    const dir = newDir();
    const db = await open(dir);
    try {
      const second = spawnSync(process.execPath, ['--import', 'tsx', 'embedded-database/start-database.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, DATA_DIR: dir, EMBEDDED_DATABASE_PORT: '0' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(second.status).toBe(1);
      const message = second.stderr.trim();
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain(dir);
      expect(message).toContain(`process ${process.pid}`);
      // The same process cannot open it twice either.
      await expect(open(dir)).rejects.toThrow(dir);
    } finally {
      await db.close();
    }
    // Released on close.
    await (await open(dir)).close();
  }, 60_000);

  it('takes over the lock of a process that is gone, with a notice', async () => {
    const dir = newDir();
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(join(dir, 'database.lock'), `${gone.pid}\n`);
    const notices: string[] = [];
    const db = await open(dir, notices);
    await db.close();
    expect(notices).toEqual([`The data directory ${dir} was locked by process ${gone.pid}, which is no longer running; this process takes it over.`]);
  });

  it('reads the old single-document file and rewrites it as a snapshot', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'database.json'), JSON.stringify({ tenants: { demo: { pedidos: { a: { total: 33000 }, constructor: { total: 1 } } } } }));
    const db = await open(dir);
    expect(await withClient(db, 'legacy', async (c) => (await c.ref('tenants/demo/pedidos').get()).val())).toEqual({ a: { total: 33000 }, constructor: { total: 1 } });
    await db.close();
    expect(readFileSync(join(dir, 'database.json'), 'utf8').split('\n')[0]).toMatch(/^\{"embeddedRtdbSnapshot":1,"seq":\d+\}$/);
    const again = await open(dir);
    expect(again.server.read('tenants/demo/pedidos/a')).toEqual({ total: 33000 });
    await again.close();
  });

  it('says so when the data file is empty', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'database.json'), '');
    const notices: string[] = [];
    const db = await open(dir, notices);
    await db.close();
    expect(notices).toEqual([expect.stringContaining(`The data file ${join(dir, 'database.json')} is empty`)]);
  });

  it('keeps aside a file too large to read in the old format and starts, with a notice', async () => {
    const dir = newDir();
    const file = join(dir, 'database.json');
    writeFileSync(file, '');
    truncateSync(file, 600 * 2 ** 20); // sparse: no disk used
    const notices: string[] = [];
    const db = await open(dir, notices);
    await db.close();
    const kept = readdirSync(dir).filter((f) => f.startsWith('database.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(statSync(join(dir, kept[0]!)).size).toBe(600 * 2 ** 20);
    expect(notices).toEqual([`The data file ${file} could not be read; it was kept as ${join(dir, kept[0]!)} and the database starts empty.`]);
  });

  it('ignores a record cut short at the end of the log, and reports a damaged one followed by intact ones', async () => {
    const dir = newDir();
    // What a process killed mid-append leaves: five records, the third damaged, the last cut short.
    const live = join(dir, 'database-000001.wal');
    const lines = [0, 1, 2, 3, 4].map((n) => encodeRecord(n + 1, [[['orders', `o${n}`], { n }]]));
    const damaged = [...lines];
    damaged[2] = damaged[2]!.replace('"n":2', '"n":9');
    writeFileSync(live, damaged.slice(0, 4).join('') + lines[4]!.slice(0, 20));
    const notices: string[] = [];
    const reopened = await open(dir, notices);
    expect(reopened.server.read('orders')).toEqual({ o0: { n: 0 }, o1: { n: 1 }, o3: { n: 3 } });
    expect(notices).toEqual([expect.stringContaining(`damaged record in ${live} at byte ${lines[0]!.length + lines[1]!.length}`)]);
    expect(readdirSync(dir).filter((f) => f.startsWith('database-000001.wal.corrupt-'))).toHaveLength(1);
    await withClient(reopened, 'log', (c) => c.ref('orders/o5').set({ n: 5 }));
    await reopened.close();
    const last = await open(dir);
    expect(last.server.read('orders')).toEqual({ o0: { n: 0 }, o1: { n: 1 }, o3: { n: 3 }, o5: { n: 5 } });
    await last.close();
  });

  it('delivers the acknowledgement of every write it applied before closing, so none is applied twice', async () => {
    const dir = newDir();
    const db = await open(dir);
    const port = db.port;
    const app = initializeApp({ projectId: 'dir', databaseURL: db.url('dir') }, 'close');
    const client = getDatabase(app);
    try {
      await client.ref('stats/pedidos').set(0);
      let acknowledged = 0;
      const writes = Array.from({ length: 300 }, () => client.ref('stats').update({ pedidos: ServerValue.increment(1) }).then(() => acknowledged++));
      await new Promise((r) => setTimeout(r, 5));
      await db.close();
      const ackedBeforeClose = acknowledged;
      const reopened = await open(dir, [], port);
      try {
        // What the closed server stored is exactly what it acknowledged…
        expect(reopened.server.read('stats/pedidos')).toBe(ackedBeforeClose);
        // …so when the client sends the rest again, each increment counts once.
        await Promise.all(writes);
        expect((await client.ref('stats/pedidos').get()).val()).toBe(300);
      } finally {
        await deleteApp(app);
        await reopened.close();
      }
    } catch (error) {
      await deleteApp(app).catch(() => undefined);
      throw error;
    }
  }, 60_000);
});
