import { atTimeEs, formatTimeEs, formatWhenEs, opensPhraseEs } from '../../../server/restaurant/opening-text.es-CO';

const bog = (local: string) => new Date(`${local}:00-05:00`);
const Z = 'America/Bogota';

describe('opening times in words (es-CO)', () => {
  it('writes the 12-hour clock as Colombia does', () => {
    expect(formatTimeEs(bog('2026-07-06T18:00'), Z)).toBe('6:00 p. m.');
    expect(formatTimeEs(bog('2026-07-06T11:05'), Z)).toBe('11:05 a. m.');
    expect(formatTimeEs(bog('2026-07-06T12:00'), Z)).toBe('12:00 p. m.');
    expect(formatTimeEs(bog('2026-07-06T00:30'), Z)).toBe('12:30 a. m.');
  });

  it('says "a la 1" but "a las" any other hour', () => {
    expect(atTimeEs(bog('2026-07-06T13:00'), Z)).toBe('a la 1:00 p. m.');
    expect(atTimeEs(bog('2026-07-06T01:30'), Z)).toBe('a la 1:30 a. m.');
    expect(atTimeEs(bog('2026-07-06T10:00'), Z)).toBe('a las 10:00 a. m.');
  });

  it('says today, tomorrow, the weekday within a week, and the date after that', () => {
    const now = bog('2026-07-06T16:00'); // Monday
    expect(opensPhraseEs(bog('2026-07-06T18:00'), now, Z)).toBe('abrimos hoy a las 6:00 p. m.');
    expect(formatWhenEs(bog('2026-07-07T11:00'), now, Z)).toBe('mañana a las 11:00 a. m.');
    expect(formatWhenEs(bog('2026-07-11T12:00'), now, Z)).toBe('el sábado a las 12:00 p. m.');
    expect(formatWhenEs(bog('2026-07-13T11:00'), now, Z)).toBe('el lunes 13 de julio a las 11:00 a. m.');
    expect(formatWhenEs(bog('2027-01-04T13:00'), now, Z)).toBe('el lunes 4 de enero de 2027 a la 1:00 p. m.');
  });

  it('counts days on the restaurant clock, not on UTC', () => {
    // 20:00 in Bogotá is already the next day in UTC; 21:00 the same evening is still "hoy".
    expect(formatWhenEs(bog('2026-07-06T21:00'), bog('2026-07-06T20:00'), Z)).toBe('hoy a las 9:00 p. m.');
    expect(formatWhenEs(bog('2026-07-07T00:30'), bog('2026-07-06T23:00'), Z)).toBe('mañana a las 12:30 a. m.');
  });
});
