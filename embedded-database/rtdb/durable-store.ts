import { copyFileSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { lockDataDirectory, type DataDirectoryLock } from './data-dir-lock';
import { readLines, syncDirectory } from './file-lines';
import { readSnapshot, toTree, UnreadableSnapshotError, writeSnapshot } from './snapshot';
import { setAt, type Json } from './tree';
import { decodeRecord, logFileName, parseLogFileName, WriteLog } from './write-log';

/**
 * The files of one data directory: the snapshot (`database.json`), the write log
 * (`database-<n>.wal`) and the lock (`database.lock`). Opening it takes the lock, reads the
 * snapshot (or the old single-document file, which the first compaction rewrites), replays
 * the log on top, and starts a new log generation. Compaction runs in the background once the
 * log outgrows the snapshot, so starting stays quick and the disk bounded.
 */
export interface DurableStoreOptions {
  /** The snapshot file, e.g. `.data/database.json`; the log and the lock go next to it. */
  dataFile: string;
  onNotice?: (message: string) => void;
  /** Compact once the log passes this many bytes, or the snapshot's size if larger. Default 64 MiB. */
  compactAfterBytes?: number;
  /** Called when the disk refuses a write: nothing more can be acknowledged. */
  onFailure?: (error: unknown) => void;
}

export interface DurableStore {
  /** The tree as it was at the last acknowledged write before this start. */
  initialData: Json;
  log: WriteLog;
  /** Writes a snapshot of `root()` and drops the log it covers. */
  compact(root: () => Json): Promise<void>;
  /**
   * Gives the store the live tree: it compacts it in the background when the log outgrows the
   * snapshot, and right away when this start replayed a log or read an old or unreadable file.
   */
  attach(root: () => Json): void;
  /** Waits for what is in flight, compacts if anything was logged, and releases the directory. */
  close(root: () => Json): Promise<void>;
}

export async function openDurableStore(options: DurableStoreOptions): Promise<DurableStore> {
  const { dataFile, onNotice } = options;
  const directory = dirname(dataFile);
  const baseName = basename(dataFile).replace(/\.json$/, '');
  mkdirSync(directory, { recursive: true });
  const lock = lockDataDirectory(join(directory, `${baseName}.lock`), directory, onNotice);
  try {
    return await openLocked(options, directory, baseName, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openLocked(options: DurableStoreOptions, directory: string, baseName: string, lock: DataDirectoryLock): Promise<DurableStore> {
  const { dataFile, onNotice } = options;
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

  let root: Json = null;
  let snapshotSeq = 0;
  let snapshotBytes = 0;
  let needsSnapshot = false;
  let setAside: string | null = null;
  try {
    const read = await readSnapshot(dataFile);
    if (read.kind === 'empty') onNotice?.(`The data file ${dataFile} is empty; the database starts from its write log only, if any.`);
    if (read.kind === 'snapshot' || read.kind === 'legacy') {
      root = read.root;
      snapshotBytes = read.bytes;
    }
    if (read.kind === 'snapshot') snapshotSeq = read.seq;
    // The old format is rewritten as a snapshot right away.
    if (read.kind === 'legacy') needsSnapshot = true;
  } catch (error) {
    if (!(error instanceof UnreadableSnapshotError)) throw error;
    setAside = `${dataFile}.corrupt-${stamp()}`;
    renameSync(dataFile, setAside);
    await syncDirectory(directory);
    needsSnapshot = true;
  }

  // Replay every log generation, oldest first, skipping what the snapshot already holds.
  const generations = readdirSync(directory)
    .map((f) => parseLogFileName(baseName, f))
    .filter((g): g is number => g !== null)
    .sort((a, b) => a - b);
  let lastSeq = snapshotSeq;
  let replayed = 0;
  let logBytes = 0;
  const damaged: string[] = [];
  for (const generation of generations) {
    const file = join(directory, logFileName(baseName, generation));
    let bad: number | null = null;
    for await (const line of readLines(file)) {
      logBytes += line.end - line.start + 1;
      const record = line.complete ? decodeRecord(line.text) : null;
      if (!record) {
        // A damaged line is reported only if intact records follow it; a damaged end is a
        // write cut short by a crash, never acknowledged.
        bad ??= line.start;
        continue;
      }
      if (bad !== null) {
        const copy = `${file}.corrupt-${stamp()}`;
        copyFileSync(file, copy);
        damaged.push(`${file} at byte ${bad} (a copy was kept as ${copy})`);
        bad = null;
      }
      if (record.seq <= snapshotSeq) continue;
      for (const [path, value] of record.changes) root = setAt(root, path, toTree(value));
      lastSeq = record.seq;
      replayed++;
    }
  }
  if (setAside) {
    onNotice?.(
      replayed === 0
        ? `The data file ${dataFile} could not be read; it was kept as ${setAside} and the database starts empty.`
        : `The data file ${dataFile} could not be read; it was kept as ${setAside} and the database starts with only the ${replayed} writes of its log.`,
    );
  }
  for (const d of damaged) onNotice?.(`The write log has a damaged record in ${d}; it was skipped and the records after it applied.`);

  // A generation left empty by a clean stop holds nothing: removed rather than replayed forever.
  if (logBytes === 0) for (const g of generations) await unlink(join(directory, logFileName(baseName, g)));

  let compaction: Promise<void> | null = null;
  let threshold = Math.max(options.compactAfterBytes ?? 64 * 2 ** 20, snapshotBytes);
  let currentRoot: (() => Json) | null = null;
  const log = await WriteLog.create(directory, baseName, (generations.at(-1) ?? 0) + 1, lastSeq, {
    onFailure: options.onFailure,
    onBytes: (bytes) => {
      if (bytes >= threshold && currentRoot) compactSoon(currentRoot);
    },
  });

  const compact = (rootOf: () => Json): Promise<void> => {
    currentRoot = rootOf;
    compaction ??= (async () => {
      const { seq, generation } = await log.rotate();
      const bytes = await writeSnapshot(dataFile, rootOf(), seq);
      threshold = Math.max(options.compactAfterBytes ?? 64 * 2 ** 20, bytes);
      for (const f of readdirSync(directory)) {
        const g = parseLogFileName(baseName, f);
        if (g !== null && g < generation) await unlink(join(directory, f));
      }
      await syncDirectory(directory);
    })().finally(() => {
      compaction = null;
    });
    return compaction;
  };
  const compactSoon = (rootOf: () => Json) => {
    void compact(rootOf).catch((error: unknown) => onNotice?.(`Compaction of ${dataFile} failed (the write log keeps every write): ${(error as Error).message}`));
  };

  return {
    initialData: root,
    log,
    compact,
    attach: (rootOf) => {
      currentRoot = rootOf;
      if (needsSnapshot || logBytes > 0) {
        needsSnapshot = false;
        logBytes = 0;
        compactSoon(rootOf);
      }
    },
    async close(rootOf) {
      try {
        await compaction?.catch(() => undefined);
        await log.flush();
        if (log.bytesSinceRotation > 0 || needsSnapshot) await compact(rootOf);
      } finally {
        await log.close();
        lock.release();
      }
    },
  };
}
