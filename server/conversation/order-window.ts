/**
 * Opening hours, pauses and the cut-off as the conversation applies them (#16). Pure: the
 * time is `ctx.now`. Where the conversation checks:
 * - adding to the cart and confirming: closed, paused or past the cut-off → one message with
 *   when it opens (the menu stays visible), unless the owner allows scheduled orders;
 * - the payment step (link or cash), again with the delivery kind: a pause or the closing
 *   may have come while the customer typed the address, and no payment link is offered
 *   within the cut-off before closing.
 */
import { canTakeOrder, zoneOf, type OrderWindow } from '../restaurant/opening-hours';
import { formatWhenEs, opensPhraseEs, atTimeEs } from '../restaurant/opening-text.es-CO';
import type { ClosedReason } from './messages.es-CO';
import type { TurnContext } from './types';

export function orderWindow(ctx: TurnContext, tipoEntrega?: 'domicilio' | 'recoger'): OrderWindow {
  return canTakeOrder(ctx.tenant.horario, new Date(ctx.now), { pausa: ctx.tenant.pausa ?? null, ...(tipoEntrega ? { tipoEntrega } : {}) });
}

/** Why an order cannot be taken now, in the words of the message; null when it can. */
export function closedReasonOf(window: OrderWindow, ctx: TurnContext): ClosedReason | null {
  const zone = zoneOf(ctx.tenant.horario);
  const now = new Date(ctx.now);
  const opens = (at: Date | null) => (at ? opensPhraseEs(at, now, zone) : null);
  switch (window.status) {
    case 'open':
      return null;
    case 'closed':
      return { kind: 'closed', opens: opens(window.opensAt) };
    case 'paused':
      return window.scope === 'domicilios'
        ? { kind: 'delivery_paused', until: `hasta ${formatWhenEs(window.until, now, zone)}` }
        : { kind: 'paused', opens: opens(window.opensAt) };
    case 'cutoff':
      return { kind: 'cutoff', closes: atTimeEs(window.closesAt, zone), opens: opens(window.opensAt) };
  }
}

/** When a scheduled order would be made, and how to say it; null when the order is taken now or cannot be scheduled. */
export function scheduleOf(window: OrderWindow, ctx: TurnContext): { at: number; when: string } | null {
  if (window.status === 'open' || !window.canSchedule || !window.opensAt) return null;
  return { at: window.opensAt.getTime(), when: formatWhenEs(window.opensAt, new Date(ctx.now), zoneOf(ctx.tenant.horario)) };
}

/** "hasta hoy a las 7:00 p. m.": how long delivery is paused while pickup is open; null when it is not. */
export function deliveryPausedUntil(window: OrderWindow, ctx: TurnContext): string | null {
  if (window.status !== 'open' || !window.deliveryPausedUntil) return null;
  return `hasta ${formatWhenEs(window.deliveryPausedUntil, new Date(ctx.now), zoneOf(ctx.tenant.horario))}`;
}
