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
import { orderConfirmed, withSaveDataQuestion } from '../conversation/messages.es-CO';
import { ZCustomerProfileSchema, ZSessionSchema, ZStoredTurnSchema } from '../conversation/schemas';
import { needsLastOrder, step } from '../conversation/step';
import { isAvailable } from '../restaurant/sold-out';
import type { CustomerProfile, Effect, LastOrder, OrderDraft, PaymentMethodOption, PendingPaymentStatus, Reply, Session, TenantView } from '../conversation/types';
import { ZCartLineRecordSchema } from '../db/records';
import { inputText, replyText, transcriptCounter, transcriptUpdate } from './transcript';

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

/**
 * What the conversation sees of the tenant at `now`: an item sold out "for the day" whose
 * `agotadoHasta` has passed is available again, so `disponible` is the item's state at this
 * turn (#16); the hours, pauses, zones and handoff time as stored.
 */
export function toTenantView(tenant: TenantConfig, methods: PaymentMethodOption[], now: number): TenantView {
  const at = new Date(now);
  const menu = tenant.menu.map((item) => (item.disponible || !isAvailable(item, at) ? item : { ...item, disponible: true }));
  return {
    tenantId: tenant.tenantId,
    restaurantName: tenant.restaurant.name,
    menu,
    paymentMethods: methods,
    ...(tenant.horario ? { horario: tenant.horario } : {}),
    ...(tenant.pausa ? { pausa: tenant.pausa } : {}),
    ...(tenant.domicilios ? { domicilios: tenant.domicilios } : {}),
    minutosInactividad: tenant.atencion.minutosInactividad,
  };
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
  const view = toTenantView(tenant, deps.payments.paymentMethods(tenant), now);
  // "ya pedí y no ha llegado" (#14) or "lo mismo de siempre" (#16): only then is the customer's last order read.
  const [lastOrder, customer] = await Promise.all([
    needsLastOrder(record.input) ? readLastOrder(deps, record.tenantId, record.waId, log) : undefined,
    readCustomer(deps, record.tenantId, record.waId, log),
  ]);
  const ctx = {
    ...(lastOrder ? { lastOrder } : {}),
    ...(customer ? { customer } : {}),
    pendingPaymentStatus: undefined as PendingPaymentStatus | undefined,
    tenant: view,
    // The phone offered as "Usar este número": none for a customer WhatsApp shows only by BSUID (#15).
    waId: record.telefono ?? record.waId,
    profileName: record.profileName,
    now,
    sessionTtlMs: deps.sessionTtlMs,
    newPaymentReference: paymentReferenceFor(tenant.tenantId, messageKey, record.recibido),
  };

  let outcome: { replies: Reply[]; effects: Effect[]; paso?: string; transcriptFrom?: number; stale?: boolean } = { replies: [], effects: [] };
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
      // The customer's message and the replies take the next numbers of the transcript (#16).
      const transcriptFrom = transcriptCounter(current);
      outcome = { replies: result.replies, effects: result.effects, paso: result.session.paso, transcriptFrom };
      return {
        ...result.session,
        ultimoTurno: { messageKey, replies: result.replies, effects: result.effects },
        procesados: [...stored.recent, messageKey].slice(-REMEMBERED_MESSAGES),
        transcripcion: transcriptFrom + 1 + result.replies.length,
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
    effectMessages.push(...(await runEffect(deps, tenant, record, messageKey, effect, now, customer)));
  }
  const transcript =
    outcome.transcriptFrom === undefined
      ? {}
      : transcriptUpdate(
          tenant.tenantId,
          record.waId,
          outcome.transcriptFrom,
          [{ de: 'cliente', texto: inputText(record.input) }, ...outcome.replies.map((reply) => ({ de: 'bot' as const, texto: replyText(reply) }))],
          now,
        );

  const { queued, update } = queueMessages(
    outcome.replies.map((reply, i) => ({ outboxId: `turno-${messageKey}-${i}`, tenantId: tenant.tenantId, to: record.waId, kind: 'respuesta' as const, reply })),
    now,
  );
  await withTimeout(deps.db.ref().update({ ...update, ...transcript, ...inboxDoneUpdate(messageKey) }), 'turn replies');
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
): Promise<LastOrder | undefined> {
  try {
    const snapshot = await withTimeout(deps.db.ref(paths.orders(tenantId)).orderByChild('cliente').equalTo(waId).limitToLast(5).once('value'), 'last order');
    let latest: LastOrder | undefined;
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

const ZLastOrderSchema = z.object({ id: z.string(), estado: z.string(), total: z.number(), timestamp: z.number(), items: z.array(ZCartLineRecordSchema).optional() });

/** The customer's saved data (#16); undefined when none or unreadable (the bot then just asks). */
async function readCustomer(deps: TurnDeps, tenantId: string, waId: string, log: TurnDeps['logger']): Promise<CustomerProfile | undefined> {
  try {
    const parsed = ZCustomerProfileSchema.safeParse(await readValue(deps.db, paths.customer(tenantId, waId)));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    log.warn({ err: error }, 'could not read the saved customer data; answering without it');
    return undefined;
  }
}

/** The saved data after an order, for a customer who agreed to keep them: the last address and phone (#16). */
function customerUpdate(tenantId: string, waId: string, customer: CustomerProfile | undefined, draft: OrderDraft, now: number): Record<string, unknown> {
  if (!customer?.guardarDatos) return {};
  // A pickup order has no address to remember; the saved one stays.
  if (draft.tipoEntrega === 'recoger') return { [`${paths.customer(tenantId, waId)}/telefonoContacto`]: draft.telefonoContacto, [`${paths.customer(tenantId, waId)}/actualizado`]: now };
  return {
    [paths.customer(tenantId, waId)]: {
      guardarDatos: true,
      direccion: draft.direccion,
      ...(draft.ubicacion ? { ubicacion: draft.ubicacion } : {}),
      telefonoContacto: draft.telefonoContacto,
      actualizado: now,
    } satisfies CustomerProfile,
  };
}

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
  customer: CustomerProfile | undefined,
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
        alsoWrite: () => ({
          ...(effect.reemplaza && isReference(effect.reemplaza) ? { [`${paths.payment(tenant.tenantId, effect.reemplaza)}/reemplazadaPor`]: `efectivo-${messageKey}` } : {}),
          ...customerUpdate(tenant.tenantId, record.waId, customer, effect.draft, now),
        }),
        notify: (order) => [
          {
            kind: 'confirmacion_pedido',
            // A first order: the confirmation also asks whether to remember the address and phone (#16).
            reply: (effect.draft.ofrecerGuardarDatos ? withSaveDataQuestion : (reply: Reply) => reply)(
              orderConfirmed({ pedidoId: order.id, total: order.total, pago: effect.pago, estimatedTime: deps.estimatedDeliveryTime }),
            ),
          },
        ],
        now,
        owner: deps.owner,
      });
      if (result.created) deps.logger.info({ tenantId: tenant.tenantId, pedidoId: result.order.id, total: result.order.total }, 'order created');
      return result.queued;
    }
    case 'create_payment': {
      const saved = customerUpdate(tenant.tenantId, record.waId, customer, effect.draft, now);
      if (Object.keys(saved).length) await withTimeout(deps.db.ref().update(saved), 'customer data');
      return deps.payments.startPayment({ tenant, waId: record.waId, nombreCliente: record.profileName, effect, now });
    }
    case 'save_customer':
      await saveCustomer(deps, tenant.tenantId, record.waId, effect.guardar, now);
      return [];
    case 'forget_customer':
      await withTimeout(deps.db.ref(paths.customer(tenant.tenantId, record.waId)).remove(), 'forget customer');
      return [];
    case 'release_staff':
      await withTimeout(
        deps.db.ref().update({ [paths.staffRequest(tenant.tenantId, record.waId)]: null, [`${paths.alerts(tenant.tenantId)}/atencion-${record.waId}`]: null }),
        'staff request',
      );
      return [];
    case 'request_staff':
      await withTimeout(deps.db.ref().update(staffRequestUpdate(tenant.tenantId, record, now)), 'staff request');
      deps.logger.info({ tenantId: tenant.tenantId, waId: maskPhone(record.waId) }, 'customer asked for a person');
      return [];
  }
}

/**
 * The customer said yes (or no) to remembering their data: yes copies the address and phone
 * of their last order; no is remembered too, so they are not asked again (#16).
 */
async function saveCustomer(deps: TurnDeps, tenantId: string, waId: string, guardar: boolean, now: number): Promise<void> {
  const path = paths.customer(tenantId, waId);
  if (!guardar) {
    await withTimeout(deps.db.ref(path).set({ guardarDatos: false, actualizado: now } satisfies CustomerProfile), 'customer data');
    return;
  }
  const snapshot = await withTimeout(deps.db.ref(paths.orders(tenantId)).orderByChild('cliente').equalTo(waId).limitToLast(5).once('value'), 'last order');
  let latest: { direccion: string; telefonoContacto: string; timestamp: number; tipoEntrega?: string; ubicacion?: { latitud: number; longitud: number } } | undefined;
  snapshot.forEach((child) => {
    const order = ZSavedFromOrderSchema.safeParse(child.val());
    if (order.success && (!latest || order.data.timestamp > latest.timestamp)) latest = order.data;
  });
  const last = latest as typeof latest;
  const profile: CustomerProfile = { guardarDatos: true, actualizado: now };
  if (last) {
    profile.telefonoContacto = last.telefonoContacto;
    if (last.tipoEntrega !== 'recoger') {
      profile.direccion = last.direccion;
      if (last.ubicacion) profile.ubicacion = { latitud: last.ubicacion.latitud, longitud: last.ubicacion.longitud };
    }
  }
  await withTimeout(deps.db.ref(path).set(profile), 'customer data');
}

const ZSavedFromOrderSchema = z.object({
  direccion: z.string(),
  telefonoContacto: z.string(),
  timestamp: z.number(),
  tipoEntrega: z.string().optional(),
  ubicacion: z.object({ latitud: z.number(), longitud: z.number() }).optional(),
});

/**
 * A customer asked for a person (#16): one entry per customer in `atencionClientes` (what the
 * board and the owners' page list) and one alert in `alertas`, both keyed by the customer, so
 * asking twice rewrites rather than piles up.
 */
function staffRequestUpdate(tenantId: string, record: InboxRecord, now: number): Record<string, unknown> {
  return {
    [paths.staffRequest(tenantId, record.waId)]: { waId: record.waId, ...(record.profileName ? { nombre: record.profileName } : {}), desde: now, estado: 'pendiente' },
    [`${paths.alerts(tenantId)}/atencion-${record.waId}`]: {
      tipo: 'atencion_personal',
      cliente: record.waId,
      ...(record.profileName ? { nombreCliente: record.profileName } : {}),
      fecha: now,
      detalle: 'Un cliente pidió hablar con una persona; el bot no le responde hasta que lo devuelvan.',
    },
  };
}
