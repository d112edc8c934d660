import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readValue, transact, withTimeout } from '../db/firebase';
import { isReference, paths } from '../db/paths';
import { PAYMENT_STATES } from '../db/records';
import { createOrderOnce } from '../orders/create-order';
import { deliverMessages, queueMessages, type OutboxDeps, type QueuedMessage } from '../messaging/outbox';
import { maskPhone } from '../observability/logger';
import type { TenantConfig } from '../tenants/tenant-store';
import { inboxDoneUpdate, type InboxRecord } from './inbox';
import { orderConfirmed } from '../conversation/messages.es-CO';
import { infoQuestionOf } from '../conversation/questions';
import { ZSessionSchema, ZStoredTurnSchema } from '../conversation/schemas';
import { step } from '../conversation/step';
import type { Effect, PaymentMethodOption, PendingPaymentStatus, Reply, Session, TenantView } from '../conversation/types';

/** Starts a payment for a `create_payment` effect; implemented by the payments module. */
export interface PaymentStarter {
  startPayment(input: {
    tenant: TenantConfig;
    waId: string;
    nombreCliente?: string;
    effect: Extract<Effect, { kind: 'create_payment' }>;
    now: number;
  }): Promise<QueuedMessage[]>;
  /** Methods to offer a tenant's customers after the phone step, in order. */
  paymentMethods(tenant: TenantConfig): PaymentMethodOption[];
}

export interface TurnDeps extends OutboxDeps {
  payments: PaymentStarter;
  sessionTtlMs: number;
  estimatedDeliveryTime: string;
  /** Identifies this process in leases. */
  owner: string;
}

/** What is kept of the last turn, so reprocessing a message after a crash replays it instead of stepping twice. */
type StoredTurn = z.output<typeof ZStoredTurnSchema>;

/** How many recent message keys a session remembers, to never apply a message twice. */
const REMEMBERED_MESSAGES = 10;

export function toTenantView(tenant: TenantConfig, methods: PaymentMethodOption[]): TenantView {
  return { tenantId: tenant.tenantId, restaurantName: tenant.restaurant.name, menu: tenant.menu, paymentMethods: methods };
}

/** Reads a stored session back into the conversation's shape; anything unreadable starts over. */
function readStoredSession(raw: unknown): { session: Session | null; lastTurn?: StoredTurn; recent: string[]; newestApplied?: number } {
  if (!raw || typeof raw !== 'object') return { session: null, recent: [] };
  const value = raw as { ultimoTurno?: unknown; procesados?: unknown; ultimoMensajeTs?: unknown };
  const newestApplied = typeof value.ultimoMensajeTs === 'number' ? value.ultimoMensajeTs : undefined;
  const recent = Array.isArray(value.procesados) ? value.procesados.filter((k): k is string => typeof k === 'string') : [];
  const turn = ZStoredTurnSchema.safeParse(value.ultimoTurno);
  const lastTurn = turn.success ? turn.data : undefined;
  const session = ZSessionSchema.safeParse(raw);
  return { session: session.success ? session.data : null, lastTurn, recent, ...(newestApplied !== undefined ? { newestApplied } : {}) };
}

function paymentReferenceFor(tenantId: string, messageKey: string, receivedAt: number): () => string {
  let n = 0;
  return () => {
    const random = createHash('sha256').update(`${messageKey}:${n++}`).digest('hex').slice(0, 10);
    return `${tenantId}_${receivedAt}_${random}`;
  };
}

/**
 * Runs one inbound message through the conversation: the session moves in one RTDB
 * transaction (the pure `step` may run several times inside it), then effects run, then the
 * replies are queued in the outbox together with closing the inbox entry, then delivered.
 */
export async function runTurn(deps: TurnDeps, record: InboxRecord, messageKey: string): Promise<void> {
  const log = deps.logger.child({ tenantId: record.tenantId, waId: maskPhone(record.waId), messageKey });
  const tenant = await deps.tenants.getTenant(record.tenantId);
  if (!tenant) {
    log.warn('message for a tenant that no longer exists; dropped');
    await withTimeout(deps.db.ref().update(inboxDoneUpdate(messageKey)), 'inbox done');
    return;
  }
  const now = deps.now();
  const view = toTenantView(tenant, deps.payments.paymentMethods(tenant));
  // "ya pedí y no ha llegado": only then is the customer's last order read (#14).
  const lastOrder = infoQuestionOf(record.input)?.kind === 'order_status' ? await readLastOrder(deps, record.tenantId, record.waId, log) : undefined;
  const ctx = {
    ...(lastOrder ? { lastOrder } : {}),
    pendingPaymentStatus: undefined as PendingPaymentStatus | undefined,
    tenant: view,
    // The phone offered as "Usar este número": none for a customer WhatsApp shows only by BSUID (#15).
    waId: record.telefono ?? record.waId,
    profileName: record.profileName,
    now,
    sessionTtlMs: deps.sessionTtlMs,
    newPaymentReference: paymentReferenceFor(tenant.tenantId, messageKey, record.recibido),
  };

  let outcome: { replies: Reply[]; effects: Effect[]; paso?: string; stale?: boolean } = { replies: [], effects: [] };
  await transact(
    deps.db,
    paths.session(record.tenantId, record.waId),
    (current: unknown) => {
      const stored = readStoredSession(current);
      if (stored.lastTurn?.messageKey === messageKey) {
        outcome = { replies: stored.lastTurn.replies, effects: stored.lastTurn.effects };
        return undefined;
      }
      if (stored.recent.includes(messageKey)) {
        outcome = { replies: [], effects: [] };
        return undefined;
      }
      // Sent before a message already applied (Meta's timestamps): stepping it now would undo
      // the newer step, so it is recorded without one (#15).
      if (record.timestamp !== undefined && stored.newestApplied !== undefined && record.timestamp < stored.newestApplied) {
        outcome = { replies: [], effects: [], stale: true };
        return { ...(current as Record<string, unknown>), procesados: [...stored.recent, messageKey].slice(-REMEMBERED_MESSAGES) };
      }
      const result = step(stored.session, record.input, ctx);
      outcome = { replies: result.replies, effects: result.effects, paso: result.session.paso };
      return {
        ...result.session,
        ultimoTurno: { messageKey, replies: result.replies, effects: result.effects },
        procesados: [...stored.recent, messageKey].slice(-REMEMBERED_MESSAGES),
        ...(record.timestamp !== undefined || stored.newestApplied !== undefined ? { ultimoMensajeTs: Math.max(record.timestamp ?? 0, stored.newestApplied ?? 0) } : {}),
      };
    },
    'session transaction',
    // The session as stored says which payment it waits for; the step needs that payment's state.
    async (stored) => {
      ctx.pendingPaymentStatus = await readPendingPaymentStatus(deps, record.tenantId, stored);
    },
  );
  if (outcome.stale) log.info('message older than one already applied; recorded without a step');
  log.info({ paso: outcome.paso, replies: outcome.replies.length, effects: outcome.effects.map((e) => e.kind) }, 'turn');
  if (outcome.paso) deps.metrics?.conversationTurns.inc({ paso: outcome.paso });

  // Creating a payment link calls a gateway: show "typing…" while it runs (reference §5.8, #15).
  const typing = outcome.effects.some((e) => e.kind === 'create_payment') ? showTyping(deps, tenant, record.messageId) : undefined;
  const effectMessages: QueuedMessage[] = [];
  for (const effect of outcome.effects) {
    effectMessages.push(...(await runEffect(deps, tenant, record, messageKey, effect, now)));
  }

  const { queued, update } = queueMessages(
    outcome.replies.map((reply, i) => ({ outboxId: `turno-${messageKey}-${i}`, tenantId: tenant.tenantId, to: record.waId, kind: 'respuesta' as const, reply })),
    now,
  );
  await withTimeout(deps.db.ref().update({ ...update, ...inboxDoneUpdate(messageKey) }), 'turn replies');
  await deliverMessages(deps, [...queued, ...effectMessages]);
  await typing;
}

/** Marks the customer's message read with the typing indicator; best effort, runs alongside the gateway call. */
function showTyping(deps: TurnDeps, tenant: TenantConfig, messageId: string): Promise<void> {
  return deps.tenants
    .whatsappToken(tenant.tenantId)
    .then((token) => (token ? deps.graph.markRead({ phoneNumberId: tenant.whatsapp.phoneNumberId, accessToken: token }, messageId, { typing: true }) : undefined))
    .catch(() => undefined);
}

/** The customer's most recent order (by `cliente`), for "where is my order?"; undefined when none or unreadable. */
async function readLastOrder(
  deps: TurnDeps,
  tenantId: string,
  waId: string,
  log: TurnDeps['logger'],
): Promise<{ id: string; estado: string; total: number; timestamp: number } | undefined> {
  try {
    const snapshot = await withTimeout(deps.db.ref(paths.orders(tenantId)).orderByChild('cliente').equalTo(waId).limitToLast(5).once('value'), 'last order');
    let latest: { id: string; estado: string; total: number; timestamp: number } | undefined;
    snapshot.forEach((child) => {
      const parsed = ZLastOrderSchema.safeParse(child.val());
      if (parsed.success && (!latest || parsed.data.timestamp > latest.timestamp)) latest = parsed.data;
    });
    return latest;
  } catch (error) {
    log.warn({ err: error }, 'could not read the last order; answering without it');
    return undefined;
  }
}

const ZLastOrderSchema = z.object({ id: z.string(), estado: z.string(), total: z.number(), timestamp: z.number() });

/** The state of the payment a session is waiting for, so the conversation can tell paid from pending. */
async function readPendingPaymentStatus(deps: TurnDeps, tenantId: string, session: unknown): Promise<PendingPaymentStatus | undefined> {
  const pending = (session as { pagoPendiente?: { referencia?: unknown } } | null)?.pagoPendiente;
  if (typeof pending?.referencia !== 'string' || !isReference(pending.referencia)) return undefined;
  const estado = await readValue<string>(deps.db, `${paths.payment(tenantId, pending.referencia)}/estado`);
  return (PAYMENT_STATES as readonly string[]).includes(estado ?? '') ? (estado as PendingPaymentStatus) : undefined;
}

async function runEffect(
  deps: TurnDeps,
  tenant: TenantConfig,
  record: InboxRecord,
  messageKey: string,
  effect: Effect,
  now: number,
): Promise<QueuedMessage[]> {
  switch (effect.kind) {
    case 'create_order': {
      const result = await createOrderOnce(deps.db, {
        tenantId: tenant.tenantId,
        restaurantName: tenant.restaurant.name,
        orderKey: `wa-${messageKey}`,
        cliente: record.waId,
        nombreCliente: record.profileName,
        draft: effect.draft,
        pago: { estado: effect.pago },
        // Switching a pending link to cash: a late payment of that link must not become a second order.
        alsoWrite: effect.reemplaza && isReference(effect.reemplaza)
          ? () => ({ [`${paths.payment(tenant.tenantId, effect.reemplaza!)}/reemplazadaPor`]: `efectivo-${messageKey}` })
          : undefined,
        notify: (order) => [
          {
            kind: 'confirmacion_pedido',
            reply: orderConfirmed({ pedidoId: order.id, total: order.total, pago: effect.pago, estimatedTime: deps.estimatedDeliveryTime }),
          },
        ],
        now,
        owner: deps.owner,
      });
      if (result.created) deps.logger.info({ tenantId: tenant.tenantId, pedidoId: result.order.id, total: result.order.total }, 'order created');
      return result.queued;
    }
    case 'create_payment':
      return deps.payments.startPayment({ tenant, waId: record.waId, nombreCliente: record.profileName, effect, now });
  }
}
