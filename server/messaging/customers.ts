import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { transact, withTimeout } from '../db/firebase';
import { isBsuid, paths, WA_ID_PATTERN } from '../db/paths';

/**
 * Who a customer is, and when they last wrote (#15).
 *
 * Since 2026 a WhatsApp user may hide their number behind a username; webhooks then carry a
 * business-scoped user id (BSUID, `user_id` / `from_user_id`) and may carry no `wa_id`
 * (reference §7.5). A customer is named by a stable *customer id*: the wa_id when WhatsApp gave
 * one the first time we met them, else their BSUID. `identidades/{t}/{bsuid}` remembers which
 * customer a BSUID belongs to, so a customer whose BSUID came first keeps that id (and their
 * session, orders, payments) when their number appears later, and one who had a number keeps it
 * when later messages carry only the BSUID.
 *
 * `clientes/{t}/{customerKey}` keeps both identifiers when known and the time of the customer's
 * last message, which opens WhatsApp's 24-hour customer-service window (reference §6.4).
 */
export const ZCustomerRecordSchema = z.object({
  /** Phone (wa_id digits), when WhatsApp has shown it. */
  waId: z.string().optional(),
  /** BSUID, when WhatsApp has shown it. */
  userId: z.string().optional(),
  /** Unix ms of the customer's latest message (Meta's timestamp, else when we received it). */
  ultimoEntrante: z.number().optional(),
});
export type CustomerRecord = z.output<typeof ZCustomerRecordSchema>;

export interface CustomerIdentity {
  /** wa_id or BSUID: what sessions, orders, payments and the outbox are keyed by. */
  customerId: string;
  waId?: string;
  userId?: string;
}

/**
 * Finds (or founds) the customer a message comes from and records its time. Durable when it
 * resolves; throws when the database cannot make it so (the webhook answers 5xx, Meta retries).
 */
export async function resolveCustomer(
  db: Database,
  tenantId: string,
  sender: { waId?: string; userId?: string },
  inboundAt: number,
): Promise<CustomerIdentity> {
  let customerId = sender.waId ?? sender.userId;
  if (!customerId) throw new Error('a sender needs a wa_id or a BSUID');
  if (sender.userId) {
    // First writer wins: concurrent messages of one BSUID agree on one customer.
    const candidate = customerId;
    const owner = await transact(db, paths.bsuidOwner(tenantId, sender.userId), (current: unknown) => (typeof current === 'string' ? undefined : candidate), 'customer identity');
    const stored = owner.snapshot.val();
    if (typeof stored === 'string') customerId = stored;
  }
  const result = await transact(
    db,
    paths.customerIdentity(tenantId, customerId),
    (current: unknown) => {
      const parsed = ZCustomerRecordSchema.safeParse(current ?? {});
      const known = parsed.success ? parsed.data : {};
      return {
        ...known,
        ...(sender.waId ? { waId: sender.waId } : {}),
        ...(sender.userId ? { userId: sender.userId } : {}),
        ultimoEntrante: Math.max(known.ultimoEntrante ?? 0, inboundAt),
      };
    },
    'customer record',
  );
  const record = ZCustomerRecordSchema.safeParse(result.snapshot.val());
  return {
    customerId,
    ...(record.success && record.data.waId ? { waId: record.data.waId } : sender.waId ? { waId: sender.waId } : {}),
    ...(record.success && record.data.userId ? { userId: record.data.userId } : sender.userId ? { userId: sender.userId } : {}),
  };
}

/** What is known of a customer; an empty record when nothing (older data) or unreadable. */
export async function readCustomer(db: Database, tenantId: string, customerId: string): Promise<CustomerRecord> {
  const snap = await withTimeout(db.ref(paths.customerIdentity(tenantId, customerId)).once('value'), 'customer');
  const parsed = ZCustomerRecordSchema.safeParse(snap.val() ?? {});
  return parsed.success ? parsed.data : {};
}

/**
 * How to address a customer in a send (reference §7.5): `to` with the phone when it is known,
 * else `recipient` with the BSUID (Meta: when both are given, `to` wins, so one is enough).
 */
export function addressOf(customerId: string, record: CustomerRecord): { to: string } | { recipient: string } {
  if (WA_ID_PATTERN.test(customerId)) return { to: customerId };
  if (record.waId && WA_ID_PATTERN.test(record.waId)) return { to: record.waId };
  if (isBsuid(customerId)) return { recipient: customerId };
  return { to: customerId };
}

/** Pure: whether a customer's 24-hour window is open at `now` (unknown last message → assume open, older data). */
export function windowOpen(record: CustomerRecord, now: number, windowMs: number): boolean {
  return record.ultimoEntrante === undefined || now < record.ultimoEntrante + windowMs;
}
