import { z } from 'zod';

/**
 * Stored shapes of the restaurant settings of #16 (`tenants/{t}/horario`, `domicilios`,
 * `atencion`, `pausa`, menu item `opciones`) and the order-line fields they add. They mirror
 * `tenants/restaurant-settings.ts` without its write-time rules: what is read back is parsed,
 * and the pure modules in `server/restaurant/` take these types.
 */

const pesos = z.number().int().nonnegative();
const ranges = z.array(z.tuple([z.string(), z.string()]));

export const ZHorarioRecordSchema = z.object({
  zona: z.string().optional(),
  festivos: z.boolean().default(false),
  corteMinutos: z.number().int().nonnegative().default(0),
  pedidosProgramados: z.boolean().default(false),
  dias: z
    .object({ lun: ranges.optional(), mar: ranges.optional(), mie: ranges.optional(), jue: ranges.optional(), vie: ranges.optional(), sab: ranges.optional(), dom: ranges.optional() })
    .default({}),
  /** RTDB drops empty arrays, so a closed exception day is read back without `rangos`. */
  excepciones: z.array(z.object({ fecha: z.string(), rangos: ranges.default([]), motivo: z.string().optional() })).default([]),
});
export type THorarioRecord = z.input<typeof ZHorarioRecordSchema>;

export const ZOptionValueRecordSchema = z.object({ nombre: z.string(), precio: pesos.default(0) });
export const ZOptionGroupRecordSchema = z.object({
  nombre: z.string(),
  min: z.number().int().nonnegative().default(0),
  max: z.number().int().positive(),
  valores: z.array(ZOptionValueRecordSchema),
});
export type TOptionGroupRecord = z.input<typeof ZOptionGroupRecordSchema>;

/** One option chosen on an order line, with the price it had when ordered. */
export const ZChosenOptionRecordSchema = z.object({ grupo: z.string(), valor: z.string(), precio: pesos });
export type TChosenOptionRecord = z.infer<typeof ZChosenOptionRecordSchema>;

export const ZDeliveryZoneRecordSchema = z.object({
  nombre: z.string(),
  barrios: z.array(z.string()).optional(),
  radioKm: z.number().positive().optional(),
  tarifa: pesos,
  minimo: pesos.optional(),
  gratisDesde: pesos.optional(),
});
export type TDeliveryZoneRecord = z.infer<typeof ZDeliveryZoneRecordSchema>;

export const ZDomiciliosRecordSchema = z.object({
  ubicacion: z.object({ latitud: z.number(), longitud: z.number() }).optional(),
  recoger: z.boolean().default(false),
  zonas: z.array(ZDeliveryZoneRecordSchema).default([]),
});
export type TDomiciliosRecord = z.input<typeof ZDomiciliosRecordSchema>;

export const ZAtencionRecordSchema = z.object({ minutosInactividad: z.number().int().positive().default(30) });
export type TAtencionRecord = z.input<typeof ZAtencionRecordSchema>;

/**
 * `tenants/{t}/pausa`: ordering, or delivery only, paused until `hasta` (epoch ms). Set from
 * the owners' page or the kitchen board; an expired pause is ignored, so nothing has to clear it.
 */
export const ZPausaRecordSchema = z.object({
  pedidos: z.object({ hasta: z.number() }).optional(),
  domicilios: z.object({ hasta: z.number() }).optional(),
});
export type TPausaRecord = z.infer<typeof ZPausaRecordSchema>;

export const DELIVERY_KINDS = ['domicilio', 'recoger'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
