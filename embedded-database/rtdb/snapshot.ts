import { constants } from 'node:buffer';
import { open, readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { readLines, syncDirectory } from './file-lines';
import { emptyObject, isObject, normalize, setAt, type Json } from './tree';

/**
 * The snapshot file: a header line, then one line `[path, value]` per subtree, so neither
 * writing nor reading it ever builds one string of the whole tree (the old format, one JSON
 * document, stops working past the longest string the runtime can build, about 512 MiB).
 *
 * It is written while the server keeps taking writes, so it is "fuzzy": each line holds its
 * subtree as it was when that line was written, at or after the header's `seq`. Replaying the
 * log's records after `seq` on top of it gives back the exact state, since every record sets
 * whole values at paths (server values already resolved): the last record touching a place
 * decides it, and a place no later record touches had the same value all along.
 */
const HEADER_KEY = 'embeddedRtdbSnapshot';
const FLUSH_BYTES = 256 * 1024;
/** A node with more children than this, or at the first two levels, gets one line per child. */
const SPLIT_CHILDREN = 64;

export type SnapshotRead =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'snapshot'; root: Json; seq: number; bytes: number }
  | { kind: 'legacy'; root: Json; bytes: number };

export class UnreadableSnapshotError extends Error {}

/** Writes the tree to `file` atomically: a temporary file, fsync, rename, fsync of the directory. */
export async function writeSnapshot(file: string, root: Json, seq: number): Promise<number> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w');
  let bytes = 0;
  try {
    let buffer: string[] = [JSON.stringify({ [HEADER_KEY]: 1, seq }) + '\n'];
    let buffered = buffer[0]!.length;
    const flush = async () => {
      const data = Buffer.from(buffer.join(''));
      buffer = [];
      buffered = 0;
      let written = 0;
      while (written < data.length) written += (await handle.write(data, written)).bytesWritten;
      bytes += data.length;
    };
    for (const line of snapshotLines([], root)) {
      buffer.push(line);
      buffered += line.length;
      // Each flush awaits the disk, which lets the server run between chunks.
      if (buffered >= FLUSH_BYTES) await flush();
    }
    await flush();
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await syncDirectory(dirname(file));
  return bytes;
}

function* snapshotLines(path: string[], node: Json): Generator<string> {
  if (isObject(node)) {
    const keys = Object.keys(node);
    if (path.length < 2 || keys.length > SPLIT_CHILDREN) {
      for (const key of keys) {
        // Read at the time of writing: the tree may have changed since the keys were listed.
        const child = Object.prototype.hasOwnProperty.call(node, key) ? node[key]! : null;
        if (child !== null) yield* snapshotLines([...path, key], child);
      }
      return;
    }
  }
  if (node !== null) yield JSON.stringify([path, node]) + '\n';
}

/** Reads a snapshot, or a data file in the old single-document format. Throws UnreadableSnapshotError. */
export async function readSnapshot(file: string): Promise<SnapshotRead> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new UnreadableSnapshotError(`${basename(file)}: ${(error as Error).message}`);
  }
  if (size === 0) return { kind: 'empty' };
  const head = await readHead(file);
  if (!head.startsWith(`{"${HEADER_KEY}":`)) return readLegacy(file, size);

  let root: Json = null;
  let seq = -1;
  let lineNumber = 0;
  try {
    for await (const line of readLines(file)) {
      lineNumber++;
      if (!line.complete) throw new Error('the file ends in the middle of a line');
      if (lineNumber === 1) {
        seq = (JSON.parse(line.text) as { seq: number }).seq;
        if (typeof seq !== 'number') throw new Error('the header has no sequence number');
        continue;
      }
      const [path, value] = JSON.parse(line.text) as [string[], unknown];
      if (!Array.isArray(path)) throw new Error('a line has no path');
      root = setAt(root, path, toTree(value));
    }
  } catch (error) {
    throw new UnreadableSnapshotError(`line ${lineNumber}: ${(error as Error).message}`);
  }
  return { kind: 'snapshot', root, seq, bytes: size };
}

async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, 64, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function readLegacy(file: string, size: number): Promise<SnapshotRead> {
  if (size > constants.MAX_STRING_LENGTH) {
    throw new UnreadableSnapshotError(`${Math.round(size / 2 ** 20)} MiB in the old single-document format, more than can be read at once`);
  }
  try {
    const text = await readFile(file, 'utf8');
    if (text.trim() === '') return { kind: 'empty' };
    return { kind: 'legacy', root: normalize(JSON.parse(text)), bytes: size };
  } catch (error) {
    throw new UnreadableSnapshotError((error as Error).message);
  }
}

/** Parsed JSON (already in stored form) as tree nodes: objects without a prototype. */
export function toTree(value: unknown): Json {
  if (value === null || typeof value !== 'object') return value as Json;
  if (Array.isArray(value)) return normalize(value);
  const out = emptyObject();
  for (const key of Object.keys(value)) out[key] = toTree((value as Record<string, unknown>)[key]);
  return out;
}
