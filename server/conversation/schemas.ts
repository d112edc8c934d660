import { z } from 'zod';
import { ZGatewayIdSchema } from '../payments/adapters';

/**
 * zod schemas of what the conversation stores and reads back after a crash or a retry: the
 * inbound input kept in the inbox, the replies kept in the outbox and in the session's last
 * turn, the effects of that turn, and the session itself (#13). The types in `types.ts` are
 * inferred from these, so a stored value is parsed against the same shape the code uses.
 *
 * RTDB drops empty arrays and `undefined` values: arrays default to `[]`, optional keys are
 * left out rather than set to `undefined`.
 */

/** One inbound customer message, already reduced to what the conversation understands. */
export const ZInboundInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  /** A tapped reply button or list row; route on `id`, never on `title`. */
  z.object({ kind: z.literal('choice'), id: z.string(), title: z.string() }),
  z.object({
    kind: z.literal('location'),
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  /** Image, audio, sticker… anything the bot cannot read. */
  z.object({ kind: z.literal('unsupported'), type: z.string() }),
]);

const ZButtonSchema = z.object({ id: z.string(), title: z.string() });
const ZListRowSchema = z.object({ id: z.string(), title: z.string(), description: z.string().optional() });
const framing = { body: z.string(), header: z.string().optional(), footer: z.string().optional() };

/** A message to the customer. Builders in messages.es-CO.ts produce these. */
export const ZReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), body: z.string() }),
  /** 1 to 3 buttons; titles ≤ 20 characters. */
  z.object({ type: z.literal('buttons'), ...framing, buttons: z.array(ZButtonSchema) }),
  /**
   * `button` opens the list (≤ 20 characters); ≤ 10 sections and ≤ 10 rows in total; row
   * title ≤ 24, description ≤ 72.
   */
  z.object({
    type: z.literal('list'),
    ...framing,
    button: z.string(),
    sections: z.array(z.object({ title: z.string(), rows: z.array(ZListRowSchema) })),
  }),
  /** `displayText` ≤ 20 characters. */
  z.object({ type: z.literal('cta_url'), ...framing, displayText: z.string(), url: z.string() }),
  /** Meta's location request: the body and a "send location" button, so a pin is one tap (#15). */
  z.object({ type: z.literal('location_request'), body: z.string() }),
]);

/** An option chosen on a line (#16), with the price it added per unit when chosen. */
export const ZChosenOptionSchema = z.object({ grupo: z.string(), valor: z.string(), precio: z.number() });

/** One line of the cart. Its amount is precio × cantidad (integer COP); `precio` includes the options. */
export const ZCartLineSchema = z.object({
  itemId: z.string(),
  numero: z.string(),
  nombre: z.string(),
  precio: z.number(),
  cantidad: z.number(),
  /** Chosen options (#16), already counted in `precio`. */
  opciones: z.array(ZChosenOptionSchema).optional(),
  /** What the customer asked about this line: "sin salsa", "bien fría". Shown in the cart and on the kitchen board. */
  nota: z.string().optional(),
});

/** Delivery location when the customer shares a pin. */
export const ZUbicacionSchema = z.object({
  latitud: z.number(),
  longitud: z.number(),
  nombre: z.string().optional(),
  direccion: z.string().optional(),
});

export const DELIVERY_KINDS = ['domicilio', 'recoger'] as const;

/** What an order needs from the conversation. Amounts are integer COP. */
export const ZOrderDraftSchema = z.object({
  items: z.array(ZCartLineSchema),
  /** What the customer pays: the lines plus `domicilio`. */
  total: z.number(),
  direccion: z.string(),
  ubicacion: ZUbicacionSchema.optional(),
  telefonoContacto: z.string(),
  /** Delivery fee (#16), included in `total`; absent or 0 for pickup and tenants without zones. */
  domicilio: z.number().optional(),
  /** Delivery or pickup (#16); absent on drafts of tenants without `domicilios` (delivery). */
  tipoEntrega: z.enum(DELIVERY_KINDS).optional(),
  /** A scheduled order (#16): the restaurant was closed; the kitchen makes it from then (epoch ms). */
  programadoPara: z.number().optional(),
  /** The customer has no saved data yet: the confirmation asks whether to remember them (#16). */
  ofrecerGuardarDatos: z.boolean().optional(),
});

/** What is remembered of a customer who agreed (#16): `tenants/{t}/clientes/{waId}`. */
export const ZCustomerProfileSchema = z.object({
  /** False: the customer said no; they are not asked again and nothing else is kept. */
  guardarDatos: z.boolean(),
  direccion: z.string().optional(),
  ubicacion: ZUbicacionSchema.optional(),
  telefonoContacto: z.string().optional(),
  actualizado: z.number(),
});

/**
 * Side effects a turn asks for. They run after the session is committed, and the runner sends
 * the replies that depend on their outcome (order id, payment link).
 * - `create_order`: payments off, or cash on delivery. `reemplaza` names a payment link still
 *   pending from this conversation (the customer switched to cash): it must not also become an
 *   order if it is paid later without a person looking at it.
 * - `create_payment`: write the pending payment record for `gateway` and send its link.
 */
export const ZEffectSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('create_order'),
    draft: ZOrderDraftSchema,
    pago: z.enum(['sin_pago', 'contraentrega']),
    reemplaza: z.string().optional(),
  }),
  z.object({
    kind: z.literal('create_payment'),
    draft: ZOrderDraftSchema,
    gateway: ZGatewayIdSchema,
    referencia: z.string(),
    reemplaza: z.string().optional(),
  }),
  /** Remember the address and phone of the customer's last order (they said yes), or that they said no (#16). */
  z.object({ kind: z.literal('save_customer'), guardar: z.boolean() }),
  /** "olvidar mis datos": erase what is remembered of the customer (#16). */
  z.object({ kind: z.literal('forget_customer') }),
  /** The customer asked for a person: alert the staff (#16). */
  z.object({ kind: z.literal('request_staff') }),
  /** Nobody from the staff wrote for the idle time: the chat is back with the bot; clear the staff's list (#16). */
  z.object({ kind: z.literal('release_staff') }),
]);

export const CONVERSATION_STEPS = ['inicio', 'ordenando', 'direccion', 'telefono', 'metodo_pago', 'esperando_pago'] as const;

/** A question the bot is waiting for. Item ids, not names, so a renamed item still answers. */
export const ZOpenQuestionSchema = z.discriminatedUnion('tipo', [
  /** "¿Cuál quieres?": add `cantidad` units of the candidate the customer names (with `nota`). */
  z.object({ tipo: z.literal('producto'), texto: z.string(), candidatos: z.array(z.string()).default([]), cantidad: z.number(), nota: z.string().optional() }),
  /** "¿A cuál le pongo la nota?": `nota` goes on the line of the candidate named. */
  z.object({ tipo: z.literal('nota'), nota: z.string(), candidatos: z.array(z.string()).default([]) }),
  /** "¿Vacío tu carrito?" */
  z.object({ tipo: z.literal('vaciar') }),
  /**
   * "¿Qué término?" (#16): `cantidad` units of `itemId` wait for the option group `grupo`; the
   * line is added once every required group has an answer. `elegidas` holds what was chosen so far.
   */
  z.object({
    tipo: z.literal('opcion'),
    itemId: z.string(),
    cantidad: z.number(),
    nota: z.string().optional(),
    grupo: z.string(),
    elegidas: z.array(z.object({ grupo: z.string(), valor: z.string() })).default([]),
  }),
]);

/** Conversation state saved at `tenants/{t}/sesiones/{waId}`. */
export const ZSessionSchema = z.object({
  /**
   * inicio: nothing started, greeting shows the menu · ordenando: adding items · direccion:
   * waiting for the address · telefono: waiting for the contact phone · metodo_pago: waiting for
   * the payment method · esperando_pago: a payment link was sent, waiting for the gateway.
   */
  paso: z.enum(CONVERSATION_STEPS),
  carrito: z.array(ZCartLineSchema).default([]),
  direccion: z.string().optional(),
  ubicacion: ZUbicacionSchema.optional(),
  telefonoContacto: z.string().optional(),
  /** Payment in progress (esperando_pago) or last one sent. */
  pagoPendiente: z.object({ referencia: z.string(), gateway: z.string() }).optional(),
  /**
   * True right after the bot showed the cart asking "¿Confirmas?", so a bare "sí" confirms that
   * cart and nothing else; the key is removed (not set to false) once anything else is shown.
   */
  esperandoConfirmacion: z.boolean().optional(),
  /** The question the bot asked last and is waiting for; "sí", "no" or a name answer it (#14). */
  pregunta: ZOpenQuestionSchema.optional(),
  /** Questions still to ask, one per message, once `pregunta` is answered. */
  preguntasPendientes: z.array(ZOpenQuestionSchema).optional(),
  /** The line added last and how many units were added, so "sin cebolla" or "no, mejor…" knows where it goes. */
  ultimaLinea: z.object({ itemId: z.string(), cantidad: z.number() }).optional(),
  /** Delivery or pickup, chosen at the address step (#16). */
  tipoEntrega: z.enum(DELIVERY_KINDS).optional(),
  /** The restaurant was closed and the owner allows it: the order is left for this opening (#16). */
  programadoPara: z.number().optional(),
  /**
   * A person handles this chat (#16): the bot stays silent until staff hand it back or nobody
   * from the staff wrote for the tenant's idle time. `ultimoPersonal`: last staff message.
   */
  atencion: z.object({ desde: z.number(), ultimoPersonal: z.number().optional() }).optional(),
  /** Epoch ms of the last customer message. */
  actualizado: z.number(),
});

/** The last turn a session applied, kept so a retried message gets the same answer. */
export const ZStoredTurnSchema = z.object({
  messageKey: z.string(),
  replies: z.array(ZReplySchema).default([]),
  effects: z.array(ZEffectSchema).default([]),
});
