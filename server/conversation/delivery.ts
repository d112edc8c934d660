/**
 * Delivery zones, fees and pickup in the conversation (#16), pure. The fee is computed from
 * the session each time it is needed (the address, the pin and today's subtotal), never
 * stored: a cart changed after the address step gets the fee and the minimum of its new
 * subtotal, and the amount of the payment link is what the customer saw last.
 */
import { quoteDelivery } from '../restaurant/delivery-zones';
import type { DeliveryLine } from './messages.es-CO';
import { cartTotal, type DraftExtras } from './state';
import type { Session, TurnContext } from './types';

export type DeliveryCheck =
  | { status: 'ok'; extras: DraftExtras; line?: DeliveryLine }
  | { status: 'below_minimum'; zona: string | null; minimo: number; falta: number }
  | { status: 'outside'; recoger: boolean }
  | { status: 'needs_location' }
  | { status: 'ambiguous'; barrios: string[] };

/** Whether the tenant offers pickup. */
export const offersPickup = (ctx: TurnContext): boolean => ctx.tenant.domicilios?.recoger === true;

/** The delivery of the session's order: pickup, a zone and its fee, or why it cannot be delivered. */
export function checkDelivery(session: Session, ctx: TurnContext): DeliveryCheck {
  if (session.tipoEntrega === 'recoger') return { status: 'ok', extras: { tipoEntrega: 'recoger', domicilio: 0 }, line: { tipoEntrega: 'recoger', tarifa: 0 } };
  const domicilios = ctx.tenant.domicilios;
  // No zones configured: delivered everywhere without a fee, as before #16.
  if (!domicilios) return { status: 'ok', extras: {} };
  const ubicacion = session.ubicacion ? { latitud: session.ubicacion.latitud, longitud: session.ubicacion.longitud } : null;
  const quote = quoteDelivery(domicilios, { ...(session.direccion ? { direccion: session.direccion } : {}), ubicacion, subtotal: cartTotal(session.carrito) });
  switch (quote.status) {
    case 'ok':
      return { status: 'ok', extras: { tipoEntrega: 'domicilio', domicilio: quote.tarifa }, line: { tipoEntrega: 'domicilio', zona: quote.zona, tarifa: quote.tarifa } };
    case 'below_minimum':
      return { status: 'below_minimum', zona: quote.zona, minimo: quote.minimo, falta: quote.falta };
    case 'outside':
      return { status: 'outside', recoger: domicilios.recoger === true };
    case 'needs_location':
      return { status: 'needs_location' };
    case 'ambiguous':
      return { status: 'ambiguous', barrios: quote.candidates.map((c) => c.barrio) };
  }
}

/** What the customer pays once the delivery is known: the lines plus the fee (no fee while it is unknown). */
export function orderTotal(session: Session, ctx: TurnContext): number {
  const check = checkDelivery(session, ctx);
  return cartTotal(session.carrito) + (check.status === 'ok' ? (check.extras.domicilio ?? 0) : 0);
}

/** The delivery line for the cart at later steps; undefined while unknown or without zones. */
export function deliveryLineOf(session: Session, ctx: TurnContext): DeliveryLine | undefined {
  const check = checkDelivery(session, ctx);
  return check.status === 'ok' ? check.line : undefined;
}
