import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getDatabase, type Database } from 'firebase-admin/database';
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
