import {
  addToCart,
  buildOrderDraft,
  cartTotal,
  isExpired,
  MAX_CART_TOTAL_COP,
  MAX_QTY_PER_LINE,
  newSession,
  reconcileCart,
  reduceLine,
  removeLine,
  reviveSession,
  sessionAfterPaymentRejected,
} from '../../../server/conversation/state';
import type { CartLine, MenuItem, Session } from '../../../server/conversation/types';

const HAMBURGUESA: MenuItem = { itemId: 'h', numero: '1', nombre: 'Hamburguesa', precio: 15000, disponible: true };
const COCA: MenuItem = { itemId: 'c', numero: '3', nombre: 'Coca Cola', precio: 3000, disponible: true };

function add(cart: CartLine[], item: MenuItem, cantidad: number): CartLine[] {
  const result = addToCart(cart, item, cantidad);
  if (!result.ok) throw new Error(`unexpected refusal: ${result.reason}`);
  return result.cart;
}

describe('cart', () => {
  it('totals price × quantity (the seed summed prices only)', () => {
    const cart = add(add([], HAMBURGUESA, 2), COCA, 1);
    expect(cartTotal(cart)).toBe(33000);
  });

  it('merges repeated items into one line', () => {
    const cart = add(add([], HAMBURGUESA, 2), HAMBURGUESA, 3);
    expect(cart).toEqual([{ itemId: 'h', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 5 }]);
  });

  it('refuses a line above MAX_QTY_PER_LINE without changing the cart', () => {
    const cart = add([], HAMBURGUESA, MAX_QTY_PER_LINE);
    const result = addToCart(cart, HAMBURGUESA, 1);
    expect(result).toEqual({ ok: false, reason: 'line_limit', inCart: MAX_QTY_PER_LINE });
  });

  it('refuses invalid quantities', () => {
    expect(addToCart([], HAMBURGUESA, 0).ok).toBe(false);
    expect(addToCart([], HAMBURGUESA, 1.5).ok).toBe(false);
    expect(addToCart([], HAMBURGUESA, 1_000_000).ok).toBe(false);
  });

  it('refuses what would pass MAX_CART_TOTAL_COP', () => {
    const bandeja: MenuItem = { itemId: 'b', numero: '9', nombre: 'Bandeja', precio: 100_000, disponible: true };
    const cart = add([], bandeja, MAX_CART_TOTAL_COP / 100_000);
    expect(addToCart(cart, COCA, 1)).toMatchObject({ ok: false, reason: 'total_limit' });
  });

  it('does not mutate the cart it is given', () => {
    const cart = Object.freeze(add([], HAMBURGUESA, 2).map((line) => Object.freeze(line)));
    expect(addToCart(cart, HAMBURGUESA, 1)).toMatchObject({ ok: true, line: { cantidad: 3 } });
    expect(cart[0]?.cantidad).toBe(2);
  });

  it('removes and reduces lines', () => {
    const cart = add(add([], HAMBURGUESA, 3), COCA, 1);
    expect(removeLine(cart, 'h').map((line) => line.itemId)).toEqual(['c']);
    expect(reduceLine(cart, 'h', 1).find((line) => line.itemId === 'h')?.cantidad).toBe(2);
    expect(reduceLine(cart, 'h', 3).map((line) => line.itemId)).toEqual(['c']);
  });

  it('drops unavailable items and picks up new prices at reconciliation', () => {
    const cart = add(add([], HAMBURGUESA, 2), COCA, 1);
    const result = reconcileCart(cart, [{ ...HAMBURGUESA, precio: 16000 }, { ...COCA, disponible: false }]);
    expect(result.cart).toEqual([{ itemId: 'h', numero: '1', nombre: 'Hamburguesa', precio: 16000, cantidad: 2 }]);
    expect(result.removed.map((line) => line.itemId)).toEqual(['c']);
    expect(result.repriced).toEqual([{ line: result.cart[0], previousPrice: 15000 }]);
  });
});

describe('session', () => {
  it('expires only after the TTL has fully passed', () => {
    const session = newSession(1000);
    expect(isExpired(session, 1000 + 60_000, 60_000)).toBe(false);
    expect(isExpired(session, 1001 + 60_000, 60_000)).toBe(true);
  });

  it('repairs a session read back from RTDB without its empty cart', () => {
    const stored = { paso: 'inicio', actualizado: 5 } as unknown as Session;
    expect(reviveSession(stored).carrito).toEqual([]);
  });

  it('builds a draft without undefined fields, which RTDB would reject', () => {
    const session: Session = {
      paso: 'telefono',
      carrito: add([], HAMBURGUESA, 2),
      direccion: 'Calle 80 #12-34',
      telefonoContacto: '3001234567',
      actualizado: 1,
    };
    const draft = buildOrderDraft(session);
    expect(draft).toEqual({
      items: [{ itemId: 'h', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }],
      total: 30000,
      direccion: 'Calle 80 #12-34',
      telefonoContacto: '3001234567',
    });
    expect(Object.keys(draft ?? {})).not.toContain('ubicacion');
    expect(buildOrderDraft({ ...session, telefonoContacto: undefined } as unknown as Session)).toBeNull();
  });
});

describe('sessionAfterPaymentRejected (#13)', () => {
  const waiting = { paso: 'esperando_pago', carrito: [{ itemId: 'a' }], direccion: 'Calle 80', pagoPendiente: { referencia: 'r1', gateway: 'g' }, otro: 1 };

  it('goes back to the method choice with everything else kept', () => {
    expect(sessionAfterPaymentRejected(waiting, 'r1', true)).toEqual({ ...waiting, paso: 'metodo_pago' });
  });

  it('leaves the session alone when it is about another payment, gone, already choosing, or no method is left', () => {
    expect(sessionAfterPaymentRejected(waiting, 'r2', true)).toBeUndefined();
    expect(sessionAfterPaymentRejected(null, 'r1', true)).toBeUndefined();
    expect(sessionAfterPaymentRejected({ ...waiting, paso: 'metodo_pago' }, 'r1', true)).toBeUndefined();
    expect(sessionAfterPaymentRejected(waiting, 'r1', false)).toBeUndefined();
  });
});
