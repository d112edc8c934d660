import type { Database } from 'firebase-admin/database';
import { withTimeout } from '../../db/firebase';
import { isTenantId, keyFor, paths } from '../../db/paths';
import { isSettled, OUTBOX_FAILED_PATH, OUTBOX_PENDING_PATH, OUTBOX_WAMID_PATH, ZOutboxEntrySchema, type OutboxEntry } from '../../messaging/outbox';
import { INBOX_PENDING_PATH, ZInboxRecordSchema } from '../../whatsapp/inbox';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Pages of `batch` records looked at per kind and run, so stuck pending records cannot stall pruning. */
const MAX_PAGES = 3;

export interface PruneMessagesOptions {
  db: Database;
  now: () => number;
  retentionDays: number;
  /** Most records removed per kind and run. */
  batch: number;
}

/**
 * Removes WhatsApp records that served their purpose (#12): processed inbox messages (their
 * wamid dedupes Meta's retries, which stop after 7 days) and sent or failed outbox messages
 * (with their wamid index and failure listing), older than the retention. Walks each tree
 * oldest first through an index on its time field, a bounded page at a time, so a run costs
 * what it removes, not what history holds. Pending or unsettled records are never removed.
 */
export async function pruneMessages(options: PruneMessagesOptions): Promise<{ inbox: number; outbox: number; kept: number }> {
  const cutoff = options.now() - options.retentionDays * DAY_MS;
  let kept = 0;

  const inbox = await prunePages(options, paths.inboxMessages(), 'recibido', cutoff, (key, raw) => {
    const record = ZInboxRecordSchema.safeParse(raw);
    if (record.success && record.data.estado !== 'procesado') return null;
    return { [paths.inboxMessage(key)]: null, [`${INBOX_PENDING_PATH}/${key}`]: null };
  });
  kept += inbox.kept;

  const outbox = await prunePages(options, paths.outbox(), 'creado', cutoff, (outboxId, raw) => {
    const parsed = ZOutboxEntrySchema.safeParse(raw);
    if (!parsed.success) return { [paths.outboxMessage(outboxId)]: null, [`${OUTBOX_PENDING_PATH}/${outboxId}`]: null };
    const entry = parsed.data as unknown as OutboxEntry;
    if (!isSettled(entry)) return null;
    const tenantId = isTenantId(entry.tenantId) ? entry.tenantId : null;
    return {
      [paths.outboxMessage(outboxId)]: null,
      [`${OUTBOX_PENDING_PATH}/${outboxId}`]: null,
      ...(tenantId ? { [`${OUTBOX_FAILED_PATH}/${tenantId}/${outboxId}`]: null } : {}),
      ...(tenantId && entry.wamid ? { [`${OUTBOX_WAMID_PATH}/${tenantId}/${keyFor(entry.wamid)}`]: null } : {}),
    };
  });
  kept += outbox.kept;
  return { inbox: inbox.removed, outbox: outbox.removed, kept };
}

async function prunePages(
  options: PruneMessagesOptions,
  path: string,
  timeField: string,
  cutoff: number,
  removal: (key: string, raw: unknown) => Record<string, null> | null,
): Promise<{ removed: number; kept: number }> {
  let removed = 0;
  let kept = 0;
  let after: { time: number; key: string } | undefined;
  for (let page = 0; page < MAX_PAGES && removed < options.batch; page++) {
    const base = options.db.ref(path).orderByChild(timeField);
    const limit = options.batch - removed;
    // startAt(time, key) and skip that key (rather than startAfter, which not every server implements).
    const previous: { time: number; key: string } | undefined = after;
    const query = (previous ? base.startAt(previous.time, previous.key) : base).endAt(cutoff).limitToFirst(previous ? limit + 1 : limit);
    const snap = await withTimeout(query.once('value'), `old ${path}`);
    const update: Record<string, null> = {};
    let count = 0;
    snap.forEach((child) => {
      if (previous && child.key === previous.key) return false;
      if (count >= limit) return true;
      count++;
      const value = child.val() as Record<string, unknown> | null;
      after = { time: typeof value?.[timeField] === 'number' ? (value[timeField] as number) : 0, key: child.key! };
      const paths = removal(child.key!, value);
      if (paths) {
        Object.assign(update, paths);
        removed++;
      } else {
        kept++;
      }
      return false;
    });
    if (Object.keys(update).length > 0) await withTimeout(options.db.ref().update(update), `prune ${path}`);
    if (count < limit) break;
  }
  return { removed, kept };
}
