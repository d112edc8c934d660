/**
 * Whole conversations through `step()` for the restaurant basics of #16: hours and pauses,
 * sold-out items, options and notes, delivery zones and pickup, returning customers, and the
 * staff handoff.
 */
import { step } from '../../../server/conversation/step';
import type { CustomerProfile, Effect, InboundInput, LastOrder, MenuItem, PaymentMethodOption, Session, TenantView, TurnContext, TurnResult } from '../../../server/conversation/types';

const HAMBURGUESA: MenuItem = {
  itemId: 'item-1',
  numero: '1',
  nombre: 'Hamburguesa',
  precio: 15000,
  categoria: 'Platos',
  disponible: true,
  opciones: [
    { nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Medio', precio: 0 }, { nombre: 'Tres cuartos', precio: 0 }, { nombre: 'Bien asado', precio: 0 }] },
    { nombre: 'Adiciones', min: 0, max: 3, valores: [{ nombre: 'Queso', precio: 2000 }, { nombre: 'Tocineta', precio: 3000 }] },
  ],
};
const MENU: MenuItem[] = [
  HAMBURGUESA,
  { itemId: 'item-2', numero: '2', nombre: 'Perro caliente', precio: 12000, categoria: 'Platos', disponible: true },
  { itemId: 'item-3', numero: '3', nombre: 'Coca Cola', precio: 3000, categoria: 'Bebidas', disponible: true },
];
const METHODS: PaymentMethodOption[] = [
  { id: 'wompi', label: 'Wompi (Tarjeta, Nequi, PSE)' },
  { id: 'efectivo', label: 'Efectivo contra entrega' },
];

/** Wednesday 4 March 2026, 12:00 in Bogotá (UTC-5). */
const WED_NOON = Date.UTC(2026, 2, 4, 17, 0);
const HOUR = 3_600_000;
const HORARIO = { zona: 'America/Bogota', dias: { mie: [['11:00', '15:00'], ['18:00', '22:00']] as Array<[string, string]> } };
const DOMICILIOS = {
  ubicacion: { latitud: 4.6486, longitud: -74.0628 },
  recoger: true,
  zonas: [
    { nombre: 'Chapinero', barrios: ['Chapinero', 'Chapinero Alto'], tarifa: 5000, minimo: 20000, gratisDesde: 80000 },
    { nombre: 'Cerca', radioKm: 3, tarifa: 4000, minimo: 15000 },
  ],
};

class Chat {
  session: Session | null = null;
  now = WED_NOON;
  last!: TurnResult;
  constructor(
    public tenant: Partial<TenantView> = {},
    public extra: Partial<TurnContext> = {},
  ) {}
  input(input: InboundInput): TurnResult {
    this.now += 1000;
    this.last = step(this.session, input, {
      tenant: { tenantId: 't1', restaurantName: 'La Hamburguesería', menu: MENU, paymentMethods: [], ...this.tenant },
      waId: '573001234567',
      now: this.now,
      sessionTtlMs: 3 * HOUR,
      newPaymentReference: () => 't1_1_abcd',
      ...this.extra,
    });
    expect(JSON.parse(JSON.stringify(this.last.session))).toEqual(this.last.session);
    this.session = this.last.session;
    return this.last;
  }
  say(text: string): string {
    return textOf(this.input({ kind: 'text', text }));
  }
  tap(id: string, title = id): string {
    return textOf(this.input({ kind: 'choice', id, title }));
  }
  effect<K extends Effect['kind']>(kind: K): Extract<Effect, { kind: K }> {
    const found = this.last.effects.find((e) => e.kind === kind);
    if (!found) throw new Error(`no ${kind} effect; replies: ${textOf(this.last)}`);
    return found as Extract<Effect, { kind: K }>;
  }
  buttons(): string[] {
    return this.last.replies.flatMap((r) => (r.type === 'buttons' ? r.buttons.map((b) => b.id) : r.type === 'list' ? r.sections.flatMap((s) => s.rows.map((row) => row.id)) : []));
  }
}

function textOf(result: TurnResult): string {
  return result.replies.map((reply) => [reply.body, ...(reply.type === 'buttons' ? reply.buttons.map((b) => b.title) : [])].join('\n')).join('\n');
}

describe('hours and pauses (#16)', () => {
  it('closed: one message with when it opens, the menu still shown, nothing added', () => {
    const chat = new Chat({ horario: HORARIO });
    chat.now = WED_NOON + 4 * HOUR; // 16:00, between lunch and dinner
    const menu = chat.say('hola');
    expect(menu).toContain('estamos cerrados; abrimos hoy a las 6:00 p. m.');
    expect(menu).toContain('Coca Cola');
    expect(chat.last.replies.some((r) => r.type === 'list')).toBe(false);
    const order = chat.say('2 coca cola');
    expect(chat.last.replies).toHaveLength(1);
    expect(order).toContain('abrimos hoy a las 6:00 p. m.');
    expect(chat.session?.carrito).toEqual([]);
  });

  it('closed with scheduled orders: the order is taken for the next opening and carried in the draft', () => {
    const chat = new Chat({ horario: { ...HORARIO, pedidosProgramados: true } });
    chat.now = WED_NOON + 4 * HOUR;
    chat.say('2 coca cola');
    expect(chat.session?.carrito).toHaveLength(1);
    const address = chat.say('confirmar');
    expect(address).toContain('programado');
    expect(address).toContain('hoy a las 6:00 p. m.');
    chat.say('Calle 80 #12-34');
    chat.say('3001234567');
    const draft = chat.effect('create_order').draft;
    expect(draft.programadoPara).toBe(Date.UTC(2026, 2, 4, 23, 0));
  });

  it('a pause of ordering says when orders come back', () => {
    const chat = new Chat({ horario: HORARIO, pausa: { pedidos: { hasta: WED_NOON + HOUR } } });
    const reply = chat.say('1 coca cola');
    expect(reply).toContain('no estamos recibiendo pedidos');
    expect(reply).toContain('hoy a la 1:00 p. m.');
    expect(chat.session?.carrito).toEqual([]);
  });

  it('offers no payment link within the cut-off: the check runs again at the payment step', () => {
    const chat = new Chat({ horario: { ...HORARIO, corteMinutos: 15 }, paymentMethods: METHODS });
    chat.now = WED_NOON + 2 * HOUR + 30 * 60_000; // 14:30
    chat.say('1 perro caliente');
    chat.say('confirmar');
    chat.say('Calle 80 #12-34');
    chat.say('3001234567');
    chat.now = WED_NOON + 2 * HOUR + 50 * 60_000; // 14:50, ten minutes before closing
    const reply = chat.say('1');
    expect(chat.last.effects).toEqual([]);
    expect(reply).toContain('Ya no alcanzamos');
    expect(reply).toContain('cerramos a las 3:00 p. m.');
    expect(chat.session?.carrito).toHaveLength(1);
  });

  it('delivery paused: pickup only, said once, straight to the phone', () => {
    const chat = new Chat({ domicilios: DOMICILIOS, pausa: { domicilios: { hasta: WED_NOON + HOUR } } });
    chat.say('1 perro caliente');
    const reply = chat.say('confirmar');
    expect(reply).toContain('Los domicilios están pausados hasta hoy a la 1:00 p. m.');
    expect(chat.session).toMatchObject({ paso: 'telefono', tipoEntrega: 'recoger' });
    chat.say('3001234567');
    expect(chat.effect('create_order').draft).toMatchObject({ tipoEntrega: 'recoger', domicilio: 0, total: 12000 });
  });
});

describe('sold-out items (#16)', () => {
  it('does not offer a sold-out item and refuses it by name', () => {
    const menu = MENU.map((item) => (item.itemId === 'item-3' ? { ...item, disponible: false } : item));
    const chat = new Chat({ menu });
    expect(chat.say('menu')).not.toContain('Coca Cola');
    chat.say('1 coca cola');
    expect(chat.session?.carrito).toEqual([]);
  });

  it('an item sold out while the customer typed the address is told before payment, and nothing is charged', () => {
    const chat = new Chat({ paymentMethods: METHODS });
    chat.say('1 perro caliente y 1 coca cola');
    chat.say('confirmar');
    chat.say('Calle 80 #12-34');
    chat.say('3001234567');
    chat.tenant = { ...chat.tenant, menu: MENU.map((item) => (item.itemId === 'item-3' ? { ...item, disponible: false } : item)) };
    const reply = chat.say('1');
    expect(chat.last.effects).toEqual([]);
    expect(reply).toContain('Coca Cola');
    expect(chat.session?.paso).toBe('ordenando');
    expect(chat.session?.carrito.map((l) => l.nombre)).toEqual(['Perro caliente']);
  });
});

describe('options and notes (#16)', () => {
  it('asks the required group with buttons, one question per message, then prices the line', () => {
    const chat = new Chat();
    const asked = chat.say('1 hamburguesa');
    expect(asked).toContain('Término');
    expect(chat.buttons()).toEqual(['opt:0', 'opt:1', 'opt:2']);
    expect((asked.match(/¿/g) ?? []).length).toBe(1);
    expect(chat.session?.carrito).toEqual([]);
    chat.tap('opt:2', 'Bien asado');
    expect(chat.session?.carrito).toEqual([
      { itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 1, opciones: [{ grupo: 'Término', valor: 'Bien asado', precio: 0 }] },
    ]);
  });

  it('understands options typed in the order text and keeps the rest as the note', () => {
    const chat = new Chat();
    const cart = chat.say('2 hamburguesas con queso y tocineta término medio sin cebolla');
    expect(chat.session?.pregunta).toBeUndefined();
    expect(chat.session?.carrito).toEqual([
      {
        itemId: 'item-1',
        numero: '1',
        nombre: 'Hamburguesa',
        precio: 20000,
        cantidad: 2,
        opciones: [
          { grupo: 'Término', valor: 'Medio', precio: 0 },
          { grupo: 'Adiciones', valor: 'Queso', precio: 2000 },
          { grupo: 'Adiciones', valor: 'Tocineta', precio: 3000 },
        ],
        nota: 'sin cebolla',
      },
    ]);
    expect(cart).toContain('$40.000');
  });

  it('asks only the missing group when some options were typed, and answers by name', () => {
    const chat = new Chat();
    chat.say('hamburguesa con tocineta');
    expect(chat.session?.pregunta).toMatchObject({ tipo: 'opcion', grupo: 'Término', elegidas: [{ grupo: 'Adiciones', valor: 'Tocineta' }] });
    chat.say('tres cuartos');
    expect(chat.session?.carrito[0]).toMatchObject({ precio: 18000, opciones: [{ valor: 'Tres cuartos' }, { valor: 'Tocineta' }] });
  });

  it('puts the options in the payment amount', () => {
    const chat = new Chat({ paymentMethods: METHODS });
    chat.say('hamburguesa con queso bien asada');
    chat.say('confirmar');
    chat.say('Calle 80 #12-34');
    expect(chat.say('3001234567')).toContain('$17.000');
    chat.say('1');
    const payment = chat.effect('create_payment');
    expect(payment.draft.total).toBe(17000);
    expect(payment.draft.items[0]).toMatchObject({ precio: 17000, opciones: [{ valor: 'Bien asado' }, { valor: 'Queso', precio: 2000 }] });
  });
});

describe('delivery zones, fees and pickup (#16)', () => {
  const ready = (chat: Chat) => {
    chat.say('2 perros calientes');
    return chat.say('confirmar');
  };

  it('offers pickup before the address and charges no fee for it', () => {
    const chat = new Chat({ domicilios: DOMICILIOS, paymentMethods: METHODS });
    ready(chat);
    expect(chat.buttons()).toContain('entrega:recoger');
    chat.tap('entrega:recoger', 'Recoger en el local');
    expect(chat.session).toMatchObject({ paso: 'telefono', tipoEntrega: 'recoger' });
    chat.say('3001234567');
    chat.say('1');
    expect(chat.effect('create_payment').draft).toMatchObject({ tipoEntrega: 'recoger', domicilio: 0, total: 24000 });
  });

  it('matches the barrio, shows the fee as its own line and puts it in the payment amount', () => {
    const chat = new Chat({ domicilios: DOMICILIOS, paymentMethods: METHODS });
    ready(chat);
    const fee = chat.say('Calle 60 # 5-20, Chapinero Alto');
    expect(fee).toContain('Domicilio (Chapinero) — $5.000');
    expect(fee).toContain('$29.000');
    expect(chat.say('3001234567')).toContain('$29.000');
    chat.say('1');
    expect(chat.effect('create_payment').draft).toMatchObject({ tipoEntrega: 'domicilio', domicilio: 5000, total: 29000 });
  });

  it('outside every zone: a polite message offering pickup', () => {
    const chat = new Chat({ domicilios: { ...DOMICILIOS, zonas: [DOMICILIOS.zonas[0]!] } });
    ready(chat);
    const reply = chat.say('Calle 170 # 9-10, Toberín');
    expect(reply).toContain('todavía no llegamos');
    expect(chat.buttons()).toEqual(['entrega:recoger']);
    expect(chat.session?.paso).toBe('direccion');
  });

  it('below the minimum: says how much is missing and shows the cart', () => {
    const chat = new Chat({ domicilios: DOMICILIOS });
    chat.say('1 perro caliente');
    chat.say('confirmar');
    const reply = chat.say('Carrera 7 # 45-10, Chapinero');
    expect(reply).toContain('te faltan *$8.000*');
    expect(chat.session?.paso).toBe('ordenando');
  });

  it('a pin inside a zone by distance', () => {
    const chat = new Chat({ domicilios: DOMICILIOS });
    ready(chat);
    const reply = textOf(chat.input({ kind: 'location', latitude: 4.66, longitude: -74.06 }));
    expect(reply).toContain('Domicilio (Cerca) — $4.000');
    chat.say('3001234567');
    expect(chat.effect('create_order').draft).toMatchObject({ domicilio: 4000, total: 28000 });
  });
});

describe('customers who come back (#16)', () => {
  const customer: CustomerProfile = { guardarDatos: true, direccion: 'Calle 80 #12-34', telefonoContacto: '3001112233', actualizado: 1 };

  it('consent: the first order asks; "Sí, guardar" is an effect the runner writes', () => {
    const chat = new Chat();
    chat.say('1 perro caliente');
    chat.say('confirmar');
    chat.say('Calle 80 #12-34');
    chat.say('3001234567');
    expect(chat.effect('create_order').draft.ofrecerGuardarDatos).toBe(true);
    expect(chat.tap('datos:si', 'Sí, guardar')).toContain('guardamos');
    expect(chat.last.effects).toEqual([{ kind: 'save_customer', guardar: true }]);
  });

  it('"Usar la misma dirección" sends the order to the saved address and phone in one tap', () => {
    const chat = new Chat({}, { customer });
    chat.say('1 perro caliente');
    chat.say('confirmar');
    expect(chat.buttons()).toContain('addr:same');
    chat.tap('addr:same', 'Usar la misma dirección');
    expect(chat.effect('create_order').draft).toMatchObject({ direccion: 'Calle 80 #12-34', telefonoContacto: '3001112233' });
    expect(chat.effect('create_order').draft.ofrecerGuardarDatos).toBeUndefined();
  });

  it('greets a returning customer with "Repetir mi pedido", which fills the cart in one tap', () => {
    const lastOrder: LastOrder = { id: '1001', estado: 'entregado', total: 24000, timestamp: 1, items: [{ itemId: 'item-2', nombre: 'Perro caliente', cantidad: 2 }] };
    const chat = new Chat({}, { customer, lastOrder });
    chat.say('hola');
    expect(chat.buttons()).toContain('reorder');
    chat.tap('reorder', 'Repetir mi pedido');
    expect(chat.session?.carrito).toEqual([{ itemId: 'item-2', numero: '2', nombre: 'Perro caliente', precio: 12000, cantidad: 2 }]);
  });

  it('"olvidar mis datos" erases them', () => {
    const chat = new Chat({}, { customer });
    expect(chat.say('olvidar mis datos')).toContain('borramos');
    expect(chat.last.effects).toEqual([{ kind: 'forget_customer' }]);
  });

  it('"lo mismo de siempre" puts the available lines of the last order in the cart at today\'s prices', () => {
    const lastOrder: LastOrder = {
      id: '1001',
      estado: 'entregado',
      total: 40000,
      timestamp: 1,
      items: [
        { itemId: 'item-1', nombre: 'Hamburguesa', cantidad: 2, opciones: [{ grupo: 'Término', valor: 'Medio', precio: 0 }, { grupo: 'Adiciones', valor: 'Queso', precio: 1000 }], nota: 'sin cebolla' },
        { itemId: 'item-3', nombre: 'Coca Cola', cantidad: 1 },
      ],
    };
    const menu = MENU.map((item) => (item.itemId === 'item-3' ? { ...item, disponible: false } : item));
    const chat = new Chat({ menu }, { lastOrder });
    const reply = chat.say('lo mismo de siempre');
    expect(reply).toContain('Hoy no tenemos: Coca Cola');
    expect(chat.session?.carrito).toEqual([
      {
        itemId: 'item-1',
        numero: '1',
        nombre: 'Hamburguesa',
        precio: 17000,
        cantidad: 2,
        opciones: [
          { grupo: 'Término', valor: 'Medio', precio: 0 },
          { grupo: 'Adiciones', valor: 'Queso', precio: 2000 },
        ],
        nota: 'sin cebolla',
      },
    ]);
  });
});

describe('staff handoff (#16)', () => {
  it('"hablar con alguien": the bot says a person answers, alerts the staff, then stays silent', () => {
    const chat = new Chat({ minutosInactividad: 30 });
    chat.say('1 perro caliente');
    expect(chat.say('quiero hablar con alguien')).toContain('una persona te responderá');
    expect(chat.last.effects).toEqual([{ kind: 'request_staff' }]);
    chat.say('hola?');
    expect(chat.last.replies).toEqual([]);
    expect(chat.session?.carrito).toHaveLength(1);
  });

  it('after the idle time without staff the bot is back and says so', () => {
    const chat = new Chat({ minutosInactividad: 30 });
    chat.say('asesor');
    chat.now += 31 * 60_000;
    const reply = chat.say('menu');
    expect(reply).toContain('El asistente automático está de vuelta');
    expect(reply).toContain('Coca Cola');
    expect(chat.session?.atencion).toBeUndefined();
  });

  it('a recent staff message keeps the bot silent past the idle time since the request', () => {
    const chat = new Chat({ minutosInactividad: 30 });
    chat.say('una persona');
    chat.now += 31 * 60_000;
    chat.session = { ...chat.session!, atencion: { desde: chat.session!.atencion!.desde, ultimoPersonal: chat.now - 60_000 } };
    chat.say('gracias');
    expect(chat.last.replies).toEqual([]);
  });
});
