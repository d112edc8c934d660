import type { DeliveryKind, TChosenOptionRecord } from '../db/restaurant-records';
import type { ZCartLineRecordSchema } from '../db/records';
import type { z } from 'zod';
import { unitPrice } from './item-options';

/**
 * Order lines and totals (#16) in whole pesos. A line keeps the seed's `nombre`, `cantidad`
 * and `precio`, with `precio` the unit price including options, so screens that predate #16
 * still add up; `opciones` and `nota` are added fields. The delivery fee is its own amount
 * (`domicilio`), part of `total`, which is what the payment must match exactly.
 */

export type TOrderLine = z.infer<typeof ZCartLineRecordSchema>;

/** Longest note kept per line; the rest is cut (the ticket is 80 mm wide). */
export const MAX_NOTE_LENGTH = 140;

export interface BuildOrderLineInput {
  item: { itemId: string; numero: string; nombre: string; precio: number };
  cantidad: number;
  /** Already checked with `validateOptions`. */
  opciones?: readonly TChosenOptionRecord[];
  nota?: string;
}

const assertPesos = (value: number, what: string) => {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be whole, non-negative pesos`);
};

/** "  sin   cebolla " → "sin cebolla"; empty → undefined. */
export function cleanNote(nota: string | undefined): string | undefined {
  const text = nota?.replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, MAX_NOTE_LENGTH).trim() : undefined;
}

/** The stored line: unit price including options; `opciones` and `nota` only when there are any. */
export function buildOrderLine(input: BuildOrderLineInput): TOrderLine {
  const { item, cantidad } = input;
  if (!Number.isSafeInteger(cantidad) || cantidad < 1) throw new RangeError('cantidad must be a whole number of at least 1');
  assertPesos(item.precio, `precio of ${item.nombre}`);
  for (const o of input.opciones ?? []) assertPesos(o.precio, `precio of option ${o.valor}`);
  const line: TOrderLine = { itemId: item.itemId, numero: item.numero, nombre: item.nombre, precio: unitPrice(item, input.opciones), cantidad };
  if (input.opciones?.length) line.opciones = input.opciones.map((o) => ({ grupo: o.grupo, valor: o.valor, precio: o.precio }));
  const nota = cleanNote(input.nota);
  if (nota) line.nota = nota;
  return line;
}

export interface OrderTotals {
  subtotal: number;
  /** Delivery fee; 0 for pickup. */
  domicilio: number;
  total: number;
  tipoEntrega: DeliveryKind;
}

/** Subtotal of the lines, the delivery fee (none for pickup) and the total to pay. */
export function orderTotals(input: { items: ReadonlyArray<Pick<TOrderLine, 'precio' | 'cantidad'>>; tipoEntrega: DeliveryKind; tarifaDomicilio?: number }): OrderTotals {
  let subtotal = 0;
  for (const line of input.items) {
    assertPesos(line.precio, 'precio');
    if (!Number.isSafeInteger(line.cantidad) || line.cantidad < 1) throw new RangeError('cantidad must be a whole number of at least 1');
    subtotal += line.precio * line.cantidad;
  }
  const domicilio = input.tipoEntrega === 'domicilio' ? (input.tarifaDomicilio ?? 0) : 0;
  assertPesos(domicilio, 'domicilio');
  const total = subtotal + domicilio;
  assertPesos(total, 'total');
  return { subtotal, domicilio, total, tipoEntrega: input.tipoEntrega };
}
