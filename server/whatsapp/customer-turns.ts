import { randomUUID } from 'node:crypto';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { withTimeout } from '../db/firebase';
import { acquireLease, releaseLease } from '../db/lease';
import { keyFor, paths } from '../db/paths';
import { ZInboxRecordSchema, type InboxRecord, type QueuedTurn } from './inbox';

/**
 * One customer's messages run one at a time, oldest first, on one instance or many (#15).
 *
 * Every accepted message is also listed in the customer's queue `colaTurnos/{t}/{customer}`
 * (written with its inbox record, before the 200) with Meta's timestamp and its arrival time.
 * Whoever takes the customer's lease (`locks/turno-…`) runs the queue in (timestamp, arrival)
 * order until it is empty; an instance that finds the lease taken leaves its message to the
 * holder, which reads the queue again after every turn and once more after letting go. A
 * crashed holder's lease expires and the inbox sweep runs what is left through here again.
 * The session remembers the newest message it applied, so an older message that arrives after a
 * newer one was applied is recorded without a step and cannot undo it (run-turn.ts).
 */
export const TURN_LEASE_MS = 30_000;

const leaseName = (record: Pick<InboxRecord, 'tenantId' | 'waId'>) => `turno-${keyFor(`${record.tenantId}/${record.waId}`)}`;

export interface CustomerTurnsDeps {
  db: Database;
  logger: Logger;
  now: () => number;
  owner: string;
}

/**
 * Runs the queue of the customer of `record` if nobody else does. `run` processes one message
 * (its failures leave it pending for the sweep; it is taken off the queue either way, the inbox
 * keeps it).
 */
export async function runCustomerTurns(
  deps: CustomerTurnsDeps,
  record: InboxRecord,
  messageKey: string,
  run: (record: InboxRecord, messageKey: string) => Promise<void>,
): Promise<void> {
  const queuePath = paths.customerQueue(record.tenantId, record.waId);
  // Older messages (accepted before #15) are not in a queue: list this one so it runs.
  await withTimeout(deps.db.ref(`${queuePath}/${messageKey}`).transaction((current: unknown) => current ?? { ts: record.timestamp ?? Math.floor(record.recibido / 1000), r: record.recibido }), 'turn queue');
  for (;;) {
    const owner = `${deps.owner}:${randomUUID()}`;
    if (!(await acquireLease(deps.db, { name: leaseName(record), owner, ttlMs: TURN_LEASE_MS, now: deps.now() }))) return;
    try {
      for (let next = await oldest(deps.db, queuePath); next; next = await oldest(deps.db, queuePath)) {
        const raw = (await withTimeout(deps.db.ref(paths.inboxMessage(next)).once('value'), 'inbox record')).val();
        const parsed = ZInboxRecordSchema.safeParse(raw);
        if (parsed.success && parsed.data.estado === 'pendiente') await run(parsed.data, next);
        await withTimeout(deps.db.ref(`${queuePath}/${next}`).remove(), 'turn dequeue');
        // Keep the lease for the next message.
        await acquireLease(deps.db, { name: leaseName(record), owner, ttlMs: TURN_LEASE_MS, now: deps.now() });
      }
    } finally {
      await releaseLease(deps.db, { name: leaseName(record), owner }).catch((error: unknown) => deps.logger.warn({ err: error }, 'turn lease release failed'));
    }
    // A message queued while we were letting go: take the lease again, or its holder runs it.
    if (!(await oldest(deps.db, queuePath))) return;
  }
}

async function oldest(db: Database, queuePath: string): Promise<string | undefined> {
  const value = (await withTimeout(db.ref(queuePath).once('value'), 'turn queue')).val() as Record<string, QueuedTurn> | null;
  const entries = Object.entries(value ?? {}).filter(([, v]) => v && typeof v.ts === 'number');
  entries.sort(([ka, a], [kb, b]) => a.ts - b.ts || a.r - b.r || ka.localeCompare(kb));
  return entries[0]?.[0];
}
