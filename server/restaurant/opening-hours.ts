import type { DeliveryKind, THorarioRecord, TPausaRecord } from '../db/restaurant-records';
import { isColombianHoliday } from './holidays';
import { DAY_MS, addDays, localTime, localToInstant, weekdayOf } from './local-time';

/**
 * Opening hours (`horario`, #16), pure: time is an argument, nothing is read or written.
 *
 * Rules, in the words an owner would use:
 * - No `horario` at all: always open (today's behaviour). A weekday left out of `dias`: closed.
 * - A range belongs to the day it starts on. `"sab": [["12:00","02:00"]]` is open Saturday
 *   12:00 until Sunday 02:00; `"24:00"` or `"00:00"` as closing time means midnight.
 * - Which ranges a date uses: a dated exception (`excepciones`, empty `rangos` = closed that
 *   day) wins; else, with `festivos: true`, a Colombian public holiday uses the Sunday (`dom`)
 *   ranges, as Colombian restaurants post "domingos y festivos" hours (no `dom`: closed on
 *   holidays too); else the weekday's ranges. With `festivos: false` (the default) a holiday
 *   is an ordinary weekday.
 * - An exception replaces the ranges that START on its date: the overnight end of the
 *   previous day's range still runs into it (a shift is not cut in the middle).
 * - Ranges that touch or overlap merge: ["11:00","15:00"] and ["15:00","22:00"] close at 22:00.
 * - The time zone is `horario.zona` (the import fills in the restaurant's), else America/Bogota.
 *
 * Searches stop after `HORIZON_DAYS`: a restaurant open around the clock has no closing time
 * (`closesAt` → null) and one closed for longer has no next opening (`nextOpening` → null).
 */

export const DEFAULT_ZONE = 'America/Bogota';
export const HORIZON_DAYS = 400;
const WEEKDAY_KEYS = ['lun', 'mar', 'mie', 'jue', 'vie', 'sab', 'dom'] as const;
const TIME = /^(\d{2}):(\d{2})$/;
const MINUTE_MS = 60_000;

/** Absent when the tenant has no hours (always open). */
export type Horario = THorarioRecord | null | undefined;

/** One opening, from `start` to `end` (epoch ms), that started on local date `fecha`. */
export interface Shift {
  fecha: string;
  start: number;
  end: number;
}

export const zoneOf = (horario: Horario): string => horario?.zona ?? DEFAULT_ZONE;

function minutesOf(time: string): number | undefined {
  if (time === '24:00') return 1440;
  const m = TIME.exec(time);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : undefined;
}

/** The ranges that start on `fecha`: exception, else holiday (Sunday hours), else weekday. */
export function rangesFor(horario: NonNullable<Horario>, fecha: string): ReadonlyArray<readonly [string, string]> {
  const exception = horario.excepciones?.find((e) => e.fecha === fecha);
  if (exception) return exception.rangos ?? [];
  if (horario.festivos && isColombianHoliday(fecha)) return horario.dias?.dom ?? [];
  return horario.dias?.[WEEKDAY_KEYS[weekdayOf(fecha)]!] ?? [];
}

/** The shifts that start on `fecha`, in order of start. Unreadable ranges (a hand edit) are skipped. */
export function shiftsOn(horario: NonNullable<Horario>, fecha: string): Shift[] {
  const zone = zoneOf(horario);
  const shifts: Shift[] = [];
  for (const [from, to] of rangesFor(horario, fecha)) {
    const startMin = minutesOf(from);
    let endMin = minutesOf(to);
    if (startMin === undefined || endMin === undefined || startMin >= 1440 || startMin === endMin) continue;
    if (endMin < startMin) endMin += 1440; // overnight: closes the next day
    shifts.push({ fecha, start: localToInstant(fecha, startMin, zone).getTime(), end: localToInstant(fecha, endMin, zone).getTime() });
  }
  return shifts.sort((a, b) => a.start - b.start);
}

/**
 * Shifts in order of start, from those starting the day before `at`'s local date (which may
 * still run past midnight) to `HORIZON_DAYS` later. Shifts of a later date start later, so
 * the order holds across days.
 */
function* shiftsFrom(horario: NonNullable<Horario>, at: Date): Generator<Shift> {
  const first = addDays(localTime(at, zoneOf(horario)).fecha, -1);
  for (let day = 0; day <= HORIZON_DAYS; day++) yield* shiftsOn(horario, addDays(first, day));
}

/** The shift running at `at`, if any (the one that started first when several do). */
export function currentShift(horario: NonNullable<Horario>, at: Date): Shift | undefined {
  const t = at.getTime();
  const today = localTime(at, zoneOf(horario)).fecha;
  for (const fecha of [addDays(today, -1), today]) {
    const shift = shiftsOn(horario, fecha).find((s) => s.start <= t && t < s.end);
    if (shift) return shift;
  }
  return undefined;
}

export function isOpen(horario: Horario, at: Date): boolean {
  return !horario || currentShift(horario, at) !== undefined;
}

/** When the restaurant next closes, if open now; null when closed, or open without end in sight. */
export function closesAt(horario: Horario, at: Date): Date | null {
  if (!horario) return null;
  const current = currentShift(horario, at);
  if (!current) return null;
  let end = current.end;
  for (const shift of shiftsFrom(horario, at)) {
    if (shift.start > end) return new Date(end);
    if (shift.end > end) end = shift.end;
  }
  return null;
}

/**
 * The next moment the restaurant goes from closed to open after `at`: the next opening when
 * closed, the one after the current closing when open. Null without hours or within the horizon.
 */
export function nextOpening(horario: Horario, at: Date): Date | null {
  if (!horario) return null;
  let after = at.getTime();
  if (currentShift(horario, at)) {
    const closing = closesAt(horario, at);
    if (!closing) return null;
    after = closing.getTime();
  }
  for (const shift of shiftsFrom(horario, at)) if (shift.start > after) return new Date(shift.start);
  return null;
}

export interface CanTakeOrderOptions {
  /** The kitchen's pauses (`tenants/{t}/pausa`); expired ones are ignored. */
  pausa?: TPausaRecord | null;
  /** Minutes before closing when new orders stop; `horario.corteMinutos` when left out. */
  corteMinutos?: number;
  /** Known at checkout: a delivery order is refused while delivery is paused, pickup is not. */
  tipoEntrega?: DeliveryKind;
}

/**
 * Whether an order (and its payment link) can be taken at `at`:
 * - `open`: yes; `deliveryPausedUntil` set when only pickup is possible right now.
 * - `closed`: not open; `opensAt` is the next opening.
 * - `paused`: open, but the kitchen paused ordering (`scope: 'pedidos'`), or delivery for a
 *   delivery order (`scope: 'domicilios'`); `opensAt` is when orders are possible again.
 * - `cutoff`: open, but closing within the cut-off, so the order could not be made in time.
 * `canSchedule`: the owner allows leaving the order for `opensAt` (`horario.pedidosProgramados`).
 */
export type OrderWindow =
  | { status: 'open'; closesAt: Date | null; deliveryPausedUntil: Date | null }
  | { status: 'closed'; opensAt: Date | null; canSchedule: boolean }
  | { status: 'paused'; scope: 'pedidos' | 'domicilios'; until: Date; opensAt: Date | null; canSchedule: boolean }
  | { status: 'cutoff'; closesAt: Date; opensAt: Date | null; canSchedule: boolean };

const activeUntil = (pause: { hasta: number } | undefined, at: Date): Date | null =>
  pause && Number.isFinite(pause.hasta) && pause.hasta > at.getTime() ? new Date(pause.hasta) : null;

export function canTakeOrder(horario: Horario, at: Date, options: CanTakeOrderOptions = {}): OrderWindow {
  const schedulable = (opensAt: Date | null) => horario?.pedidosProgramados === true && opensAt !== null;
  if (!isOpen(horario, at)) {
    const opensAt = nextOpening(horario, at);
    return { status: 'closed', opensAt, canSchedule: schedulable(opensAt) };
  }
  const pedidosUntil = activeUntil(options.pausa?.pedidos, at);
  const domiciliosUntil = activeUntil(options.pausa?.domicilios, at);
  const pausedUntil = pedidosUntil ?? (options.tipoEntrega === 'domicilio' ? domiciliosUntil : null);
  if (pausedUntil) {
    const opensAt = isOpen(horario, pausedUntil) ? pausedUntil : nextOpening(horario, pausedUntil);
    return { status: 'paused', scope: pedidosUntil ? 'pedidos' : 'domicilios', until: pausedUntil, opensAt, canSchedule: schedulable(opensAt) };
  }
  const closing = closesAt(horario, at);
  const corte = Math.max(0, options.corteMinutos ?? horario?.corteMinutos ?? 0);
  // Orders are taken while at < closing - corte: at exactly the cut-off there is no time left.
  if (closing && corte > 0 && closing.getTime() - at.getTime() <= corte * MINUTE_MS) {
    const opensAt = nextOpening(horario, at);
    return { status: 'cutoff', closesAt: closing, opensAt, canSchedule: schedulable(opensAt) };
  }
  return { status: 'open', closesAt: closing, deliveryPausedUntil: domiciliosUntil };
}

/**
 * When "sold out for the day" (#16) ends: the first opening of the next business day. The
 * business day of `at` is the date its shift started (01:00 on Sunday inside Saturday's
 * 12:00–02:00 shift is still Saturday), else `at`'s local date; so a dinner shift after lunch,
 * or the hours after midnight, still belong to the same day. Without hours, or with no
 * opening in sight, the next local midnight.
 */
export function endOfBusinessDay(horario: Horario, at: Date): Date {
  const zone = zoneOf(horario);
  const local = localTime(at, zone);
  const midnight = localToInstant(addDays(local.fecha, 1), 0, zone);
  if (!horario) return midnight;
  const businessDay = currentShift(horario, at)?.fecha ?? local.fecha;
  for (const shift of shiftsFrom(horario, at)) {
    if (shift.fecha > businessDay && shift.start > at.getTime()) return new Date(shift.start);
  }
  return midnight.getTime() > at.getTime() ? midnight : new Date(at.getTime() + DAY_MS);
}
