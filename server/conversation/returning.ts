/**
 * Customers who come back (#16), pure: "lo mismo de siempre" puts the last order's lines in
 * the cart, each still available, with its options checked again and at today's prices;
 * what cannot be made today is named. The saved address and phone come in `ctx.customer`.
 */
import { validateOptions } from '../restaurant/item-options';
import { addToCart } from './state';
import type { CartLine, CustomerProfile, LastOrder, MenuItem } from './types';

export interface Reorder {
  cart: CartLine[];
  /** Names of the lines that could not be added (sold out, off the menu, options changed, limits). */
  missing: string[];
  added: number;
}

export function reorderLines(cart: readonly CartLine[], lastOrder: LastOrder, menu: readonly MenuItem[]): Reorder {
  const byId = new Map(menu.map((item) => [item.itemId, item]));
  let next: CartLine[] = [...cart];
  const missing: string[] = [];
  let added = 0;
  for (const line of lastOrder.items ?? []) {
    const item = byId.get(line.itemId);
    const options = item ? validateOptions(item.opciones, line.opciones ?? []) : null;
    if (!item || !item.disponible || !options?.ok) {
      missing.push(line.nombre);
      continue;
    }
    const result = addToCart(next, item, line.cantidad, line.nota, options.opciones);
    if (!result.ok) {
      missing.push(line.nombre);
      continue;
    }
    next = result.cart;
    added++;
  }
  return { cart: next, missing, added };
}

/** The saved address, when the customer agreed to keep one. */
export function savedAddress(customer: CustomerProfile | undefined): string | undefined {
  return customer?.guardarDatos ? customer.direccion : undefined;
}
