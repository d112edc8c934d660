/**
 * Wall-clock time in an IANA time zone with `Intl` alone (Node ships full ICU). Dates are
 * "YYYY-MM-DD" strings and times minutes after midnight, so the hours logic never depends on
 * the server's own zone. Colombia has no daylight saving time, but the zone is configurable;
 * `localToInstant` corrects for an offset change between the guess and the answer.
 */

export interface LocalTime {
  /** "YYYY-MM-DD" in the zone. */
  fecha: string;
  /** 0 = Monday … 6 = Sunday, the order of `horario.dias`. */
  weekday: number;
  /** Minutes after local midnight, 0–1439. */
  minutes: number;
}

const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock of `ms` in `zone`, as if that wall clock were UTC (ms). */
function wallClockMs(ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoDate = (utcMs: number) => {
  const d = new Date(utcMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const dateToUtcMs = (fecha: string) => {
  const [y, m, d] = fecha.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
};

export function localTime(at: Date, zone: string): LocalTime {
  const wall = wallClockMs(Math.floor(at.getTime() / 1000) * 1000, zone);
  const fecha = isoDate(wall);
  return { fecha, weekday: weekdayOf(fecha), minutes: Math.floor((wall - dateToUtcMs(fecha)) / MINUTE_MS) };
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(fecha: string): number {
  return (new Date(dateToUtcMs(fecha)).getUTCDay() + 6) % 7;
}

export function addDays(fecha: string, days: number): string {
  return isoDate(dateToUtcMs(fecha) + days * DAY_MS);
}

/** Whole days from `from` to `to` (both "YYYY-MM-DD"). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateToUtcMs(to) - dateToUtcMs(from)) / DAY_MS);
}

/** The instant when the wall clock in `zone` shows `fecha` plus `minutes` (may exceed a day). */
export function localToInstant(fecha: string, minutes: number, zone: string): Date {
  const wall = dateToUtcMs(fecha) + minutes * MINUTE_MS;
  const offset1 = wallClockMs(wall, zone) - wall;
  let instant = wall - offset1;
  const offset2 = wallClockMs(instant, zone) - instant;
  if (offset2 !== offset1) instant = wall - offset2;
  return new Date(instant);
}
