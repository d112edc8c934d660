import type { THorarioRecord } from '../../../server/db/restaurant-records';
import { colombianHolidays, isColombianHoliday } from '../../../server/restaurant/holidays';
import { canTakeOrder, closesAt, endOfBusinessDay, isOpen, nextOpening } from '../../../server/restaurant/opening-hours';

/** A wall-clock time in Bogotá (UTC-5 all year). */
const bog = (local: string) => new Date(`${local}:00-05:00`);

// The example. 2026-07-06 is a Monday, 2026-07-11 a Saturday.
const example: THorarioRecord = {
  zona: 'America/Bogota',
  festivos: true,
  corteMinutos: 15,
  dias: { lun: [['11:00', '15:00'], ['18:00', '23:30']], sab: [['12:00', '02:00']] },
  excepciones: [{ fecha: '2026-12-24', rangos: [['11:00', '16:00']] }],
};

describe('opening hours', () => {
  it('is always open, with no closing or next opening, when the tenant has no hours', () => {
    const at = bog('2026-07-07T03:00');
    expect(isOpen(undefined, at)).toBe(true);
    expect(closesAt(undefined, at)).toBeNull();
    expect(nextOpening(null, at)).toBeNull();
    expect(canTakeOrder(undefined, at)).toEqual({ status: 'open', closesAt: null, deliveryPausedUntil: null });
  });

  it('opens and closes on the ranges of the weekday, the closing minute itself being closed', () => {
    expect(isOpen(example, bog('2026-07-06T10:59'))).toBe(false);
    expect(isOpen(example, bog('2026-07-06T11:00'))).toBe(true);
    expect(isOpen(example, bog('2026-07-06T14:59'))).toBe(true);
    expect(isOpen(example, bog('2026-07-06T15:00'))).toBe(false);
    expect(closesAt(example, bog('2026-07-06T12:00'))).toEqual(bog('2026-07-06T15:00'));
    expect(nextOpening(example, bog('2026-07-06T16:00'))).toEqual(bog('2026-07-06T18:00'));
  });

  it('treats a weekday missing from dias as closed, and finds the next day that opens', () => {
    expect(isOpen(example, bog('2026-07-07T12:00'))).toBe(false); // Tuesday
    expect(nextOpening(example, bog('2026-07-07T12:00'))).toEqual(bog('2026-07-11T12:00'));
    expect(closesAt(example, bog('2026-07-07T12:00'))).toBeNull();
  });

  it('keeps an overnight Saturday range open into Sunday until 02:00', () => {
    expect(isOpen(example, bog('2026-07-11T23:59'))).toBe(true);
    expect(isOpen(example, bog('2026-07-12T01:30'))).toBe(true);
    expect(isOpen(example, bog('2026-07-12T02:00'))).toBe(false);
    expect(closesAt(example, bog('2026-07-11T13:00'))).toEqual(bog('2026-07-12T02:00'));
    expect(closesAt(example, bog('2026-07-12T01:00'))).toEqual(bog('2026-07-12T02:00'));
  });

  it('runs a Sunday-night range into Monday across the end of the week', () => {
    const horario: THorarioRecord = { dias: { dom: [['18:00', '01:00']], lun: [['11:00', '15:00']] } };
    expect(isOpen(horario, bog('2026-07-13T00:30'))).toBe(true); // Monday 00:30
    expect(closesAt(horario, bog('2026-07-12T20:00'))).toEqual(bog('2026-07-13T01:00'));
    expect(nextOpening(horario, bog('2026-07-12T20:00'))).toEqual(bog('2026-07-13T11:00'));
  });

  it('closes a range at midnight with "24:00" or "00:00"', () => {
    for (const close of ['24:00', '00:00']) {
      const horario: THorarioRecord = { dias: { vie: [['18:00', close]] } };
      expect(closesAt(horario, bog('2026-07-10T20:00'))).toEqual(bog('2026-07-11T00:00'));
      expect(isOpen(horario, bog('2026-07-11T00:00'))).toBe(false);
    }
  });

  it('merges ranges that touch, so the closing time is the end of the last one', () => {
    const horario: THorarioRecord = { dias: { lun: [['15:00', '22:00'], ['11:00', '15:00']] } };
    expect(closesAt(horario, bog('2026-07-06T12:00'))).toEqual(bog('2026-07-06T22:00'));
    expect(nextOpening(horario, bog('2026-07-06T12:00'))).toEqual(bog('2026-07-13T11:00'));
  });

  it('has no closing time when open around the clock, and no opening when never open', () => {
    const always: THorarioRecord = { dias: Object.fromEntries(['lun', 'mar', 'mie', 'jue', 'vie', 'sab', 'dom'].map((d) => [d, [['00:00', '24:00']]])) };
    expect(isOpen(always, bog('2026-07-08T03:00'))).toBe(true);
    expect(closesAt(always, bog('2026-07-08T03:00'))).toBeNull();
    expect(nextOpening(always, bog('2026-07-08T03:00'))).toBeNull();
    const never: THorarioRecord = { dias: {} };
    expect(isOpen(never, bog('2026-07-08T12:00'))).toBe(false);
    expect(nextOpening(never, bog('2026-07-08T12:00'))).toBeNull();
  });

  it('uses a dated exception instead of the weekday, and an empty one closes the day', () => {
    const horario: THorarioRecord = {
      ...example,
      dias: { jue: [['11:00', '22:00']], vie: [['11:00', '22:00']] },
      excepciones: [{ fecha: '2026-12-24', rangos: [['11:00', '16:00']] }, { fecha: '2026-12-31', rangos: [] }, { fecha: '2027-01-01' } as never],
    };
    expect(isOpen(horario, bog('2026-12-24T17:00'))).toBe(false);
    expect(closesAt(horario, bog('2026-12-24T12:00'))).toEqual(bog('2026-12-24T16:00'));
    expect(isOpen(horario, bog('2026-12-31T12:00'))).toBe(false); // Thursday, closed by exception
    // Friday 2027-01-01: an exception read back from the database without rangos (RTDB drops []) is closed too.
    expect(nextOpening(horario, bog('2026-12-31T12:00'))).toEqual(bog('2027-01-07T11:00'));
  });

  it('does not cut the overnight end of the previous day with an exception', () => {
    const horario: THorarioRecord = { ...example, excepciones: [{ fecha: '2026-07-12', rangos: [] }] };
    expect(isOpen(horario, bog('2026-07-12T01:00'))).toBe(true);
    expect(isOpen(horario, bog('2026-07-12T13:00'))).toBe(false);
  });

  it('opens a Monday holiday with the Sunday hours when festivos is true', () => {
    // 2026-07-13: Virgen de Chiquinquirá (Ley 2578 de 2026, moved to Monday).
    const horario: THorarioRecord = { festivos: true, dias: { lun: [['11:00', '15:00']], dom: [['12:00', '20:00']] } };
    expect(isOpen(horario, bog('2026-07-13T11:30'))).toBe(false);
    expect(isOpen(horario, bog('2026-07-13T19:00'))).toBe(true);
    expect(nextOpening(horario, bog('2026-07-13T11:30'))).toEqual(bog('2026-07-13T12:00'));
    expect(isOpen({ ...horario, festivos: false }, bog('2026-07-13T11:30'))).toBe(true);
    expect(isOpen(horario, bog('2026-07-06T11:30'))).toBe(true); // an ordinary Monday
  });

  it('follows the Emiliani moves: Reyes on 2026-01-12 and San José on 2026-03-23, not on their dates', () => {
    const horario: THorarioRecord = { festivos: true, dias: { lun: [['11:00', '15:00']], mar: [['11:00', '15:00']], jue: [['11:00', '15:00']] } };
    expect(isOpen(horario, bog('2026-01-12T12:00'))).toBe(false); // holiday Monday, no Sunday hours: closed
    expect(isOpen(horario, bog('2026-01-06T12:00'))).toBe(true); // Tuesday 6 January is a working day
    expect(isOpen(horario, bog('2026-03-23T12:00'))).toBe(false);
    expect(isOpen(horario, bog('2026-03-19T12:00'))).toBe(true);
    expect(isOpen(horario, bog('2026-04-02T12:00'))).toBe(false); // Jueves Santo
  });

  it('lists the Colombian public holidays of 2026 and 2027 as the law sets them', () => {
    expect(colombianHolidays(2026)).toEqual([
      '2026-01-01', '2026-01-12', '2026-03-23', '2026-04-02', '2026-04-03', '2026-05-01', '2026-05-18', '2026-06-08', '2026-06-15', '2026-06-29',
      '2026-07-13', '2026-07-20', '2026-08-07', '2026-08-17', '2026-10-12', '2026-11-02', '2026-11-16', '2026-12-08', '2026-12-25',
    ]);
    expect(colombianHolidays(2027)).toEqual([
      '2027-01-01', '2027-01-11', '2027-03-22', '2027-03-25', '2027-03-26', '2027-05-01', '2027-05-10', '2027-05-31', '2027-06-07', '2027-07-05',
      '2027-07-12', '2027-07-20', '2027-08-07', '2027-08-16', '2027-10-18', '2027-11-01', '2027-11-15', '2027-12-08', '2027-12-25',
    ]);
    expect(isColombianHoliday('2026-04-05')).toBe(false); // Easter Sunday: a Sunday, not an extra day off
    expect(isColombianHoliday('2026-07-09')).toBe(false);
  });

  it('keeps the wall clock of another zone across its daylight-saving change', () => {
    const horario: THorarioRecord = { zona: 'America/New_York', dias: { lun: [['11:00', '15:00']] } };
    expect(isOpen(horario, new Date('2026-07-06T15:30:00Z'))).toBe(true); // 11:30 EDT
    expect(isOpen(horario, new Date('2026-01-05T15:30:00Z'))).toBe(false); // 10:30 EST
    // Clocks go forward on Sunday 2026-03-08; Monday 11:00 EDT is 15:00 UTC.
    expect(nextOpening(horario, new Date('2026-03-07T17:00:00Z'))).toEqual(new Date('2026-03-09T15:00:00Z'));
  });
});

describe('taking an order', () => {
  const dinner: THorarioRecord = { ...example, pedidosProgramados: true };

  it('stops taking orders within the cut-off before closing', () => {
    expect(canTakeOrder(example, bog('2026-07-06T23:14'))).toEqual({ status: 'open', closesAt: bog('2026-07-06T23:30'), deliveryPausedUntil: null });
    expect(canTakeOrder(example, bog('2026-07-06T23:15'))).toEqual({ status: 'cutoff', closesAt: bog('2026-07-06T23:30'), opensAt: bog('2026-07-11T12:00'), canSchedule: false });
    expect(canTakeOrder(example, bog('2026-07-06T23:29')).status).toBe('cutoff');
    expect(canTakeOrder(example, bog('2026-07-06T23:14'), { corteMinutos: 30 }).status).toBe('cutoff');
    expect(canTakeOrder(example, bog('2026-07-06T23:29'), { corteMinutos: 0 }).status).toBe('open');
  });

  it('says when it opens next while closed, and whether the order may wait for it', () => {
    expect(canTakeOrder(example, bog('2026-07-06T16:00'))).toEqual({ status: 'closed', opensAt: bog('2026-07-06T18:00'), canSchedule: false });
    expect(canTakeOrder(dinner, bog('2026-07-06T16:00'))).toEqual({ status: 'closed', opensAt: bog('2026-07-06T18:00'), canSchedule: true });
    expect(canTakeOrder({ dias: {}, pedidosProgramados: true }, bog('2026-07-06T16:00'))).toEqual({ status: 'closed', opensAt: null, canSchedule: false });
  });

  it('refuses orders while ordering is paused, and takes them again once the pause is over', () => {
    const pausa = { pedidos: { hasta: bog('2026-07-06T20:00').getTime() } };
    expect(canTakeOrder(example, bog('2026-07-06T19:00'), { pausa })).toEqual({
      status: 'paused', scope: 'pedidos', until: bog('2026-07-06T20:00'), opensAt: bog('2026-07-06T20:00'), canSchedule: false,
    });
    expect(canTakeOrder(example, bog('2026-07-06T20:00'), { pausa }).status).toBe('open');
    expect(canTakeOrder(undefined, bog('2026-07-06T19:00'), { pausa }).status).toBe('paused');
  });

  it('points a pause that outlasts the closing to the next opening', () => {
    const pausa = { pedidos: { hasta: bog('2026-07-07T00:30').getTime() } };
    const window = canTakeOrder(example, bog('2026-07-06T22:00'), { pausa });
    expect(window).toMatchObject({ status: 'paused', opensAt: bog('2026-07-11T12:00') });
  });

  it('pauses delivery only: pickup goes on, a delivery order waits', () => {
    const pausa = { domicilios: { hasta: bog('2026-07-06T20:00').getTime() } };
    expect(canTakeOrder(example, bog('2026-07-06T19:00'), { pausa })).toEqual({ status: 'open', closesAt: bog('2026-07-06T23:30'), deliveryPausedUntil: bog('2026-07-06T20:00') });
    expect(canTakeOrder(example, bog('2026-07-06T19:00'), { pausa, tipoEntrega: 'recoger' }).status).toBe('open');
    expect(canTakeOrder(example, bog('2026-07-06T19:00'), { pausa, tipoEntrega: 'domicilio' })).toMatchObject({ status: 'paused', scope: 'domicilios', until: bog('2026-07-06T20:00') });
    expect(canTakeOrder(example, bog('2026-07-06T20:00'), { pausa, tipoEntrega: 'domicilio' }).status).toBe('open');
  });

  it('says closed before looking at a pause', () => {
    const pausa = { pedidos: { hasta: bog('2026-07-06T17:00').getTime() } };
    expect(canTakeOrder(example, bog('2026-07-06T16:00'), { pausa }).status).toBe('closed');
  });
});

describe('the end of a business day (sold out "for the day")', () => {
  it('lasts through the dinner shift to the next day that opens', () => {
    expect(endOfBusinessDay(example, bog('2026-07-06T13:00'))).toEqual(bog('2026-07-11T12:00'));
  });

  it('counts the hours after midnight as the day the shift started', () => {
    const horario: THorarioRecord = { dias: { sab: [['12:00', '02:00']], dom: [['12:00', '20:00']] } };
    expect(endOfBusinessDay(horario, bog('2026-07-12T01:00'))).toEqual(bog('2026-07-12T12:00'));
    expect(endOfBusinessDay(horario, bog('2026-07-11T20:00'))).toEqual(bog('2026-07-12T12:00'));
  });

  it('ends at the next local midnight without hours or without an opening in sight', () => {
    expect(endOfBusinessDay(undefined, bog('2026-07-06T13:00'))).toEqual(bog('2026-07-07T00:00'));
    expect(endOfBusinessDay({ dias: {} }, bog('2026-07-06T13:00'))).toEqual(bog('2026-07-07T00:00'));
  });
});
