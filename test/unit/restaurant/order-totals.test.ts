import { ZCartLineRecordSchema } from '../../../server/db/records';
import { quoteDelivery } from '../../../server/restaurant/delivery-zones';
import { validateOptions } from '../../../server/restaurant/item-options';
import { buildOrderLine, cleanNote, MAX_NOTE_LENGTH, orderTotals } from '../../../server/restaurant/order-totals';

const hamburguesa = { itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000 };
const limonada = { itemId: 'item-7', numero: '7', nombre: 'Limonada', precio: 6000 };
const groups = [
  { nombre: 'Término', min: 1, max: 1, valores: [{ nombre: 'Medio', precio: 0 }] },
  { nombre: 'Adiciones', min: 0, max: 3, valores: [{ nombre: 'Queso', precio: 2000 }, { nombre: 'Tocineta', precio: 3000 }] },
];

describe('order lines', () => {
  it('stores the unit price with options, the options with their prices, and the note', () => {
    const check = validateOptions(groups, [{ grupo: 'Término', valor: 'Medio' }, { grupo: 'Adiciones', valor: 'Queso' }, { grupo: 'Adiciones', valor: 'Tocineta' }]);
    if (!check.ok) throw new Error('options should be valid');
    const line = buildOrderLine({ item: hamburguesa, cantidad: 2, opciones: check.opciones, nota: '  sin   cebolla ' });
    expect(line).toEqual({
      itemId: 'item-1',
      numero: '1',
      nombre: 'Hamburguesa',
      precio: 20000,
      cantidad: 2,
      opciones: [{ grupo: 'Término', valor: 'Medio', precio: 0 }, { grupo: 'Adiciones', valor: 'Queso', precio: 2000 }, { grupo: 'Adiciones', valor: 'Tocineta', precio: 3000 }],
      nota: 'sin cebolla',
    });
    expect(ZCartLineRecordSchema.parse(line)).toEqual(line);
  });

  it('keeps the seed shape for a line without options or note', () => {
    expect(buildOrderLine({ item: limonada, cantidad: 1, opciones: [], nota: '   ' })).toEqual({ itemId: 'item-7', numero: '7', nombre: 'Limonada', precio: 6000, cantidad: 1 });
  });

  it('cuts a long note and refuses a quantity or price that is not whole', () => {
    expect(cleanNote('x'.repeat(500))).toHaveLength(MAX_NOTE_LENGTH);
    expect(() => buildOrderLine({ item: limonada, cantidad: 0 })).toThrow(RangeError);
    expect(() => buildOrderLine({ item: limonada, cantidad: 1.5 })).toThrow(RangeError);
    expect(() => buildOrderLine({ item: { ...limonada, precio: 6000.5 }, cantidad: 1 })).toThrow(/whole/);
    expect(() => buildOrderLine({ item: limonada, cantidad: 1, opciones: [{ grupo: 'g', valor: 'v', precio: -1 }] })).toThrow(/option v/);
  });
});

describe('order totals', () => {
  const items = [
    { precio: 20000, cantidad: 2 },
    { precio: 6000, cantidad: 1 },
  ];

  it('adds the lines and the delivery fee', () => {
    expect(orderTotals({ items, tipoEntrega: 'domicilio', tarifaDomicilio: 5000 })).toEqual({ subtotal: 46000, domicilio: 5000, total: 51000, tipoEntrega: 'domicilio' });
  });

  it('charges no fee for pickup, whatever the zone would charge', () => {
    expect(orderTotals({ items, tipoEntrega: 'recoger', tarifaDomicilio: 5000 })).toEqual({ subtotal: 46000, domicilio: 0, total: 46000, tipoEntrega: 'recoger' });
  });

  it('follows the zone: fee below the free-delivery threshold, none from it on', () => {
    const domicilios = { recoger: true, zonas: [{ nombre: 'Chapinero', barrios: ['Chapinero'], tarifa: 5000, minimo: 20000, gratisDesde: 80000 }] };
    const priced = (lines: typeof items) => {
      const subtotal = orderTotals({ items: lines, tipoEntrega: 'recoger' }).subtotal;
      const quote = quoteDelivery(domicilios, { direccion: 'Chapinero', subtotal });
      if (quote.status !== 'ok') throw new Error(quote.status);
      return orderTotals({ items: lines, tipoEntrega: 'domicilio', tarifaDomicilio: quote.tarifa });
    };
    expect(priced(items)).toEqual({ subtotal: 46000, domicilio: 5000, total: 51000, tipoEntrega: 'domicilio' });
    expect(priced([{ precio: 20000, cantidad: 4 }])).toEqual({ subtotal: 80000, domicilio: 0, total: 80000, tipoEntrega: 'domicilio' });
  });

  it('is zero for an empty order and refuses amounts that are not whole pesos', () => {
    expect(orderTotals({ items: [], tipoEntrega: 'recoger' })).toEqual({ subtotal: 0, domicilio: 0, total: 0, tipoEntrega: 'recoger' });
    expect(() => orderTotals({ items: [{ precio: 100.5, cantidad: 1 }], tipoEntrega: 'recoger' })).toThrow(RangeError);
    expect(() => orderTotals({ items, tipoEntrega: 'domicilio', tarifaDomicilio: -1 })).toThrow(/domicilio/);
    expect(() => orderTotals({ items: [{ precio: 1000, cantidad: 0 }], tipoEntrega: 'recoger' })).toThrow(/cantidad/);
  });
});
