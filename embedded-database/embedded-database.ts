import { openDurableStore, type DurableStore } from './rtdb/durable-store';
import { RtdbServer } from './rtdb/server';

/**
 * The embedded Realtime Database used by `npm start` and the tests: the wire-compatible
 * server in ./rtdb and, with a data file, its durable storage: every write is in the fsync'd
 * write log before it is acknowledged, the log is replayed at start on top of the last
 * snapshot, and one process at a time owns the directory (#12).
 */
export interface EmbeddedDatabaseOptions {
  /** Port to listen on; 0 picks a free one. Default 9000, the emulator's port. */
  port?: number;
  host?: string;
  /** Snapshot file (the log and the lock go next to it); none keeps data in memory only. */
  dataFile?: string;
  /** Compact once the log passes this many bytes (or the snapshot's size, if larger). */
  compactAfterBytes?: number;
  /** Notices for the person running it (a file set aside, a stale lock taken over, etc.). */
  onNotice?: (message: string) => void;
}

export interface EmbeddedDatabase {
  port: number;
  host: string;
  /** `host:port`, the value for FIREBASE_DATABASE_EMULATOR_HOST. */
  emulatorHost: string;
  /** Database URL for firebase-admin, with the namespace. */
  url(namespace: string): string;
  server: RtdbServer;
  /** Writes a snapshot now and drops the log it covers (no-op in memory). */
  compact(): Promise<void>;
  /** Stops taking requests, delivers every acknowledgement due, compacts and releases the data directory. */
  close(): Promise<void>;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  const host = options.host ?? '127.0.0.1';
  let server: RtdbServer | undefined;
  const store: DurableStore | undefined = options.dataFile
    ? await openDurableStore({
        dataFile: options.dataFile,
        onNotice: options.onNotice,
        compactAfterBytes: options.compactAfterBytes,
        onFailure: (error) => {
          options.onNotice?.(`The embedded database could not write its log (${(error as Error).message}); it stopped answering so that nothing unsaved is acknowledged.`);
          server?.abort();
        },
      })
    : undefined;
  server = new RtdbServer({ port: options.port ?? 9000, host, initialData: store?.initialData ?? null, journal: store?.log });
  const root = () => server.data();
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    await store?.close(root).catch(() => undefined);
    throw error;
  }
  store?.attach(root);
  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    emulatorHost: `${host}:${port}`,
    url: (namespace) => `http://${host}:${port}?ns=${encodeURIComponent(namespace)}`,
    server,
    compact: async () => store?.compact(root),
    close() {
      closing ??= (async () => {
        try {
          await server.close();
        } finally {
          await store?.close(root);
        }
      })();
      return closing;
    },
  };
}
