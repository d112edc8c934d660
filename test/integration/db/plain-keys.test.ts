import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getDatabase, type Database } from 'firebase-admin/database';
import { WebSocket } from 'ws';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { hashNode, normalize } from '../../../embedded-database/rtdb/tree';

/**
 * Keys named like Object.prototype members are ordinary keys (#12). Through firebase-admin for
 * the keys the SDK itself can carry (its own code breaks on `__proto__` and `hasOwnProperty`
 * path segments, against any server), and over the raw wire protocol for all of them.
 */
const SDK_KEYS = ['constructor', 'toString', 'valueOf'];
const ALL_KEYS = [...SDK_KEYS, '__proto__', 'hasOwnProperty'];

describe('keys named like Object.prototype members', () => {
  let database: EmbeddedDatabase;
  let app: App;
  let db: Database;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0 });
    app = initializeApp({ projectId: 'plain-keys', databaseURL: database.url('plain-keys') }, 'plain-keys');
    db = getDatabase(app);
  });
  afterAll(async () => {
    await deleteApp(app);
    await database.close();
  });

  it.each(SDK_KEYS)('firebase-admin: "%s" is absent until written, then sets, updates, transacts, listens and reads like any key', async (key) => {
    const base = `orders-${key}`;
    await db.ref(`${base}/otro`).set({ estado: 'pendiente' });
    // A missing key next to an existing one reads as absent (it used to fail with INTERNAL ASSERT FAILED).
    expect((await db.ref(`${base}/${key}`).get()).val()).toBeNull();
    expect((await db.ref(`${base}/otro/${key}`).get()).val()).toBeNull();
    const fresh = await db.ref(`${base}/otro/${key}`).transaction((v: number | null) => (v === null ? 1 : v + 100));
    expect(fresh.snapshot.val()).toBe(1);

    const seen: unknown[] = [];
    const listener = db.ref(`${base}/${key}`).on('value', (s) => seen.push(s.val()));
    try {
      await db.ref(`${base}/${key}`).set({ estado: 'pendiente', total: 33000 });
      expect((await db.ref(`${base}/${key}/estado`).get()).val()).toBe('pendiente');
      await db.ref(base).update({ [`${key}/estado`]: 'pagado', [`${key}/${key}`]: 7 });
      const result = await db.ref(`${base}/${key}/${key}`).transaction((v: number | null) => (v ?? 0) + 1);
      expect(result.committed).toBe(true);
      expect(result.snapshot.val()).toBe(8);

      const expected = { estado: 'pagado', total: 33000, [key]: 8 };
      expect((await db.ref(`${base}/${key}`).get()).val()).toEqual(expected);
      expect(seen.at(-1)).toEqual(expected);
      const rest = await fetch(`http://${database.emulatorHost}/${base}/${key}.json`).then((r) => r.json());
      expect(rest).toEqual(expected);
      expect(await fetch(`http://${database.emulatorHost}/${base}/otro/hasOwnProperty.json`).then((r) => r.json())).toBeNull();
    } finally {
      db.ref(`${base}/${key}`).off('value', listener);
    }
  });

  it.each(ALL_KEYS)('wire protocol: "%s" through set, merge, hash-checked set, get and listen', async (key) => {
    const client = await WireClient.connect(database.emulatorHost);
    try {
      const base = `/wire/${ALL_KEYS.indexOf(key)}`;
      await client.request('p', { p: `${base}/otro`, d: 1 });
      expect(await client.request('g', { p: `${base}/${key}`, q: {} })).toEqual({ s: 'ok', d: null });

      const events = client.pushed();
      expect(await client.request('q', { p: `${base}/${key}`, h: '' })).toEqual({ s: 'ok', d: {} });
      expect(await client.request('p', { p: base, d: JSON.parse(`{"otro":1,"${key}":{"total":33000}}`) })).toEqual({ s: 'ok', d: {} });
      await client.request('m', { p: `${base}/${key}`, d: JSON.parse(`{"estado":"pagado","${key}":7}`) });
      // A transaction: the client sends the hash of the value it started from.
      const current = JSON.parse(`{"estado":"pagado","total":33000,"${key}":7}`);
      expect(await client.request('p', { p: `${base}/${key}/${key}`, d: 8, h: hashNode(7) })).toEqual({ s: 'ok', d: {} });
      current[key] = 8;
      expect(await client.request('p', { p: `${base}/${key}`, d: 0, h: hashNode(normalize({ stale: true })) })).toMatchObject({ s: 'datastale' });

      const read = (await client.request('g', { p: base, q: {} })) as { d: Record<string, unknown> };
      expect(Object.keys(read.d).sort()).toEqual([key, 'otro'].sort());
      expect(Object.getOwnPropertyDescriptor(read.d, key)?.value).toEqual(current);
      // What the listener was pushed: the set, the merge (with the key as its own key), the transaction.
      expect(events).toEqual([
        { a: 'd', p: `${base}/${key}`, d: null },
        { a: 'd', p: `${base}/${key}`, d: { total: 33000 } },
        { a: 'm', p: `${base}/${key}`, d: JSON.parse(`{"estado":"pagado","${key}":7}`) },
        { a: 'd', p: `${base}/${key}/${key}`, d: 8 },
      ]);
      expect(Object.keys(events[2]!.d as object)).toContain(key);
    } finally {
      client.close();
    }
  });
});

/** Just enough of the RTDB wire protocol (v5) to send requests and collect data events. */
class WireClient {
  private next = 1;
  private readonly waiting = new Map<number, (body: unknown) => void>();
  private readonly events: Array<{ a: string; p: string; d: unknown }> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      // JSON.parse keeps "__proto__" as an own key, as the server sends it.
      const message = JSON.parse(raw.toString()) as { t: string; d: { r?: number; a?: string; b: { p?: string; d?: unknown; s?: string } } };
      if (message.t !== 'd') return;
      if (message.d.r !== undefined) this.waiting.get(message.d.r)?.(message.d.b);
      else if (message.d.a) this.events.push({ a: message.d.a, p: message.d.b.p!, d: message.d.b.d });
    });
  }

  static connect(host: string): Promise<WireClient> {
    const ws = new WebSocket(`ws://${host}/.ws?v=5&ns=plain-keys`);
    return new Promise((resolve, reject) => {
      ws.once('message', () => resolve(new WireClient(ws)));
      ws.once('error', reject);
    });
  }

  request(action: string, body: Record<string, unknown>): Promise<unknown> {
    const r = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(r, resolve);
      this.ws.send(JSON.stringify({ t: 'd', d: { r, a: action, b: body } }));
    });
  }

  /** Data events pushed from now on (this client listens at one path). */
  pushed(): Array<{ a: string; p: string; d: unknown }> {
    return this.events;
  }

  close(): void {
    this.ws.close();
  }
}
