import Holidays from 'date-holidays';
import { weekdayOf } from './local-time';

const SUNDAY = 6;

/**
 * Colombia's public holidays ("festivos") from `date-holidays`, the maintained calendar
 * library that follows the law: Ley Emiliani moves (Reyes 2026-01-12, San José 2026-03-23),
 * the Easter-based days, and Ley 2578 de 2026 (Virgen de Chiquinquirá, from 2026). The library
 * is large, so it is loaded on first use and each year's list is kept.
 */
let calendar: Holidays | undefined;
const byYear = new Map<number, ReadonlySet<string>>();

/** "YYYY-MM-DD" of every public holiday of `year` in Colombia, in order. */
export function colombianHolidays(year: number): string[] {
  return [...holidaySet(year)].sort();
}

/** Whether `fecha` ("YYYY-MM-DD") is a public holiday in Colombia. */
export function isColombianHoliday(fecha: string): boolean {
  return holidaySet(Number(fecha.slice(0, 4))).has(fecha);
}

function holidaySet(year: number): ReadonlySet<string> {
  let set = byYear.get(year);
  if (!set) {
    calendar ??= new Holidays('CO', { types: ['public'] });
    // `date` is the local day as "YYYY-MM-DD hh:mm:ss". Left out: observances (Domingo de
    // Ramos), which are not days off, and anything on a Sunday (the library lists Easter
    // Sunday as public), as a Sunday is a Sunday for the hours anyway.
    set = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10))
        .filter((fecha) => weekdayOf(fecha) !== SUNDAY),
    );
    byYear.set(year, set);
  }
  return set;
}
