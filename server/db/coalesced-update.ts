import type { Database } from 'firebase-admin/database';
import { withTimeout } from './firebase';

interface Batch {
  update: Record<string, unknown>;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

interface Writer {
  inFlight: boolean;
  next: Batch | null;
}

const writers = new WeakMap<Database, Writer>();

/**
 * Writes a multi-path update that may share its round trip with others: while one batch is
 * in flight, every update that arrives is merged into the next one, so under load many small
 * bookkeeping writes (an outbox message marked sent…) cost one database operation. Resolves
 * when the batch holding `update` is stored; a failed batch rejects every update in it. For
 * updates whose paths no other pending update touches (later values win within a batch).
 */
export function coalescedUpdate(db: Database, update: Record<string, unknown>, what: string): Promise<void> {
  let writer = writers.get(db);
  if (!writer) {
    writer = { inFlight: false, next: null };
    writers.set(db, writer);
  }
  const batch = (writer.next ??= { update: {}, waiters: [] });
  Object.assign(batch.update, update);
  const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
  if (!writer.inFlight) flush(db, writer, what);
  return done;
}

function flush(db: Database, writer: Writer, what: string): void {
  const batch = writer.next;
  if (!batch) return;
  writer.next = null;
  writer.inFlight = true;
  // An invalid update throws synchronously; it must reject its batch, not break the writer.
  withTimeout(Promise.resolve().then(() => db.ref().update(batch.update)), what).then(
    () => settle(() => batch.waiters.forEach((w) => w.resolve())),
    (error: unknown) => settle(() => batch.waiters.forEach((w) => w.reject(error))),
  );
  function settle(notify: () => void): void {
    writer.inFlight = false;
    notify();
    flush(db, writer, what);
  }
}
