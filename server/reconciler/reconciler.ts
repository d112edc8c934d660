import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { acquireLease, releaseLease } from '../db/lease';
import type { Metrics } from '../observability/metrics';

/** What every job gets; a job that needs more declares it in its own deps. */
export interface ReconcilerJobDeps {
  db: Database;
  logger: Logger;
  now: () => number;
  owner: string;
}

export interface ReconcilerJob {
  name: string;
  run: () => Promise<Record<string, number>>;
}

export interface ReconcilerOptions {
  db: Database;
  metrics?: Metrics;
  logger: Logger;
  now: () => number;
  owner: string;
  intervalMs: number;
  jobs: ReconcilerJob[];
  /** Lease shared by the instances running these jobs; `reconciler` unless given (the outbox sweep has its own, #15). */
  leaseName?: string;
}

export interface ReconcilerRun {
  ran: boolean;
  /** When this instance took the lease (its clock), and how long it held it. */
  startedAt: number;
  ms: number;
  results: Record<string, Record<string, number> | { error: string }>;
}

const LEASE_NAME = 'reconciler';

/**
 * Runs its jobs every `intervalMs`, one run at a time across all instances (a lease in
 * `locks/reconciler` that expires, so a dead holder does not block others). The lease only
 * saves work: every job is idempotent on its own.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcilerRun> | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => void this.runOnce().catch((error: unknown) => this.options.logger.error({ err: error }, 'reconciler run failed')),
      this.options.intervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One run now (tests and the support tool call this directly). */
  runOnce(): Promise<ReconcilerRun> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<ReconcilerRun> {
    const { db, logger, now, owner } = this.options;
    const started = now();
    const leaseMs = Math.max(this.options.intervalMs * 2, 60_000);
    if (!(await acquireLease(db, { name: this.options.leaseName ?? LEASE_NAME, owner, ttlMs: leaseMs, now: started }))) {
      return { ran: false, startedAt: started, ms: 0, results: {} };
    }
    const acquiredAt = now();
    const results: ReconcilerRun['results'] = {};
    try {
      for (const job of this.options.jobs) {
        try {
          results[job.name] = await job.run();
        } catch (error) {
          results[job.name] = { error: (error as Error).message };
          logger.error({ err: error, job: job.name }, 'reconciler job failed');
        }
      }
    } finally {
      // The lease expires on its own; a failed release only delays the next run.
      await releaseLease(db, { name: this.options.leaseName ?? LEASE_NAME, owner }).catch((error: unknown) => logger.warn({ err: error }, 'reconciler lease release failed'));
    }
    const ms = now() - acquiredAt;
    // A run that found nothing to do is routine (the outbox sweep runs every few seconds): debug only.
    const didWork = JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' && value === 0 ? undefined : value)) !== JSON.stringify(emptyShape(results));
    (didWork ? logger.info.bind(logger) : logger.debug.bind(logger))({ ms, results }, 'reconciler run');
    this.options.metrics?.reconcilerRun.observe(ms / 1000);
    for (const [job, counts] of Object.entries(results)) {
      for (const [kind, value] of Object.entries(counts)) if (typeof value === 'number' && value > 0) this.options.metrics?.reconcilerItems.inc({ job, kind }, value);
    }
    return { ran: true, startedAt: acquiredAt, ms, results };
  }
}

/** The same nested objects with every number removed: what a run that did nothing serializes to. */
function emptyShape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, emptyShape(v)]));
}
