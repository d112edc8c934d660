import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getDatabase, type Database, type DataSnapshot } from 'firebase-admin/database';
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

export function connectDatabase(options: { url: string; projectId: string; name?: string }): DatabaseConnection {
  const app = initializeApp(
    { projectId: options.projectId, databaseURL: options.url },
    options.name ?? `pedidos-${process.pid}-${appCounter++}`,
  );
  const db = getDatabase(app);
  return {
    db,
    app,
    close: () => deleteApp(app),
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
  } finally {
    clearTimeout(timer);
  }
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
