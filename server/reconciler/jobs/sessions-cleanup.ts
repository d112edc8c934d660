import type { Database } from 'firebase-admin/database';
import { withTimeout } from '../../db/firebase';
import { paths } from '../../db/paths';

/**
 * Conversations idle this long are deleted. Longer than the idle reset (SESSION_TTL_MS), so a
 * customer who comes back the same day is still told their old conversation expired.
 */
export const SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;
const BATCH_PER_TENANT = 200;

/** Removes idle sessions, per tenant, through an index on `actualizado` (cost follows what is removed). */
export async function removeIdleSessions(deps: { db: Database; now: () => number }): Promise<{ removed: number }> {
  const routes = (await withTimeout(deps.db.ref('phoneNumbers').once('value'), 'tenants')).val() as Record<string, string> | null;
  const tenantIds = [...new Set(Object.values(routes ?? {}))];
  let removed = 0;
  for (const tenantId of tenantIds) {
    const snap = await withTimeout(
      deps.db.ref(paths.sessions(tenantId)).orderByChild('actualizado').endAt(deps.now() - SESSION_RETENTION_MS).limitToFirst(BATCH_PER_TENANT).once('value'),
      'idle sessions',
    );
    const keys = Object.keys((snap.val() as Record<string, unknown> | null) ?? {});
    if (keys.length === 0) continue;
    // Keys as stored (a wa_id, or a BSUID key, #15); only plain keys become paths.
    const removable = keys.filter((key) => /^[A-Za-z0-9_-]{1,140}$/.test(key));
    await withTimeout(deps.db.ref().update(Object.fromEntries(removable.map((key) => [`${paths.sessions(tenantId)}/${key}`, null]))), 'remove sessions');
    removed += keys.length;
  }
  return { removed };
}
