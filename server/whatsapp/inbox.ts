import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { withTimeout } from '../db/firebase';
import { keyFor, paths } from '../db/paths';
import { ZInboundInputSchema } from '../conversation/schemas';
import type { CustomerIdentity } from '../messaging/customers';
import type { InboundMessage } from './inbound.schema';

/**
 * The durable record of accepted WhatsApp messages. A message is recorded once under a key
 * derived from its wamid before the webhook answers 200; `inbox/pending/{key}` lists the ones
 * not yet processed, so a crash after the 200 never loses a message (the sweep finds it).
 */
export const INBOX_PENDING_PATH = 'inbox/pending';

/** `inbox/messages/{key}`: one accepted message, read back by the retry sweep after a crash. */
export const ZInboxRecordSchema = z.object({
  tenantId: z.string(),
  phoneNumberId: z.string(),
  messageId: z.string(),
  /** The customer id (#15): the wa_id, or the BSUID of a customer WhatsApp showed no number for. */
  waId: z.string(),
  /** The customer's BSUID, when known. */
  userId: z.string().optional(),
  /** The customer's phone (wa_id), when known, also for a customer keyed by their BSUID. */
  telefono: z.string().optional(),
  /** Meta's timestamp of the message (Unix seconds): orders a customer's messages (#15). */
  timestamp: z.number().optional(),
  profileName: z.string().optional(),
  input: ZInboundInputSchema,
  recibido: z.number(),
  estado: z.enum(['pendiente', 'procesado']),
});
export type InboxRecord = z.output<typeof ZInboxRecordSchema>;

export const messageKeyOf = (messageId: string): string => keyFor(messageId);

/**
 * Records one message. Returns 'new' for the one delivery that created the record (and must
 * process it) and 'duplicate' for every other delivery of the same wamid, concurrent or later.
 */
export async function recordInbound(
  db: Database,
  message: InboundMessage,
  tenantId: string,
  now: number,
  customer: CustomerIdentity,
): Promise<{ status: 'new' | 'duplicate'; messageKey: string; record: InboxRecord }> {
  const messageKey = messageKeyOf(message.messageId);
  const record: InboxRecord = {
    tenantId,
    phoneNumberId: message.phoneNumberId,
    messageId: message.messageId,
    waId: customer.customerId,
    ...(customer.userId ? { userId: customer.userId } : {}),
    ...(customer.waId ? { telefono: customer.waId } : {}),
    ...(message.timestamp ? { timestamp: message.timestamp } : {}),
    ...(message.profileName ? { profileName: message.profileName } : {}),
    input: message.input,
    recibido: now,
    estado: 'pendiente',
  };
  // The pending marker goes first: a crash between the two writes leaves a marker the sweep
  // drops (no record behind it), and Meta retries because no 200 was sent. (Not in parallel:
  // when the database is away the SDK keeps both writes and applies them on reconnect, and a
  // record created that late would make Meta's retry look like a duplicate.)
  await withTimeout(db.ref(`${INBOX_PENDING_PATH}/${messageKey}`).set(now), 'inbox marker');
  const result = await withTimeout(
    db.ref(paths.inboxMessage(messageKey)).transaction((current: unknown) => (current === null ? record : undefined), undefined, false),
    'inbox record',
  );
  // The customer's turn queue lists it before the 200, so its turn runs in order (#15).
  if (result.committed) await withTimeout(db.ref().update(turnQueueUpdate(record, messageKey)), 'turn queue');
  if (!result.committed && (result.snapshot.val() as InboxRecord | null)?.estado === 'procesado') {
    await withTimeout(db.ref(`${INBOX_PENDING_PATH}/${messageKey}`).remove(), 'inbox marker cleanup');
  }
  return { status: result.committed ? 'new' : 'duplicate', messageKey, record };
}

/** The multi-path update fragment that closes a processed message. */
export function inboxDoneUpdate(messageKey: string): Record<string, unknown> {
  return {
    [`${paths.inboxMessage(messageKey)}/estado`]: 'procesado',
    [`${INBOX_PENDING_PATH}/${messageKey}`]: null,
  };
}

/** An entry of a customer's turn queue (`colaTurnos/{t}/{customer}/{messageKey}`, see customer-turns.ts, #15). */
export interface QueuedTurn {
  /** Meta's timestamp (Unix seconds); messages without one use their arrival. */
  ts: number;
  /** When we received it (ms). */
  r: number;
}

/** The queue entry written with an inbox record. */
export function turnQueueUpdate(record: InboxRecord, messageKey: string): Record<string, unknown> {
  const entry: QueuedTurn = { ts: record.timestamp ?? Math.floor(record.recibido / 1000), r: record.recibido };
  return { [`${paths.customerQueue(record.tenantId, record.waId)}/${messageKey}`]: entry };
}

