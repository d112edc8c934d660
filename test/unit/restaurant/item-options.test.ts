import type { TOptionGroupRecord } from '../../../server/db/restaurant-records';
import { describeLine, matchOptionsInText, pendingGroups, unitPrice, validateOptions } from '../../../server/restaurant/item-options';

const termino: TOptionGroupRecord = {
  nombre: 'Término',
  min: 1,
  max: 1,
  valores: [{ nombre: 'Medio', precio: 0 }, { nombre: 'Tres cuartos', precio: 0 }, { nombre: 'Bien asado', precio: 0 }],
};
const adiciones: TOptionGroupRecord = { nombre: 'Adiciones', min: 0, max: 2, valores: [{ nombre: 'Queso', precio: 2000 }, { nombre: 'Tocineta', precio: 3000 }, { nombre: 'Huevo', precio: 1500 }] };
const groups = [termino, adiciones];
const hamburguesa = { nombre: 'Hamburguesa', precio: 15000, alias: ['burger'], opciones: groups };

describe('checking chosen options', () => {
  it('accepts a valid choice, in menu order, with the menu spelling and prices', () => {
    const check = validateOptions(groups, [
      { grupo: 'adiciones', valor: 'TOCINETA' },
      { grupo: 'termino', valor: 'medio' },
      { grupo: 'Adiciones', valor: 'queso' },
    ]);
    expect(check).toEqual({
      ok: true,
      opciones: [
        { grupo: 'Término', valor: 'Medio', precio: 0 },
        { grupo: 'Adiciones', valor: 'Queso', precio: 2000 },
        { grupo: 'Adiciones', valor: 'Tocineta', precio: 3000 },
      ],
    });
  });

  it('refuses a required group left out and too many values in a group', () => {
    const check = validateOptions(groups, [
      { grupo: 'Adiciones', valor: 'Queso' },
      { grupo: 'Adiciones', valor: 'Tocineta' },
      { grupo: 'Adiciones', valor: 'Huevo' },
    ]);
    expect(check).toEqual({
      ok: false,
      problems: [
        { kind: 'too_few', grupo: 'Término', min: 1, chosen: 0 },
        { kind: 'too_many', grupo: 'Adiciones', max: 2, chosen: 3 },
      ],
    });
  });

  it('refuses two values of a one-value group, unknown groups and values, and a value chosen twice', () => {
    const check = validateOptions(groups, [
      { grupo: 'Término', valor: 'Medio' },
      { grupo: 'Término', valor: 'Bien asado' },
      { grupo: 'Salsas', valor: 'Rosada' },
      { grupo: 'Adiciones', valor: 'Aguacate' },
      { grupo: 'Adiciones', valor: 'Queso' },
      { grupo: 'Adiciones', valor: 'queso' },
    ]);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems).toEqual([
      { kind: 'unknown_group', grupo: 'Salsas' },
      { kind: 'unknown_value', grupo: 'Adiciones', valor: 'Aguacate' },
      { kind: 'repeated_value', grupo: 'Adiciones', valor: 'Queso' },
      { kind: 'too_many', grupo: 'Término', max: 1, chosen: 2 },
    ]);
  });

  it('accepts no options for an item without groups, and refuses any given', () => {
    expect(validateOptions(undefined, [])).toEqual({ ok: true, opciones: [] });
    expect(validateOptions([], [{ grupo: 'Término', valor: 'Medio' }])).toEqual({ ok: false, problems: [{ kind: 'unknown_group', grupo: 'Término' }] });
  });

  it('lists the required groups still to ask, one question at a time', () => {
    expect(pendingGroups(groups, []).map((g) => g.nombre)).toEqual(['Término']);
    expect(pendingGroups(groups, [{ grupo: 'termino', valor: 'Tres Cuartos' }])).toEqual([]);
    expect(pendingGroups(groups, [{ grupo: 'Término', valor: 'Jugoso' }]).map((g) => g.nombre)).toEqual(['Término']);
  });
});

describe('price and description of a line', () => {
  it('adds every option to the unit price', () => {
    expect(unitPrice({ precio: 15000 })).toBe(15000);
    expect(unitPrice({ precio: 15000 }, [{ grupo: 'Término', valor: 'Medio', precio: 0 }, { grupo: 'Adiciones', valor: 'Queso', precio: 2000 }, { grupo: 'Adiciones', valor: 'Tocineta', precio: 3000 }])).toBe(20000);
  });

  it('describes options by group and the note after a dash', () => {
    const opciones = [
      { grupo: 'Término', valor: 'Medio', precio: 0 },
      { grupo: 'Adiciones', valor: 'Queso', precio: 2000 },
      { grupo: 'Adiciones', valor: 'Tocineta', precio: 3000 },
    ];
    expect(describeLine({ nombre: 'Hamburguesa', opciones, nota: 'sin cebolla' })).toBe('Hamburguesa (Término: Medio; Adiciones: Queso, Tocineta) — sin cebolla');
    expect(describeLine({ nombre: 'Hamburguesa', opciones })).toBe('Hamburguesa (Término: Medio; Adiciones: Queso, Tocineta)');
    expect(describeLine({ nombre: 'Limonada', nota: '  ' })).toBe('Limonada');
    expect(describeLine({ nombre: 'Limonada', nota: 'sin hielo' })).toBe('Limonada — sin hielo');
  });
});

describe('reading options typed in an order text', () => {
  it('finds the values of every group, whatever the order, accents or case', () => {
    expect(matchOptionsInText('hamburguesa con queso y tocineta término medio', hamburguesa)).toEqual([
      { grupo: 'Término', valor: 'Medio' },
      { grupo: 'Adiciones', valor: 'Queso' },
      { grupo: 'Adiciones', valor: 'Tocineta' },
    ]);
    expect(matchOptionsInText('Una BURGER, TERMINO: bien asado, con QUESO!', hamburguesa)).toEqual([
      { grupo: 'Término', valor: 'Bien asado' },
      { grupo: 'Adiciones', valor: 'Queso' },
    ]);
  });

  it('forgives one typo in a longer word, not in a short one', () => {
    expect(matchOptionsInText('con tosineta y hueevo', hamburguesa)).toEqual([
      { grupo: 'Adiciones', valor: 'Tocineta' },
      { grupo: 'Adiciones', valor: 'Huevo' },
    ]);
    expect(matchOptionsInText('término medo', hamburguesa)).toEqual([{ grupo: 'Término', valor: 'Medio' }]);
    const salsas = { nombre: 'Papas', opciones: [{ nombre: 'Salsa', min: 0, max: 2, valores: [{ nombre: 'Ajo', precio: 0 }, { nombre: 'Piña', precio: 0 }] }] };
    expect(matchOptionsInText('con aja y pina', salsas)).toEqual([{ grupo: 'Salsa', valor: 'Piña' }]);
    expect(matchOptionsInText('con quesos', hamburguesa)).toEqual([{ grupo: 'Adiciones', valor: 'Queso' }]);
  });

  it('prefers the longer value: "tres cuartos" is not "medio" nor a stray word', () => {
    const groupsWithCuartos: TOptionGroupRecord[] = [{ nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Cuartos', precio: 0 }, { nombre: 'Tres cuartos', precio: 0 }] }];
    expect(matchOptionsInText('término tres cuartos', { nombre: 'Carne', opciones: groupsWithCuartos })).toEqual([{ grupo: 'Término', valor: 'Tres cuartos' }]);
  });

  it('does not read "sin queso" as an addition', () => {
    expect(matchOptionsInText('hamburguesa sin queso, con tocineta', hamburguesa)).toEqual([{ grupo: 'Adiciones', valor: 'Tocineta' }]);
    expect(matchOptionsInText('no huevo porfa', hamburguesa)).toEqual([]);
  });

  it('does not read the item name as an option value', () => {
    const pollo = { nombre: 'Sándwich de pollo', opciones: [{ nombre: 'Proteína extra', min: 0, max: 1, valores: [{ nombre: 'Pollo', precio: 4000 }] }] };
    expect(matchOptionsInText('un sandwich de pollo', pollo)).toEqual([]);
    expect(matchOptionsInText('un sandwich de pollo con pollo', pollo)).toEqual([{ grupo: 'Proteína extra', valor: 'Pollo' }]);
  });

  it('returns what it read without judging it; validateOptions reports two answers to a one-value group', () => {
    const choices = matchOptionsInText('término medio, mejor bien asado', hamburguesa);
    expect(choices).toEqual([{ grupo: 'Término', valor: 'Medio' }, { grupo: 'Término', valor: 'Bien asado' }]);
    expect(validateOptions(groups, choices)).toMatchObject({ ok: false, problems: [{ kind: 'too_many', grupo: 'Término' }] });
  });

  it('finds nothing in an item without options', () => {
    expect(matchOptionsInText('con queso', { nombre: 'Limonada' })).toEqual([]);
  });
});
