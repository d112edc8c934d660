/**
 * Single-message orders written the way Colombian customers type on WhatsApp (#14), each sent as
 * the first message of a conversation through `step()`. Every phrase states the exact cart it
 * must produce, or that the bot must ask (and add nothing it was not sure of), or add nothing.
 *
 * Expected outcome notation:
 *   "2 hamburguesa; 1 coca cola [bien fria]"  the cart: quantity, lower-case name, [note]
 *   "asks"                                    nothing added, one question asked or a problem told
 *   "1 hamburguesa + asks"                    that cart, plus a question about the rest
 *   "nothing"                                 cart empty, no question about items (greetings…)
 */
import { step } from '../../../server/conversation/step';
import type { MenuItem, TurnContext } from '../../../server/conversation/types';
import { foldAccents } from '../../../server/conversation/text';

function item(numero: string, nombre: string, precio: number, categoria: string, alias?: string[]): MenuItem {
  return { itemId: `item-${numero}`, numero, nombre, precio, categoria, disponible: true, ...(alias ? { alias } : {}) };
}

// "asks" for a question about the menu ("¿tienen X?") means the answer ends in "¿Te agrego…?" and adds nothing.

/** The demo restaurant's menu, plus a second soda so "gaseosa" has a choice, and an owner alias. */
const MENU: MenuItem[] = [
  item('1', 'Hamburguesa', 15000, 'Platos'),
  item('2', 'Hamburguesa doble', 22000, 'Platos'),
  item('3', 'Perro caliente', 12000, 'Platos', ['hot dog']),
  item('4', 'Salchipapa', 14000, 'Platos'),
  item('5', 'Arepa rellena', 9000, 'Platos'),
  item('6', 'Papas fritas', 6000, 'Acompañamientos'),
  item('7', 'Patacones', 7000, 'Acompañamientos'),
  item('8', 'Empanadas', 6500, 'Acompañamientos'),
  item('9', 'Coca Cola', 3000, 'Bebidas'),
  item('10', 'Limonada de coco', 7000, 'Bebidas'),
  item('11', 'Jugo de mora', 5500, 'Bebidas'),
  item('12', 'Agua', 2500, 'Bebidas'),
  item('13', 'Postobón manzana', 3000, 'Bebidas', ['manzanita']),
];

function context(): TurnContext {
  return {
    tenant: { tenantId: 't1', restaurantName: 'La Hamburguesería', menu: MENU, paymentMethods: [] },
    waId: '573001234567',
    now: 1_700_000_000_000,
    sessionTtlMs: 3_600_000,
    newPaymentReference: () => 'ref',
  };
}

function outcome(phrase: string): string {
  const result = step(null, { kind: 'text', text: phrase }, context());
  const cart = result.session.carrito
    .map((line) => `${line.cantidad} ${foldAccents(line.nombre)}${line.nota ? ` [${line.nota}]` : ''}`)
    .join('; ');
  const text = result.replies.map((reply) => reply.body).join('\n');
  const asked = result.session.pregunta !== undefined || text.includes('Revisa esto') || text.includes('¿A qué producto');
  if (cart && asked) return `${cart} + asks`;
  if (cart) return cart;
  return asked ? 'asks' : 'nothing';
}

type Row = [phrase: string, expected: string];

const GROUPS: Record<string, Row[]> = {
  'plain orders': [
    ['Quiero 2 hamburguesas y 1 coca cola', '2 hamburguesa; 1 coca cola'],
    ['quiero pedir 2 hamburguesas y una coca cola porfa', '2 hamburguesa; 1 coca cola'],
    ['me regala una hamburguesa doble', '1 hamburguesa doble'],
    ['buenas tardes, me manda 3 perros calientes', '3 perro caliente'],
    ['hola vecino regalame 2 salchipapas y 2 aguas', '2 salchipapa; 2 agua'],
    ['1 arepa rellena y un jugo de mora', '1 arepa rellena; 1 jugo de mora'],
    ['dos hamburguesas dobles', '2 hamburguesa doble'],
    ['una limonada de coco', '1 limonada de coco'],
    ['unas papas fritas', '1 papas fritas'],
    ['4 empanadas', '4 empanadas'],
    ['3 patacones', '3 patacones'],
    ['me puede enviar 2 hamburguesas, 2 papas y 2 cocacolas', '2 hamburguesa; 2 papas fritas; 2 coca cola'],
    ['buenas noches quisiera 1 hamburguesa 1 papas fritas 1 coca cola', '1 hamburguesa; 1 papas fritas; 1 coca cola'],
    ['necesito 5 hamburguesas para una reunion', '5 hamburguesa [para una reunion]'],
    ['hola! 2 perros y 2 cocas 🙏', '2 perro caliente; 2 coca cola'],
    ['Quiero pedir una salchipapa', '1 salchipapa'],
    ['me das un agua', '1 agua'],
    ['dame 2 jugos de mora porfa', '2 jugo de mora'],
    ['2 hamburguesas 1 coca cola', '2 hamburguesa; 1 coca cola'],
    ['el 1 y el 9', '1 hamburguesa; 1 coca cola'],
    ['2 del 1 y 1 del 9', '2 hamburguesa; 1 coca cola'],
    ['3 de la 4', '3 salchipapa'],
    ['HAMBURGUESA DOBLE', '1 hamburguesa doble'],
    ['amburguesa', '1 hamburguesa'],
    ['2 hamburgesas', '2 hamburguesa'],
    ['perro calinte', '1 perro caliente'],
    ['salchipapaa', '1 salchipapa'],
    ['una limonada de cocco', '1 limonada de coco'],
    ['quiero una hamburguesa y una limonada de coco por favor', '1 hamburguesa; 1 limonada de coco'],
    ['regalame 2 hot dog', '2 perro caliente'],
    ['me manda 1 manzanita', '1 postobon manzana'],
    ['ola kiero 2 amburguesas', '2 hamburguesa'],
    ['pa pedir 2 perros y una coca', '2 perro caliente; 1 coca cola'],
    ['me regala 1 coca y 1 agua por fa', '1 coca cola; 1 agua'],
    ['quiero 1 hamburguesa doble y 1 sencilla', '1 hamburguesa doble; 1 hamburguesa'],
    ['una hamburguesa doble y otra normal', '1 hamburguesa doble; 1 hamburguesa'],
    ['una hamburguesa con papas', '1 hamburguesa; 1 papas fritas'],
    ['1 perro 1 hamburguesa 1 salchipapa', '1 perro caliente; 1 hamburguesa; 1 salchipapa'],
    ['Hola buenas noches, para pedir un domicilio: 2 hamburguesas y 2 cocas', '2 hamburguesa; 2 coca cola'],
    ['me mandas una hamburguesa? gracias', '1 hamburguesa'],
  ],
  'common words and aliases': [
    ['una coca', '1 coca cola'],
    ['2 cocas', '2 coca cola'],
    ['coca', '1 coca cola'],
    ['cocas x3', '3 coca cola'],
    ['una cocacola bien fria', '1 coca cola [bien fria]'],
    ['2 coca-colas', '2 coca cola'],
    ['una gaseosa', 'asks'],
    ['2 gaseosas', 'asks'],
    ['hamburguesa y gaseosa', '1 hamburguesa + asks'],
    ['un perro', '1 perro caliente'],
    ['2 perros', '2 perro caliente'],
    ['3 perritos', '3 perro caliente'],
    ['una salchi', '1 salchipapa'],
    ['2 salchis', '2 salchipapa'],
    ['una hamburguesa sencilla', '1 hamburguesa'],
    ['2 burger', '2 hamburguesa'],
    ['una postobon', '1 postobon manzana'],
    ['unas papitas', '1 papas fritas'],
    ['2 papas', '2 papas fritas'],
    ['una limonada', '1 limonada de coco'],
    ['un jugo', '1 jugo de mora'],
    ['3 aguitas', '3 agua'],
    ['2 empanaditas', '2 empanadas'],
    ['una arepa', '1 arepa rellena'],
    ['unos patacones', '1 patacones'],
    ['una doble', '1 hamburguesa doble'],
    ['2 dobles', '2 hamburguesa doble'],
    ['1 hotdog', '1 perro caliente'],
    ['una coca y una manzana', '1 coca cola; 1 postobon manzana'],
    ['2 coke', '2 coca cola'],
  ],
  'abbreviations and prefixes': [
    ['2 hamb', '2 hamburguesa'],
    ['2 hambur', '2 hamburguesa'],
    ['1 hamburg doble', '1 hamburguesa doble'],
    ['3 empas', '3 empanadas'],
    ['1 limo de coco', '1 limonada de coco'],
    ['2 limos', '2 limonada de coco'],
    ['1 salchip', '1 salchipapa'],
    ['2 pata', '2 patacones'],
    ['1 empa', '1 empanadas'],
    ['2 hamb y 2 cocas', '2 hamburguesa; 2 coca cola'],
    ['1 arep', '1 arepa rellena'],
    ['3 emp', '3 empanadas'],
    ['1 jug mora', '1 jugo de mora'],
    ['2 hamb dob', '2 hamburguesa doble'],
    ['4 perr', '4 perro caliente'],
  ],
  'counting words': [
    ['un par de hamburguesas', '2 hamburguesa'],
    ['un par de perros', '2 perro caliente'],
    ['par de cocas', '2 coca cola'],
    ['media docena de empanadas', '6 empanadas'],
    ['una docena de empanadas', '12 empanadas'],
    ['docena de empanadas', '12 empanadas'],
    ['doce empanadas', '12 empanadas'],
    ['once cocas', '11 coca cola'],
    ['quince empanadas', '15 empanadas'],
    ['veinte empanadas', '20 empanadas'],
    ['dieciocho empanadas', '18 empanadas'],
    ['veinticinco empanadas', '25 empanadas'],
    ['treinta y dos empanadas', '32 empanadas'],
    ['dos docenas de empanadas', '24 empanadas'],
    ['seis hamburguesas', '6 hamburguesa'],
    ['siete aguas', '7 agua'],
    ['ocho perros', '8 perro caliente'],
    ['nueve cocas', '9 coca cola'],
    ['diez salchipapas', '10 salchipapa'],
    ['trece patacones', '13 patacones'],
    ['x2 hamburguesas', '2 hamburguesa'],
    ['2x hamburguesa', '2 hamburguesa'],
    ['2 x hamburguesa', '2 hamburguesa'],
    ['un par de hamburguesas y media docena de empanadas', '2 hamburguesa; 6 empanadas'],
    ['2 unidades de papas fritas', '2 papas fritas'],
    ['dos porciones de patacones', '2 patacones'],
    ['otra coca', '1 coca cola'],
    ['una', 'asks'],
    ['dos', 'asks'],
    ['2 o 3 hamburguesas', 'asks'],
  ],
  'zero and negative quantities': [
    ['-5 hamburguesas', 'asks'],
    ['-2 cocas', 'asks'],
    ['menos 3 perros', 'asks'],
    ['0 hamburguesas', 'asks'],
    ['cero hamburguesas', 'asks'],
    ['hamburguesa x0', 'asks'],
    ['1000000 hamburguesas', 'asks'],
    ['51 cocas', 'asks'],
    ['hamburguesa -2', 'asks'],
    ['coca x -1', 'asks'],
  ],
  'notes after the product': [
    ['2 perros sin salsa', '2 perro caliente [sin salsa]'],
    ['una coca bien fria', '1 coca cola [bien fria]'],
    ['2 hamburguesas para llevar', '2 hamburguesa [para llevar]'],
    ['una hamburguesa sin cebolla', '1 hamburguesa [sin cebolla]'],
    ['hamburguesa sin cebolla y sin tomate', '1 hamburguesa [sin cebolla, sin tomate]'],
    ['1 perro con todo', '1 perro caliente [con todo]'],
    ['2 hamburguesas con queso', '2 hamburguesa [con queso]'],
    ['una salchipapa con poca salsa', '1 salchipapa [con poca salsa]'],
    ['una limonada de coco sin azucar', '1 limonada de coco [sin azucar]'],
    ['agua sin gas', '1 agua [sin gas]'],
    ['2 cocas heladas', '2 coca cola [heladas]'],
    ['una hamburguesa doble bien asada', '1 hamburguesa doble [bien asada]'],
    ['papas fritas bien doraditas', '1 papas fritas [bien doraditas]'],
    ['3 empanadas con aji', '3 empanadas [con aji]'],
    ['2 perros calientes, uno sin cebolla', '2 perro caliente [uno sin cebolla]'],
    ['1 hamburguesa sin salsas porfa', '1 hamburguesa [sin salsas]'],
    ['una hamburguesa extra queso', '1 hamburguesa [extra queso]'],
    ['un jugo de mora en leche', '1 jugo de mora [en leche]'],
    ['una arepa rellena sin queso y una coca fria', '1 arepa rellena [sin queso]; 1 coca cola [fria]'],
    ['2 hamburguesas una sin cebolla', '2 hamburguesa [una sin cebolla]'],
    ['sin cebolla', 'asks'],
    ['para llevar', 'asks'],
    ['hamburguesa 2 sin cebolla', '2 hamburguesa [sin cebolla]'],
    ['2 salchipapas, para llevar', '2 salchipapa [para llevar]'],
    ['1 perro caliente sin papitas', '1 perro caliente [sin papitas]'],
  ],
  'quantity after the name and list-style lines': [
    ['hamburguesa 2', '2 hamburguesa'],
    ['coca x2', '2 coca cola'],
    ['coca cola x 3', '3 coca cola'],
    ['hamburguesa\ncoca', '1 hamburguesa; 1 coca cola'],
    ['2 hamburguesas\n1 coca\n1 agua', '2 hamburguesa; 1 coca cola; 1 agua'],
    ['hamburguesa doble 2\npapas 1', '2 hamburguesa doble; 1 papas fritas'],
    ['- 2 hamburguesas\n- 2 cocas', '2 hamburguesa; 2 coca cola'],
    ['perros x4', '4 perro caliente'],
    ['empanadas 6', '6 empanadas'],
    ['salchipapa x 2, coca x 2', '2 salchipapa; 2 coca cola'],
    ['hamburguesa: 2\ncoca: 2', '2 hamburguesa; 2 coca cola'],
    ['1. hamburguesa\n2. coca', '1 hamburguesa; 1 coca cola'],
    ['jugo de mora x2 y agua x1', '2 jugo de mora; 1 agua'],
    ['papas fritas 3', '3 papas fritas'],
    ['limonada de coco x 2', '2 limonada de coco'],
    ['patacones dos', '2 patacones'],
    ['hamburguesa tres', '3 hamburguesa'],
    ['coca cola\nagua\nempanadas', '1 coca cola; 1 agua; 1 empanadas'],
    ['• 2 perros\n• 1 salchipapa', '2 perro caliente; 1 salchipapa'],
    ['2 hamb\n3 cocas\n1 papas', '2 hamburguesa; 3 coca cola; 1 papas fritas'],
  ],
  'choices and changes of mind': [
    ['una hamburguesa o un perro', 'asks'],
    ['hamburguesa o salchipapa', 'asks'],
    ['una coca o un agua', 'asks'],
    ['2 hamburguesas y una coca o una limonada', '2 hamburguesa + asks'],
    ['una hamburguesa, no, mejor un perro', '1 perro caliente'],
    ['una hamburguesa no mejor un perro', '1 perro caliente'],
    ['2 cocas, perdon, 2 aguas', '2 agua'],
    ['una hamburguesa sino un perro', '1 perro caliente'],
    ['2 hamburguesas, no, 3', '3 hamburguesa'],
    ['2 perros, mejor 3', '3 perro caliente'],
    ['1 salchipapa, no, mejor 2', '2 salchipapa'],
    ['una hamburguesa y una coca, no, mejor un agua', '1 hamburguesa; 1 agua'],
    ['hamburguesa doble o sencilla', 'asks'],
    ['un perro o dos', 'asks'],
    ['1 empanada o 2', 'asks'],
  ],
  'adds nothing': [
    ['hola', 'nothing'],
    ['buenas', 'nothing'],
    ['buenas tardes', 'nothing'],
    ['holi 😊', 'nothing'],
    ['gracias', 'nothing'],
    ['ok gracias', 'nothing'],
    ['no quiero nada', 'nothing'],
    ['no quiero hamburguesa', 'nothing'],
    ['quiero pedir', 'nothing'],
    ['quiero hacer un pedido', 'nothing'],
    ['😀🍔🍟', 'nothing'],
    ['asdfgh qwerty', 'nothing'],
    ['jajaja', 'nothing'],
    ['menu', 'nothing'],
    ['me manda el menu porfa', 'nothing'],
    ['cuanto cuesta la hamburguesa?', 'asks'],
    ['¿tienen pizza?', 'nothing'],
    ['hacen domicilios?', 'nothing'],
    ['cuanto vale el domicilio', 'nothing'],
    ['a que hora cierran', 'nothing'],
    ['puedo pagar con nequi?', 'nothing'],
    ['ya pedi y no ha llegado', 'nothing'],
    ['estan abiertos?', 'nothing'],
    ['que tienen de bebidas', 'asks'],
    ['ayuda', 'nothing'],
    ['ok', 'nothing'],
    ['listo', 'nothing'],
    ['👍', 'nothing'],
    ['hay empanadas?', 'asks'],
    ['tienen hamburguesa doble?', 'asks'],
    ['una pizza', 'asks'],
    ['2 pizzas hawaianas', 'asks'],
    ['15', 'asks'],
    ['1 5', 'asks'],
    ['una malteada de fresa', 'asks'],
    ['quiero una bandeja paisa', 'asks'],
    ['un sushi', 'asks'],
    ['una cerveza', 'asks'],
    ['quiero 2 hamburguesas y una pizza', '2 hamburguesa + asks'],
    ['un jugo de lulo', 'asks'],
    ['una hamburguesa grande', 'asks'],
    ['hamburguesa de pollo', 'asks'],
    ['3 empanadas de carne', 'asks'],
  ],
};

/** Phrases that still fail (#14): listed, not hidden, so the table shows the accuracy honestly. */
const KNOWN_FAILURES = new Set<string>([]);

const ALL = Object.entries(GROUPS).flatMap(([group, rows]) => rows.map(([phrase, expected]) => ({ group, phrase, expected })));

describe('single-message orders in Colombian WhatsApp Spanish (#14)', () => {
  it('has at least 200 phrases, grouped by cause', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(200);
    expect(new Set(ALL.map((row) => row.phrase)).size).toBe(ALL.length);
  });

  for (const [group, rows] of Object.entries(GROUPS)) {
    describe(group, () => {
      for (const [phrase, expected] of rows) {
        const run = KNOWN_FAILURES.has(phrase) ? it.failing : it;
        run(`${JSON.stringify(phrase)} → ${expected}`, () => {
          expect(outcome(phrase)).toBe(expected);
        });
      }
    });
  }
});
