/**
 * Types shared by the pure conversation (`step`) and the code that runs it (`run-turn`).
 * Persisted names (Spanish) follow the seeds; code names are English.
 */

import type { z } from 'zod';
import type {
  CONVERSATION_STEPS,
  ZCartLineSchema,
  ZChosenOptionSchema,
  ZCustomerProfileSchema,
  ZEffectSchema,
  ZInboundInputSchema,
  ZOpenQuestionSchema,
  ZOrderDraftSchema,
  ZReplySchema,
  ZSessionSchema,
  ZUbicacionSchema,
} from './schemas';

/** One inbound customer message, already reduced to what the conversation understands. */
export type InboundInput = z.output<typeof ZInboundInputSchema>;

/** A menu item as the conversation sees it. `precio` is integer COP. */
export interface MenuItem {
  itemId: string;
  numero: string;
  nombre: string;
  precio: number;
  categoria?: string;
  disponible: boolean;
  /** Other names customers use for this item, set by the owner ("sencilla", "la especial"). */
  alias?: string[];
  /** Option groups (#16): "Término" (min 1, max 1), "Adiciones" (0 to 3), each value with a price per unit. */
  opciones?: OptionGroup[];
  /** Sold out "for the day" until then (epoch ms); the runner folds it into `disponible` for the turn. */
  agotadoHasta?: number;
}

/** A group of choices of a menu item (`restaurant/item-options.ts`). */
export interface OptionGroup {
  nombre: string;
  min?: number;
  max: number;
  valores: Array<{ nombre: string; precio?: number }>;
}

/** A chosen option on a cart line, with the price it had when chosen. */
export type ChosenOption = z.output<typeof ZChosenOptionSchema>;

import type { PaymentMethodOption } from '../payments/payment-methods';
import type { CanTakeOrderOptions, Horario } from '../restaurant/opening-hours';
import type { quoteDelivery } from '../restaurant/delivery-zones';

export type { PaymentMethodOption };

/** What the conversation needs to know about the restaurant for one turn. */
export interface TenantView {
  tenantId: string;
  restaurantName: string;
  /** Every item, available or not, sorted by `numero`. */
  menu: MenuItem[];
  /** Methods to offer after the phone step; empty → the order is created right away (old flow). */
  paymentMethods: PaymentMethodOption[];
  /** Opening hours (#16); absent: always open. */
  horario?: Horario;
  /** The kitchen's pauses of ordering or delivery (#16). */
  pausa?: CanTakeOrderOptions['pausa'];
  /** Delivery zones and pickup (#16); absent: no fee, no zone check, no pickup. */
  domicilios?: Domicilios;
  /** Minutes without a staff message after which a chat taken over by staff returns to the bot (#16). */
  minutosInactividad?: number;
}

/** `domicilios` of the tenant, as `restaurant/delivery-zones.ts` reads it. */
export type Domicilios = NonNullable<Parameters<typeof quoteDelivery>[0]>;

/** What is remembered of a customer who agreed (#16): `tenants/{t}/clientes/{waId}`. */
export type CustomerProfile = z.output<typeof ZCustomerProfileSchema>;

/** The customer's last order, as far as "where is it?" and "lo mismo de siempre" need it. */
export interface LastOrder {
  id: string;
  estado: string;
  total: number;
  timestamp: number;
  items?: Array<{ itemId: string; nombre: string; cantidad: number; opciones?: ChosenOption[]; nota?: string }>;
}

/** One line of the cart. Its amount is precio × cantidad. */
export type CartLine = z.output<typeof ZCartLineSchema>;

export type ConversationStep = (typeof CONVERSATION_STEPS)[number];

/** Delivery location when the customer shares a pin. */
export type Ubicacion = z.output<typeof ZUbicacionSchema>;

/** The payment a session is waiting for. */
export type PendingPaymentRef = NonNullable<Session['pagoPendiente']>;

/** Conversation state saved at `tenants/{t}/sesiones/{waId}`. */
export type Session = z.output<typeof ZSessionSchema>;

/** A question the bot is waiting for. Item ids, not names, so a renamed item still answers. */
export type OpenQuestion = z.output<typeof ZOpenQuestionSchema>;

/** A message to the customer. Builders in messages.es-CO.ts produce these. */
export type Reply = z.output<typeof ZReplySchema>;

/** What an order needs from the conversation. Amounts are integer COP. */
export type OrderDraft = z.output<typeof ZOrderDraftSchema>;

/** Side effects a turn asks for (see `ZEffectSchema`). */
export type Effect = z.output<typeof ZEffectSchema>;

/** Everything a turn may depend on besides the session and the input; injected for purity. */
export interface TurnContext {
  tenant: TenantView;
  /** The customer's WhatsApp id (digits, country code, e.g. 573001234567). */
  waId: string;
  /** Customer's profile name, if WhatsApp sent one. */
  profileName?: string;
  now: number;
  /** Idle time after which a session starts over. */
  sessionTtlMs: number;
  /** Makes a new payment reference; deterministic per inbound message so retries agree. */
  newPaymentReference: () => string;
  /**
   * State of `pagos/{session.pagoPendiente.referencia}` when the session has one, read by the
   * runner before the turn. Lets a paid, declined or expired link change what the bot says
   * (a paid order starts a fresh conversation instead of "your payment is pending").
   * Absent → treated as `pendiente`.
   */
  pendingPaymentStatus?: PendingPaymentStatus;
  /**
   * The customer's most recent order, read by the runner only when the message asks about an
   * order ("ya pedí y no ha llegado"); absent when there is none or it was not read.
   */
  lastOrder?: LastOrder;
  /** The customer's saved address and phone (#16), read by the runner on every turn; absent when none. */
  customer?: CustomerProfile;
}

/** `pagos/{referencia}.estado`, as far as the conversation cares. */
export type PendingPaymentStatus = 'pendiente' | 'completado' | 'rechazado' | 'expirado' | 'fraude_detectado';

export interface TurnResult {
  session: Session;
  replies: Reply[];
  effects: Effect[];
}
