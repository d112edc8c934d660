import type { TOptionGroupRecord } from '../db/restaurant-records';
import { validateOptions } from './item-options';
import { endOfBusinessDay, type Horario } from './opening-hours';

/**
 * Sold-out items (#16). The kitchen marks an item `disponible: false`, either until switched
 * back or "for the day" with `agotadoHasta`: the first opening of the next business day
 * (`endOfBusinessDay` in opening-hours.ts, so the dinner shift and the hours after midnight
 * still count as today). After `agotadoHasta` the item is available again without anyone
 * writing anything, on every instance at once.
 */

export interface MenuItemAvailability {
  disponible?: boolean;
  agotadoHasta?: number;
}

export function isAvailable(item: MenuItemAvailability, at: Date): boolean {
  if (item.disponible !== false) return true;
  return item.agotadoHasta !== undefined && at.getTime() >= item.agotadoHasta;
}

/** The fields the board writes to mark an item sold out, for the day or until switched back. */
export function soldOutFields(horario: Horario, at: Date, forTheDay: boolean): { disponible: false; agotadoHasta: number | null } {
  return { disponible: false, agotadoHasta: forTheDay ? endOfBusinessDay(horario, at).getTime() : null };
}

export type UnavailableReason = 'agotado' | 'retirado' | 'opciones';

export interface UnavailableLine {
  /** Position of the line in the cart. */
  index: number;
  itemId: string;
  nombre: string;
  /** `agotado`: sold out now; `retirado`: no longer on the menu; `opciones`: its options no longer fit the item's groups. */
  reason: UnavailableReason;
}

/** The cart or order lines that cannot be made now, to tell the customer before payment. */
export function unavailableLines(
  menu: ReadonlyArray<MenuItemAvailability & { itemId: string; opciones?: readonly TOptionGroupRecord[] }>,
  lines: ReadonlyArray<{ itemId: string; nombre: string; opciones?: ReadonlyArray<{ grupo: string; valor: string }> }>,
  at: Date,
): UnavailableLine[] {
  const byId = new Map(menu.map((item) => [item.itemId, item]));
  const result: UnavailableLine[] = [];
  lines.forEach((line, index) => {
    const item = byId.get(line.itemId);
    const reason: UnavailableReason | undefined = !item
      ? 'retirado'
      : !isAvailable(item, at)
        ? 'agotado'
        : !validateOptions(item.opciones, line.opciones ?? []).ok
          ? 'opciones'
          : undefined;
    if (reason) result.push({ index, itemId: line.itemId, nombre: line.nombre, reason });
  });
  return result;
}
