import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readValue, withTimeout } from '../../db/firebase';
import { AppError, ErrorCode } from '../../errors';
import { paths, tenantOfReference } from '../../db/paths';
import { confirmPayment, type ConfirmPaymentDeps } from '../../orders/confirm-payment';
import { deliverMessages, type OutboxDeps } from '../../messaging/outbox';
import { ZGatewayResultSchema } from '../../payments/gateway-result';

const BATCH = 200;

export const ZEarlyResultSchema = z.object({
  result: ZGatewayResultSchema,
  /** Absent on results kept before it was recorded: those are not applied, and expire. */
  environment: z.enum(['sandbox', 'production']).optional(),
  receivedAt: z.number(),
  expiresAt: z.number(),
});

export interface EarlyResultsDeps {
  db: Database;
  logger: Logger;
  now: () => number;
  confirm: ConfirmPaymentDeps;
  outbox: OutboxDeps;
}

/**
 * Applies the verified gateway result kept for `reference` (it arrived before the payment
 * record), if there is one. Called right after a payment record is written, and by the sweep.
 */
export async function applyEarlyResult(deps: EarlyResultsDeps, reference: string): Promise<boolean> {
  const parsed = ZEarlyResultSchema.safeParse(await readValue(deps.db, paths.earlyResult(reference)));
  const tenantId = tenantOfReference(reference);
  if (!parsed.success || !tenantId || !parsed.data.environment) return false;
  let outcome;
  try {
    outcome = await confirmPayment(deps.confirm, {
      tenantId,
      result: parsed.data.result,
      source: 'early_result',
      environment: parsed.data.environment,
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== ErrorCode.CONFLICT) throw error;
    // From another gateway or environment than the payment that appeared: never applicable.
    await withTimeout(deps.db.ref(paths.earlyResult(reference)).remove(), 'early result cleanup');
    return true;
  }
  if (outcome.outcome === 'early') return false; // still no record
  // Remove only what we applied: a newer result that arrived meanwhile stays for the next pass.
  await withTimeout(
    deps.db.ref(paths.earlyResult(reference)).transaction((current: { receivedAt?: number } | null) => {
      if (current === null) return null;
      return current.receivedAt === parsed.data.receivedAt ? null : undefined;
    }),
    'early result cleanup',
  );
  await deliverMessages(deps.outbox, outcome.queued);
  deps.logger.info({ reference, outcome: outcome.outcome }, 'early gateway result applied');
  return true;
}

/** The reconciler's pass: applies early results whose record now exists; drops expired ones (30 min). */
export async function sweepEarlyResults(deps: EarlyResultsDeps): Promise<{ applied: number; dropped: number }> {
  const now = deps.now();
  const snap = await withTimeout(deps.db.ref(paths.earlyResults()).orderByChild('receivedAt').limitToFirst(BATCH).once('value'), 'early results');
  let applied = 0;
  let dropped = 0;
  for (const [reference, raw] of Object.entries((snap.val() as Record<string, unknown> | null) ?? {})) {
    const entry = ZEarlyResultSchema.safeParse(raw);
    if (entry.success && (await applyEarlyResult(deps, reference))) {
      applied++;
    } else if (!entry.success || entry.data.expiresAt <= now) {
      await deps.db.ref(paths.earlyResult(reference)).remove();
      dropped++;
    }
  }
  return { applied, dropped };
}
