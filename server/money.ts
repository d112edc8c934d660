/**
 * Money helpers. Records hold integer pesos (COP); gateways use other units, converted at the
 * edge with integer arithmetic only (see reference/gateways.md §1.6, §2.6, §3.6).
 */

/** Integer pesos → integer centavos. Throws on anything that is not a non-negative integer. */
export function pesosToCents(pesos: number): number {
  if (!Number.isSafeInteger(pesos) || pesos < 0) throw new RangeError(`not an integer peso amount: ${pesos}`);
  return pesos * 100;
}

/**
 * A decimal peso string such as "45000", "45000.5" or "45000.00" → integer centavos, without
 * floating point. Returns null when the string is not a plain non-negative decimal with at
 * most two decimals.
 */
export function decimalPesosToCents(value: string): number | null {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) return null;
  const whole = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return whole * 100 + Number(fraction);
}

/** Formats integer pesos the Colombian way: 33000 → "$33.000". */
export function formatCOP(pesos: number): string {
  const sign = pesos < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(pesos)));
  return `${sign}$${digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
}
