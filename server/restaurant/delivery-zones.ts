import type { TDeliveryZoneRecord, TDomiciliosRecord } from '../db/restaurant-records';
import { findPhrase, tokensOf, type Span } from './text-match';

/**
 * Delivery zones and fees (`domicilios`, #16), pure.
 *
 * - A typed address matches a zone by its barrio names: accents, case and punctuation do not
 *   matter, a longer word may carry one typo, and a leading "barrio" in a name is ignored.
 *   Longer names are matched first and each word serves one name, so "Chapinero Alto" is not
 *   also read as "Chapinero". Barrios of two different zones in one address are `ambiguous`
 *   (the customer is asked); the tenant file refuses a barrio listed in two zones.
 * - A shared location pin matches by distance from `ubicacion` (haversine); of the zones
 *   whose `radioKm` contains it, the smallest radius wins.
 * - A barrio named in the address wins over the pin: it is what the owner wrote down.
 * - With no barrio found, no pin, and zones by distance, the answer is `needs_location`.
 * - The fee is the zone's `tarifa`, 0 from `gratisDesde` on; below `minimo` the order cannot
 *   be delivered yet (`below_minimum`, with how much is missing). Amounts compare with the
 *   subtotal (the lines, without the fee).
 * - Without `domicilios`: no fee and no check (`ok` with `zona: null`), today's behaviour.
 */

export interface Point {
  latitud: number;
  longitud: number;
}

export type ZoneMatch =
  | { status: 'matched'; zone: TDeliveryZoneRecord; by: 'barrio'; barrio: string }
  | { status: 'matched'; zone: TDeliveryZoneRecord; by: 'distancia'; distanciaKm: number }
  | { status: 'ambiguous'; candidates: Array<{ zona: string; barrio: string }> }
  | { status: 'needs_location' }
  | { status: 'outside'; recoger: boolean; distanciaKm?: number };

export type DeliveryQuote =
  | {
      status: 'ok' | 'below_minimum';
      /** Null without `domicilios` (no zones configured). */
      zona: string | null;
      /** The fee to charge: the zone's `tarifa`, or 0 when free. */
      tarifa: number;
      gratis: boolean;
      minimo: number;
      /** Pesos missing to reach `minimo` (0 when reached). */
      falta: number;
      /** Pesos missing for free delivery, when the zone offers it and it is not reached yet. */
      faltaParaGratis: number | null;
    }
  | Exclude<ZoneMatch, { status: 'matched' }>;

const EARTH_RADIUS_KM = 6371.0088;

/** Words in barrio names and addresses written short by customers. */
const ABBREVIATIONS: Record<string, string> = { sta: 'santa', sto: 'santo', sn: 'san', urb: 'urbanizacion', cdla: 'ciudadela', ciud: 'ciudadela' };
const expand = (tokens: string[]) => tokens.map((t) => ABBREVIATIONS[t] ?? t);
const LEADING_WORDS = new Set(['barrio', 'br', 'bario']);

function barrioTokens(barrio: string): string[] {
  const tokens = expand(tokensOf(barrio));
  while (tokens.length > 1 && LEADING_WORDS.has(tokens[0]!)) tokens.shift();
  return tokens;
}

/** Great-circle distance in km. */
export function distanceKm(a: Point, b: Point): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitud - a.latitud);
  const dLon = rad(b.longitud - a.longitud);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitud)) * Math.cos(rad(b.latitud)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The barrios named in an address, longest first, each word used once. */
export function barriosInAddress(domicilios: TDomiciliosRecord, direccion: string): Array<{ zone: TDeliveryZoneRecord; barrio: string }> {
  const tokens = expand(tokensOf(direccion));
  const used = tokens.map(() => false);
  const candidates = (domicilios.zonas ?? []).flatMap((zone) => (zone.barrios ?? []).map((barrio) => ({ zone, barrio, words: barrioTokens(barrio) })));
  candidates.sort((a, b) => b.words.length - a.words.length || b.words.join(' ').length - a.words.join(' ').length);
  const found: Array<{ zone: TDeliveryZoneRecord; barrio: string }> = [];
  for (const c of candidates) {
    const spans: Span[] = findPhrase(tokens, c.words, used);
    for (const span of spans) for (let i = span.start; i < span.end; i++) used[i] = true;
    if (spans.length) found.push({ zone: c.zone, barrio: c.barrio });
  }
  return found;
}

/** The zone of an address or a pin; see the module comment for the rules. */
export function matchZone(domicilios: TDomiciliosRecord, where: { direccion?: string; ubicacion?: Point | null }): ZoneMatch {
  const byBarrio = where.direccion ? barriosInAddress(domicilios, where.direccion) : [];
  const zones = new Set(byBarrio.map((m) => m.zone));
  if (zones.size === 1) return { status: 'matched', zone: byBarrio[0]!.zone, by: 'barrio', barrio: byBarrio[0]!.barrio };
  if (zones.size > 1) return { status: 'ambiguous', candidates: byBarrio.map((m) => ({ zona: m.zone.nombre, barrio: m.barrio })) };

  const radial = (domicilios.zonas ?? []).filter((z) => z.radioKm !== undefined);
  const origin = domicilios.ubicacion;
  if (radial.length && origin) {
    if (!where.ubicacion) return { status: 'needs_location' };
    const km = distanceKm(origin, where.ubicacion);
    const inside = radial.filter((z) => km <= z.radioKm!).sort((a, b) => a.radioKm! - b.radioKm!);
    if (inside.length) return { status: 'matched', zone: inside[0]!, by: 'distancia', distanciaKm: km };
    return { status: 'outside', recoger: domicilios.recoger ?? false, distanciaKm: km };
  }
  return { status: 'outside', recoger: domicilios.recoger ?? false };
}

/** The fee of a zone for an order of `subtotal` pesos. */
export function zoneFee(zone: TDeliveryZoneRecord, subtotal: number): Extract<DeliveryQuote, { status: 'ok' | 'below_minimum' }> {
  const minimo = zone.minimo ?? 0;
  const gratis = zone.gratisDesde !== undefined && subtotal >= zone.gratisDesde;
  const falta = Math.max(0, minimo - subtotal);
  return {
    status: falta > 0 ? 'below_minimum' : 'ok',
    zona: zone.nombre,
    tarifa: gratis ? 0 : zone.tarifa,
    gratis,
    minimo,
    falta,
    faltaParaGratis: zone.gratisDesde !== undefined && !gratis ? zone.gratisDesde - subtotal : null,
  };
}

/** Zone and fee for a delivery to `direccion` and/or a pin, for an order of `subtotal` pesos. */
export function quoteDelivery(
  domicilios: TDomiciliosRecord | null | undefined,
  order: { direccion?: string; ubicacion?: Point | null; subtotal: number },
): DeliveryQuote {
  if (!domicilios) return { status: 'ok', zona: null, tarifa: 0, gratis: false, minimo: 0, falta: 0, faltaParaGratis: null };
  const match = matchZone(domicilios, order);
  return match.status === 'matched' ? zoneFee(match.zone, order.subtotal) : match;
}
