import { decimalPesosToCents, formatCOP, pesosToCents } from '../../server/money';

describe('money', () => {
  it('formats pesos with dots as thousands separators', () => {
    expect(formatCOP(33000)).toBe('$33.000');
    expect(formatCOP(1500000)).toBe('$1.500.000');
    expect(formatCOP(900)).toBe('$900');
    expect(formatCOP(0)).toBe('$0');
  });

  it('converts integer pesos to centavos and refuses fractions', () => {
    expect(pesosToCents(45000)).toBe(4500000);
    expect(() => pesosToCents(1.5)).toThrow(RangeError);
    expect(() => pesosToCents(-1)).toThrow(RangeError);
  });

  it('parses decimal peso strings without floating point', () => {
    expect(decimalPesosToCents('45000.00')).toBe(4500000);
    expect(decimalPesosToCents('150.26')).toBe(15026);
    expect(decimalPesosToCents('150.5')).toBe(15050);
    expect(decimalPesosToCents('45000')).toBe(4500000);
    expect(decimalPesosToCents('1661.340000001')).toBeNull();
    expect(decimalPesosToCents('-5')).toBeNull();
    expect(decimalPesosToCents('abc')).toBeNull();
  });
});
