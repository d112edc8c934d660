import { createHash } from 'node:crypto';

/**
 * Every RTDB path the server uses, and the id patterns checked before an id becomes part of
 * one. Persisted names follow the seeds (Spanish).
 */
/**
 * The longest reference any gateway accepts: Bold's order id takes at most 60 characters
 * (reference §2.2); Wompi and PayU take more. References are `{tenantId}_{13-digit ms}_{10 hex}`,
 * 25 characters besides the tenant id, so tenant ids stop at 35 (#12).
 */
export const REFERENCE_MAX_LENGTH = 60;
export const TENANT_ID_MAX_LENGTH = 35;
export const TENANT_ID_PATTERN = /^[A-Za-z0-9-]{1,35}$/;
export const WA_ID_PATTERN = /^\d{6,20}$/;
/**
 * A business-scoped user id (BSUID, reference §7.5): ISO country code, a dot, up to 128
 * letters and digits, e.g. `CO.13491208655302741918` (#15).
 */
export const BSUID_PATTERN = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;
/** A customer id: the wa_id when WhatsApp gave one, else the BSUID (#15). */
export const CUSTOMER_ID_PATTERN = /^(?:\d{6,20}|[A-Z]{2}\.[A-Za-z0-9]{1,128})$/;
export const isCustomerId = (s: string): boolean => CUSTOMER_ID_PATTERN.test(s);
export const isBsuid = (s: string): boolean => BSUID_PATTERN.test(s);
/**
 * The RTDB key of a customer id: a wa_id as it is (existing sessions keep their keys), a BSUID
 * with its dot (not allowed in keys) turned into `-`, which no wa_id contains.
 */
export const customerKey = (customerId: string): string => check('customerId', customerId, CUSTOMER_ID_PATTERN).replace('.', '-');
export const PHONE_NUMBER_ID_PATTERN = /^\d{1,30}$/;
/** `{tenantId}_{timestamp}_{random}`; tenant ids have no `_`, so the first `_` ends the tenant. */
export const REFERENCE_PATTERN = /^(?=.{1,60}$)([A-Za-z0-9-]{1,35})_(\d{10,16})_([A-Za-z0-9-]{4,32})$/;
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,120}$/;
const GATEWAY_PATTERN = /^[a-z]{1,20}$/;

export class InvalidIdError extends Error {
  constructor(kind: string) {
    super(`invalid ${kind}`);
    this.name = 'InvalidIdError';
  }
}

function check(kind: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new InvalidIdError(kind);
  return value;
}

export const isTenantId = (s: string): boolean => TENANT_ID_PATTERN.test(s);
export const isReference = (s: string): boolean => REFERENCE_PATTERN.test(s);

/** The tenant a payment reference belongs to, or null when it is not one of ours. */
export function tenantOfReference(reference: string): string | null {
  return REFERENCE_PATTERN.exec(reference)?.[1] ?? null;
}

/** A stable RTDB-safe key for an arbitrary external id (a wamid contains `.` and `=`). */
export function keyFor(externalId: string): string {
  return createHash('sha256').update(externalId).digest('base64url').slice(0, 32);
}

const t = (tenantId: string) => `tenants/${check('tenantId', tenantId, TENANT_ID_PATTERN)}`;

export const paths = {
  tenant: t,
  restaurant: (tenantId: string) => `${t(tenantId)}/restaurant`,
  whatsapp: (tenantId: string) => `${t(tenantId)}/whatsapp`,
  menu: (tenantId: string) => `${t(tenantId)}/menu`,
  paymentsConfig: (tenantId: string) => `${t(tenantId)}/payments`,
  /** Restaurant settings of #16 (`db/restaurant-records.ts`). */
  horario: (tenantId: string) => `${t(tenantId)}/horario`,
  domicilios: (tenantId: string) => `${t(tenantId)}/domicilios`,
  atencion: (tenantId: string) => `${t(tenantId)}/atencion`,
  pausa: (tenantId: string) => `${t(tenantId)}/pausa`,
  payment: (tenantId: string, reference: string) => `${t(tenantId)}/pagos/${check('reference', reference, REFERENCE_PATTERN)}`,
  orders: (tenantId: string) => `${t(tenantId)}/pedidos`,
  order: (tenantId: string, orderKey: string) => `${t(tenantId)}/pedidos/${check('orderKey', orderKey, KEY_PATTERN)}`,
  /** A customer's conversation; `customerId` is a wa_id or a BSUID (#15). */
  session: (tenantId: string, customerId: string) => `${t(tenantId)}/sesiones/${customerKey(customerId)}`,
  /** `clientes/{tenantId}/{customerKey}`: what is known of a customer's identity and their last message (#15). */
  customerIdentity: (tenantId: string, customerId: string) => `clientes/${check('tenantId', tenantId, TENANT_ID_PATTERN)}/${customerKey(customerId)}`,
  /** `identidades/{tenantId}/{customerKey(bsuid)}`: the customer id a BSUID belongs to (#15). */
  bsuidOwner: (tenantId: string, bsuid: string) => `identidades/${check('tenantId', tenantId, TENANT_ID_PATTERN)}/${customerKey(check('bsuid', bsuid, BSUID_PATTERN))}`,
  /** Per-customer turn queue and lease (#15). */
  customerQueue: (tenantId: string, customerId: string) => `colaTurnos/${check('tenantId', tenantId, TENANT_ID_PATTERN)}/${customerKey(customerId)}`,
  sessions: (tenantId: string) => `${t(tenantId)}/sesiones`,
  stats: (tenantId: string) => `${t(tenantId)}/stats`,
  orderCounter: (tenantId: string) => `${t(tenantId)}/contadores/pedidos`,
  paymentEvents: (tenantId: string) => `${t(tenantId)}/analytics/payment_events`,
  alerts: (tenantId: string) => `${t(tenantId)}/alertas`,
  /** A customer's saved address and phone, with their consent (#16). */
  customer: (tenantId: string, customerId: string) => `${t(tenantId)}/clientes/${customerKey(customerId)}`,
  /** The last messages exchanged with a customer, a bounded ring for the staff to read (#16). */
  transcript: (tenantId: string, customerId: string) => `${t(tenantId)}/conversaciones/${customerKey(customerId)}`,
  /** Chats waiting for or handled by a person (#16), one entry per customer. */
  staffRequests: (tenantId: string) => `${t(tenantId)}/atencionClientes`,
  staffRequest: (tenantId: string, waId: string) => `${t(tenantId)}/atencionClientes/${check('waId', waId, WA_ID_PATTERN)}`,
  secret: (tenantId: string, kind: string) => `secrets/${check('tenantId', tenantId, TENANT_ID_PATTERN)}/${check('secret kind', kind, KEY_PATTERN)}`,
  secrets: (tenantId: string) => `secrets/${check('tenantId', tenantId, TENANT_ID_PATTERN)}`,
  phoneNumber: (phoneNumberId: string) => `phoneNumbers/${check('phoneNumberId', phoneNumberId, PHONE_NUMBER_ID_PATTERN)}`,
  inboxMessage: (messageKey: string) => `inbox/messages/${check('messageKey', messageKey, KEY_PATTERN)}`,
  inboxMessages: () => 'inbox/messages',
  pendingPayment: (reference: string) => `pendingPayments/${check('reference', reference, REFERENCE_PATTERN)}`,
  pendingPayments: () => 'pendingPayments',
  earlyResult: (reference: string) => `earlyResults/${check('reference', reference, REFERENCE_PATTERN)}`,
  earlyResults: () => 'earlyResults',
  outboxMessage: (outboxId: string) => `outbox/${check('outboxId', outboxId, KEY_PATTERN)}`,
  outbox: () => 'outbox',
  /** One gateway transaction settles at most one payment: its claim, keyed by gateway and transaction id (#12). */
  settledTransaction: (gateway: string, transactionId: string) =>
    `transaccionesLiquidadas/${check('gateway', gateway, GATEWAY_PATTERN)}/${keyFor(transactionId)}`,
  lock: (name: string) => `locks/${check('lock name', name, KEY_PATTERN)}`,
  /** Demo mode only (#17): the simulator's captured bot messages and which browser holds which number, kept across a restart. */
  demoMessages: () => 'demo/mensajes',
  demoMessage: (seq: number) => `demo/mensajes/${check('seq', String(seq), /^\d{1,16}$/)}`,
  demoNumbers: () => 'demo/numeros',
  demoNumber: (waId: string) => `demo/numeros/${check('waId', waId, WA_ID_PATTERN)}`,
} as const;
