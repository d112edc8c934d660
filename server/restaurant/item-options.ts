import type { TChosenOptionRecord, TOptionGroupRecord } from '../db/restaurant-records';
import { findPhrase, nameKey, tokensOf } from './text-match';

/**
 * Menu item options (`opciones`, #16): groups such as "Término" (min 1, max 1) or "Adiciones"
 * (min 0, max 3), each value with a price added per unit (may be 0). A value is chosen at
 * most once per line; "doble queso" is a value of its own. Names compare without case or
 * accents; what is stored is the menu's spelling and today's price.
 */

/** A choice as the customer or a button made it, before it is checked against the menu. */
export interface OptionChoice {
  grupo: string;
  valor: string;
}

export type OptionProblem =
  | { kind: 'unknown_group'; grupo: string }
  | { kind: 'unknown_value'; grupo: string; valor: string }
  | { kind: 'repeated_value'; grupo: string; valor: string }
  | { kind: 'too_few'; grupo: string; min: number; chosen: number }
  | { kind: 'too_many'; grupo: string; max: number; chosen: number };

export type OptionsCheck = { ok: true; opciones: TChosenOptionRecord[] } | { ok: false; problems: OptionProblem[] };

type Groups = readonly TOptionGroupRecord[] | undefined;

/** Checks the choices against the groups: known values, each once, min and max per group. */
export function validateOptions(groups: Groups, chosen: readonly OptionChoice[]): OptionsCheck {
  const problems: OptionProblem[] = [];
  const picked = new Map<TOptionGroupRecord, Set<number>>();
  for (const choice of chosen) {
    const group = groups?.find((g) => nameKey(g.nombre) === nameKey(choice.grupo));
    if (!group) {
      problems.push({ kind: 'unknown_group', grupo: choice.grupo });
      continue;
    }
    const index = group.valores.findIndex((v) => nameKey(v.nombre) === nameKey(choice.valor));
    if (index < 0) {
      problems.push({ kind: 'unknown_value', grupo: group.nombre, valor: choice.valor });
      continue;
    }
    const set = picked.get(group) ?? new Set<number>();
    if (set.has(index)) problems.push({ kind: 'repeated_value', grupo: group.nombre, valor: group.valores[index]!.nombre });
    set.add(index);
    picked.set(group, set);
  }
  const opciones: TChosenOptionRecord[] = [];
  for (const group of groups ?? []) {
    const set = picked.get(group) ?? new Set<number>();
    const min = group.min ?? 0;
    if (set.size < min) problems.push({ kind: 'too_few', grupo: group.nombre, min, chosen: set.size });
    if (set.size > group.max) problems.push({ kind: 'too_many', grupo: group.nombre, max: group.max, chosen: set.size });
    for (const index of [...set].sort((a, b) => a - b)) {
      const value = group.valores[index]!;
      opciones.push({ grupo: group.nombre, valor: value.nombre, precio: value.precio ?? 0 });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, opciones };
}

/** Groups that still need an answer (fewer than `min` chosen), in menu order: the conversation asks them one at a time. */
export function pendingGroups(groups: Groups, chosen: readonly OptionChoice[]): TOptionGroupRecord[] {
  return (groups ?? []).filter((group) => {
    const values = new Set(chosen.filter((c) => nameKey(c.grupo) === nameKey(group.nombre)).map((c) => nameKey(c.valor)));
    const known = group.valores.filter((v) => values.has(nameKey(v.nombre))).length;
    return known < (group.min ?? 0);
  });
}

/** The unit price of a line: the item's price plus every chosen option's. */
export function unitPrice(item: { precio: number }, opciones: readonly TChosenOptionRecord[] = []): number {
  return opciones.reduce((sum, o) => sum + o.precio, item.precio);
}

/** "Hamburguesa (Término: Medio; Adiciones: Queso, Tocineta) — sin cebolla". */
export function describeLine(line: { nombre: string; opciones?: readonly TChosenOptionRecord[]; nota?: string }): string {
  const byGroup = new Map<string, string[]>();
  for (const o of line.opciones ?? []) byGroup.set(o.grupo, [...(byGroup.get(o.grupo) ?? []), o.valor]);
  const options = [...byGroup].map(([grupo, valores]) => `${grupo}: ${valores.join(', ')}`).join('; ');
  const nota = line.nota?.trim();
  return `${line.nombre}${options ? ` (${options})` : ''}${nota ? ` — ${nota}` : ''}`;
}

/** Words that turn the next value into a refusal: "sin queso" is not an addition. */
const NEGATIONS = new Set(['sin', 'no']);

/**
 * Option values typed in an order text ("hamburguesa con queso y tocineta término medio" →
 * Adiciones: Queso, Tocineta; Término: Medio), for one item. Longer values are matched first
 * and each word serves one value ("Tres cuartos" before "Cuartos"); the item's own name and
 * aliases are not read as values; a value after "sin" or "no" is skipped. The result is not
 * checked: pass it to `validateOptions`.
 */
export function matchOptionsInText(text: string, item: { nombre: string; alias?: readonly string[]; opciones?: readonly TOptionGroupRecord[] }): OptionChoice[] {
  const tokens = tokensOf(text);
  const used = tokens.map(() => false);
  const mark = (s: { start: number; end: number }) => {
    for (let i = s.start; i < s.end; i++) used[i] = true;
  };
  for (const name of [item.nombre, ...(item.alias ?? [])]) for (const span of findPhrase(tokens, tokensOf(name), used)) mark(span);

  const candidates = (item.opciones ?? []).flatMap((group, g) =>
    group.valores.map((value, v) => ({ group, value, order: g * 1000 + v, words: tokensOf(value.nombre) })),
  );
  candidates.sort((a, b) => b.words.length - a.words.length || b.words.join(' ').length - a.words.join(' ').length || a.order - b.order);

  const found: Array<{ order: number; at: number; choice: OptionChoice }> = [];
  for (const c of candidates) {
    for (const span of findPhrase(tokens, c.words, used)) {
      mark(span);
      if (span.start > 0 && NEGATIONS.has(tokens[span.start - 1]!)) continue;
      if (!found.some((f) => f.order === c.order)) found.push({ order: c.order, at: span.start, choice: { grupo: c.group.nombre, valor: c.value.nombre } });
    }
  }
  return found.sort((a, b) => a.order - b.order).map((f) => f.choice);
}
