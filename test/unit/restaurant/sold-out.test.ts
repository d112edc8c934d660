import type { THorarioRecord } from '../../../server/db/restaurant-records';
import { isAvailable, soldOutFields, unavailableLines } from '../../../server/restaurant/sold-out';

const bog = (local: string) => new Date(`${local}:00-05:00`);
const horario: THorarioRecord = { dias: { lun: [['11:00', '15:00'], ['18:00', '23:30']], mar: [['11:00', '23:00']] } };

describe('sold-out items', () => {
  it('is available unless marked, and a mark for the day ends by itself', () => {
    const at = bog('2026-07-06T13:00');
    expect(isAvailable({}, at)).toBe(true);
    expect(isAvailable({ disponible: true }, at)).toBe(true);
    expect(isAvailable({ disponible: false }, at)).toBe(false);
    const until = bog('2026-07-07T11:00').getTime();
    expect(isAvailable({ disponible: false, agotadoHasta: until }, bog('2026-07-07T10:59'))).toBe(false);
    expect(isAvailable({ disponible: false, agotadoHasta: until }, bog('2026-07-07T11:00'))).toBe(true);
  });

  it('marks "for the day" until the next day opens, through the dinner shift', () => {
    expect(soldOutFields(horario, bog('2026-07-06T13:00'), true)).toEqual({ disponible: false, agotadoHasta: bog('2026-07-07T11:00').getTime() });
    expect(soldOutFields(horario, bog('2026-07-06T13:00'), false)).toEqual({ disponible: false, agotadoHasta: null });
    expect(soldOutFields(undefined, bog('2026-07-06T13:00'), true).agotadoHasta).toBe(bog('2026-07-07T00:00').getTime());
  });

  it('names the cart lines that cannot be made now, and why', () => {
    const at = bog('2026-07-06T13:00');
    const menu = [
      { itemId: 'item-1', disponible: true, opciones: [{ nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Medio' }] }] },
      { itemId: 'item-2', disponible: false },
      { itemId: 'item-3', disponible: false, agotadoHasta: bog('2026-07-06T12:00').getTime() },
      { itemId: 'item-4' },
    ];
    const lines = [
      { itemId: 'item-1', nombre: 'Hamburguesa', opciones: [{ grupo: 'Término', valor: 'Medio' }] },
      { itemId: 'item-2', nombre: 'Arepa' },
      { itemId: 'item-3', nombre: 'Limonada' },
      { itemId: 'item-9', nombre: 'Sopa' },
      { itemId: 'item-1', nombre: 'Hamburguesa', opciones: [{ grupo: 'Término', valor: 'Jugoso' }] },
      { itemId: 'item-1', nombre: 'Hamburguesa' },
      { itemId: 'item-4', nombre: 'Gaseosa', opciones: [{ grupo: 'Hielo', valor: 'Sí' }] },
    ];
    expect(unavailableLines(menu, lines, at)).toEqual([
      { index: 1, itemId: 'item-2', nombre: 'Arepa', reason: 'agotado' },
      { index: 3, itemId: 'item-9', nombre: 'Sopa', reason: 'retirado' },
      { index: 4, itemId: 'item-1', nombre: 'Hamburguesa', reason: 'opciones' },
      { index: 5, itemId: 'item-1', nombre: 'Hamburguesa', reason: 'opciones' },
      { index: 6, itemId: 'item-4', nombre: 'Gaseosa', reason: 'opciones' },
    ]);
  });
});
