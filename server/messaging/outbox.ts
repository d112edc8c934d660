import { randomUUID } from 'node:crypto';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ZReplySchema } from '../conversation/schemas';
import type { Reply } from '../conversation/types';
import { jitteredBackoffMs, type BackoffPolicy } from '../backoff';
import { coalescedUpdate } from '../db/coalesced-update';
import { transact, withTimeout } from '../db/firebase';
import { isTenantId, keyFor, paths } from '../db/paths';
import { maskPhone } from '../observability/logger';
import type { FaultInjector } from '../faults';
import type { Metrics } from '../observability/metrics';
import type { TenantStore } from '../tenants/tenant-store';
import { GraphApiError, isRetryableMetaCode, type GraphClient } from './graph-client';
import { addressOf, readCustomer, windowOpen, type CustomerRecord } from './customers';
import { WHATSAPP_TEMPLATE_KEYS, type WhatsappTemplateKey } from '../db/records';
import { formatCOP } from '../money';

/**
 * Messages that must reach a customer go through `outbox/{id}` (with a small index in
 * `outboxPending/{id}` holding when the sweep should look at it next): written in the same
 * atomic update as the state change that caused them, then delivered. Ids are deterministic
 * per cause, so a retried cause rewrites the same entry instead of adding a second one.
 *
 * Exactly once under crashes (#12). A crash may delay a message, never send it twice:
 * - Every send is an *attempt* that first claims the entry (`intento: {id, desde, hasta}`,
 *   estado `enviando`). A new entry is written already claimed by the writer that delivers it
 *   (no extra round trip); the sweep claims with a transaction.
 * - The send carries `biz_opaque_callback_data = "{outboxId}:{attemptId}"`, which Meta echoes
 *   in the message's status webhooks; a successful send records the wamid and the index
 *   `outboxWamid/{tenantId}/{key(wamid)}` → outbox id.
 * - An attempt that recorded no outcome (a crash between send and mark, a send that timed
 *   out) is *unsettled*: Meta may have the message. Its `sent`/`delivered`/`read` status
 *   settles it as sent, `failed` as failed (`applyStatus`). It is sent again only when no
 *   status for it arrived within OUTBOX_STATUS_WAIT_MS after its claim ended: Meta sends a
 *   `sent` status for every message it accepts, within seconds, and retries webhooks it
 *   could not deliver, so silence that long means Meta did not accept it.
 * - The entry is written with leaf paths and the outcome fields (`wamid`, `enviado`) are
 *   never written by the queueing update, so a late replay of that update (the SDK re-sends
 *   writes whose acknowledgement was lost) cannot make a sent message look unsent.
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

/** Meta's code for a free-form message outside the 24-hour window (reference §6.2). */
export const WINDOW_CLOSED_CODE = 131047;

/** Meta's delivery states of an outgoing message, in the order they can only move forward. */
export const META_STATUSES = ['sent', 'delivered', 'read'] as const;
export type MetaStatus = (typeof META_STATUSES)[number] | 'failed';

const ZOutboxAttemptSchema = z.object({
  /** Random id of this attempt, echoed by Meta in status webhooks. */
  id: z.string(),
  /** When it claimed the entry. */
  desde: z.number(),
  /** Until when it may send; after that the entry waits for statuses, then may be claimed again. */
  hasta: z.number(),
});
export type OutboxAttempt = z.output<typeof ZOutboxAttemptSchema>;

/** `outbox/{id}`: one message to deliver, read back by the retry sweep after a crash. */
export const ZOutboxEntrySchema = z.object({
  tenantId: z.string(),
  /** Customer wa_id. */
  to: z.string(),
  kind: z.enum(OUTBOX_KINDS),
  reply: ZReplySchema,
  estado: z.enum(['pendiente', 'enviando', 'enviado', 'fallido']),
  creado: z.number(),
  intentos: z.number().default(0),
  siguienteIntento: z.number().default(0),
  /** The attempt that owns the entry (estado `enviando`). */
  intento: ZOutboxAttemptSchema.optional(),
  wamid: z.string().optional(),
  enviado: z.number().optional(),
  ultimoError: z.object({ codigo: z.number().nullable().optional(), mensaje: z.string() }).optional(),
  /** Latest status Meta reported for the message (status webhooks). */
  estadoMeta: z.enum([...META_STATUSES, 'failed']).optional(),
  estadoMetaFecha: z.number().optional(),
  /** Meta's error on a `failed` status (code and title), for the owner and for template fallbacks. */
  errorMeta: z.object({ codigo: z.number().nullable().default(null), titulo: z.string().nullable().default(null) }).optional(),
  /**
   * The tenant's utility template that carries this notice outside the 24-hour window, and the
   * order number and total it takes as body parameters {{1}} and {{2}} (#15).
   */
  plantilla: z.enum(WHATSAPP_TEMPLATE_KEYS).optional(),
  datos: z.object({ pedido: z.string(), total: z.number() }).optional(),
  /** Send the next attempt as the template (Meta said the window is closed: 131047). */
  comoPlantilla: z.boolean().optional(),
  /** How it went out: a service message inside the window, or a utility template (#15). */
  categoria: z.enum(['servicio', 'plantilla']).optional(),
});
export type OutboxEntry = z.output<typeof ZOutboxEntrySchema>;

export const OUTBOX_PENDING_PATH = 'outboxPending';
/**
 * `outboxFailed/{tenantId}/{outboxId}: failedAt`, written with the `fallido` state, so an
 * owner's alert list finds that tenant's failed messages without scanning the whole outbox.
 */
export const OUTBOX_FAILED_PATH = 'outboxFailed';
/** `outboxWamid/{tenantId}/{keyFor(wamid)}: outboxId`: how a status webhook finds its entry. */
export const OUTBOX_WAMID_PATH = 'outboxWamid';
/** Give up on a message this long after it was created. */
export const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const RETRY_BASE_MS = 5_000;
/**
 * Between sweeps' attempts of one message. Capped at 20 s so that, with the outbox sweep every
 * few seconds (OUTBOX_SWEEP_INTERVAL_MS), queued messages go out within 30 s of WhatsApp
 * coming back after an outage (#15).
 */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: RETRY_BASE_MS, capMs: 20_000 };
/** 131056 (pair rate limit): Meta suggests waiting 4^n seconds before the n-th retry to that user (reference §6.2). */
export const pairRateBackoffMs = (attempt: number): number => 4 ** Math.max(0, attempt - 1) * 1000;
/** 130429 (throughput of the phone number): back off the whole number, doubling up to 30 s. */
export const throughputBackoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
/** WhatsApp's customer-service window (reference §6.4). */
export const DEFAULT_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The template that carries each notice kind outside the window, unless the caller names one. */
const TEMPLATE_FOR_KIND: Partial<Record<OutboxKind, WhatsappTemplateKey>> = {
  pago_confirmado: 'pago_confirmado',
  pago_rechazado: 'pago_rechazado',
  pago_expirado: 'pago_expirado',
};
/**
 * How long an attempt owns its entry. Longer than the slowest delivery of one message
 * (GRAPH_MAX_ATTEMPTS × GRAPH_TIMEOUT_MS plus backoff ≈ 31 s).
 */
export const OUTBOX_CLAIM_MS = 60_000;
/**
 * After an attempt's claim ended with no outcome recorded, how long its status webhooks may
 * still settle it before the message is sent again (see the header).
 */
export const OUTBOX_STATUS_WAIT_MS = 5 * 60_000;
/** When the sweep first looks at an unsettled new message: its claim plus the status wait. */
export const OUTBOX_UNSETTLED_AFTER_MS = OUTBOX_CLAIM_MS + OUTBOX_STATUS_WAIT_MS;

export interface QueuedMessage {
  outboxId: string;
  entry: OutboxEntry;
}

export const newAttemptId = (): string => randomUUID().replace(/-/g, '').slice(0, 16);
const callbackDataFor = (outboxId: string, attemptId: string) => `${outboxId}:${attemptId}`;

/** `{outboxId}:{attemptId}` from a status webhook's `biz_opaque_callback_data`, when it is ours. */
export function parseCallbackData(data: string | undefined): { outboxId: string; attemptId: string } | null {
  const match = /^([A-Za-z0-9_-]{1,120}):([a-f0-9]{16})$/.exec(data ?? '');
  return match ? { outboxId: match[1]!, attemptId: match[2]! } : null;
}

/**
 * Builds outbox entries and the multi-path update fragment that stores them, each already
 * claimed by an attempt of the caller, which delivers them right after the update.
 */
export function queueMessages(
  items: Array<{
    outboxId: string;
    tenantId: string;
    to: string;
    kind: OutboxKind;
    reply: Reply;
    /** Template for this notice outside the window (default by kind) and its order number and total. */
    plantilla?: WhatsappTemplateKey;
    datos?: { pedido: string; total: number };
  }>,
  now: number,
): { queued: QueuedMessage[]; update: Record<string, unknown> } {
  const update: Record<string, unknown> = {};
  const queued = items.map((item) => {
    const plantilla = item.plantilla ?? TEMPLATE_FOR_KIND[item.kind];
    const entry: OutboxEntry = {
      tenantId: item.tenantId,
      to: item.to,
      kind: item.kind,
      reply: item.reply,
      ...(plantilla ? { plantilla } : {}),
      ...(item.datos ? { datos: item.datos } : {}),
      estado: 'enviando',
      creado: now,
      intentos: 0,
      siguienteIntento: now + OUTBOX_UNSETTLED_AFTER_MS,
      intento: { id: newAttemptId(), desde: now, hasta: now + OUTBOX_CLAIM_MS },
    };
    // Leaf paths: a replay of this update leaves `wamid`/`enviado` (the outcome) alone.
    const base = paths.outboxMessage(item.outboxId);
    for (const [field, value] of Object.entries(entry)) update[`${base}/${field}`] = value;
    update[`${OUTBOX_PENDING_PATH}/${item.outboxId}`] = entry.siguienteIntento;
    return { outboxId: item.outboxId, entry };
  });
  return { queued, update };
}

/** Pure: whether an entry counts as delivered to Meta (its outcome was recorded). */
export const isSettled = (entry: Pick<OutboxEntry, 'estado' | 'wamid'>): boolean => entry.wamid !== undefined || entry.estado === 'enviado' || entry.estado === 'fallido';

/**
 * Pure: the entry claimed by a new attempt, or `undefined` when it must not be sent now —
 * settled, owned by a live attempt, or unsettled and still inside its status wait.
 */
export function claimForAttempt(current: OutboxEntry | null, attempt: OutboxAttempt, now: number): OutboxEntry | undefined {
  if (!current || isSettled(current)) return undefined;
  if (current.estado === 'enviando' && current.intento) {
    if (now < current.intento.hasta + OUTBOX_STATUS_WAIT_MS) return undefined;
  } else if (current.siguienteIntento > now) {
    return undefined;
  }
  return { ...current, estado: 'enviando', intento: attempt };
}

/**
 * Pure: an entry after a status webhook about one of its messages. `sent`, `delivered` and
 * `read` mean Meta accepted it (settled as sent, whatever attempt it was); `failed` settles
 * the attempt it names as failed — permanent codes end the entry, retryable ones schedule a
 * new attempt. Status only moves forward (sent → delivered → read; `read` may come alone).
 */
export function applyStatus(
  current: OutboxEntry,
  status: { status: MetaStatus; wamid: string; attemptId?: string; error?: { code?: number; title?: string }; now: number },
): OutboxEntry {
  const next: OutboxEntry = { ...current };
  if (status.status === 'failed') {
    // A failure of an older attempt or another wamid says nothing about the current one.
    const ours = (status.attemptId !== undefined && status.attemptId === current.intento?.id) || status.wamid === current.wamid || (current.wamid === undefined && status.attemptId === undefined);
    if (!ours || current.estadoMeta === 'delivered' || current.estadoMeta === 'read') return current;
    next.estadoMeta = 'failed';
    next.estadoMetaFecha = status.now;
    next.errorMeta = { codigo: status.error?.code ?? null, titulo: status.error?.title ?? null };
    next.wamid = current.wamid ?? status.wamid;
    if (status.error?.code === WINDOW_CLOSED_CODE && current.plantilla && current.categoria !== 'plantilla' && status.now - current.creado <= OUTBOX_MAX_AGE_MS) {
      // Outside the 24-hour window: what a template can carry goes again as the template (#15).
      next.estado = 'pendiente';
      next.comoPlantilla = true;
      next.siguienteIntento = status.now;
      delete next.intento;
      delete next.wamid;
    } else if (isRetryableMetaCode(status.error?.code) && status.now - current.creado <= OUTBOX_MAX_AGE_MS) {
      next.estado = 'pendiente';
      next.siguienteIntento = status.now + RETRY_BASE_MS;
      delete next.intento;
      delete next.wamid;
    } else {
      next.estado = 'fallido';
    }
    return next;
  }
  const rank = (s: MetaStatus | undefined) => (s === undefined || s === 'failed' ? -1 : META_STATUSES.indexOf(s));
  next.estado = 'enviado';
  next.wamid = current.wamid ?? status.wamid;
  next.enviado = current.enviado ?? status.now;
  if (rank(status.status) > rank(current.estadoMeta)) {
    next.estadoMeta = status.status;
    next.estadoMetaFecha = status.now;
  }
  return next;
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
  /** WhatsApp's customer-service window; 24 h unless configured (WHATSAPP_SERVICE_WINDOW_MS). */
  serviceWindowMs?: number;
}

/**
 * Sends held back by Meta's rate limits, in this process: 131056 per customer (4^n s),
 * 130429 per phone number id (reference §6.2-6.3). Each entry's own next attempt is stored, so
 * other instances respect the backoff of the messages they pick up; this map also holds back
 * the customer's (or number's) other messages here.
 */
const pausedUntil = new Map<string, number>();
const pauseKey = (scope: 'cliente' | 'numero', tenantId: string, id: string) => `${scope}:${tenantId}:${id}`;

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

async function deliverOne(deps: OutboxDeps, message: QueuedMessage, marks: Array<Promise<void>>): Promise<'sent' | 'failed' | 'retry' | 'unknown' | 'skipped'> {
  const { outboxId } = message;
  let entry = message.entry;
  const log = deps.logger.child({ outboxId, tenantId: entry.tenantId, waId: maskPhone(entry.to), kind: entry.kind });
  const now = deps.now();
  // The attempt must own the entry for the whole send; a claim that ran out (a slow batch
  // ahead of it) is taken again, and lost if the sweep took it meanwhile.
  if (!entry.intento || entry.estado !== 'enviando' || now >= entry.intento.hasta - GRAPH_SEND_BUDGET_MS) {
    const claimed = await claimEntry(deps, outboxId, now).catch((error: unknown) => {
      log.warn({ err: error }, 'could not claim an outbox message; the sweep will');
      return null;
    });
    if (!claimed) return 'skipped';
    entry = claimed;
  }
  const attempt = entry.intento!;
  let messageId: string;
  let categoria: 'servicio' | 'plantilla' = 'servicio';
  try {
    const tenant = await deps.tenants.getTenant(entry.tenantId);
    const token = await deps.tenants.whatsappToken(entry.tenantId);
    if (!tenant || !token) throw new GraphApiError('tenant has no WhatsApp number or token', { permanent: true });
    const paused = Math.max(pausedUntil.get(pauseKey('cliente', entry.tenantId, entry.to)) ?? 0, pausedUntil.get(pauseKey('numero', entry.tenantId, tenant.whatsapp.phoneNumberId)) ?? 0);
    if (paused > now) return await postpone(deps, log, outboxId, entry, paused);
    // A turn's reply answers the message just received: its window is open and the customer id
    // addresses it, so only notices read the customer (one read). Older entries (before #15)
    // and unreadable records: the customer id is the address, the window open.
    const windowMs = deps.serviceWindowMs ?? DEFAULT_SERVICE_WINDOW_MS;
    const freshReply = entry.kind === 'respuesta' && !entry.comoPlantilla && now - entry.creado < windowMs / 2;
    const customer: CustomerRecord = freshReply ? {} : await readCustomer(deps.db, entry.tenantId, entry.to).catch(() => ({}));
    const address = addressOf(entry.to, customer);
    const target = { phoneNumberId: tenant.whatsapp.phoneNumberId, accessToken: token, to: 'to' in address ? address.to : address.recipient, callbackData: callbackDataFor(outboxId, attempt.id) };
    if (!entry.comoPlantilla && windowOpen(customer, now, windowMs)) {
      ({ messageId } = await deps.graph.send(target, entry.reply));
    } else {
      // Outside the window only an approved template reaches the customer (reference §6.4).
      const template = entry.plantilla ? tenant.whatsapp.plantillas?.[entry.plantilla] : undefined;
      if (!template || !entry.datos) {
        const reason = !entry.plantilla
          ? 'fuera de la ventana de 24 horas de WhatsApp: este mensaje no tiene plantilla'
          : !template
            ? `fuera de la ventana de 24 horas de WhatsApp: falta la plantilla ${entry.plantilla} del restaurante`
            : `fuera de la ventana de 24 horas de WhatsApp: faltan el número y el total del pedido para la plantilla ${entry.plantilla}`;
        return await recordFailure(deps, log, outboxId, entry, new GraphApiError(reason, { permanent: true }), now);
      }
      categoria = 'plantilla';
      ({ messageId } = await deps.graph.sendTemplate(target, { name: template.nombre, language: template.idioma, bodyParameters: [entry.datos.pedido, formatCOP(entry.datos.total)] }));
    }
  } catch (error) {
    if (error instanceof GraphApiError && error.outcomeUnknown) {
      // Meta may have it: resending now could deliver it twice. Its status webhook settles it,
      // or the sweep sends it again once OUTBOX_STATUS_WAIT_MS passed with no status.
      deps.metrics?.graphErrors.inc({ code: 'unknown', permanent: 'false' });
      log.warn({ err: error, attemptId: attempt.id }, 'WhatsApp send outcome unknown; waiting for its status webhook');
      return 'unknown';
    }
    if (error instanceof GraphApiError && (error.metaCode === 131056 || error.metaCode === 130429)) {
      const tenant = await deps.tenants.getTenant(entry.tenantId).catch(() => null);
      const wait = error.metaCode === 131056 ? pairRateBackoffMs(entry.intentos + 1) : throughputBackoffMs(entry.intentos + 1);
      const key = error.metaCode === 131056 ? pauseKey('cliente', entry.tenantId, entry.to) : pauseKey('numero', entry.tenantId, tenant?.whatsapp.phoneNumberId ?? '');
      pausedUntil.set(key, Math.max(pausedUntil.get(key) ?? 0, now + wait));
      return recordFailure(deps, log, outboxId, entry, error, now, now + wait);
    }
    return recordFailure(deps, log, outboxId, entry, error, now);
  }
  deps.metrics?.messagesSent.inc({ kind: entry.kind, category: categoria === 'plantilla' ? 'utility_template' : 'service' });
  if (entry.datos) deps.metrics?.orderMessages.inc({ category: categoria === 'plantilla' ? 'utility_template' : 'service' });
  try {
    await deps.faults?.at('after-send');
  } catch (error) {
    // Stands for a crash here: the attempt stays unsettled, as after a real one.
    log.error({ err: error }, 'stopped between send and mark');
    return 'unknown';
  }
  // Shares its round trip with other messages' marks under load. A crash before it lands
  // leaves the attempt unsettled: its status webhook (or the wait) settles it, no resend.
  marks.push(
    coalescedUpdate(deps.db, sentUpdate(outboxId, entry, messageId, deps.now(), categoria), 'outbox sent').catch((error: unknown) =>
      log.warn({ err: error }, 'message sent but not recorded as sent; its status webhook settles it'),
    ),
  );
  return 'sent';
}

/** Time a send may take (Graph retries included) before its claim runs out. */
const GRAPH_SEND_BUDGET_MS = 35_000;

function sentUpdate(outboxId: string, entry: OutboxEntry, wamid: string, now: number, categoria: 'servicio' | 'plantilla'): Record<string, unknown> {
  const base = paths.outboxMessage(outboxId);
  return {
    [`${base}/estado`]: 'enviado',
    [`${base}/categoria`]: categoria,
    [`${base}/wamid`]: wamid,
    [`${base}/enviado`]: now,
    [`${base}/intentos`]: entry.intentos + 1,
    [`${OUTBOX_PENDING_PATH}/${outboxId}`]: null,
    ...(isTenantId(entry.tenantId) ? { [`${OUTBOX_WAMID_PATH}/${entry.tenantId}/${keyFor(wamid)}`]: outboxId } : {}),
  };
}

/** Leaves an entry for later without a send (a rate-limit pause of its customer or number). */
async function postpone(deps: OutboxDeps, log: Logger, outboxId: string, entry: OutboxEntry, until: number): Promise<'retry'> {
  const base = paths.outboxMessage(outboxId);
  await withTimeout(
    deps.db.ref().update({ [`${base}/estado`]: 'pendiente', [`${base}/intento`]: null, [`${base}/siguienteIntento`]: until, [`${OUTBOX_PENDING_PATH}/${outboxId}`]: until }),
    'outbox postpone',
  ).catch((error: unknown) => log.warn({ err: error }, 'could not postpone an outbox message; the sweep picks it up after its claim'));
  return 'retry';
}

async function recordFailure(deps: OutboxDeps, log: Logger, outboxId: string, entry: OutboxEntry, error: unknown, now: number, retryAt?: number): Promise<'failed' | 'retry'> {
  const graphError = error instanceof GraphApiError ? error : undefined;
  const intentos = entry.intentos + 1;
  const tooOld = now - entry.creado > OUTBOX_MAX_AGE_MS;
  const failed = graphError?.permanent === true || tooOld;
  const ultimoError = { codigo: graphError?.metaCode ?? null, mensaje: String((error as Error).message).slice(0, 300) };
  deps.metrics?.graphErrors.inc({ code: String(graphError?.metaCode ?? 'none'), permanent: String(failed) });
  if (failed) deps.metrics?.messageFailures.inc({ code: String(graphError?.metaCode ?? 'none'), source: 'send' });
  const next = retryAt ?? now + Math.round(jitteredBackoffMs(intentos, RETRY_BACKOFF, deps.random));
  const base = paths.outboxMessage(outboxId);
  try {
    // Meta answered with an error (or no connection was made): this attempt sent nothing.
    await withTimeout(
      deps.db.ref().update({
        [`${base}/estado`]: failed ? 'fallido' : 'pendiente',
        [`${base}/intento`]: null,
        [`${base}/intentos`]: intentos,
        [`${base}/siguienteIntento`]: next,
        [`${base}/ultimoError`]: ultimoError,
        [`${OUTBOX_PENDING_PATH}/${outboxId}`]: failed ? null : next,
        ...(failed && isTenantId(entry.tenantId) ? { [`${OUTBOX_FAILED_PATH}/${entry.tenantId}/${outboxId}`]: now } : {}),
      }),
      'outbox failure',
    );
  } catch (writeError) {
    log.error({ err: writeError }, 'could not record an outbox failure; the sweep picks the message up after its status wait');
  }
  if (failed) log.error({ metaCode: graphError?.metaCode, err: error }, 'WhatsApp message failed permanently');
  else log.warn({ metaCode: graphError?.metaCode, intentos, err: error }, 'WhatsApp message not delivered; will retry');
  return failed ? 'failed' : 'retry';
}

/** Claims an entry for a new attempt (transaction); null when it must not be sent now. */
async function claimEntry(deps: Pick<OutboxDeps, 'db'>, outboxId: string, now: number): Promise<OutboxEntry | null> {
  const attempt: OutboxAttempt = { id: newAttemptId(), desde: now, hasta: now + OUTBOX_CLAIM_MS };
  // `transact` starts from the stored value, so an absent entry really is absent.
  const result = await transact(
    deps.db,
    paths.outboxMessage(outboxId),
    (current: unknown) => {
      const parsed = ZOutboxEntrySchema.safeParse(current);
      return parsed.success ? claimForAttempt(parsed.data, attempt, now) : undefined;
    },
    'outbox claim',
  );
  const entry = result.snapshot.val() as OutboxEntry | null;
  if (!result.committed || entry?.intento?.id !== attempt.id) return null;
  // Look again only after this attempt's claim and status wait, unless it records an outcome.
  await withTimeout(deps.db.ref(`${OUTBOX_PENDING_PATH}/${outboxId}`).set(attempt.hasta + OUTBOX_STATUS_WAIT_MS), 'outbox claim index');
  return entry;
}

/**
 * Sends messages whose next look is due (the reconciler calls this): failed attempts whose
 * backoff passed, and attempts that stayed unsettled past their status wait. Each is claimed
 * first, so two sweeps (or a sweep and a writer) never send the same entry.
 */
export async function retryDueMessages(deps: OutboxDeps, limit = 100): Promise<{ attempted: number; settled: number; waiting: number }> {
  const now = deps.now();
  const snap = await withTimeout(
    deps.db.ref(OUTBOX_PENDING_PATH).orderByValue().endAt(now).limitToFirst(limit).once('value'),
    'outbox due',
  );
  const due = Object.keys((snap.val() as Record<string, number> | null) ?? {});
  const byRecipient = new Map<string, QueuedMessage[]>();
  let settled = 0;
  let waiting = 0;
  for (const outboxId of due) {
    const raw = (await withTimeout(deps.db.ref(paths.outboxMessage(outboxId)).once('value'), 'outbox entry')).val();
    const parsed = ZOutboxEntrySchema.safeParse(raw);
    if (!parsed.success || isSettled(parsed.data)) {
      await withTimeout(deps.db.ref(`${OUTBOX_PENDING_PATH}/${outboxId}`).remove(), 'outbox index');
      settled++;
      continue;
    }
    const entry = parsed.data;
    if (entry.estado === 'enviando' && entry.intento && now < entry.intento.hasta + OUTBOX_STATUS_WAIT_MS) {
      waiting++;
      continue;
    }
    if (entry.estado === 'enviando') deps.logger.warn({ outboxId, tenantId: entry.tenantId, attemptId: entry.intento?.id }, 'no status from Meta for an unsettled attempt within the wait; sending again');
    const claimed = await claimEntry(deps, outboxId, now);
    if (!claimed) continue;
    const list = byRecipient.get(claimed.to) ?? [];
    list.push({ outboxId, entry: claimed });
    byRecipient.set(claimed.to, list);
  }
  const attempted = [...byRecipient.values()].reduce((n, l) => n + l.length, 0);
  // Per recipient in creation order; recipients in parallel.
  await Promise.allSettled(
    [...byRecipient.values()].map((list) => deliverMessages(deps, list.sort((a, b) => a.entry.creado - b.entry.creado))),
  );
  if (deps.metrics) {
    // The index holds only undelivered messages, so reading it costs what the backlog is.
    const pending = ((await withTimeout(deps.db.ref(OUTBOX_PENDING_PATH).once('value'), 'outbox backlog')).val() as Record<string, number> | null) ?? {};
    const times = Object.values(pending);
    deps.metrics.outboxBacklog.set(times.length);
    deps.metrics.outboxOldestAge.set(times.length ? Math.max(0, (deps.now() - Math.min(...times) + OUTBOX_UNSETTLED_AFTER_MS) / 1000) : 0);
  }
  return { attempted, settled, waiting };
}

/**
 * Applies one status webhook to its outbox entry (found by the callback data Meta echoes,
 * else by the wamid index of that tenant). Returns what happened, for the log. Throws when
 * the database cannot make it durable (the webhook answers 5xx and Meta retries).
 */
export async function recordMessageStatus(
  deps: Pick<OutboxDeps, 'db' | 'logger' | 'now' | 'metrics'>,
  input: { tenantId: string; wamid: string; status: string; callbackData?: string; errors: Array<{ code?: number; title?: string }> },
): Promise<'applied' | 'unknown' | 'ignored'> {
  if (!['sent', 'delivered', 'read', 'failed'].includes(input.status)) return 'ignored';
  const status = input.status as MetaStatus;
  const callback = parseCallbackData(input.callbackData);
  let outboxId = callback?.outboxId;
  if (!outboxId) {
    const indexed = await withTimeout(deps.db.ref(`${OUTBOX_WAMID_PATH}/${input.tenantId}/${keyFor(input.wamid)}`).once('value'), 'outbox by wamid');
    outboxId = typeof indexed.val() === 'string' ? (indexed.val() as string) : undefined;
  }
  if (!outboxId) return 'unknown';
  const now = deps.now();
  const result = await transact(
    deps.db,
    paths.outboxMessage(outboxId),
    (current: unknown) => {
      const parsed = ZOutboxEntrySchema.safeParse(current);
      // Another tenant's entry (or none: pruned) is left alone.
      if (!parsed.success || parsed.data.tenantId !== input.tenantId) return undefined;
      return applyStatus(parsed.data, { status, wamid: input.wamid, attemptId: callback?.attemptId, error: input.errors[0], now });
    },
    'outbox status',
  );
  if (!result.committed) return 'unknown';
  const entry = result.snapshot.val() as OutboxEntry;
  const failed = entry.estado === 'fallido';
  if (status === 'failed') deps.metrics?.messageFailures.inc({ code: String(input.errors[0]?.code ?? 'none'), source: 'status' });
  await withTimeout(
    deps.db.ref().update({
      [`${OUTBOX_PENDING_PATH}/${outboxId}`]: entry.estado === 'pendiente' ? entry.siguienteIntento : null,
      [`${OUTBOX_WAMID_PATH}/${input.tenantId}/${keyFor(input.wamid)}`]: outboxId,
      ...(failed ? { [`${OUTBOX_FAILED_PATH}/${input.tenantId}/${outboxId}`]: now } : {}),
    }),
    'outbox status index',
  );
  return 'applied';
}
