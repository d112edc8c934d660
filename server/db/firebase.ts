import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getDatabase, type Database, type DataSnapshot } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../errors';

/**
 * Connects firebase-admin to a database URL. An `http://` URL (an emulator or the embedded
 * server) makes the SDK use emulator credentials; an `https://` URL uses the service
 * account from the environment (GOOGLE_APPLICATION_CREDENTIALS), as on Google Cloud.
 */
export interface DatabaseConnection {
  db: Database;
  app: App;
  close(): Promise<void>;
}

let appCounter = 0;

export function connectDatabase(options: { url: string; projectId: string; name?: string; logger?: Logger }): DatabaseConnection {
  const app = initializeApp(
    { projectId: options.projectId, databaseURL: options.url },
    options.name ?? `pedidos-${process.pid}-${appCounter++}`,
  );
  const db = getDatabase(app);
  const watcher = watchReconnect(db, options.url, options.logger);
  return {
    db,
    app,
    close: async () => {
      watcher.stop();
      await deleteApp(app);
    },
  };
}

/** How often a disconnected client asks whether the database is back. */
export const RECONNECT_PROBE_INTERVAL_MS = 1000;
const RECONNECT_PROBE_TIMEOUT_MS = 2000;

/**
 * Reconnects as soon as the database is reachable again. While disconnected the SDK waits
 * longer after every failed attempt (×1.3 up to 30 s for admin clients), so after an outage
 * it could stay away for up to half a minute after the database came back (21 s measured,
 * #12). While `.info/connected` is false this probes the database's REST endpoint once a
 * second; any HTTP answer (even 401 from Firebase without credentials) means the server is
 * up, and `goOffline()` + `goOnline()` makes the SDK connect now (it resets its backoff).
 * Queued writes are kept across the two calls and sent on reconnect.
 */
function watchReconnect(db: Database, url: string, logger?: Logger): { stop(): void } {
  let probeUrl: string;
  try {
    const parsed = new URL(url);
    const ns = parsed.searchParams.get('ns');
    probeUrl = `${parsed.origin}/.json?shallow=true${ns ? `&ns=${encodeURIComponent(ns)}` : ''}`;
  } catch {
    return { stop: () => undefined };
  }
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let connected = false;
  let probing = false;
  const connectedRef = db.ref('.info/connected');
  const onConnected = (snap: DataSnapshot) => {
    connected = snap.val() === true;
    if (connected) {
      clearInterval(timer);
      timer = undefined;
    } else if (!timer && !stopped) {
      timer = setInterval(() => void probe(), RECONNECT_PROBE_INTERVAL_MS);
      timer.unref();
    }
  };
  const probe = async () => {
    if (probing || connected || stopped) return;
    probing = true;
    try {
      await fetch(probeUrl, { signal: AbortSignal.timeout(RECONNECT_PROBE_TIMEOUT_MS) });
      if (connected || stopped) return;
      logger?.info('database reachable again; reconnecting now');
      db.goOffline();
      db.goOnline();
    } catch {
      // Still unreachable; the next probe tries again.
    } finally {
      probing = false;
    }
  };
  connectedRef.on('value', onConnected);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      connectedRef.off('value', onConnected);
    },
  };
}

/** How long one database operation may take inside a request before we answer 503. */
export const DB_OPERATION_TIMEOUT_MS = 8000;

/**
 * Bounds a database operation. The SDK queues operations while disconnected and never fails
 * them, so without a bound a request would hang through an outage; webhook senders retry a 5xx.
 */
export async function withTimeout<T>(operation: Promise<T>, what: string, timeoutMs = DB_OPERATION_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError(ErrorCode.DATABASE_UNAVAILABLE, { message: `database did not answer within ${timeoutMs} ms: ${what}` })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([operation, timeout]);
  } catch (error) {
    throw asDatabaseError(error, what);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The SDK fails a transaction that was on the wire when the connection dropped with a bare
 * `Error('disconnect')` (and listens with `unavailable`): the database is away, not the
 * request wrong, so it becomes DATABASE_UNAVAILABLE (503, the sender retries).
 */
export function asDatabaseError(error: unknown, what: string): unknown {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message === 'disconnect' || /^unavailable\b/.test(message) || message === 'Error: disconnect') {
    return new AppError(ErrorCode.DATABASE_UNAVAILABLE, { message: `database connection lost: ${what}`, cause: error });
  }
  return error;
}

/** Reads one value. `once('value')` rather than `get()`: it works the same on every server. */
export async function readValue<T = unknown>(db: Database, path: string): Promise<T | null> {
  const snap = await withTimeout(db.ref(path).once('value'), `read ${path}`);
  return (snap.val() as T | null) ?? null;
}

/**
 * A transaction that starts from the stored value. The SDK runs a transaction's update first
 * on its local copy; with nothing cached that copy is null, the server refuses the write as
 * stale and the update runs again. Listening first (and waiting for the value) makes the
 * first write the right one: one read and one write instead of a read and two writes.
 */
export async function transact<T>(
  db: Database,
  path: string,
  update: (current: T | null) => T | null | undefined,
  what: string,
  /** Runs with the stored value before the transaction starts (e.g. to read what the update needs). */
  prepare?: (stored: T | null) => Promise<void>,
  /**
   * Called with the transaction's result when it settles after this call gave up waiting: the
   * SDK keeps a queued transaction and may commit it on reconnect, and a caller whose commit
   * decides who does the follow-up work must not leave that work undone (#12).
   */
  onLateResult?: (result: { committed: boolean; snapshot: DataSnapshot }) => void,
): Promise<{ committed: boolean; snapshot: DataSnapshot }> {
  const ref = db.ref(path);
  let ready!: (value: T | null) => void;
  const first = new Promise<T | null>((resolve) => (ready = resolve));
  const onValue = (snap: DataSnapshot) => ready((snap.val() as T | null) ?? null);
  ref.on('value', onValue, () => ready(null));
  try {
    const stored = await withTimeout(first, what);
    await prepare?.(stored);
    const pending = ref.transaction((current: T | null) => update(current) as unknown, undefined, false);
    try {
      return await withTimeout(pending, what);
    } catch (error) {
      if (onLateResult) pending.then(onLateResult, () => undefined);
      throw error;
    }
  } finally {
    ref.off('value', onValue);
  }
}
