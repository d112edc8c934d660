import { daysBetween, localTime } from './local-time';

/**
 * When the restaurant opens, in words for the customer (es-CO): "abrimos hoy a las 6:00 p. m.",
 * "mañana a las 11:00 a. m.", "el lunes a las 11:00 a. m.", "el jueves 24 de diciembre a la
 * 1:00 p. m.". Times use the 12-hour clock with "a. m." / "p. m." as Colombia writes them
 * (plain spaces, so the text is the same on every ICU build). The conversation puts these
 * phrases into its messages.
 */

const WEEKDAYS = ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'] as const;
const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'] as const;

/** "6:00 p. m.", "12:30 a. m." (just after midnight), "12:00 p. m." (noon). */
export function formatTimeEs(at: Date, zone: string): string {
  const { minutes } = localTime(at, zone);
  const h24 = Math.floor(minutes / 60);
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return `${h12}:${String(minutes % 60).padStart(2, '0')} ${h24 < 12 ? 'a. m.' : 'p. m.'}`;
}

/** "a las 6:00 p. m.", but "a la 1:00 p. m." (Spanish says "la una"). */
export function atTimeEs(at: Date, zone: string): string {
  const time = formatTimeEs(at, zone);
  return `${time.startsWith('1:') ? 'a la' : 'a las'} ${time}`;
}

/** "hoy a las …", "mañana a las …", "el lunes a las …" within a week, else with the date. */
export function formatWhenEs(target: Date, now: Date, zone: string): string {
  const to = localTime(target, zone);
  const from = localTime(now, zone);
  const days = daysBetween(from.fecha, to.fecha);
  const at = atTimeEs(target, zone);
  if (days === 0) return `hoy ${at}`;
  if (days === 1) return `mañana ${at}`;
  const weekday = WEEKDAYS[to.weekday]!;
  if (days > 1 && days < 7) return `el ${weekday} ${at}`;
  const [y, m, d] = to.fecha.split('-').map(Number) as [number, number, number];
  const year = to.fecha.slice(0, 4) === from.fecha.slice(0, 4) ? '' : ` de ${y}`;
  return `el ${weekday} ${d} de ${MONTHS[m - 1]}${year} ${at}`;
}

/** "abrimos hoy a las 6:00 p. m." */
export function opensPhraseEs(opensAt: Date, now: Date, zone: string): string {
  return `abrimos ${formatWhenEs(opensAt, now, zone)}`;
}
