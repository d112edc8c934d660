import type { Database } from 'firebase-admin/database';
import { withTimeout } from './firebase';
import { paths } from './paths';

/**
 * A lease in `locks/{name}`: held by one owner until it expires, so a crashed holder never
 * blocks others for longer than the lease. Used to let one worker at a time do a multi-step
 * job; correctness still comes from the job's own idempotent writes.
 */
export async function acquireLease(db: Database, options: { name: string; owner: string; ttlMs: number; now: number }): Promise<boolean> {
  const result = await withTimeout(
    db.ref(paths.lock(options.name)).transaction((current: { owner?: string; expiresAt?: number } | null) => {
      if (current && current.owner !== options.owner && (current.expiresAt ?? 0) > options.now) return undefined;
      return { owner: options.owner, expiresAt: options.now + options.ttlMs };
    }),
    `lease ${options.name}`,
  );
  return result.committed;
}

export async function releaseLease(db: Database, options: { name: string; owner: string }): Promise<void> {
  await withTimeout(
    db.ref(paths.lock(options.name)).transaction((current: { owner?: string } | null) => {
      // null, not undefined, when nothing is cached yet: the server's hash check re-runs us with the real value.
      if (!current) return null;
      if (current.owner !== options.owner) return undefined;
      return null;
    }),
    `release ${options.name}`,
  );
}
