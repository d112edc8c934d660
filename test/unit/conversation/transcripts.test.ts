/**
 * Whole conversations through `step()` with the corrections customers make (#14): the open
 * question and its quantity, one question per message, notes, changes of mind, corrections at
 * later steps, and ordinary questions that keep the cart.
 */
import { step } from '../../../server/conversation/step';
import type { InboundInput, MenuItem, PaymentMethodOption, Session, TurnContext, TurnResult } from '../../../server/conversation/types';

function item(numero: string, nombre: string, precio: number, categoria: string): MenuItem {
  return { itemId: `item-${numero}`, numero, nombre, precio, categoria, disponible: true };
}

const MENU: MenuItem[] = [
  item('1', 'Hamburguesa', 15000, 'Platos'),
  item('2', 'Hamburguesa doble', 22000, 'Platos'),
  item('3', 'Perro caliente', 12000, 'Platos'),
  item('4', 'Salchipapa', 14000, 'Platos'),
  item('9', 'Coca Cola', 3000, 'Bebidas'),
  item('13', 'Postobón manzana', 3000, 'Bebidas'),
];
const METHODS: PaymentMethodOption[] = [
  { id: 'wompi', label: 'Wompi (Tarjeta, Nequi, PSE)' },
  { id: 'efectivo', label: 'Efectivo contra entrega' },
];

class Chat {
  session: Session | null = null;
  now = 1_700_000_000_000;
  constructor(private readonly extra: Partial<TurnContext> = {}, private readonly methods: PaymentMethodOption[] = []) {}
  input(input: InboundInput): TurnResult {
    this.now += 1000;
    const result = step(this.session, input, {
      tenant: { tenantId: 't1', restaurantName: 'La Hamburguesería', menu: MENU, paymentMethods: this.methods },
      waId: '573001234567',
      now: this.now,
      sessionTtlMs: 3_600_000,
      newPaymentReference: () => 't1_1_abc',
      ...this.extra,
    });
    expect(result.replies.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(result.session))).toEqual(result.session);
    this.session = result.session;
    return result;
  }
  say(text: string): string {
    return textOf(this.input({ kind: 'text', text }));
  }
  tap(id: string, title = id): string {
    return textOf(this.input({ kind: 'choice', id, title }));
  }
  get cart(): string[] {
    return (this.session?.carrito ?? []).map((line) => `${line.cantidad} ${line.nombre}${line.nota ? ` (${line.nota})` : ''}`);
  }
}

function textOf(result: TurnResult): string {
  return result.replies
    .map((reply) => [reply.body, ...(reply.type === 'buttons' ? reply.buttons.map((b) => b.title) : [])].join('\n'))
    .join('\n');
}

function questionMarks(text: string): number {
  return (text.match(/¿/g) ?? []).length;
}

describe('conversation transcripts with corrections (#14)', () => {
  it('keeps the asked quantity: "2 gaseosas" → "¿cuál?" → "coca" adds 2', () => {
    const chat = new Chat();
    const asked = chat.say('2 gaseosas porfa');
    expect(asked).toContain('Coca Cola');
    expect(asked).toContain('Postobón manzana');
    expect(chat.cart).toEqual([]);
    chat.say('la coca');
    expect(chat.cart).toEqual(['2 Coca Cola']);
    expect(chat.session?.pregunta).toBeUndefined();
  });

  it('answers the question by tapping the offered button', () => {
    const chat = new Chat();
    chat.say('2 gaseosas');
    chat.tap('item:item-13', 'Postobón manzana');
    expect(chat.cart).toEqual(['2 Postobón manzana']);
  });

  it('"sí" answers "¿Quisiste decir…?" and does not confirm the order', () => {
    const chat = new Chat();
    const first = chat.say('2 hamburguesas y 2 salchipapas grandes');
    expect(chat.cart).toEqual(['2 Hamburguesa']);
    expect(first).toContain('¿Quisiste decir *Salchipapa* (2)?');
    expect(questionMarks(first)).toBe(1);
    chat.say('si');
    expect(chat.cart).toEqual(['2 Hamburguesa', '2 Salchipapa']);
    expect(chat.session?.paso).toBe('ordenando');
    // Only now does "sí" confirm the cart.
    chat.say('si');
    expect(chat.session?.paso).toBe('direccion');
  });

  it('"sí" to a question with several candidates asks again instead of guessing', () => {
    const chat = new Chat();
    chat.say('2 gaseosas');
    expect(chat.say('si')).toContain('¿cuál quieres?');
    expect(chat.cart).toEqual([]);
    chat.say('manzana');
    expect(chat.cart).toEqual(['2 Postobón manzana']);
  });

  it('"no" drops the open question and keeps the cart', () => {
    const chat = new Chat();
    chat.say('1 salchipapa y una gaseosa');
    const dropped = chat.say('no');
    expect(dropped).toContain('no lo agrego');
    expect(chat.cart).toEqual(['1 Salchipapa']);
  });

  it('asks one question per message, then the next one', () => {
    const chat = new Chat();
    const first = chat.say('una gaseosa y una hamburguesa o un perro');
    expect(questionMarks(first)).toBe(1);
    const second = chat.say('coca');
    expect(chat.cart).toEqual(['1 Coca Cola']);
    expect(second).toContain('Perro caliente');
    expect(questionMarks(second)).toBe(1);
    chat.say('el perro');
    expect(chat.cart).toEqual(['1 Coca Cola', '1 Perro caliente']);
  });

  it('"una hamburguesa o un perro" adds neither and asks', () => {
    const chat = new Chat();
    chat.say('una hamburguesa o un perro');
    expect(chat.cart).toEqual([]);
    chat.tap('item:item-3', 'Perro caliente');
    expect(chat.cart).toEqual(['1 Perro caliente']);
  });

  it('a loose note goes on the line added last; with no line to pick it asks which', () => {
    const chat = new Chat();
    chat.say('2 hamburguesas y 1 perro');
    expect(chat.say('sin cebolla')).toContain('Anoté');
    expect(chat.cart).toEqual(['2 Hamburguesa', '1 Perro caliente (sin cebolla)']);

    const other = new Chat();
    other.session = { paso: 'ordenando', carrito: [
      { itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 1 },
      { itemId: 'item-3', numero: '3', nombre: 'Perro caliente', precio: 12000, cantidad: 1 },
    ], actualizado: other.now };
    const asked = other.say('sin cebolla');
    expect(asked).toContain('¿A cuál producto');
    other.say('la hamburguesa');
    expect(other.cart).toEqual(['1 Hamburguesa (sin cebolla)', '1 Perro caliente']);
  });

  it('"me equivoqué, eran 3, no 2" sets the quantity instead of adding', () => {
    const chat = new Chat();
    chat.say('2 hamburguesas');
    chat.say('me equivoqué, eran 3, no 2');
    expect(chat.cart).toEqual(['3 Hamburguesa']);
  });

  it('"no, mejor un perro" in the next message replaces what was just added', () => {
    const chat = new Chat();
    chat.say('una coca');
    chat.say('una hamburguesa');
    const changed = chat.say('no, mejor un perro');
    expect(changed).toContain('Cambié');
    expect(chat.cart).toEqual(['1 Coca Cola', '1 Perro caliente']);
  });

  it('adds an item at the address step, refuses gibberish, splits address and phone', () => {
    const chat = new Chat({}, METHODS);
    chat.say('1 hamburguesa');
    chat.say('confirmar');
    const added = chat.say('ah y una coca también');
    expect(chat.cart).toEqual(['1 Hamburguesa', '1 Coca Cola']);
    expect(added).toContain('$18.000');
    expect(chat.session?.paso).toBe('direccion');
    chat.say('asdfgh qwerty');
    expect(chat.session?.paso).toBe('direccion');
    expect(chat.session?.direccion).toBeUndefined();
    const both = chat.say('Calle 80 #12-34 apto 501, cel 310 555 1234');
    expect(chat.session).toMatchObject({ paso: 'metodo_pago', direccion: 'Calle 80 #12-34 apto 501', telefonoContacto: '3105551234' });
    expect(both).toContain('Calle 80 #12-34 apto 501');
  });

  it('changes the address at the phone step, by request or by typing the new one', () => {
    const chat = new Chat({}, METHODS);
    chat.say('1 hamburguesa');
    chat.say('confirmar');
    chat.say('Carrera 7 # 45-10');
    expect(chat.session?.paso).toBe('telefono');
    chat.say('me equivoqué, es Cra 50 # 30-12');
    expect(chat.session).toMatchObject({ paso: 'telefono', direccion: 'Cra 50 # 30-12' });
    chat.say('cambiar dirección');
    expect(chat.session?.paso).toBe('direccion');
    chat.say('Calle 10 # 5-20');
    chat.say('300 123 4567');
    expect(chat.session).toMatchObject({ paso: 'metodo_pago', direccion: 'Calle 10 # 5-20', telefonoContacto: '3001234567' });
    // At the method step a new item still fits, and the total shown is the new one.
    const more = chat.say('y una coca');
    expect(more).toContain('$18.000');
    expect(chat.session?.paso).toBe('metodo_pago');
  });

  it('answers ordinary questions in a line or two and keeps the cart and the step', () => {
    const chat = new Chat({ lastOrder: { id: 'A1B2', estado: 'en_camino', total: 33000, timestamp: 1 } }, METHODS);
    chat.say('2 hamburguesas');
    const cart = chat.cart;
    expect(chat.say('puedo pagar con nequi?')).toContain('Sí, puedes pagar con Nequi');
    expect(chat.say('¿tienen pizza?')).toContain('No tenemos *pizza*');
    expect(chat.say('a que hora cierran')).toContain('No tengo el horario');
    expect(chat.say('hacen domicilios?')).toContain('hacemos domicilios');
    expect(chat.say('ya pedí y no ha llegado')).toContain('#A1B2');
    expect(chat.cart).toEqual(cart);
    chat.say('confirmar');
    const atAddress = chat.say('cuanto vale el domicilio?');
    expect(atAddress).toContain('domicilio');
    expect(atAddress).toContain('¿A dónde enviamos tu pedido?');
    expect(chat.session?.paso).toBe('direccion');
  });

  it('says when it knows of no order for "ya pedí y no ha llegado"', () => {
    expect(new Chat().say('ya pedi y no ha llegado')).toContain('No encuentro un pedido tuyo');
  });

  it('-5 hamburguesas is never read as 5', () => {
    const chat = new Chat();
    const reply = chat.say('-5 hamburguesas');
    expect(chat.cart).toEqual([]);
    expect(reply).toContain('¿cuántas quieres?');
  });

  it('finishes with a payment link in 5 messages using buttons', () => {
    const chat = new Chat({}, METHODS);
    let messages = 0;
    const say = (text: string) => (messages++, chat.say(text));
    const tap = (id: string) => (messages++, chat.tap(id));
    say('hola');
    say('2 hamburguesas y una coca');
    tap('order:confirm');
    say('Calle 80 #12-34, 3001234567');
    const result = chat.input({ kind: 'choice', id: 'pay:wompi', title: 'Wompi' });
    messages++;
    expect(result.effects).toEqual([expect.objectContaining({ kind: 'create_payment', gateway: 'wompi' })]);
    expect(messages).toBeLessThanOrEqual(5);
  });
});
