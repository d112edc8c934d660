import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RtdbServer } from './rtdb/server';
import type { Json } from './rtdb/tree';

/**
 * The embedded Realtime Database used by `npm start` and the tests: the wire-compatible
 * server in ./rtdb, plus persistence of the whole tree to one JSON file (loaded at start,
 * saved a moment after writes and on close).
 */
export interface EmbeddedDatabaseOptions {
  /** Port to listen on; 0 picks a free one. Default 9000, the emulator's port. */
  port?: number;
  host?: string;
  /** JSON file to load at start and save to; none keeps data in memory only. */
  dataFile?: string;
  /** Delay between a write and the save it triggers. */
  saveDelayMs?: number;
  /** Notices for the person running it (corrupt file recovered, etc.). */
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
  save(): void;
  close(): Promise<void>;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  const host = options.host ?? '127.0.0.1';
  const dataFile = options.dataFile;
  const initialData = dataFile ? loadDataFile(dataFile, options.onNotice) : null;
  let timer: NodeJS.Timeout | null = null;
  const saveDelayMs = options.saveDelayMs ?? 1000;

  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dataFile) return;
    mkdirSync(dirname(dataFile), { recursive: true });
    const tmp = `${dataFile}.tmp`;
    // Write then rename, so a crash mid-save never leaves a half-written file.
    writeFileSync(tmp, JSON.stringify(server.data()));
    renameSync(tmp, dataFile);
  };
  const server = new RtdbServer({
    port: options.port ?? 9000,
    host,
    initialData,
    onWrite: dataFile
      ? () => {
          timer ??= setTimeout(save, saveDelayMs);
          timer.unref();
        }
      : undefined,
  });
  const port = await server.listen();
  return {
    port,
    host,
    emulatorHost: `${host}:${port}`,
    url: (namespace) => `http://${host}:${port}?ns=${encodeURIComponent(namespace)}`,
    server,
    save,
    async close() {
      save();
      await server.close();
    },
  };
}

/** Reads the data file; a corrupt one is kept aside under a new name and the database starts empty. */
function loadDataFile(file: string, onNotice?: (message: string) => void): Json {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  try {
    return text.trim() === '' ? null : (JSON.parse(text) as Json);
  } catch {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, aside);
    onNotice?.(`The data file ${file} could not be read; it was kept as ${aside} and the database starts empty.`);
    return null;
  }
}
