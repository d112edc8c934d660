import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ZReplySchema } from '../conversation/schemas';
import type { Reply } from '../conversation/types';
import { jitteredBackoffMs, type BackoffPolicy } from '../backoff';
import { coalescedUpdate } from '../db/coalesced-update';
import { withTimeout } from '../db/firebase';
import { isTenantId, paths } from '../db/paths';
import { maskPhone } from '../observability/logger';
import type { FaultInjector } from '../faults';
import type { Metrics } from '../observability/metrics';
import type { TenantStore } from '../tenants/tenant-store';
import { GraphApiError, type GraphClient } from './graph-client';

/**
 * Messages that must reach a customer go through `outbox/{id}` (with a small index in
 * `outboxPending/{id}` holding the next attempt time): written in the same atomic update as
 * the state change that caused them, then delivered. Ids are deterministic per cause, so a
 * retried cause rewrites the same entry instead of adding a second one.
 */
export const OUTBOX_KINDS = [
  'respuesta',
  'confirmacion_pedido',
  'enlace_pago',
  'pago_confirmado',
  'pago_rechazado',
  'pago_en_revision',
  'recordatorio_pago',
  'pago_expirado',
  'estado_pedido',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** `outbox/{id}`: one message to deliver, read back by the retry sweep after a crash. */
export const ZOutboxEntrySchema = z.object({
  tenantId: z.string(),
  /** Customer wa_id. */
  to: z.string(),
  kind: z.enum(OUTBOX_KINDS),
  reply: ZReplySchema,
  estado: z.enum(['pendiente', 'enviado', 'fallido']),
  creado: z.number(),
  intentos: z.number().default(0),
  siguienteIntento: z.number().default(0),
  wamid: z.string().optional(),
  enviado: z.number().optional(),
  ultimoError: z.object({ codigo: z.number().optional(), mensaje: z.string() }).optional(),
});
export type OutboxEntry = z.output<typeof ZOutboxEntrySchema>;

export const OUTBOX_PENDING_PATH = 'outboxPending';
/**
 * `outboxFailed/{tenantId}/{outboxId}: failedAt`, written with the `fallido` state, so an
 * owner's alert list finds that tenant's failed messages without scanning the whole outbox.
 */
export const OUTBOX_FAILED_PATH = 'outboxFailed';
/** Give up on a message this long after it was created. */
export const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/**
 * The sweep leaves a new message alone this long: the writer delivers it right away, and a
 * sweep racing that delivery would send it twice. Longer than the slowest direct delivery
 * (GRAPH_MAX_ATTEMPTS × GRAPH_TIMEOUT_MS plus backoff ≈ 31 s).
 */
export const OUTBOX_SWEEP_GRACE_MS = 60_000;
/** Between sweeps' attempts of one message. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 30 * 60 * 1000 };

export interface QueuedMessage {
  outboxId: string;
  entry: OutboxEntry;
}

/** Builds outbox entries and the multi-path update fragment that stores them. */
export function queueMessages(
  items: Array<{ outboxId: string; tenantId: string; to: string; kind: OutboxKind; reply: Reply }>,
  now: number,
): { queued: QueuedMessage[]; update: Record<string, unknown> } {
  const update: Record<string, unknown> = {};
  const queued = items.map((item) => {
    const entry: OutboxEntry = {
      tenantId: item.tenantId,
      to: item.to,
      kind: item.kind,
      reply: item.reply,
      estado: 'pendiente',
      creado: now,
      intentos: 0,
      siguienteIntento: now + OUTBOX_SWEEP_GRACE_MS,
    };
    update[paths.outboxMessage(item.outboxId)] = entry;
    update[`${OUTBOX_PENDING_PATH}/${item.outboxId}`] = now + OUTBOX_SWEEP_GRACE_MS;
    return { outboxId: item.outboxId, entry };
  });
  return { queued, update };
}

export interface OutboxDeps {
  db: Database;
  metrics?: Metrics;
  faults?: FaultInjector;
  graph: GraphClient;
  tenants: TenantStore;
  logger: Logger;
  now: () => number;
  /** Jitter for retry times; Math.random unless a test injects one. */
  random?: () => number;
}

/**
 * Sends queued messages in order, one at a time (WhatsApp does not keep the order of
 * concurrent sends), and records each outcome. Never throws: a failure stays in the outbox
 * for the retry sweep, or is marked failed when Meta says retrying cannot help.
 */
export async function deliverMessages(deps: OutboxDeps, messages: QueuedMessage[]): Promise<void> {
  if (messages.length > 0) await deps.faults?.at('before-send');
  // Sends wait for each other (order matters); recording them as sent does not hold up the next send.
  const marks: Array<Promise<void>> = [];
  for (const message of messages) {
    await deliverOne(deps, message, marks);
  }
  await Promise.all(marks);
}

async function deliverOne(deps: OutboxDeps, { outboxId, entry }: QueuedMessage, marks: Array<Promise<void>>): Promise<'sent' | 'failed' | 'retry'> {
  const log = deps.logger.child({ outboxId, tenantId: entry.tenantId, waId: maskPhone(entry.to), kind: entry.kind });
  const now = deps.now();
  try {
    const tenant = await deps.tenants.getTenant(entry.tenantId);
    const token = await deps.tenants.whatsappToken(entry.tenantId);
    if (!tenant || !token) throw new GraphApiError('tenant has no WhatsApp number or token', { permanent: true });
    const { messageId } = await deps.graph.send({ phoneNumberId: tenant.whatsapp.phoneNumberId, accessToken: token, to: entry.to }, entry.reply);
    deps.metrics?.messagesSent.inc({ kind: entry.kind });
    // Shares its round trip with other messages' marks under load.
    marks.push(
      coalescedUpdate(
        deps.db,
        {
          [`${paths.outboxMessage(outboxId)}/estado`]: 'enviado',
          [`${paths.outboxMessage(outboxId)}/wamid`]: messageId,
          [`${paths.outboxMessage(outboxId)}/enviado`]: deps.now(),
          [`${paths.outboxMessage(outboxId)}/intentos`]: entry.intentos + 1,
          [`${OUTBOX_PENDING_PATH}/${outboxId}`]: null,
        },
        'outbox sent',
      ).catch((error: unknown) => log.error({ err: error }, 'message sent but not recorded as sent; the retry sweep may send it again')),
    );
    return 'sent';
  } catch (error) {
    const graphError = error instanceof GraphApiError ? error : undefined;
    const intentos = entry.intentos + 1;
    const tooOld = now - entry.creado > OUTBOX_MAX_AGE_MS;
    const failed = graphError?.permanent === true || tooOld;
    const ultimoError = { codigo: graphError?.metaCode ?? null, mensaje: String((error as Error).message).slice(0, 300) };
    deps.metrics?.graphErrors.inc({ code: String(graphError?.metaCode ?? 'none'), permanent: String(failed) });
    const next = now + Math.round(jitteredBackoffMs(intentos, RETRY_BACKOFF, deps.random));
    try {
      await withTimeout(
        deps.db.ref().update({
          [`${paths.outboxMessage(outboxId)}/estado`]: failed ? 'fallido' : 'pendiente',
          [`${paths.outboxMessage(outboxId)}/intentos`]: intentos,
          [`${paths.outboxMessage(outboxId)}/siguienteIntento`]: next,
          [`${paths.outboxMessage(outboxId)}/ultimoError`]: ultimoError,
          [`${OUTBOX_PENDING_PATH}/${outboxId}`]: failed ? null : next,
          ...(failed && isTenantId(entry.tenantId) ? { [`${OUTBOX_FAILED_PATH}/${entry.tenantId}/${outboxId}`]: now } : {}),
        }),
        'outbox failure',
      );
    } catch (writeError) {
      log.error({ err: writeError }, 'could not record an outbox failure; the retry sweep will pick the message up');
    }
    if (failed) log.error({ metaCode: graphError?.metaCode, err: error }, 'WhatsApp message failed permanently');
    else log.warn({ metaCode: graphError?.metaCode, intentos, err: error }, 'WhatsApp message not delivered; will retry');
    return failed ? 'failed' : 'retry';
  }
}

/** Retries messages whose next attempt is due (the reconciler calls this). */
export async function retryDueMessages(deps: OutboxDeps, limit = 100): Promise<{ attempted: number }> {
  const snap = await withTimeout(
    deps.db.ref(OUTBOX_PENDING_PATH).orderByValue().endAt(deps.now()).limitToFirst(limit).once('value'),
    'outbox due',
  );
  const due = Object.keys((snap.val() as Record<string, number> | null) ?? {});
  const byRecipient = new Map<string, QueuedMessage[]>();
  for (const outboxId of due) {
    const raw = (await withTimeout(deps.db.ref(paths.outboxMessage(outboxId)).once('value'), 'outbox entry')).val();
    const parsed = ZOutboxEntrySchema.safeParse(raw);
    if (!parsed.success || parsed.data.estado !== 'pendiente') {
      await deps.db.ref(`${OUTBOX_PENDING_PATH}/${outboxId}`).remove();
      continue;
    }
    const entry = parsed.data;
    const list = byRecipient.get(entry.to) ?? [];
    list.push({ outboxId, entry });
    byRecipient.set(entry.to, list);
  }
  // Per recipient in creation order; recipients in parallel.
  await Promise.allSettled(
    [...byRecipient.values()].map((list) => deliverMessages(deps, list.sort((a, b) => a.entry.creado - b.entry.creado))),
  );
  if (deps.metrics) {
    // The index holds only undelivered messages, so reading it costs what the backlog is.
    const pending = ((await withTimeout(deps.db.ref(OUTBOX_PENDING_PATH).once('value'), 'outbox backlog')).val() as Record<string, number> | null) ?? {};
    const times = Object.values(pending);
    deps.metrics.outboxBacklog.set(times.length);
    deps.metrics.outboxOldestAge.set(times.length ? Math.max(0, (deps.now() - Math.min(...times) + OUTBOX_SWEEP_GRACE_MS) / 1000) : 0);
  }
  return { attempted: due.length };
}
