import { randomUUID } from 'node:crypto';
import { withTimeout } from '../../db/firebase';
import { acquireLease } from '../../db/lease';
import { paths } from '../../db/paths';
import { INBOX_PENDING_PATH, ZInboxRecordSchema, type InboxRecord } from '../../whatsapp/inbox';
import type { ReconcilerJobDeps } from '../reconciler';

/** A message still pending this long after it arrived was lost by a crash; process it again. */
export const INBOX_RETRY_AFTER_MS = 60_000;
const BATCH = 100;

export interface InboxRetryDeps extends ReconcilerJobDeps {
  /** Runs one accepted message again (the WhatsApp intake's own processing). */
  processMessage: (record: InboxRecord, messageKey: string) => Promise<void>;
}

/** Finds accepted WhatsApp messages whose processing never finished and runs them again. */
export async function retryPendingInbox(deps: InboxRetryDeps): Promise<{ retried: number; dropped: number }> {
  const now = deps.now();
  const snap = await withTimeout(
    deps.db.ref(INBOX_PENDING_PATH).orderByValue().endAt(now - INBOX_RETRY_AFTER_MS).limitToFirst(BATCH).once('value'),
    'inbox pending',
  );
  let retried = 0;
  let dropped = 0;
  for (const messageKey of Object.keys((snap.val() as Record<string, number> | null) ?? {})) {
    const parsed = ZInboxRecordSchema.safeParse((await withTimeout(deps.db.ref(paths.inboxMessage(messageKey)).once('value'), 'inbox record')).val());
    if (!parsed.success || parsed.data.estado === 'procesado') {
      await deps.db.ref(`${INBOX_PENDING_PATH}/${messageKey}`).remove();
      dropped++;
      continue;
    }
    // One worker per message, even with several instances sweeping.
    if (!(await acquireLease(deps.db, { name: `inbox-${messageKey}`, owner: `${deps.owner}:${randomUUID()}`, ttlMs: INBOX_RETRY_AFTER_MS, now }))) continue;
    await deps.processMessage(parsed.data, messageKey);
    retried++;
  }
  return { retried, dropped };
}
