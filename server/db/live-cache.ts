import type { Database, DataSnapshot, Reference } from 'firebase-admin/database';
import { withTimeout } from './firebase';

/** A path not read for this long stops being listened to. */
export const LIVE_CACHE_IDLE_MS = 10 * 60 * 1000;
/** At most this many paths are listened to at once; the least recently used goes first. */
export const LIVE_CACHE_MAX_PATHS = 5000;

interface Entry {
  ref: Reference;
  onValue: (snap: DataSnapshot) => void;
  onCancel: () => void;
  /** Resolves with the first value; later values replace `raw` in place. */
  ready: Promise<void>;
  loaded: boolean;
  raw: unknown;
  /** Values derived from `raw` (parsed, decrypted…), dropped whenever `raw` changes. */
  derived: Map<(raw: unknown) => unknown, unknown>;
  usedAt: number;
}

/**
 * Small, hot values (tenant settings, menus, routing, credentials, order counters) kept
 * current by database listeners: the first read subscribes, then the database pushes every
 * change, which is the invalidation — an owner's edit reaches every instance within one round
 * trip, and nothing is read or decrypted again per request. A transaction on a listened path
 * also runs on real data at once instead of paying a refused first attempt.
 */
export class LiveCache {
  private readonly entries = new Map<string, Entry>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly options: { idleMs?: number; maxPaths?: number; now?: () => number } = {},
  ) {
    const idleMs = options.idleMs ?? LIVE_CACHE_IDLE_MS;
    this.sweep = setInterval(() => this.dropIdle(idleMs), Math.min(idleMs, 60_000));
    this.sweep.unref();
  }

  /**
   * The current value at `path`, passed through `derive` (which must be a stable function:
   * its result is kept until the value changes). Waits for the first value at most as long
   * as any database operation, then answers from memory.
   */
  async get<T>(path: string, derive: (raw: unknown) => T): Promise<T> {
    const entry = this.entries.get(path) ?? this.subscribe(path);
    entry.usedAt = this.now();
    if (!entry.loaded) {
      try {
        await withTimeout(entry.ready, `read ${path}`);
      } catch (error) {
        this.drop(path);
        throw error;
      }
    }
    if (entry.derived.has(derive)) return entry.derived.get(derive) as T;
    const value = derive(entry.raw);
    entry.derived.set(derive, value);
    return value;
  }

  /** Keeps `path` listened to (so transactions on it start from real data); resolves once its value is known. */
  async hold(path: string): Promise<void> {
    await this.get(path, identity);
  }

  /** Stops listening to every path under `prefix` (the next read subscribes again). */
  forget(prefix: string): void {
    for (const path of [...this.entries.keys()]) if (path === prefix || path.startsWith(`${prefix}/`)) this.drop(path);
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    clearInterval(this.sweep);
    for (const path of [...this.entries.keys()]) this.drop(path);
  }

  private subscribe(path: string): Entry {
    if (this.entries.size >= (this.options.maxPaths ?? LIVE_CACHE_MAX_PATHS)) this.dropLeastRecentlyUsed();
    const ref = this.db.ref(path);
    let resolveReady!: () => void;
    const entry: Entry = {
      ref,
      raw: null,
      loaded: false,
      derived: new Map(),
      usedAt: this.now(),
      ready: new Promise<void>((resolve) => (resolveReady = resolve)),
      onValue: (snap) => {
        entry.raw = snap.val();
        entry.loaded = true;
        entry.derived.clear();
        resolveReady();
      },
      // The listener was revoked (rules); forget it so the next read tries again and fails clearly.
      onCancel: () => this.drop(path),
    };
    this.entries.set(path, entry);
    ref.on('value', entry.onValue, entry.onCancel);
    return entry;
  }

  private drop(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    this.entries.delete(path);
    entry.ref.off('value', entry.onValue);
  }

  private dropIdle(idleMs: number): void {
    const cutoff = this.now() - idleMs;
    for (const [path, entry] of [...this.entries]) if (entry.usedAt < cutoff) this.drop(path);
  }

  private dropLeastRecentlyUsed(): void {
    let oldest: [string, number] | undefined;
    for (const [path, entry] of this.entries) if (!oldest || entry.usedAt < oldest[1]) oldest = [path, entry.usedAt];
    if (oldest) this.drop(oldest[0]);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

const identity = (raw: unknown) => raw;
