import * as msg from '../../../server/conversation/messages.es-CO';
import { step } from '../../../server/conversation/step';
import type {
  CartLine,
  Effect,
  InboundInput,
  MenuItem,
  PaymentMethodOption,
  Reply,
  Session,
  TurnContext,
  TurnResult,
} from '../../../server/conversation/types';

// ---------------------------------------------------------------------------------------------
// WhatsApp limits, written out independently of the code under test
// (reference/whatsapp-cloud-api.md §5.4–5.7).

function limitViolations(reply: Reply): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  check(reply.body.trim().length > 0, 'empty body');
  if (reply.type === 'text') {
    check(reply.body.length <= 4096, `text body ${reply.body.length} > 4096`);
    return problems;
  }
  check(reply.body.length <= 1024, `${reply.type} body ${reply.body.length} > 1024`);
  if (reply.type === 'location_request') return problems;
  check(reply.header === undefined || (reply.header.length > 0 && reply.header.length <= 60), 'header > 60');
  check(reply.footer === undefined || (reply.footer.length > 0 && reply.footer.length <= 60), 'footer > 60');
  if (reply.type === 'buttons') {
    check(reply.buttons.length >= 1 && reply.buttons.length <= 3, `${reply.buttons.length} buttons`);
    check(new Set(reply.buttons.map((b) => b.id)).size === reply.buttons.length, 'duplicate button ids');
    check(new Set(reply.buttons.map((b) => b.title)).size === reply.buttons.length, 'duplicate button titles');
    for (const button of reply.buttons) {
      check(button.title.length >= 1 && button.title.length <= 20, `button title "${button.title}"`);
      check(button.id.length >= 1 && button.id.length <= 256, `button id "${button.id}"`);
    }
  }
  if (reply.type === 'list') {
    check(reply.button.length >= 1 && reply.button.length <= 20, `list button "${reply.button}"`);
    check(reply.sections.length >= 1 && reply.sections.length <= 10, `${reply.sections.length} sections`);
    const rows = reply.sections.flatMap((section) => section.rows);
    check(rows.length >= 1 && rows.length <= 10, `${rows.length} rows`);
    check(new Set(rows.map((row) => row.id)).size === rows.length, 'duplicate row ids');
    for (const section of reply.sections) {
      check(section.title.length >= 1 && section.title.length <= 24, `section title "${section.title}"`);
      check(section.rows.length >= 1, 'empty section');
    }
    for (const row of rows) {
      check(row.title.length >= 1 && row.title.length <= 24, `row title "${row.title}"`);
      check(row.description === undefined || row.description.length <= 72, `row description "${row.description}"`);
      check(row.id.length >= 1 && row.id.length <= 200, `row id "${row.id}"`);
    }
  }
  if (reply.type === 'cta_url') {
    check(reply.displayText.length >= 1 && reply.displayText.length <= 20, `display text "${reply.displayText}"`);
    check(/^https?:\/\//.test(reply.url), `url "${reply.url}"`);
  }
  return problems;
}

function expectRepliesFitWhatsApp(replies: readonly Reply[]): void {
  const violations = replies.flatMap((reply, i) => limitViolations(reply).map((problem) => `reply ${i} (${reply.type}): ${problem}`));
  expect(violations).toEqual([]);
}

/** RTDB rejects undefined values and cannot store functions; the runner writes these as-is. */
function expectStorable(value: unknown): void {
  expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  const walk = (node: unknown, path: string): void => {
    if (node === undefined) throw new Error(`undefined at ${path}`);
    if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, `${path}.${key}`);
  };
  walk(value, '$');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Fixtures

function item(numero: string, nombre: string, precio: number, categoria?: string, disponible = true): MenuItem {
  return { itemId: `item-${numero}`, numero, nombre, precio, disponible, ...(categoria ? { categoria } : {}) };
}

const MENU: MenuItem[] = [
  item('1', 'Hamburguesa', 15000, 'Platos'),
  item('2', 'Hamburguesa doble', 22000, 'Platos'),
  item('3', 'Coca Cola', 3000, 'Bebidas'),
  item('4', 'Coca Cola Zero', 3500, 'Bebidas'),
  item('5', 'Agua', 2500),
  item('6', 'Malteada', 9000, 'Bebidas', false),
  item('7', 'Bandeja familiar', 100000, 'Platos'),
];

const METHODS: PaymentMethodOption[] = [
  { id: 'wompi', label: 'Wompi (Tarjeta, Nequi, PSE)' },
  { id: 'bold', label: 'Bold (Tarjeta)' },
  { id: 'efectivo', label: 'Efectivo contra entrega' },
];

const TTL_MS = 30 * 60 * 1000;
const START = 1_750_000_000_000;
const WA_ID = '573001234567';

interface ChatOptions {
  menu?: MenuItem[];
  methods?: PaymentMethodOption[];
  waId?: string;
  session?: Session | null;
  now?: number;
}

/** Drives step() like the runner does, checking every turn's invariants as it goes. */
class Chat {
  session: Session | null;
  now: number;
  pendingPaymentStatus: TurnContext['pendingPaymentStatus'];
  menu: MenuItem[];
  methods: PaymentMethodOption[];
  readonly waId: string;
  readonly results: TurnResult[] = [];
  private references = 0;

  constructor(options: ChatOptions = {}) {
    this.session = options.session ?? null;
    this.now = options.now ?? START;
    this.menu = options.menu ?? MENU;
    this.methods = options.methods ?? [];
    this.waId = options.waId ?? WA_ID;
  }

  context(): TurnContext {
    return {
      tenant: { tenantId: 'rest123', restaurantName: 'La Hamburguesería', menu: this.menu, paymentMethods: this.methods },
      waId: this.waId,
      profileName: 'Ana',
      now: this.now,
      sessionTtlMs: TTL_MS,
      newPaymentReference: () => `rest123_${this.now}_ref${++this.references}`,
      ...(this.pendingPaymentStatus ? { pendingPaymentStatus: this.pendingPaymentStatus } : {}),
    };
  }

  input(input: InboundInput): TurnResult {
    this.now += 1000;
    const before = this.session === null ? null : deepFreeze(structuredClone(this.session));
    const result = step(before, input, this.context());
    expect(result.replies.length).toBeGreaterThanOrEqual(1);
    expectRepliesFitWhatsApp(result.replies);
    expectStorable(result.session);
    expectStorable(result.effects);
    expect(result.session.actualizado).toBe(this.now);
    this.session = result.session;
    this.results.push(result);
    return result;
  }

  say(text: string): TurnResult {
    return this.input({ kind: 'text', text });
  }

  tap(id: string, title = id): TurnResult {
    return this.input({ kind: 'choice', id, title });
  }

  get paso(): Session['paso'] | undefined {
    return this.session?.paso;
  }
}

/** Everything the customer would read in a turn, buttons and rows included. */
function allText(result: TurnResult): string {
  return result.replies
    .map((reply) => {
      const extra =
        reply.type === 'buttons'
          ? reply.buttons.map((b) => b.title)
          : reply.type === 'list'
            ? reply.sections.flatMap((s) => [s.title, ...s.rows.flatMap((r) => [r.title, r.description ?? ''])])
            : [];
      return [reply.body, ...extra].join('\n');
    })
    .join('\n---\n');
}

function buttonIds(result: TurnResult): string[] {
  return result.replies.flatMap((reply) => (reply.type === 'buttons' ? reply.buttons.map((b) => b.id) : []));
}

function onlyEffect<K extends Effect['kind']>(result: TurnResult, kind: K): Extract<Effect, { kind: K }> {
  expect(result.effects).toHaveLength(1);
  const [effect] = result.effects;
  if (effect?.kind !== kind) throw new Error(`expected ${kind}, got ${effect?.kind}`);
  return effect as Extract<Effect, { kind: K }>;
}

const CART: CartLine[] = [
  { itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 },
  { itemId: 'item-3', numero: '3', nombre: 'Coca Cola', precio: 3000, cantidad: 1 },
];

/** A session already at `paso`, with the seed's cart, address and phone as far as that step needs. */
function sessionAt(paso: Session['paso'], now = START): Session {
  const base: Session = { paso, carrito: paso === 'inicio' ? [] : CART.map((line) => ({ ...line })), actualizado: now };
  if (paso === 'telefono' || paso === 'metodo_pago' || paso === 'esperando_pago') base.direccion = 'Calle 80 #12-34';
  if (paso === 'metodo_pago' || paso === 'esperando_pago') base.telefonoContacto = '3001234567';
  if (paso === 'esperando_pago') base.pagoPendiente = { referencia: 'rest123_1_old', gateway: 'wompi' };
  return base;
}

function chatAt(paso: Session['paso'], options: ChatOptions = {}): Chat {
  return new Chat({ methods: METHODS, ...options, session: sessionAt(paso, options.now ?? START) });
}

/** Runs the seed's order up to the phone step. */
function orderUpToPhone(chat: Chat): void {
  chat.say('Quiero 2 hamburguesas y 1 coca cola');
  chat.say('S');
  chat.say('Calle 80 #12-34');
}

// ---------------------------------------------------------------------------------------------

describe('step: the seed example end to end', () => {
  it('takes "Quiero 2 hamburguesas y 1 coca cola" to an order of $33.000 when payments are off', () => {
    const chat = new Chat({ methods: [] });

    const added = chat.say('Quiero 2 hamburguesas y 1 coca cola');
    expect(chat.paso).toBe('ordenando');
    expect(allText(added)).toContain('2 x Hamburguesa — $30.000');
    expect(allText(added)).toContain('1 x Coca Cola — $3.000');
    expect(allText(added)).toContain('$33.000');
    expect(buttonIds(added)).toEqual(['order:confirm', 'menu', 'cart:clear']);

    const confirmed = chat.say('S');
    expect(chat.paso).toBe('direccion');
    expect(allText(confirmed)).toContain('Calle 80 #12-34, apto 501');

    const address = chat.say('Calle 80 #12-34');
    expect(chat.paso).toBe('telefono');
    expect(buttonIds(address)).toEqual(['phone:self']);

    const phone = chat.say('300 123 4567');
    const effect = onlyEffect(phone, 'create_order');
    expect(effect).toEqual({
      kind: 'create_order',
      pago: 'sin_pago',
      draft: {
        items: [
          { itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 },
          { itemId: 'item-3', numero: '3', nombre: 'Coca Cola', precio: 3000, cantidad: 1 },
        ],
        total: 33000,
        direccion: 'Calle 80 #12-34',
        telefonoContacto: '3001234567',
        // A first order (no saved data): the confirmation asks whether to remember them (#16).
        ofrecerGuardarDatos: true,
      },
    });
    expect(chat.session).toEqual({ paso: 'inicio', carrito: [], actualizado: chat.now });
    // The runner sends the confirmation with the order id; step only says it is on its way.
    expect(allText(phone)).not.toMatch(/confirmado/i);
  });
});

describe('step: payments', () => {
  it('offers the methods after the phone, with the total, as numbered text and a list of pay:<id> rows', () => {
    const chat = new Chat({ methods: METHODS });
    orderUpToPhone(chat);
    const methods = chat.say('3001234567');
    expect(chat.paso).toBe('metodo_pago');
    expect(chat.session?.telefonoContacto).toBe('3001234567');
    const text = allText(methods);
    expect(text).toContain('$33.000');
    expect(text).toContain('1. Wompi (Tarjeta, Nequi, PSE)');
    expect(text).toContain('3. Efectivo contra entrega');
    const list = methods.replies.find((reply) => reply.type === 'list');
    if (list?.type !== 'list') throw new Error('expected a list');
    expect(list.sections.flatMap((s) => s.rows.map((r) => r.id))).toEqual(['pay:wompi', 'pay:bold', 'pay:efectivo']);
  });

  it('creates a payment with a reference from the context when a gateway is chosen by number', () => {
    const chat = new Chat({ methods: METHODS });
    orderUpToPhone(chat);
    chat.say('3001234567');
    const chosen = chat.say('1');
    const effect = onlyEffect(chosen, 'create_payment');
    expect(effect.gateway).toBe('wompi');
    expect(effect.referencia).toBe(`rest123_${chat.now}_ref1`);
    expect(effect.reemplaza).toBeUndefined();
    expect(effect.draft.total).toBe(33000);
    expect(effect.draft.items.map((line) => line.cantidad)).toEqual([2, 1]);
    expect(chat.session).toMatchObject({ paso: 'esperando_pago', pagoPendiente: { referencia: effect.referencia, gateway: 'wompi' } });
  });

  it.each([
    ['the list row', { kind: 'choice', id: 'pay:bold', title: 'Bold' }],
    ['the name', { kind: 'text', text: 'con bold' }],
    ['the number word', { kind: 'text', text: 'la dos' }],
  ] as Array<[string, InboundInput]>)('accepts a method chosen by %s', (_how, input) => {
    const chat = chatAt('metodo_pago');
    expect(onlyEffect(chat.input(input), 'create_payment').gateway).toBe('bold');
  });

  it('re-asks with the list when the answer is not a method', () => {
    const chat = chatAt('metodo_pago');
    for (const text of ['9', 'tarjeta', 'bitcoin', 'si']) {
      const result = chat.say(text);
      expect(result.effects).toEqual([]);
      expect(chat.paso).toBe('metodo_pago');
      expect(allText(result)).toContain('Opción no válida');
    }
  });

  it('creates a cash-on-delivery order for "efectivo" and starts over', () => {
    const chat = chatAt('metodo_pago');
    const result = chat.say('efectivo');
    const effect = onlyEffect(result, 'create_order');
    expect(effect.pago).toBe('contraentrega');
    expect(effect.reemplaza).toBeUndefined();
    expect(effect.draft.total).toBe(33000);
    expect(chat.session).toEqual({ paso: 'inicio', carrito: [], actualizado: chat.now });
  });

  it('goes straight to the order if the owner turned payments off while the customer was choosing', () => {
    const chat = chatAt('metodo_pago', { methods: [] });
    expect(onlyEffect(chat.say('1'), 'create_order').pago).toBe('sin_pago');
  });
});

describe('step: waiting for the payment', () => {
  it.each([['cambiar método'], ['cambiar metodo'], ['otro método'], ['Cambiar método de pago por favor']])(
    '"%s" shows the methods again and a new choice replaces the pending link',
    (text) => {
      const chat = chatAt('esperando_pago');
      const list = chat.say(text);
      expect(chat.paso).toBe('metodo_pago');
      expect(allText(list)).toContain('Selecciona tu método de pago');
      const effect = onlyEffect(chat.tap('pay:bold'), 'create_payment');
      expect(effect.gateway).toBe('bold');
      expect(effect.reemplaza).toBe('rest123_1_old');
      expect(effect.referencia).not.toBe('rest123_1_old');
      expect(chat.session?.pagoPendiente).toEqual({ referencia: effect.referencia, gateway: 'bold' });
    },
  );

  it('accepts the pay:change button', () => {
    const chat = chatAt('esperando_pago');
    chat.tap('pay:change', 'Cambiar método');
    expect(chat.paso).toBe('metodo_pago');
  });

  it('replaces the pending link when a method row is tapped straight from a rejection message', () => {
    const chat = chatAt('esperando_pago');
    chat.pendingPaymentStatus = 'rechazado';
    const effect = onlyEffect(chat.tap('pay:wompi'), 'create_payment');
    expect(effect.reemplaza).toBe('rest123_1_old');
  });

  it('marks a switch to cash as replacing the pending link', () => {
    const chat = chatAt('esperando_pago');
    chat.say('cambiar método');
    const effect = onlyEffect(chat.say('3'), 'create_order');
    expect(effect).toMatchObject({ pago: 'contraentrega', reemplaza: 'rest123_1_old' });
  });

  it('answers anything else with a reminder and the change/cancel buttons', () => {
    const chat = chatAt('esperando_pago');
    for (const text of ['hola?', '2 hamburguesas', 'ya pagué', 'confirmar']) {
      const result = chat.say(text);
      expect(result.effects).toEqual([]);
      expect(chat.paso).toBe('esperando_pago');
      expect(buttonIds(result)).toEqual(['pay:change', 'order:cancel']);
    }
  });

  it('shows the menu for reading only and keeps waiting', () => {
    const chat = chatAt('esperando_pago');
    const result = chat.say('menu');
    expect(chat.paso).toBe('esperando_pago');
    expect(result.replies.some((reply) => reply.type === 'list')).toBe(false);
    expect(allText(result)).toContain('Hamburguesa — $15.000');
    expect(allText(result)).toContain('pago pendiente');
  });

  it('"cancelar" resets and tells the customer not to use the link', () => {
    const chat = chatAt('esperando_pago');
    const result = chat.say('cancelar');
    expect(result.effects).toEqual([]);
    expect(chat.session).toEqual({ paso: 'inicio', carrito: [], actualizado: chat.now });
    expect(allText(result)).toContain('no uses el enlace de pago');
  });

  it('starts a fresh conversation once the runner reports the payment completed', () => {
    const chat = chatAt('esperando_pago');
    chat.pendingPaymentStatus = 'completado';
    const result = chat.say('gracias');
    expect(chat.session).toEqual({ paso: 'inicio', carrito: [], actualizado: chat.now });
    expect(allText(result)).not.toContain('pendiente');
  });

  it('says the link expired and offers a new one when the runner reports it expired', () => {
    const chat = chatAt('esperando_pago');
    chat.pendingPaymentStatus = 'expirado';
    const result = chat.say('hola');
    expect(allText(result)).toContain('expiró');
    expect(buttonIds(result)).toContain('pay:change');
    chat.tap('pay:change');
    expect(onlyEffect(chat.say('1'), 'create_payment').reemplaza).toBe('rest123_1_old');
  });

  it('mentions the declined attempt when the runner reports a rejection', () => {
    const chat = chatAt('esperando_pago');
    chat.pendingPaymentStatus = 'rechazado';
    expect(allText(chat.say('y entonces?'))).toContain('rechazado');
  });

  it('refuses to make a second link while a person reviews the payment', () => {
    const chat = chatAt('esperando_pago');
    chat.pendingPaymentStatus = 'fraude_detectado';
    for (const input of [{ kind: 'text', text: 'cambiar método' }, { kind: 'choice', id: 'pay:bold', title: 'Bold' }] as InboundInput[]) {
      const result = chat.input(input);
      expect(result.effects).toEqual([]);
      expect(allText(result)).toContain('revisando tu pago');
    }
  });
});

describe('step: sessions', () => {
  it('greets a new customer with the menu and does not mention an expired conversation', () => {
    const chat = new Chat();
    const result = chat.say('Hola');
    expect(allText(result)).toContain('Bienvenido a *La Hamburguesería*');
    expect(allText(result)).not.toContain('expiró');
  });

  it('starts over after the TTL and says so in one line before answering normally', () => {
    const chat = chatAt('telefono', { now: START - TTL_MS - 1000 });
    chat.now = START;
    const result = chat.say('hola');
    expect(result.replies[0]).toEqual(msg.sessionExpired({ hadPendingPayment: false }));
    expect(result.replies[0]?.body.split('\n')).toHaveLength(1);
    expect(allText(result)).toContain('Menú de La Hamburguesería');
    expect(chat.session).toEqual({ paso: 'inicio', carrito: [], actualizado: chat.now });
  });

  it('does not expire a session idle for exactly the TTL', () => {
    const chat = chatAt('ordenando', { now: START - TTL_MS });
    // Chat.input advances the clock by 1 s, so the gap is exactly the TTL.
    chat.now = START - 1000;
    const result = chat.say('carrito');
    expect(allText(result)).not.toContain('expiró');
    expect(chat.session?.carrito).toHaveLength(2);
  });

  it('does not announce expiry of a session that held nothing', () => {
    const chat = new Chat({ session: { paso: 'inicio', carrito: [], actualizado: START - 10 * TTL_MS } });
    expect(allText(chat.say('hola'))).not.toContain('expiró');
  });

  it('mentions a possibly paid link when an expired session was waiting for a payment', () => {
    const chat = chatAt('esperando_pago', { now: START - 2 * TTL_MS });
    chat.now = START;
    expect(allText(chat.say('hola'))).toContain('Si ya pagaste');
  });

  it('accepts a session read back from RTDB without its empty cart', () => {
    const chat = new Chat({ session: { paso: 'inicio', actualizado: START } as unknown as Session });
    chat.say('1');
    expect(chat.session?.carrito).toHaveLength(1);
  });

  it('is deterministic and does not mutate the session it is given', () => {
    const session = deepFreeze(sessionAt('metodo_pago'));
    const ctx: TurnContext = { ...new Chat({ methods: METHODS }).context(), newPaymentReference: () => 'rest123_fixed' };
    const first = step(session, { kind: 'text', text: '1' }, ctx);
    const second = step(session, { kind: 'text', text: '1' }, ctx);
    expect(second).toEqual(first);
  });
});

describe('step: menu', () => {
  it('numbers available items by categoria, puts uncategorized ones under "Otros", and formats prices', () => {
    const chat = new Chat();
    const result = chat.say('menú');
    const text = result.replies[0]?.body ?? '';
    expect(text).toMatch(/\*Platos\*\n\*1\.\* Hamburguesa — \$15\.000\n\*2\.\* Hamburguesa doble — \$22\.000/);
    expect(text).toMatch(/\*Otros\*\n\*5\.\* Agua — \$2\.500/);
    // "*2 x 1*" read as a 2-for-1 offer (#14): the example names products instead.
    expect(text).toContain('Escribe lo que quieres, p. ej. *2 hamburguesas y 1 coca cola*, o el número del producto');
    expect(text).not.toContain('2 x 1');
    expect(text).not.toContain('Malteada');
  });

  it('also sends a list whose rows add one unit', () => {
    const chat = new Chat();
    const menu = chat.say('carta');
    const list = menu.replies.find((reply) => reply.type === 'list');
    if (list?.type !== 'list') throw new Error('expected a list');
    const rows = list.sections.flatMap((section) => section.rows);
    expect(rows.map((row) => row.id)).toEqual(['item-1', 'item-2', 'item-7', 'item-3', 'item-4', 'item-5'].map((id) => `item:${id}`));
    expect(list.sections.map((section) => section.title)).toEqual(['Platos', 'Bebidas', 'Otros']);

    chat.tap('item:item-2', '2. Hamburguesa doble');
    chat.tap('item:item-2', '2. Hamburguesa doble');
    expect(chat.session?.carrito).toEqual([{ itemId: 'item-2', numero: '2', nombre: 'Hamburguesa doble', precio: 22000, cantidad: 2 }]);
  });

  it('offers a category list when more than 10 items are available, then that category\'s items page by page (#14)', () => {
    const big = Array.from({ length: 120 }, (_, i) => item(String(i + 1), `Plato especial de la casa número ${i + 1} con acompañamientos`, 10000 + i, `Categoría ${i % 7}`));
    const chat = new Chat({ menu: big });
    const result = chat.say('menu');
    expect(result.replies.length).toBeGreaterThan(1);
    expect(allText(result)).toContain('*120.* Plato especial de la casa número 120');
    const list = result.replies.find((reply) => reply.type === 'list');
    if (list?.type !== 'list') throw new Error('expected a category list');
    expect(list.sections.flatMap((section) => section.rows.map((row) => row.title))).toEqual(Array.from({ length: 7 }, (_, i) => `Categoría ${i}`));
    // Category 0 has 18 items: 9 per page plus "Ver más…".
    const first = chat.tap('cat:Categoría 0', 'Categoría 0');
    const page = first.replies[0];
    if (page?.type !== 'list') throw new Error('expected the category items');
    const rows = page.sections.flatMap((section) => section.rows);
    expect(rows).toHaveLength(10);
    expect(rows[9]?.title).toBe('Ver más…');
    const second = chat.tap(rows[9]!.id, 'Ver más…');
    const more = second.replies[0];
    if (more?.type !== 'list') throw new Error('expected the second page');
    expect(more.sections[0]?.rows).toHaveLength(9);
    chat.tap(rows[0]!.id, rows[0]!.title);
    expect(chat.session?.carrito).toEqual([expect.objectContaining({ itemId: 'item-1', cantidad: 1 })]);
  });

  it('keeps row and section titles inside the limits for long names', () => {
    const long = [
      item('1', 'Hamburguesa triple con tocineta, queso cheddar y cebolla caramelizada', 32000, 'Hamburguesas artesanales de la casa'),
      item('2', 'Limonada de coco', 8000),
    ];
    new Chat({ menu: long }).say('hola');
  });

  it('says when nothing is available', () => {
    const result = new Chat({ menu: [item('1', 'Hamburguesa', 15000, 'Platos', false)] }).say('menu');
    expect(allText(result)).toContain('no tenemos productos disponibles');
  });

  it('answers a price question with that item\'s price and offers to add it (#14)', () => {
    const chat = new Chat();
    const text = allText(chat.say('¿cuánto cuesta la hamburguesa?'));
    expect(text).toContain('*Hamburguesa* cuesta $15.000');
    expect(text).not.toContain('Coca Cola');
    chat.say('si');
    expect(chat.session?.carrito).toEqual([expect.objectContaining({ itemId: 'item-1', cantidad: 1 })]);
  });

  it('answers a price question without an item with the menu', () => {
    expect(allText(new Chat().say('¿cuánto cuesta?'))).toContain('Hamburguesa — $15.000');
  });
});

describe('step: cart', () => {
  it('shows quantity × unit price, the line amount and the total', () => {
    const chat = chatAt('ordenando');
    const text = allText(chat.say('ver carrito'));
    expect(text).toContain('2 x Hamburguesa — $30.000 ($15.000 c/u)');
    expect(text).toContain('1 x Coca Cola — $3.000');
    expect(text).toContain('*Total: $33.000*');
  });

  it.each([['carrito'], ['ver'], ['mi pedido']])('"%s" shows the cart', (text) => {
    expect(allText(chatAt('ordenando').say(text))).toContain('*Total: $33.000*');
  });

  it('"quitar 1" removes the line of item number 1', () => {
    const chat = chatAt('ordenando');
    chat.say('quitar 1');
    expect(chat.session?.carrito.map((line) => line.nombre)).toEqual(['Coca Cola']);
  });

  it('"quitar hamburguesa" removes the line and "quitar 1 hamburguesa" reduces it', () => {
    const whole = chatAt('ordenando');
    whole.say('quitar hamburguesa');
    expect(whole.session?.carrito.map((line) => line.nombre)).toEqual(['Coca Cola']);

    const one = chatAt('ordenando');
    const result = one.say('quitar 1 hamburguesa');
    expect(one.session?.carrito.find((line) => line.nombre === 'Hamburguesa')?.cantidad).toBe(1);
    expect(allText(result)).toContain('*Total: $18.000*');
  });

  it('says what is not in the cart', () => {
    const chat = chatAt('ordenando');
    const result = chat.say('quitar agua');
    expect(allText(result)).toContain('No tienes *agua* en tu pedido');
    expect(chat.session?.carrito).toHaveLength(2);
  });

  it('back to inicio when the last line is removed', () => {
    const chat = chatAt('ordenando');
    chat.say('quitar 1');
    const result = chat.say('quitar coca cola');
    expect(chat.paso).toBe('inicio');
    expect(allText(result)).toContain('carrito quedó vacío');
  });

  it.each([['vaciar'], ['borrar todo']])('"%s" asks first, and "sí" empties the cart (#14)', (text) => {
    const chat = chatAt('ordenando');
    expect(allText(chat.say(text))).toContain('¿Vacío tu carrito?');
    expect(chat.session?.carrito).toHaveLength(2);
    chat.say('si');
    expect(chat.session).toMatchObject({ paso: 'inicio', carrito: [] });
  });

  it('the Vaciar button asks; "Sí, vaciar" empties, "No, seguir" keeps the cart (#14)', () => {
    const chat = chatAt('ordenando');
    expect(buttonIds(chat.tap('cart:clear', 'Vaciar'))).toEqual(['cart:clear:yes', 'q:no']);
    chat.tap('q:no', 'No, seguir');
    expect(chat.session?.carrito).toHaveLength(2);
    chat.tap('cart:clear', 'Vaciar');
    chat.tap('cart:clear:yes', 'Sí, vaciar');
    expect(chat.session?.carrito).toEqual([]);
  });

  it('adds clear parts and lists the rest', () => {
    const chat = new Chat();
    const result = chat.say('2 hamburguesas, una pizza y coca');
    // "coca" is Coca Cola, the plain item over its Zero variant (#14).
    expect(chat.session?.carrito).toEqual([
      { itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 },
      { itemId: 'item-3', numero: '3', nombre: 'Coca Cola', precio: 3000, cantidad: 1 },
    ]);
    const text = allText(result);
    expect(text).toContain('Agregué: 2 x Hamburguesa, 1 x Coca Cola');
    expect(text).toContain('No encontré *pizza*');
  });

  it('refuses an unavailable item', () => {
    const chat = new Chat();
    const result = chat.say('una malteada');
    expect(chat.session?.carrito).toEqual([]);
    expect(allText(result)).toContain('*Malteada* no está disponible');
  });

  it('refuses a huge quantity politely and adds nothing', () => {
    const chat = new Chat();
    const result = chat.say('1000000 hamburguesas');
    expect(chat.session?.carrito).toEqual([]);
    expect(allText(result)).toContain('de 1 a 50 unidades');
  });

  it('refuses to pass 50 units of one product across messages', () => {
    const chat = new Chat();
    chat.say('50 hamburguesas');
    const result = chat.say('1 hamburguesa');
    expect(chat.session?.carrito[0]?.cantidad).toBe(50);
    expect(allText(result)).toContain('ya tienes 50 y el máximo es 50');
  });

  it('refuses to pass the order total cap', () => {
    const chat = new Chat();
    chat.say('20 x 7');
    const result = chat.say('1 x 7');
    expect(chat.session?.carrito[0]?.cantidad).toBe(20);
    expect(allText(result)).toContain('superaría el máximo de $2.000.000');
  });
});

describe('step: confirming', () => {
  it.each([['confirmar'], ['Confirmar pedido'], ['sí'], ['si'], ['s'], ['listo']])('"%s" right after the cart summary asks the address', (text) => {
    const chat = new Chat();
    chat.say('2 x 1');
    chat.say(text);
    expect(chat.paso).toBe('direccion');
  });

  it('the Confirmar pedido button asks the address', () => {
    const chat = new Chat();
    chat.say('2 x 1');
    chat.tap('order:confirm', 'Confirmar pedido');
    expect(chat.paso).toBe('direccion');
  });

  it('"sí" after something other than the cart shows the cart and asks first', () => {
    const chat = new Chat();
    chat.say('2 x 1');
    chat.say('menu');
    const result = chat.say('si');
    expect(chat.paso).toBe('ordenando');
    expect(allText(result)).toContain('¿Confirmas tu pedido?');
    chat.say('si');
    expect(chat.paso).toBe('direccion');
  });

  it('says the cart is empty and how to add items', () => {
    const chat = new Chat();
    const result = chat.say('confirmar');
    expect(chat.paso).toBe('inicio');
    expect(allText(result)).toContain('Tu carrito está vacío');
    expect(allText(result)).toContain('*2 hamburguesas y 1 coca cola*');
  });

  it('re-checks the cart against the menu before asking the address', () => {
    const chat = chatAt('ordenando');
    chat.menu = MENU.map((entry) => (entry.itemId === 'item-3' ? { ...entry, disponible: false } : entry));
    const result = chat.say('confirmar');
    expect(chat.paso).toBe('ordenando');
    expect(chat.session?.carrito.map((line) => line.nombre)).toEqual(['Hamburguesa']);
    expect(allText(result)).toContain('*Coca Cola* ya no está disponible');
  });
});

describe('step: address', () => {
  it.each([['Calle 80 #12-34, apto 501'], ['Carrera 7 # 45-10, Chapinero'], ['Cra 7 #45-10'], ['Barrio La Soledad casa azul'], ['Vereda El Salitre finca Los Pinos']])(
    'accepts %j',
    (address) => {
      const chat = chatAt('direccion');
      chat.say(address);
      expect(chat.session).toMatchObject({ paso: 'telefono', direccion: address });
    },
  );

  it.each([['hola'], ['Chapinero'], ['123456'], ['#12-3'], ['🏠🏠🏠'], ['ok'], ['si'], ['buenas tardes'], ['  ']])('re-asks with examples for %j', (address) => {
    const chat = chatAt('direccion');
    const result = chat.say(address);
    expect(chat.paso).toBe('direccion');
    expect(chat.session?.direccion).toBeUndefined();
    expect(allText(result)).toMatch(/Calle 80 #12-34, apto 501[\s\S]*Carrera 7 # 45-10, Chapinero/);
  });

  it('refuses an address over 300 characters', () => {
    const chat = chatAt('direccion');
    chat.say(`Calle 80 #12-34 ${'muy lejos '.repeat(40)}`);
    expect(chat.paso).toBe('direccion');
  });

  it('accepts a location pin, using its name and address', () => {
    const chat = chatAt('direccion');
    chat.input({ kind: 'location', latitude: 4.6486, longitude: -74.0628, name: 'Oficina', address: 'Calle 93 #11-20' });
    expect(chat.session).toMatchObject({
      paso: 'telefono',
      direccion: 'Oficina, Calle 93 #11-20',
      ubicacion: { latitud: 4.6486, longitud: -74.0628, nombre: 'Oficina', direccion: 'Calle 93 #11-20' },
    });
  });

  it('labels a bare pin with its coordinates and passes it to the order', () => {
    const chat = chatAt('direccion', { methods: [] });
    chat.input({ kind: 'location', latitude: 4.65, longitude: -74.05 });
    expect(chat.session?.direccion).toBe('Ubicación compartida (4.65, -74.05)');
    expect(chat.session?.ubicacion).toEqual({ latitud: 4.65, longitud: -74.05 });
    const effect = onlyEffect(chat.say('3001234567'), 'create_order');
    expect(effect.draft.ubicacion).toEqual({ latitud: 4.65, longitud: -74.05 });
  });

  it('"menu" goes back to ordering with the cart kept', () => {
    const chat = chatAt('direccion');
    chat.say('menu');
    expect(chat.paso).toBe('ordenando');
    expect(chat.session?.carrito).toHaveLength(2);
  });
});

describe('step: phone', () => {
  it.each([['3001234567'], ['300 123 4567'], ['300-123-4567'], ['(300) 123.4567'], ['+57 300 123 4567'], ['0057 3001234567'], ['mi cel es 300 123 4567']])(
    'stores %j as the 10 digits',
    (phone) => {
      const chat = chatAt('telefono', { methods: [] });
      const effect = onlyEffect(chat.say(phone), 'create_order');
      expect(effect.draft.telefonoContacto).toBe('3001234567');
    },
  );

  it.each([['123'], ['abc'], ['601 234 5678'], ['300 123 456'], ['+1 300 123 4567'], ['3001234567 o 3109876543'], ['hola']])(
    'rejects %j with the examples',
    (phone) => {
      const chat = chatAt('telefono');
      const result = chat.say(phone);
      expect(chat.paso).toBe('telefono');
      expect(result.effects).toEqual([]);
      const text = allText(result);
      expect(text).toContain('Número de teléfono no válido');
      expect(text).toMatch(/3001234567[\s\S]*300 123 4567[\s\S]*300-123-4567/);
    },
  );

  it('"Usar este número" uses the WhatsApp number', () => {
    const chat = chatAt('telefono', { methods: [] });
    const effect = onlyEffect(chat.tap('phone:self', 'Usar este número'), 'create_order');
    expect(effect.draft.telefonoContacto).toBe('3001234567');
  });

  it('"el mismo" uses the WhatsApp number too', () => {
    const chat = chatAt('telefono');
    chat.say('el mismo');
    expect(chat.session).toMatchObject({ paso: 'metodo_pago', telefonoContacto: '3001234567' });
  });

  it('does not offer "Usar este número" to a non-Colombian number, and refuses the button', () => {
    const chat = chatAt('direccion', { waId: '14155550123' });
    expect(buttonIds(chat.say('Calle 80 #12-34'))).toEqual([]);
    chat.tap('phone:self');
    expect(chat.paso).toBe('telefono');
  });
});

describe('step: help, cancel and the unexpected', () => {
  const STEPS: Array<[Session['paso'], RegExp]> = [
    ['inicio', /menu[\s\S]*2 del 1[\s\S]*quitar/],
    ['ordenando', /carrito[\s\S]*confirmar[\s\S]*cancelar/],
    ['direccion', /dirección de entrega[\s\S]*ubicación/],
    ['telefono', /número de contacto[\s\S]*300 123 4567[\s\S]*Usar este número/],
    ['metodo_pago', /número o el nombre del método[\s\S]*Wompi/],
    ['esperando_pago', /cambiar método[\s\S]*cancelar/],
  ];

  it.each(STEPS)('"ayuda" in %s says what can be typed there and keeps the step', (paso, expected) => {
    const chat = chatAt(paso);
    const result = chat.say('ayuda');
    expect(allText(result)).toMatch(expected);
    expect(chat.paso).toBe(paso);
    expect(result.effects).toEqual([]);
  });

  it.each(['ordenando', 'direccion', 'telefono', 'metodo_pago'] as const)('"cancelar" in %s empties the cart and starts over', (paso) => {
    const chat = chatAt(paso);
    const result = chat.say('Cancelar');
    expect(chat.session).toEqual({ paso: 'inicio', carrito: [], actualizado: chat.now });
    expect(allText(result)).toContain('cancelamos tu pedido');
    expect(allText(result)).not.toContain('enlace');
  });

  it('"cancelar" with nothing going on says so', () => {
    expect(allText(new Chat().say('cancelar'))).toContain('No tienes un pedido en curso');
  });

  it.each(['inicio', 'ordenando', 'direccion', 'telefono', 'metodo_pago', 'esperando_pago'] as const)(
    'answers an image in %s with what the bot understands and re-asks the step',
    (paso) => {
      const chat = chatAt(paso);
      const before = structuredClone(chat.session);
      const result = chat.input({ kind: 'unsupported', type: 'image' });
      expect(result.replies[0]?.body).toMatch(/texto[\s\S]*botones[\s\S]*ubicación/);
      expect(result.replies.length).toBeGreaterThanOrEqual(2);
      expect(chat.paso).toBe(before?.paso);
      expect(chat.session?.carrito).toEqual(before?.carrito);
    },
  );

  it.each([['😀😀😀'], [''], ['   \n  '], ['🙏']])('politely re-asks on unreadable text %j', (text) => {
    const chat = chatAt('ordenando');
    const result = chat.say(text);
    expect(allText(result)).toContain('No pude leer tu mensaje');
    expect(chat.session?.carrito).toHaveLength(2);
  });

  it('copes with a very long message', () => {
    const chat = new Chat();
    const result = chat.say(`Quiero 2 hamburguesas ${'y bla '.repeat(2000)}`);
    expect(result.replies.length).toBeGreaterThanOrEqual(1);
    expect(chat.session?.carrito[0]).toMatchObject({ nombre: 'Hamburguesa', cantidad: 2 });
  });

  it('re-asks the current step after something unexpected', () => {
    const ordering = chatAt('ordenando');
    const result = ordering.say('jajaja');
    expect(allText(result)).toContain('No te entendí');
    expect(allText(result)).toContain('*Total: $33.000*');

    const phone = chatAt('telefono');
    phone.tap('order:confirm');
    expect(phone.paso).toBe('telefono');
  });

  it('a first message it cannot read gets the menu', () => {
    expect(allText(new Chat().say('buenas, quiero pedir'))).toContain('Menú de La Hamburguesería');
  });

  // Every step × a spread of inputs: each answer is non-empty, fits WhatsApp and is storable
  // (checked inside Chat.input).
  const INPUTS: InboundInput[] = [
    ...[
      'hola', 'menu', '1', '2 x 3', '3 de la 2', 'Quiero 2 hamburguesas y 1 coca cola', 'coca', 'pizza', '1000000 hamburguesas', '0 hamburguesas',
      'carrito', 'quitar 1', 'quitar', 'vaciar', 'confirmar', 'si', 'no', 'gracias', 'ayuda', 'cambiar método', 'el mismo',
      'Calle 80 #12-34', '300 123 4567', 'efectivo', '😀', '', 'x'.repeat(5000), '¿cuánto cuesta?', '*_~`', 'cancelar',
    ].map((text): InboundInput => ({ kind: 'text', text })),
    { kind: 'choice', id: 'item:item-1', title: '1. Hamburguesa' },
    { kind: 'choice', id: 'item:nope', title: '?' },
    { kind: 'choice', id: 'item:item-6', title: 'Malteada' },
    { kind: 'choice', id: 'order:confirm', title: 'Confirmar pedido' },
    { kind: 'choice', id: 'pay:wompi', title: 'Wompi' },
    { kind: 'choice', id: 'pay:payu', title: 'PayU' },
    { kind: 'choice', id: 'phone:self', title: 'Usar este número' },
    { kind: 'choice', id: 'unknown:thing', title: '?' },
    { kind: 'location', latitude: 4.65, longitude: -74.05 },
    { kind: 'location', latitude: Number.NaN, longitude: 500 },
    { kind: 'unsupported', type: 'sticker' },
  ];
  const PASOS = ['inicio', 'ordenando', 'direccion', 'telefono', 'metodo_pago', 'esperando_pago'] as const;

  it.each(PASOS)('answers every kind of input in %s', (paso) => {
    for (const methods of [METHODS, []]) {
      for (const input of INPUTS) chatAt(paso, { methods }).input(input);
    }
  });
});

describe('messages for the runner', () => {
  const link = {
    total: 33000,
    direccion: 'Calle 80 #12-34',
    telefonoContacto: '3001234567',
    url: 'https://pedidos.example.com/pay/rest123_1738281234_abc123',
    gatewayLabel: 'Wompi (Tarjeta, Nequi, PSE)',
  };

  it('paymentLink is a "Pagar ahora" button with total, address, phone and the kitchen notice', () => {
    const reply = msg.paymentLink(link);
    expect(reply).toMatchObject({ type: 'cta_url', displayText: 'Pagar ahora', url: link.url });
    expect(reply.body).toContain('$33.000');
    expect(reply.body).toContain('Calle 80 #12-34');
    expect(reply.body).toContain('3001234567');
    expect(reply.body).toContain('El pedido solo se enviará a la cocina después de validar tu pago.');
  });

  it('paymentLinkText carries the URL for clients without CTA buttons', () => {
    const reply = msg.paymentLinkText(link);
    expect(reply.type).toBe('text');
    expect(reply.body).toContain(link.url);
    expect(reply.body).toContain('El pedido solo se enviará a la cocina después de validar tu pago.');
  });

  it('paymentConfirmed follows the seed', () => {
    const reply = msg.paymentConfirmed({ pedidoId: 'A3F5B2', total: 33000, metodo: 'NEQUI' });
    expect(reply.body).toContain('¡Pago confirmado!');
    expect(reply.body).toContain('#A3F5B2');
    expect(reply.body).toContain('$33.000');
    expect(reply.body).toContain('Nequi');
    expect(reply.body).toContain('30-40 minutos');
  });

  it('orderConfirmed tells cash customers to have the money ready', () => {
    expect(msg.orderConfirmed({ pedidoId: 'A3F5B2', total: 33000, pago: 'contraentrega', estimatedTime: '30-40 minutos' }).body).toMatch(
      /#A3F5B2[\s\S]*efectivo[\s\S]*\$33\.000[\s\S]*30-40 minutos/,
    );
    expect(msg.orderConfirmed({ pedidoId: 'B1', total: 15000, pago: 'sin_pago' }).body).not.toContain('efectivo');
  });

  it('paymentRejected gives the reason and re-offers a method', () => {
    const reply = msg.paymentRejected({ motivo: 'Fondos insuficientes' });
    expect(reply.body).toContain('Fondos insuficientes');
    expect(reply.type === 'buttons' && reply.buttons.map((b) => b.id)).toEqual(['pay:change', 'order:cancel']);
    expect(msg.paymentRejected({ motivo: null }).body).toContain('No especificado');
  });

  it('paymentReminder carries the URL and the amount', () => {
    const reply = msg.paymentReminder({ url: link.url, total: 33000 });
    expect(reply.body).toContain(link.url);
    expect(reply.body).toContain('$33.000');
  });

  it('every runner message fits WhatsApp, even with long customer data', () => {
    const long = { ...link, direccion: 'Calle 80 #12-34 '.repeat(40), gatewayLabel: 'G'.repeat(200) };
    expectRepliesFitWhatsApp([
      msg.paymentLink(long),
      msg.paymentLinkText(long),
      msg.paymentConfirmed({ pedidoId: 'A3F5B2', total: 33000, metodo: null }),
      msg.orderConfirmed({ pedidoId: 'A3F5B2', total: 33000, pago: 'sin_pago' }),
      msg.paymentRejected({ motivo: 'x'.repeat(5000) }),
      msg.paymentUnderReview(),
      msg.paymentReminder({ url: link.url, total: 33000 }),
      msg.paymentExpired(),
      msg.sessionExpired(),
    ]);
  });
});
