import { z } from 'zod';
import { nameKey } from '../restaurant/text-match';
import type { MessageLocale } from '../validation-messages';

/**
 * The restaurant settings of #16 as the tenant file and the owners' page write them: opening
 * hours (`horario`), menu item options (`opciones`) and aliases, delivery zones
 * (`domicilios`) and the staff handoff (`atencion`). Every one is optional, so tenant files
 * written before #16 keep working. The field names are the contract of #16; what is stored
 * mirrors these in `db/restaurant-records.ts` (lenient on read, strict here on write).
 *
 * Built per locale because the tenant file speaks English and the owners' page Spanish
 * (`validation-messages.ts`); the messages a schema sets itself win over the error map.
 */

/** The weekday keys of `horario.dias`, Monday first. */
export const WEEKDAYS = ['lun', 'mar', 'mie', 'jue', 'vie', 'sab', 'dom'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "HH:MM" from 00:00 to 23:59, and "24:00" (midnight at the end of the day) as a closing time. */
export const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const LIMITS = {
  rangesPerDay: 6,
  exceptions: 400,
  groupsPerItem: 10,
  valuesPerGroup: 30,
  aliases: 20,
  zones: 50,
  barriosPerZone: 300,
  maxRadiusKm: 100,
  maxPesos: 10_000_000,
  maxCutoffMinutes: 240,
  /** Handoff idle time: at least 5 minutes, at most a day. */
  minIdleMinutes: 5,
  maxIdleMinutes: 1440,
} as const;

const MESSAGES = {
  en: {
    time: 'must be a time "HH:MM" from "00:00" to "23:59" (or "24:00" as a closing time)',
    startAt24: '"24:00" can only close a range',
    sameStartEnd: 'opening and closing are the same time; for a whole day write ["00:00", "24:00"]',
    date: 'must be a date "YYYY-MM-DD"',
    noSuchDate: 'is not a date of the calendar',
    dupDate: (fecha: string) => `"${fecha}" has two exceptions`,
    zone: 'must be a time zone such as "America/Bogota"',
    pesos: 'must be whole pesos (no decimals)',
    minOverMax: (min: number, max: number) => `min (${min}) is more than max (${max})`,
    minOverValues: (min: number, n: number) => `min (${min}) asks for more choices than the ${n} values of the group`,
    dupGroup: (name: string) => `"${name}" is used by two option groups of this item`,
    dupValue: (name: string) => `"${name}" is listed twice in this group`,
    dupAlias: (name: string) => `"${name}" is listed twice`,
    zoneNeedsArea: 'give "barrios" (neighbourhood names), "radioKm" (distance from the restaurant) or both',
    radiusNeedsLocation: 'a zone with "radioKm" needs domicilios.ubicacion (the restaurant\'s latitude and longitude)',
    dupZone: (name: string) => `"${name}" is used by two zones`,
    dupBarrio: (name: string) => `"${name}" is listed twice in this zone`,
    barrioInTwoZones: (barrio: string, zone: string) => `barrio "${barrio}" is also in zone "${zone}"; a barrio belongs to one zone`,
    nothingToOffer: 'with no zones, set "recoger": true (pickup only), or add a zone',
    freeBelowMinimum: 'gratisDesde is below minimo; free delivery would apply to every order',
  },
  es: {
    time: 'debe ser una hora "HH:MM" de "00:00" a "23:59" (o "24:00" como hora de cierre)',
    startAt24: '"24:00" solo puede cerrar un rango',
    sameStartEnd: 'la apertura y el cierre son la misma hora; para todo el día escribe ["00:00", "24:00"]',
    date: 'debe ser una fecha "AAAA-MM-DD"',
    noSuchDate: 'no es una fecha del calendario',
    dupDate: (fecha: string) => `"${fecha}" tiene dos excepciones`,
    zone: 'debe ser una zona horaria como "America/Bogota"',
    pesos: 'en pesos enteros, sin decimales',
    minOverMax: (min: number, max: number) => `el mínimo (${min}) es mayor que el máximo (${max})`,
    minOverValues: (min: number, n: number) => `el mínimo (${min}) pide más opciones que los ${n} valores del grupo`,
    dupGroup: (name: string) => `"${name}" está en dos grupos de opciones de este producto`,
    dupValue: (name: string) => `"${name}" está repetido en este grupo`,
    dupAlias: (name: string) => `"${name}" está repetido`,
    zoneNeedsArea: 'indica "barrios" (nombres de barrios), "radioKm" (distancia desde el restaurante) o ambos',
    radiusNeedsLocation: 'una zona con "radioKm" necesita domicilios.ubicacion (latitud y longitud del restaurante)',
    dupZone: (name: string) => `"${name}" está en dos zonas`,
    dupBarrio: (name: string) => `"${name}" está repetido en esta zona`,
    barrioInTwoZones: (barrio: string, zone: string) => `el barrio "${barrio}" también está en la zona "${zone}"; un barrio pertenece a una sola zona`,
    nothingToOffer: 'sin zonas, activa "recoger" (solo para recoger) o agrega una zona',
    freeBelowMinimum: 'gratisDesde es menor que el mínimo; el domicilio sería gratis en todos los pedidos',
  },
} as const;

/** Whether `Intl` knows the time zone (Node ships full ICU). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether "YYYY-MM-DD" names a real calendar day (no 2026-02-30). */
export function isCalendarDate(fecha: string): boolean {
  if (!DATE_PATTERN.test(fecha)) return false;
  const [y, m, d] = fecha.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function build(locale: MessageLocale) {
  const t = MESSAGES[locale];
  const pesos = z.number().int(t.pesos).nonnegative().max(LIMITS.maxPesos);
  const name = (max: number) => z.string().trim().min(1).max(max);

  const ZTimeSchema = z.string().regex(TIME_PATTERN, t.time);
  /** `["18:00","23:30"]`; a closing time earlier than the opening one runs past midnight. */
  const ZTimeRangeSchema = z.tuple([ZTimeSchema, ZTimeSchema]).superRefine(([start, end], ctx) => {
    if (start === '24:00') ctx.addIssue({ code: 'custom', path: [0], message: t.startAt24 });
    else if (start === end) ctx.addIssue({ code: 'custom', message: t.sameStartEnd });
  });
  const ZRangesSchema = z.array(ZTimeRangeSchema).max(LIMITS.rangesPerDay);

  const ZDateSchema = z
    .string()
    .regex(DATE_PATTERN, t.date)
    .refine((fecha) => !DATE_PATTERN.test(fecha) || isCalendarDate(fecha), t.noSuchDate);

  const ZHorarioSchema = z
    .object({
      /** IANA time zone of the hours; the restaurant's `timezone` when left out (America/Bogota by default). */
      zona: z.string().refine(isTimeZone, t.zone).optional(),
      /** Colombian public holidays follow the Sunday (`dom`) hours; see `restaurant/opening-hours.ts`. */
      festivos: z.boolean().default(false),
      /** No new order or payment link this many minutes before closing. */
      corteMinutos: z.number().int().min(0).max(LIMITS.maxCutoffMinutes).default(0),
      /** While closed, the customer may leave the order for the next opening. */
      pedidosProgramados: z.boolean().default(false),
      /** Per weekday, a list of ranges; a day left out is closed. */
      dias: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, ZRangesSchema.optional()])) as Record<Weekday, z.ZodOptional<typeof ZRangesSchema>>).strict().default({}),
      /** Dated exceptions that replace the day's hours; empty `rangos` means closed that day. */
      excepciones: z
        .array(z.object({ fecha: ZDateSchema, rangos: ZRangesSchema, motivo: name(80).optional() }).strict())
        .max(LIMITS.exceptions)
        .default([]),
    })
    .strict()
    .superRefine((horario, ctx) => {
      const seen = new Set<string>();
      horario.excepciones.forEach((e, i) => {
        if (seen.has(e.fecha)) ctx.addIssue({ code: 'custom', path: ['excepciones', i, 'fecha'], message: t.dupDate(e.fecha) });
        seen.add(e.fecha);
      });
    });

  const ZOptionValueSchema = z.object({ nombre: name(40), precio: pesos.default(0) }).strict();
  /** A group of choices: "Término" (exactly 1), "Adiciones" (0 to 3). A value is chosen at most once per line. */
  const ZOptionGroupSchema = z
    .object({
      nombre: name(40),
      min: z.number().int().min(0).default(0),
      max: z.number().int().min(1),
      valores: z.array(ZOptionValueSchema).min(1).max(LIMITS.valuesPerGroup),
    })
    .strict()
    .superRefine((group, ctx) => {
      if (group.min > group.max) ctx.addIssue({ code: 'custom', path: ['min'], message: t.minOverMax(group.min, group.max) });
      if (group.min > group.valores.length) ctx.addIssue({ code: 'custom', path: ['min'], message: t.minOverValues(group.min, group.valores.length) });
      const seen = new Set<string>();
      group.valores.forEach((v, i) => {
        const key = nameKey(v.nombre);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['valores', i, 'nombre'], message: t.dupValue(v.nombre) });
        seen.add(key);
      });
    });
  const ZOptionGroupsSchema = z
    .array(ZOptionGroupSchema)
    .max(LIMITS.groupsPerItem)
    .superRefine((groups, ctx) => {
      const seen = new Set<string>();
      groups.forEach((g, i) => {
        const key = nameKey(g.nombre);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'nombre'], message: t.dupGroup(g.nombre) });
        seen.add(key);
      });
    });

  /** Other names customers type for an item ("burger"). */
  const ZAliasSchema = z
    .array(name(40))
    .max(LIMITS.aliases)
    .superRefine((aliases, ctx) => {
      const seen = new Set<string>();
      aliases.forEach((a, i) => {
        if (seen.has(nameKey(a))) ctx.addIssue({ code: 'custom', path: [i], message: t.dupAlias(a) });
        seen.add(nameKey(a));
      });
    });

  const ZDeliveryZoneSchema = z
    .object({
      nombre: name(40),
      /** Neighbourhood names matched in the typed address. */
      barrios: z.array(name(60)).min(1).max(LIMITS.barriosPerZone).optional(),
      /** Distance from `ubicacion` for a shared location pin. */
      radioKm: z.number().positive().max(LIMITS.maxRadiusKm).optional(),
      tarifa: pesos,
      minimo: pesos.optional(),
      gratisDesde: pesos.optional(),
    })
    .strict()
    .superRefine((zone, ctx) => {
      if (!zone.barrios && zone.radioKm === undefined) ctx.addIssue({ code: 'custom', message: t.zoneNeedsArea });
      if (zone.gratisDesde !== undefined && zone.minimo !== undefined && zone.gratisDesde < zone.minimo) {
        ctx.addIssue({ code: 'custom', path: ['gratisDesde'], message: t.freeBelowMinimum });
      }
    });

  const ZDomiciliosSchema = z
    .object({
      ubicacion: z.object({ latitud: z.number().min(-90).max(90), longitud: z.number().min(-180).max(180) }).strict().optional(),
      /** Pickup offered before the address step. */
      recoger: z.boolean().default(false),
      zonas: z.array(ZDeliveryZoneSchema).max(LIMITS.zones).default([]),
    })
    .strict()
    .superRefine((d, ctx) => {
      if (d.zonas.length === 0 && !d.recoger) ctx.addIssue({ code: 'custom', path: ['zonas'], message: t.nothingToOffer });
      const zoneNames = new Set<string>();
      const barrioOwner = new Map<string, string>();
      d.zonas.forEach((zone, i) => {
        if (zone.radioKm !== undefined && !d.ubicacion) ctx.addIssue({ code: 'custom', path: ['zonas', i, 'radioKm'], message: t.radiusNeedsLocation });
        const key = nameKey(zone.nombre);
        if (zoneNames.has(key)) ctx.addIssue({ code: 'custom', path: ['zonas', i, 'nombre'], message: t.dupZone(zone.nombre) });
        zoneNames.add(key);
        zone.barrios?.forEach((barrio, j) => {
          const owner = barrioOwner.get(nameKey(barrio));
          if (owner !== undefined && owner !== zone.nombre) ctx.addIssue({ code: 'custom', path: ['zonas', i, 'barrios', j], message: t.barrioInTwoZones(barrio, owner) });
          else if (owner === zone.nombre) ctx.addIssue({ code: 'custom', path: ['zonas', i, 'barrios', j], message: t.dupBarrio(barrio) });
          barrioOwner.set(nameKey(barrio), zone.nombre);
        });
      });
    });

  const ZAtencionSchema = z
    .object({
      /** A chat taken over by staff returns to the bot after this many minutes without a staff message. */
      minutosInactividad: z.number().int().min(LIMITS.minIdleMinutes).max(LIMITS.maxIdleMinutes).default(30),
    })
    .strict();

  return { ZHorarioSchema, ZOptionGroupsSchema, ZAliasSchema, ZDomiciliosSchema, ZAtencionSchema, ZTimeRangeSchema };
}

const built = { en: build('en'), es: build('es') };

/** The settings schemas with messages in the given language. */
export const restaurantSettingsSchemas = (locale: MessageLocale) => built[locale];

/** Tenant file (English messages). */
export const ZHorarioSchema = built.en.ZHorarioSchema;
export const ZOptionGroupsSchema = built.en.ZOptionGroupsSchema;
export const ZAliasSchema = built.en.ZAliasSchema;
export const ZDomiciliosSchema = built.en.ZDomiciliosSchema;
export const ZAtencionSchema = built.en.ZAtencionSchema;

export type THorario = z.infer<typeof ZHorarioSchema>;
export type TOptionGroups = z.infer<typeof ZOptionGroupsSchema>;
export type TDomicilios = z.infer<typeof ZDomiciliosSchema>;
export type TAtencion = z.infer<typeof ZAtencionSchema>;
