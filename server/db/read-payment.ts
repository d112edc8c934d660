import type { Database } from 'firebase-admin/database';
import { readValue } from './firebase';
import { paths, tenantOfReference } from './paths';
import { ZPaymentRecordSchema, type TPaymentRecord } from './records';

/** The payment a reference names (its tenant is the reference's prefix), or null when it is not ours or unreadable. */
export async function readPayment(db: Database, reference: string): Promise<{ tenantId: string; record: TPaymentRecord } | null> {
  const tenantId = tenantOfReference(reference);
  if (!tenantId) return null;
  const parsed = ZPaymentRecordSchema.safeParse(await readValue(db, paths.payment(tenantId, reference)));
  return parsed.success ? { tenantId, record: parsed.data } : null;
}
