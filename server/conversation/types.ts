/**
 * Types shared by the pure conversation (`step`) and the code that runs it (`run-turn`).
 * Persisted names (Spanish) follow the seeds; code names are English.
 */

import type { GatewayId } from '../payments/gateway';

/** One inbound customer message, already reduced to what the conversation understands. */
export type InboundInput =
  | { kind: 'text'; text: string }
  /** A tapped reply button or list row; route on `id`, never on `title`. */
  | { kind: 'choice'; id: string; title: string }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  /** Image, audio, sticker… anything the bot cannot read. */
  | { kind: 'unsupported'; type: string };

/** A menu item as the conversation sees it. `precio` is integer COP. */
export interface MenuItem {
  itemId: string;
  numero: string;
  nombre: string;
  precio: number;
  categoria?: string;
  disponible: boolean;
}

import type { PaymentMethodOption } from '../payments/payment-methods';

export type { PaymentMethodOption };

/** What the conversation needs to know about the restaurant for one turn. */
export interface TenantView {
  tenantId: string;
  restaurantName: string;
  /** Every item, available or not, sorted by `numero`. */
  menu: MenuItem[];
  /** Methods to offer after the phone step; empty → the order is created right away (old flow). */
  paymentMethods: PaymentMethodOption[];
}

/** One line of the cart. Its amount is precio × cantidad. */
export interface CartLine {
  itemId: string;
  numero: string;
  nombre: string;
  precio: number;
  cantidad: number;
}

export type ConversationStep =
  | 'inicio' //          nothing started; greeting shows the menu
  | 'ordenando' //       adding items
  | 'direccion' //       waiting for the delivery address
  | 'telefono' //        waiting for the contact phone
  | 'metodo_pago' //     waiting for the payment method choice
  | 'esperando_pago'; // a payment link was sent; waiting for the gateway

/** Delivery location when the customer shares a pin. */
export interface Ubicacion {
  latitud: number;
  longitud: number;
  nombre?: string;
  direccion?: string;
}

/** The payment a session is waiting for. */
export interface PendingPaymentRef {
  referencia: string;
  gateway: string;
}

/** Conversation state saved at `tenants/{t}/sesiones/{waId}`. */
export interface Session {
  paso: ConversationStep;
  carrito: CartLine[];
  direccion?: string;
  ubicacion?: Ubicacion;
  telefonoContacto?: string;
  /** Payment in progress (esperando_pago) or last one sent. */
  pagoPendiente?: PendingPaymentRef;
  /**
   * True right after the bot showed the cart asking "¿Confirmas?", so a bare "sí" confirms that
   * cart and nothing else; the key is removed (not set to false) once anything else is shown.
   */
  esperandoConfirmacion?: boolean;
  /** Epoch ms of the last customer message. */
  actualizado: number;
}

/** A message to the customer. Builders in messages.es-CO.ts produce these. */
export type Reply =
  | { type: 'text'; body: string }
  | {
      type: 'buttons';
      body: string;
      header?: string;
      footer?: string;
      /** 1 to 3 buttons; titles ≤ 20 characters. */
      buttons: Array<{ id: string; title: string }>;
    }
  | {
      type: 'list';
      body: string;
      header?: string;
      footer?: string;
      /** Label of the button that opens the list, ≤ 20 characters. */
      button: string;
      /** ≤ 10 sections and ≤ 10 rows in total; row title ≤ 24, description ≤ 72. */
      sections: Array<{ title: string; rows: Array<{ id: string; title: string; description?: string }> }>;
    }
  | {
      type: 'cta_url';
      body: string;
      header?: string;
      footer?: string;
      /** ≤ 20 characters. */
      displayText: string;
      url: string;
    };

/** What an order needs from the conversation. Amounts are integer COP. */
export interface OrderDraft {
  items: CartLine[];
  total: number;
  direccion: string;
  ubicacion?: Ubicacion;
  telefonoContacto: string;
}

/**
 * Side effects a turn asks for. They run after the session is committed, and the runner
 * sends the replies that depend on their outcome (order id, payment link).
 */
export type Effect =
  /**
   * Payments off, or cash on delivery: create the order now. `reemplaza` names a payment link
   * still pending from this conversation (the customer switched to cash): it must not also
   * become an order if it is paid later without a person looking at it.
   */
  | { kind: 'create_order'; draft: OrderDraft; pago: 'sin_pago' | 'contraentrega'; reemplaza?: string }
  /** Write the pending payment record for `gateway` and send its link. */
  | { kind: 'create_payment'; draft: OrderDraft; gateway: GatewayId; referencia: string; reemplaza?: string };

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
}

/** `pagos/{referencia}.estado`, as far as the conversation cares. */
export type PendingPaymentStatus = 'pendiente' | 'completado' | 'rechazado' | 'expirado' | 'fraude_detectado';

export interface TurnResult {
  session: Session;
  replies: Reply[];
  effects: Effect[];
}
