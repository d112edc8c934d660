import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { syncDirectory } from './file-lines';
import type { WriteChanges, WriteJournal } from './server';
import type { Json } from './tree';

/**
 * The append-only log of writes. Each write is one line, `<crc32> {"s":seq,"w":[[path,value]…]}`,
 * appended and fsync'd before the server may acknowledge it. Writes that arrive while an fsync
 * is in flight share the next one (group commit), so the cost per write does not grow with
 * the load nor with the size of the tree.
 *
 * The log is split into generations (`<name>-<n>.wal`): compaction rotates to a new one,
 * writes a snapshot, then removes the older ones.
 */
export interface LogRecord {
  seq: number;
  changes: Array<[string[], Json]>;
}

export function logFileName(baseName: string, generation: number): string {
  return `${baseName}-${String(generation).padStart(6, '0')}.wal`;
}

export function parseLogFileName(baseName: string, file: string): number | null {
  const match = new RegExp(`^${baseName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)\\.wal$`).exec(file);
  return match ? Number(match[1]) : null;
}

export function encodeRecord(seq: number, changes: WriteChanges): string {
  const json = JSON.stringify({ s: seq, w: changes });
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The record on one line, or null when the line is damaged (checksum or syntax). */
export function decodeRecord(line: string): LogRecord | null {
  if (line.length < 10 || line[8] !== ' ') return null;
  const json = line.slice(9);
  if (crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8)) return null;
  try {
    const parsed = JSON.parse(json) as { s?: unknown; w?: unknown };
    if (typeof parsed.s !== 'number' || !Array.isArray(parsed.w)) return null;
    return { seq: parsed.s, changes: parsed.w as Array<[string[], Json]> };
  } catch {
    return null;
  }
}

export class WriteLog implements WriteJournal {
  private lastSeq: number;
  private durable: number;
  private pending: string[] = [];
  private pendingSeq = 0;
  private running = false;
  private rotation: { resolve: (r: { seq: number; generation: number }) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;
  private readonly listeners: Array<(seq: number) => void> = [];
  private waiters: Array<{ seq: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  /** Bytes written since the last rotation. */
  bytesSinceRotation = 0;

  private constructor(
    private readonly directory: string,
    private readonly baseName: string,
    private generation: number,
    private handle: FileHandle,
    seq: number,
    private readonly options: { onFailure?: (error: unknown) => void; onBytes?: (bytesSinceRotation: number) => void },
  ) {
    this.lastSeq = seq;
    this.durable = seq;
  }

  /** Starts a new generation after `seq`, the last write already durable elsewhere. */
  static async create(directory: string, baseName: string, generation: number, seq: number, options: { onFailure?: (error: unknown) => void; onBytes?: (bytes: number) => void } = {}): Promise<WriteLog> {
    const handle = await open(join(directory, logFileName(baseName, generation)), 'wx');
    await syncDirectory(directory);
    return new WriteLog(directory, baseName, generation, handle, seq, options);
  }

  get durableSeq(): number {
    return this.durable;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  onDurable(listener: (seq: number) => void): void {
    this.listeners.push(listener);
  }

  append(changes: WriteChanges): number {
    if (this.failure) throw this.failure;
    const seq = ++this.lastSeq;
    this.pending.push(encodeRecord(seq, changes));
    this.pendingSeq = seq;
    this.schedule();
    return seq;
  }

  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.durable >= this.lastSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq: this.lastSeq, resolve, reject }));
  }

  /**
   * Switches to a new generation between two group commits. Resolves with the last sequence
   * number written before the switch (every record of older generations is ≤ it) and the new
   * generation.
   */
  rotate(): Promise<{ seq: number; generation: number }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.rotation) return Promise.reject(new Error('a rotation is already in progress'));
    return new Promise((resolve, reject) => {
      this.rotation = { resolve, reject };
      this.schedule();
    });
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }

  private schedule(): void {
    if (this.running) return;
    this.running = true;
    // Writes arriving in the same turn of the event loop join this first commit.
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      while (this.pending.length > 0 || this.rotation) {
        if (this.rotation) {
          const rotation = this.rotation;
          this.rotation = null;
          const seq = this.durable;
          const next = this.generation + 1;
          const handle = await open(join(this.directory, logFileName(this.baseName, next)), 'wx');
          await syncDirectory(this.directory);
          await this.handle.close();
          this.handle = handle;
          this.generation = next;
          this.bytesSinceRotation = 0;
          rotation.resolve({ seq, generation: next });
          continue;
        }
        const batch = Buffer.from(this.pending.join(''));
        const seq = this.pendingSeq;
        this.pending = [];
        let written = 0;
        while (written < batch.length) written += (await this.handle.write(batch, written)).bytesWritten;
        await this.handle.datasync();
        this.durable = seq;
        this.bytesSinceRotation += batch.length;
        for (const listener of this.listeners) listener(seq);
        this.waiters = this.waiters.filter((w) => (w.seq <= seq ? (w.resolve(), false) : true));
        this.options.onBytes?.(this.bytesSinceRotation);
      }
    } catch (error) {
      this.failure = error;
      this.rotation?.reject(error);
      for (const w of this.waiters) w.reject(error);
      this.waiters = [];
      this.options.onFailure?.(error);
    } finally {
      this.running = false;
    }
  }
}
