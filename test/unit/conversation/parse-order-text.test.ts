import { MAX_ORDER_PARTS_PER_MESSAGE, parseOrderText, type OrderTextProblem } from '../../../server/conversation/parse-order-text';
import type { MenuItem } from '../../../server/conversation/types';

function item(numero: string, nombre: string, precio: number, categoria?: string, disponible = true): MenuItem {
  return { itemId: `item-${numero}`, numero, nombre, precio, disponible, ...(categoria ? { categoria } : {}) };
}

/** A realistic Colombian fast-food menu, with an unavailable item and a name containing "con". */
const MENU: MenuItem[] = [
  item('1', 'Hamburguesa', 15000, 'Platos'),
  item('2', 'Hamburguesa doble', 22000, 'Platos'),
  item('3', 'Perro caliente', 12000, 'Platos'),
  item('4', 'Salchipapa', 14000, 'Platos'),
  item('5', 'Papas fritas', 6000, 'Acompañamientos'),
  item('6', 'Coca Cola', 3000, 'Bebidas'),
  item('7', 'Coca Cola Zero', 3500, 'Bebidas'),
  item('8', 'Jugo de mora', 5000, 'Bebidas'),
  item('9', 'Limonada', 4500, 'Bebidas'),
  item('10', 'Agua', 2500),
  item('11', 'Malteada', 9000, 'Bebidas', false),
  item('12', 'Arroz con pollo', 18000, 'Platos'),
];

type Case = [phrase: string, lines: Array<[nombre: string, cantidad: number]>, problems?: Array<OrderTextProblem['kind']>];

const ADDS: Case[] = [
  ['Quiero 2 hamburguesas y 1 coca cola', [['Hamburguesa', 2], ['Coca Cola', 1]]],
  ['2 x 1', [['Hamburguesa', 2]]],
  ['2x6', [['Coca Cola', 2]]],
  ['3 de la 2', [['Hamburguesa doble', 3]]],
  ['dos del numero 9', [['Limonada', 2]]],
  ['1', [['Hamburguesa', 1]]],
  ['el 4', [['Salchipapa', 1]]],
  ['2 y 3', [['Hamburguesa doble', 1], ['Perro caliente', 1]]],
  ['1, 6 y 9', [['Hamburguesa', 1], ['Coca Cola', 1], ['Limonada', 1]]],
  ['amburguesa', [['Hamburguesa', 1]]],
  ['hamburgesas', [['Hamburguesa', 1]]],
  ['HAMBURGUESA', [['Hamburguesa', 1]]],
  ['cocacola', [['Coca Cola', 1]]],
  ['2 cocacolas', [['Coca Cola', 2]]],
  ['Coca-Cola', [['Coca Cola', 1]]],
  ['una limonáda', [['Limonada', 1]]],
  ['dos perros calientes y una limonada', [['Perro caliente', 2], ['Limonada', 1]]],
  ['perritos calientes', [['Perro caliente', 1]]],
  ['tres salchipapas', [['Salchipapa', 3]]],
  ['papas', [['Papas fritas', 1]]],
  ['unas papitas', [['Papas fritas', 1]]],
  ['una hamburguesa doble con papas fritas', [['Hamburguesa doble', 1], ['Papas fritas', 1]]],
  ['dos dobles', [['Hamburguesa doble', 2]]],
  ['coca zero', [['Coca Cola Zero', 1]]],
  ['me regalas una coca cola zero porfa', [['Coca Cola Zero', 1]]],
  ['Hola, buenas tardes. Quiero tres salchipapas', [['Salchipapa', 3]]],
  ['2 unidades de papas fritas', [['Papas fritas', 2]]],
  ['hamburguesa x 3', [['Hamburguesa', 3]]],
  ['3x hamburguesa', [['Hamburguesa', 3]]],
  ['2 hamburguesas 1 coca cola', [['Hamburguesa', 2], ['Coca Cola', 1]]],
  ['un jugo de mora', [['Jugo de mora', 1]]],
  ['jugo mora', [['Jugo de mora', 1]]],
  ['un arroz con pollo y una limonada', [['Arroz con pollo', 1], ['Limonada', 1]]],
  ['seis limonadas, 2 aguas y un perro', [['Limonada', 6], ['Agua', 2], ['Perro caliente', 1]]],
  ['otra coca cola', [['Coca Cola', 1]]],
  ['diez aguas', [['Agua', 10]]],
  ['50 hamburguesas', [['Hamburguesa', 50]]],
  ['quiero 2 hamburguesas más 1 agua por favor', [['Hamburguesa', 2], ['Agua', 1]]],
  // "con queso" is no item here: it is the line's note (#14).
  ['2 hamburguesas con queso', [['Hamburguesa', 2]]],
  // "coca" is how people write Coca Cola; the plain item wins over its variant (#14).
  ['un arroz con pollo y una coca', [['Arroz con pollo', 1], ['Coca Cola', 1]]],
  ['coca', [['Coca Cola', 1]]],
  ['2 cocas', [['Coca Cola', 2]]],
  // A quantity after the name is that line's quantity (#14).
  ['hamburguesa 2', [['Hamburguesa', 2]]],
  // Clear parts are added; the unclear part is reported, never dropped or guessed.
  ['quiero 2 hamburguesas y una pizza', [['Hamburguesa', 2]], ['unknown_item']],
];

const ADDS_NOTHING: Case[] = [
  ['hola', []],
  ['buenos días', []],
  ['gracias', []],
  ['ok gracias', []],
  ['cuánto cuesta?', []],
  ['¿cuánto vale la hamburguesa?', []],
  ['no quiero nada', []],
  ['no quiero hamburguesa', []],
  ['quiero pedir', []],
  ['😀🍔🍟', []],
  ['   ', []],
  ['', []],
  ['menú', [], ['unknown_item']],
  ['1000000 hamburguesas', [], ['quantity_out_of_range']],
  ['1.000.000 hamburguesas', [], ['quantity_out_of_range']],
  ['0 hamburguesas', [], ['quantity_out_of_range']],
  ['51 cocacolas', [], ['quantity_out_of_range']],
  ['una malteada', [], ['unavailable']],
  ['15', [], ['unknown_number']],
  ['1 5', [], ['unclear_numbers']],
  ['dos', [], ['unclear_numbers']],
  ['-5 hamburguesas', [], ['quantity_out_of_range']],
  ['2 pizzas', [], ['unknown_item']],
];

function summarize(phrase: string): { lines: Array<[string, number]>; problems: string[] } {
  const parsed = parseOrderText(phrase, MENU);
  return {
    lines: parsed.lines.map((line) => [line.item.nombre, line.cantidad]),
    problems: parsed.problems.map((problem) => problem.kind),
  };
}

describe('parseOrderText', () => {
  it('has a table of at least 40 Spanish phrases', () => {
    expect(ADDS.length + ADDS_NOTHING.length).toBeGreaterThanOrEqual(40);
  });

  describe.each(ADDS)('reads %j', (phrase, lines, problems = []) => {
    it('as the expected lines and problems', () => {
      expect(summarize(phrase)).toEqual({ lines, problems });
    });
  });

  describe.each(ADDS_NOTHING)('adds nothing for %j', (phrase, lines, problems = []) => {
    it('and reports only the expected problems', () => {
      expect(summarize(phrase)).toEqual({ lines, problems });
    });
  });

  it('prefers the exact name "Hamburguesa" over "Hamburguesa doble"', () => {
    const [line] = parseOrderText('hamburguesa', MENU).lines;
    expect(line?.item.itemId).toBe('item-1');
  });

  it('asks instead of guessing when a name fits several items equally ("perro")', () => {
    const [problem] = parseOrderText('perro', [...MENU, item('13', 'Perro americano', 13000)]).problems;
    expect(problem?.kind).toBe('ambiguous');
    if (problem?.kind !== 'ambiguous') throw new Error('expected ambiguity');
    expect(problem.candidates.map((candidate) => candidate.nombre)).toEqual(['Perro caliente', 'Perro americano']);
  });

  it('suggests close available items for a name it cannot place', () => {
    const [problem] = parseOrderText('hamburguesa grande', MENU).problems;
    if (problem?.kind !== 'unknown_item') throw new Error('expected unknown_item');
    // The words that fit an item come first and alone: "¿Quisiste decir Hamburguesa?" (#14).
    expect(problem.suggestions.map((suggestion) => suggestion.nombre)).toEqual(['Hamburguesa']);

  });

  it('never suggests an unavailable item', () => {
    const [problem] = parseOrderText('2 malteadas grandes', MENU).problems;
    if (problem?.kind !== 'unknown_item') throw new Error('expected unknown_item');
    expect(problem.suggestions.every((suggestion) => suggestion.disponible)).toBe(true);
  });

  it('marks whether the customer gave a quantity, so "quitar hamburguesa" can remove the whole line', () => {
    const flags = (phrase: string): boolean[] => parseOrderText(phrase, MENU).lines.map((line) => line.explicitQuantity);
    expect(flags('hamburguesa')).toEqual([false]);
    expect(flags('3')).toEqual([false]);
    expect(flags('1 hamburguesa')).toEqual([true]);
    expect(flags('2 x 3')).toEqual([true]);
    expect(flags('una coca cola')).toEqual([true]);
  });

  it('reads at most MAX_ORDER_PARTS_PER_MESSAGE parts and says the rest was skipped', () => {
    const parsed = parseOrderText(Array.from({ length: 25 }, () => '1').join(' y '), MENU);
    expect(parsed.lines).toHaveLength(MAX_ORDER_PARTS_PER_MESSAGE);
    expect(parsed.problems).toEqual([{ kind: 'too_many_parts', skipped: 5 }]);
  });

  it('handles very long gibberish quickly and without adding anything', () => {
    const started = process.hrtime.bigint();
    const parsed = parseOrderText(`${'blablabla '.repeat(500)}${'x'.repeat(5000)}`, MENU);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(parsed.lines).toEqual([]);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('matches numbers by value, so "07" is item 7', () => {
    expect(parseOrderText('07', MENU).lines.map((line) => line.item.nombre)).toEqual(['Coca Cola Zero']);
  });
});
