import { z } from 'zod';
import { perGateway, ZGatewayIdSchema } from '../payments/adapters';
import { DEFAULT_GATEWAY_ENVIRONMENT, GATEWAY_ENVIRONMENTS } from '../payments/gateway';
import { DELIVERY_KINDS, ZChosenOptionRecordSchema, ZOptionGroupRecordSchema } from './restaurant-records';

/**
 * zod schemas of what is stored in RTDB: the one place where the seeds' Spanish field names
 * meet English code. Records read back are parsed with these; anything else is a bug or a
 * hand edit, and is reported rather than trusted.
 */

const pesos = z.number().int().nonnegative();

export const ZMenuItemRecordSchema = z.object({
  numero: z.string(),
  nombre: z.string(),
  precio: pesos,
  categoria: z.string().optional(),
  disponible: z.boolean().default(true),
  /** Other names customers use for this item (#14, #16): "sencilla", "la especial". Comma-separated in the admin page. */
  alias: z.array(z.string()).optional(),
  /** Option groups (#16), `restaurant/item-options.ts`. */
  opciones: z.array(ZOptionGroupRecordSchema).optional(),
  /** With `disponible: false`, sold out only until then (epoch ms; "for the day", #16). */
  agotadoHasta: z.number().optional(),
});
export type TMenuItemRecord = z.infer<typeof ZMenuItemRecordSchema>;

export const ZGatewayToggleSchema = z.object({
  enabled: z.boolean().default(false),
  environment: z.enum(GATEWAY_ENVIRONMENTS).default(DEFAULT_GATEWAY_ENVIRONMENT),
});

export const ZPaymentsConfigSchema = z.object({
  enabled: z.boolean().default(false),
  efectivo: z.boolean().default(false),
  ...perGateway(() => ZGatewayToggleSchema.optional()),
});
export type TPaymentsConfig = z.infer<typeof ZPaymentsConfigSchema>;

export const ZRestaurantSchema = z.object({
  name: z.string(),
  timezone: z.string().default('America/Bogota'),
});

/**
 * The notices a restaurant can send outside WhatsApp's 24-hour window, each as one of its
 * approved utility templates (#15). The README lists the text each template is expected to have.
 */
export const WHATSAPP_TEMPLATE_KEYS = ['pago_confirmado', 'pago_rechazado', 'pago_expirado', 'pedido_en_camino', 'pedido_entregado', 'pedido_cancelado'] as const;
export type WhatsappTemplateKey = (typeof WHATSAPP_TEMPLATE_KEYS)[number];

/** One approved template: its name in WhatsApp Manager and its language code. */
export const ZWhatsappTemplateSchema = z
  .object({
    nombre: z.string().regex(/^[a-z0-9_]{1,512}$/, 'the template name as approved in WhatsApp Manager (lower-case letters, digits and "_")'),
    idioma: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a language code such as es_CO or es').default('es_CO'),
  })
  .strict();
export const ZWhatsappTemplatesSchema = z.object(Object.fromEntries(WHATSAPP_TEMPLATE_KEYS.map((k) => [k, ZWhatsappTemplateSchema.optional()])) as Record<WhatsappTemplateKey, z.ZodOptional<typeof ZWhatsappTemplateSchema>>).strict();
export type TWhatsappTemplates = z.output<typeof ZWhatsappTemplatesSchema>;

export const ZWhatsappConfigSchema = z.object({
  phoneNumberId: z.string(),
  displayPhoneNumber: z.string().optional(),
  plantillas: ZWhatsappTemplatesSchema.optional(),
});

export const ZCartLineRecordSchema = z.object({
  itemId: z.string(),
  numero: z.string(),
  nombre: z.string(),
  precio: pesos,
  cantidad: z.number().int().positive(),
  /** Chosen options (#16); `precio` above is the unit price including them. */
  opciones: z.array(ZChosenOptionRecordSchema).optional(),
  /** What the customer asked about this line ("sin salsa"), shown on the kitchen board (#14). */
  nota: z.string().optional(),
});

export const ZUbicacionSchema = z.object({
  latitud: z.number(),
  longitud: z.number(),
  nombre: z.string().optional(),
  direccion: z.string().optional(),
});

export const PAYMENT_STATES = ['pendiente', 'completado', 'rechazado', 'expirado', 'fraude_detectado'] as const;

/** `tenants/{t}/pagos/{referencia}` (seed shape). */
export const ZPaymentRecordSchema = z.object({
  referencia: z.string(),
  tenantId: z.string(),
  estado: z.enum(PAYMENT_STATES),
  monto: pesos,
  moneda: z.literal('COP').default('COP'),
  cliente: z.string(),
  nombreCliente: z.string().optional(),
  direccion: z.string(),
  ubicacion: ZUbicacionSchema.optional(),
  telefonoContacto: z.string(),
  items: z.array(ZCartLineRecordSchema),
  /** Delivery fee in pesos, included in `monto` (#16). */
  domicilio: pesos.optional(),
  tipoEntrega: z.enum(DELIVERY_KINDS).optional(),
  /** A scheduled order (#16): the kitchen makes it from then (epoch ms). */
  programadoPara: z.number().optional(),
  /** First order of this customer: the payment confirmation asks whether to remember their data (#16). */
  ofrecerGuardarDatos: z.boolean().optional(),
  fechaCreacion: z.number(),
  gateway: ZGatewayIdSchema,
  enlace: z.string(),
  /** Gateway's own link id (Bold), so the link is created once and reused. */
  enlaceGateway: z.string().optional(),
  urlCheckout: z.string().optional(),
  transaccionId: z.string().optional(),
  metodoPago: z.string().optional(),
  fechaPago: z.number().optional(),
  motivoRechazo: z.string().optional(),
  fechaRechazo: z.number().optional(),
  montoEsperado: z.number().optional(),
  montoRecibido: z.number().optional(),
  monedaRecibida: z.string().optional(),
  reemplazadaPor: z.string().optional(),
  recordatorioEnviado: z.boolean().optional(),
  fechaExpiracion: z.number().optional(),
  /**
   * The gateway environment the payment was created in; only events verified with that
   * environment's keys settle it (#12). Absent on records written before it existed.
   */
  entorno: z.enum(['sandbox', 'production']).optional(),
  /** Why a payment was flagged when it was not the amount (e.g. `transaccion_ya_liquidada`). */
  motivoFraude: z.string().optional(),
  /** The payment the flagged transaction had already settled. */
  referenciaLiquidada: z.string().optional(),
  /**
   * Who writes the order of this completed payment, and until when (epoch ms): set by the
   * transaction that completes the payment, so whoever else sees `completado` without an order
   * waits for it or, once the lease has run out, takes the writing over (#12).
   */
  pedidoEnCurso: z.object({ responsable: z.string(), hasta: z.number() }).optional(),
});
export type TPaymentRecord = z.infer<typeof ZPaymentRecordSchema>;

/**
 * `aceptado` and `rechazado` (#16): the kitchen accepts or rejects a new order; `rechazado`
 * and `cancelado` are final and carry their reason.
 */
export const ORDER_STATES = ['pendiente', 'aceptado', 'en_preparacion', 'en_camino', 'entregado', 'cancelado', 'rechazado'] as const;

/** `tenants/{t}/pedidos/{key}` in the shape kitchen screens read (seed 004). */
export const ZOrderRecordSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  cliente: z.string(),
  telefono: z.string(),
  telefonoContacto: z.string(),
  direccion: z.string(),
  ubicacion: ZUbicacionSchema.optional(),
  items: z.array(ZCartLineRecordSchema),
  /** Delivery fee in pesos, included in `total` (#16). */
  domicilio: pesos.optional(),
  tipoEntrega: z.enum(DELIVERY_KINDS).optional(),
  /** A scheduled order (#16): the restaurant was closed; make it from then (epoch ms). */
  programadoPara: z.number().optional(),
  total: pesos,
  estado: z.enum(ORDER_STATES),
  /** Why the kitchen rejected (`rechazado`) or cancelled (`cancelado`) the order (#16). */
  motivo: z.string().optional(),
  /** A paid order rejected or cancelled: the money must be returned by a person (#16). */
  reembolsoPendiente: z.boolean().optional(),
  timestamp: z.number(),
  fecha: z.string(),
  fuente: z.literal('whatsapp'),
  restaurante: z.string(),
  nombreCliente: z.string().optional(),
  pago: z
    .object({
      estado: z.enum(['completado', 'contraentrega', 'sin_pago']),
      referencia: z.string().optional(),
      transaccionId: z.string().optional(),
      metodoPago: z.string().optional(),
      gateway: z.string().optional(),
      fechaPago: z.number().optional(),
    })
    .optional(),
});
export type TOrderRecord = z.infer<typeof ZOrderRecordSchema>;

/** `transaccionesLiquidadas/{gateway}/{key}`: which payment a gateway transaction settled (#12). */
export const ZSettledTransactionSchema = z.object({
  tenantId: z.string(),
  referencia: z.string(),
  transaccionId: z.string(),
  fecha: z.number(),
});
export type TSettledTransaction = z.infer<typeof ZSettledTransactionSchema>;
