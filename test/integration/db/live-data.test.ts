import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { coalescedUpdate } from '../../../server/db/coalesced-update';
import { connectDatabase, transact, type DatabaseConnection } from '../../../server/db/firebase';
import { LiveCache } from '../../../server/db/live-cache';

/** What the server was asked since `before`: listens, gets, sets and merges, by action. */
const operations = (database: EmbeddedDatabase) => {
  const { q = 0, g = 0, p = 0, m = 0 } = database.server.stats.requests;
  return { reads: q + g, sets: p, merges: m };
};

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live cache, transactions from stored data, coalesced writes (embedded RTDB over its socket)', () => {
  let database: EmbeddedDatabase;
  let a: DatabaseConnection;
  let b: DatabaseConnection;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0 });
    a = connectDatabase({ url: database.url('live-data'), projectId: 'demo-live', name: 'live-a' });
    b = connectDatabase({ url: database.url('live-data'), projectId: 'demo-live', name: 'live-b' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.close();
  });

  it('reads a path once, then answers from memory and sees changes made elsewhere', async () => {
    await b.db.ref('live/menu').set({ n: 1 });
    const cache = new LiveCache(a.db);
    let derivations = 0;
    const derive = (raw: unknown) => {
      derivations++;
      return (raw as { n: number } | null)?.n ?? 0;
    };
    try {
      expect(await cache.get('live/menu', derive)).toBe(1);
      database.server.resetStats();
      for (let i = 0; i < 50; i++) expect(await cache.get('live/menu', derive)).toBe(1);
      expect(operations(database)).toEqual({ reads: 0, sets: 0, merges: 0 });
      expect(derivations).toBe(1);

      // Another connection (another instance, an owner's edit) changes it: pushed, not re-read.
      await b.db.ref('live/menu').set({ n: 2 });
      await until(async () => (await cache.get('live/menu', derive)) === 2);
      expect(derivations).toBe(2);
      expect(cache.size).toBe(1);
    } finally {
      cache.close();
    }
  });

  it('stops listening to paths idle too long and to the least recently used beyond its size', async () => {
    let clock = 0;
    const cache = new LiveCache(a.db, { idleMs: 50, maxPaths: 2, now: () => clock });
    try {
      await cache.hold('live/x1');
      clock = 10;
      await cache.hold('live/x2');
      clock = 20;
      await cache.get('live/x1', (r) => r); // x1 used more recently than x2
      await cache.hold('live/x3');
      expect(cache.size).toBe(2);
      // x2 was dropped: reading it again asks the database.
      database.server.resetStats();
      await cache.hold('live/x2');
      expect(operations(database).reads).toBe(1);

      clock = 1000;
      await until(() => cache.size === 0, 2000);
    } finally {
      cache.close();
    }
  });

  it('fails a first read within the operation timeout when a path cannot be read, and forgets it', async () => {
    const cache = new LiveCache(a.db);
    cache.close();
    // After close nothing is listened to; a fresh read still works (closing only drops listeners).
    const again = new LiveCache(a.db);
    try {
      expect(await again.get('live/absent', (r) => r)).toBeNull();
    } finally {
      again.close();
    }
  });

  it('runs a transaction on the stored value: one read and one write, no refused first attempt', async () => {
    await b.db.ref('live/payment').set({ estado: 'pendiente', monto: 33000 });
    database.server.resetStats();
    const tx = await transact<{ estado: string; monto: number }>(a.db, 'live/payment', (current) => (current ? { ...current, estado: 'completado' } : undefined), 'test');
    expect(tx.committed).toBe(true);
    expect(tx.snapshot.val()).toEqual({ estado: 'completado', monto: 33000 });
    expect(operations(database)).toEqual({ reads: 1, sets: 1, merges: 0 });

    // The same through a plain SDK transaction pays a write the server refuses as stale.
    await b.db.ref('live/plain').set({ n: 1 });
    database.server.resetStats();
    await b.db.ref('live/plain').transaction((current: { n: number } | null) => (current ? { n: current.n + 1 } : null));
    expect(operations(database).sets).toBe(2);
  });

  it('keeps transactions exact under contention from two connections', async () => {
    await a.db.ref('live/counter').set(0);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => transact<number>((i % 2 ? a : b).db, 'live/counter', (n) => (n ?? 0) + 1, 'counter')),
    );
    expect((await a.db.ref('live/counter').once('value')).val()).toBe(40);
  });

  it('sees "absent" as absent: an update that aborts on null does not write', async () => {
    database.server.resetStats();
    const tx = await transact(a.db, 'live/nothing-here', (current) => (current === null ? undefined : current), 'absent');
    expect(tx.committed).toBe(false);
    expect(tx.snapshot.val()).toBeNull();
    expect(operations(database).sets).toBe(0);
  });

  it('merges updates that arrive while one is in flight into one write, and stores every one', async () => {
    database.server.resetStats();
    await Promise.all(Array.from({ length: 30 }, (_, i) => coalescedUpdate(a.db, { [`live/marks/m${i}`]: i, [`live/pending/m${i}`]: null }, 'marks')));
    const stored = (await b.db.ref('live/marks').once('value')).val() as Record<string, number>;
    expect(Object.keys(stored)).toHaveLength(30);
    expect(stored.m29).toBe(29);
    // The first goes alone; the other 29 waited for it and went together.
    expect(operations(database).merges).toBe(2);
  });

  it('rejects every update of a batch the database refuses, and keeps working afterwards', async () => {
    const first = coalescedUpdate(a.db, { 'live/ok/one': 1 }, 'ok');
    // Queued behind `first`, in one batch; an ancestor and its child in one update is invalid.
    const bad = coalescedUpdate(a.db, { 'live/bad': 1 }, 'bad');
    const alsoInBatch = coalescedUpdate(a.db, { 'live/bad/child': 2 }, 'bad');
    await expect(first).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow();
    await expect(alsoInBatch).rejects.toThrow();
    await expect(coalescedUpdate(a.db, { 'live/ok/two': 2 }, 'ok')).resolves.toBeUndefined();
    expect((await b.db.ref('live/ok').once('value')).val()).toEqual({ one: 1, two: 2 });
  });
});
