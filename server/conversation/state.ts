/**
 * Session and cart rules used by `step()`. Pure: every function returns new values and never
 * mutates its arguments, so a turn that is retried (RTDB transactions re-run their update
 * function) computes the same result.
 *
 * Sessions are stored in RTDB, which rejects `undefined` values and drops empty arrays; helpers
 * here therefore omit optional keys instead of setting them to `undefined`.
 */
import { validateOptions } from '../restaurant/item-options';
import type { CartLine, ChosenOption, MenuItem, OrderDraft, Session } from './types';

/** Most units of one product in a cart line; "1000000 hamburguesas" is refused, not clamped. */
export const MAX_QTY_PER_LINE = 50;

/** Largest order total accepted over WhatsApp, in integer COP (pesos). */
export const MAX_CART_TOTAL_COP = 2_000_000;

const STEPS: ReadonlySet<Session['paso']> = new Set([
  'inicio',
  'ordenando',
  'direccion',
  'telefono',
  'metodo_pago',
  'esperando_pago',
]);

/** A fresh conversation: nothing ordered yet. */
export function newSession(now: number): Session {
  return { paso: 'inicio', carrito: [], actualizado: now };
}

/** True when the customer has been silent for longer than `ttlMs`. A clock skew into the future never expires a session. */
export function isExpired(session: Session, now: number, ttlMs: number): boolean {
  return now - session.actualizado > ttlMs;
}

/** True when an expired session held something the customer would miss (a cart, a step in progress). */
export function hadProgress(session: Session): boolean {
  return session.paso !== 'inicio' || (Array.isArray(session.carrito) && session.carrito.length > 0);
}

/**
 * Repairs what RTDB does to a stored session: an empty `carrito` comes back missing, and a value
 * written by an older version may name a step we no longer have.
 */
export function reviveSession(session: Session): Session {
  const carrito = Array.isArray(session.carrito) ? session.carrito : [];
  const paso = STEPS.has(session.paso) ? session.paso : 'inicio';
  return { ...session, paso, carrito };
}

/** Σ precio × cantidad, in integer COP. */
export function cartTotal(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.precio * line.cantidad, 0);
}

/** Total number of units in the cart. */
export function cartUnits(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.cantidad, 0);
}

export function findLine(cart: readonly CartLine[], itemId: string): CartLine | undefined {
  return cart.find((line) => line.itemId === itemId);
}

export type AddToCartResult =
  | { ok: true; cart: CartLine[]; line: CartLine }
  /** `line_limit`: the line would pass MAX_QTY_PER_LINE; `total_limit`: the cart would pass MAX_CART_TOTAL_COP. */
  | { ok: false; reason: 'invalid_quantity' | 'line_limit' | 'total_limit'; inCart: number };

/** "Término=Medio|Adiciones=Queso": two lines with the same options are one line. */
const optionsKey = (opciones: readonly ChosenOption[] | undefined): string => (opciones ?? []).map((o) => `${o.grupo}=${o.valor}`).join('|');

/** Lines are one per item, options and note: "2 perros sin salsa" and "1 perro" are two lines. */
function sameLine(line: CartLine, itemId: string, nota: string | undefined, opciones?: readonly ChosenOption[]): boolean {
  return line.itemId === itemId && (line.nota ?? '') === (nota ?? '') && optionsKey(line.opciones) === optionsKey(opciones);
}

/**
 * Adds `cantidad` units of `item` (with `nota`), merging with the line of the same item and note.
 * All or nothing: a request that would break a limit adds nothing, so the customer is never left
 * with a silently trimmed amount. The price is copied from the menu now; later menu edits are
 * reconciled at confirmation.
 */
export function addToCart(cart: readonly CartLine[], item: MenuItem, cantidad: number, nota?: string, opciones?: readonly ChosenOption[]): AddToCartResult {
  const existing = cart.find((line) => sameLine(line, item.itemId, nota, opciones));
  // The unit price includes the options (#16): what the kitchen and the gateway see per unit.
  const precio = (opciones ?? []).reduce((sum, o) => sum + o.precio, item.precio);
  const inCart = existing?.cantidad ?? 0;
  if (!Number.isSafeInteger(cantidad) || cantidad < 1 || cantidad > MAX_QTY_PER_LINE) {
    return { ok: false, reason: 'invalid_quantity', inCart };
  }
  if (inCart + cantidad > MAX_QTY_PER_LINE) return { ok: false, reason: 'line_limit', inCart };
  if (cartTotal(cart) + precio * cantidad > MAX_CART_TOTAL_COP) return { ok: false, reason: 'total_limit', inCart };

  const line: CartLine = {
    itemId: item.itemId,
    numero: item.numero,
    nombre: item.nombre,
    precio,
    cantidad: inCart + cantidad,
  };
  if (opciones?.length) line.opciones = opciones.map((o) => ({ grupo: o.grupo, valor: o.valor, precio: o.precio }));
  if (nota) line.nota = nota;
  const next = existing ? cart.map((l) => (l === existing ? line : l)) : [...cart, line];
  return { ok: true, cart: next, line };
}

/**
 * Sets the quantity of the last line of `itemId` ("me equivoqué, eran 3"). Refused like
 * `addToCart` when the new amount breaks a limit.
 */
export function setLineQuantity(cart: readonly CartLine[], itemId: string, cantidad: number): AddToCartResult {
  const index = cart.map((line) => line.itemId).lastIndexOf(itemId);
  const existing = cart[index];
  if (!existing) return { ok: false, reason: 'invalid_quantity', inCart: 0 };
  if (!Number.isSafeInteger(cantidad) || cantidad < 1 || cantidad > MAX_QTY_PER_LINE) {
    return { ok: false, reason: 'invalid_quantity', inCart: existing.cantidad };
  }
  if (cartTotal(cart) + existing.precio * (cantidad - existing.cantidad) > MAX_CART_TOTAL_COP) {
    return { ok: false, reason: 'total_limit', inCart: existing.cantidad };
  }
  const line: CartLine = { ...existing, cantidad };
  return { ok: true, cart: cart.map((l, i) => (i === index ? line : l)), line };
}

/** Adds `nota` to the last line of `itemId` (kept short; an existing note is extended). */
export function addNoteToLine(cart: readonly CartLine[], itemId: string, nota: string): CartLine[] {
  const index = cart.map((line) => line.itemId).lastIndexOf(itemId);
  return cart.map((line, i) => {
    if (i !== index) return line;
    const merged = (line.nota ? `${line.nota}, ${nota}` : nota).slice(0, 80);
    return { ...line, nota: merged };
  });
}

/** Removes the whole line for `itemId` (no-op when absent). */
export function removeLine(cart: readonly CartLine[], itemId: string): CartLine[] {
  return cart.filter((line) => line.itemId !== itemId);
}

/** Takes `cantidad` units off a line; the line disappears when it reaches zero. */
export function reduceLine(cart: readonly CartLine[], itemId: string, cantidad: number): CartLine[] {
  return cart.flatMap((line) => {
    if (line.itemId !== itemId) return [line];
    const left = line.cantidad - cantidad;
    return left > 0 ? [{ ...line, cantidad: left }] : [];
  });
}

export interface CartReconciliation {
  cart: CartLine[];
  /** Lines whose item was deleted from the menu, is sold out, or whose options no longer fit the item (#16). */
  removed: CartLine[];
  /** Lines whose price changed; each holds the new price. */
  repriced: Array<{ line: CartLine; previousPrice: number }>;
}

/**
 * Brings a cart in line with the current menu before the customer commits to an amount: the
 * owner may have marked an item unavailable or changed a price while the cart sat in the session.
 */
export function reconcileCart(cart: readonly CartLine[], menu: readonly MenuItem[]): CartReconciliation {
  const byId = new Map(menu.map((item) => [item.itemId, item]));
  const result: CartReconciliation = { cart: [], removed: [], repriced: [] };
  for (const line of cart) {
    const item = byId.get(line.itemId);
    if (!item || !item.disponible) {
      result.removed.push(line);
      continue;
    }
    // Options are checked again and priced as today (#16): an owner may have changed a group.
    const options = validateOptions(item.opciones, line.opciones ?? []);
    if (!options.ok) {
      result.removed.push(line);
      continue;
    }
    const precio = options.opciones.reduce((sum, o) => sum + o.precio, item.precio);
    const current: CartLine = { ...line, numero: item.numero, nombre: item.nombre, precio };
    if (options.opciones.length) current.opciones = options.opciones;
    else delete current.opciones;
    if (precio !== line.precio) {
      result.repriced.push({ line: current, previousPrice: line.precio });
      result.cart.push(current);
      continue;
    }
    result.cart.push(current);
  }
  return result;
}

/** What the order adds to the cart (#16): the delivery fee and kind, a scheduled time, the consent question. */
export interface DraftExtras {
  domicilio?: number;
  tipoEntrega?: 'domicilio' | 'recoger';
  programadoPara?: number;
  ofrecerGuardarDatos?: boolean;
}

/** The order as the session describes it, or null when a required piece is missing. `total` includes the delivery fee. */
export function buildOrderDraft(session: Session, extras: DraftExtras = {}): OrderDraft | null {
  if (session.carrito.length === 0 || !session.direccion || !session.telefonoContacto) return null;
  const domicilio = extras.tipoEntrega === 'recoger' ? 0 : (extras.domicilio ?? 0);
  const draft: OrderDraft = {
    items: session.carrito.map((line) => ({ ...line })),
    total: cartTotal(session.carrito) + domicilio,
    direccion: session.direccion,
    telefonoContacto: session.telefonoContacto,
  };
  if (session.ubicacion) draft.ubicacion = { ...session.ubicacion };
  if (extras.tipoEntrega) {
    draft.tipoEntrega = extras.tipoEntrega;
    draft.domicilio = domicilio;
  }
  if (extras.programadoPara !== undefined) draft.programadoPara = extras.programadoPara;
  if (extras.ofrecerGuardarDatos) draft.ofrecerGuardarDatos = true;
  return draft;
}
