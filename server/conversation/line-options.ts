/**
 * Menu item options in the conversation (#16): the values a customer types with an item
 * ("hamburguesa con queso y tocineta término medio"), and the answer to "¿qué término?".
 * The order parser reads "con queso" as a note and "y tocineta término medio" as a part of its
 * own; `attachOptions` takes the option values out of both and puts them on the line, leaving
 * what is really a note ("sin cebolla"). Pure.
 */
import { matchOptionsInText, type OptionChoice } from '../restaurant/item-options';
import { findPhrase, nameKey, tokensOf } from '../restaurant/text-match';
import type { OrderTextLine, ParsedOrderText } from './parse-order-text';
import type { InboundInput, MenuItem, OptionGroup } from './types';
import { ChoiceId } from './messages.es-CO';

/** Words around option values that say nothing by themselves: "con queso y tocineta", "extra de queso". */
const FILLER = new Set(['con', 'y', 'e', 'de', 'del', 'la', 'el', 'los', 'las', 'extra', 'adicion', 'adicional', 'mas', 'a', 'al', 'punto']);
const NEGATIONS = new Set(['sin', 'no']);

type ItemWithOptions = MenuItem & { opciones: OptionGroup[] };
const hasOptions = (item: MenuItem): item is ItemWithOptions => (item.opciones?.length ?? 0) > 0;

/** Marks the words of `text` that name an option value or group of `item`; `values`: whether a (non-negated) value was found. */
function markOptionWords(tokens: string[], item: ItemWithOptions): { used: boolean[]; values: boolean } {
  const used = tokens.map(() => false);
  let values = false;
  const phrases = item.opciones.flatMap((g) => g.valores.map((v) => tokensOf(v.nombre))).sort((a, b) => b.length - a.length);
  for (const words of phrases) {
    for (const span of findPhrase(tokens, words, used)) {
      if (span.start > 0 && NEGATIONS.has(tokens[span.start - 1]!)) continue;
      for (let i = span.start; i < span.end; i++) used[i] = true;
      values = true;
    }
  }
  for (const group of item.opciones) for (const span of findPhrase(tokens, tokensOf(group.nombre), used)) for (let i = span.start; i < span.end; i++) used[i] = true;
  return { used, values };
}

/** Words that start a note after the options: "… término medio sin cebolla". */
const NOTE_START = new Set(['sin', 'no', 'bien', 'poco', 'poca', 'mucho', 'mucha', 'aparte', 'para', 'porfa']);

/**
 * Option values of `item` in `text`, maybe followed by a note ("tocineta término medio sin
 * cebolla" → options, note "sin cebolla"); null when the text is something else.
 */
export function optionsAndNote(text: string, item: MenuItem): { note?: string } | null {
  if (!hasOptions(item)) return null;
  const tokens = tokensOf(text);
  const { used, values } = markOptionWords(tokens, item);
  if (!values) return null;
  const first = tokens.findIndex((t, i) => !used[i] && !FILLER.has(t));
  if (first < 0) return {};
  if (!NOTE_START.has(tokens[first]!) || used.slice(first).some(Boolean)) return null;
  return { note: tokens.slice(first).join(' ') };
}

/** True when `text` is made only of option values (and their group names and filler) of `item`. */
export function isOnlyOptions(text: string, item: MenuItem): boolean {
  const found = optionsAndNote(text, item);
  return found !== null && found.note === undefined;
}

/** The note without the option values it carried: "termino medio, sin cebolla" → "sin cebolla". */
function noteWithoutOptions(nota: string | undefined, item: ItemWithOptions): string | undefined {
  if (!nota) return undefined;
  const parts: string[] = [];
  for (const part of nota.split(',')) {
    const tokens = tokensOf(part);
    const { used, values } = markOptionWords(tokens, item);
    if (!values) {
      if (part.trim()) parts.push(part.trim());
      continue;
    }
    const rest = tokens.filter((t, i) => !used[i] && !FILLER.has(t));
    if (rest.length) parts.push(rest.join(' '));
  }
  return parts.length ? parts.join(', ') : undefined;
}

const merge = (a: readonly OptionChoice[], b: readonly OptionChoice[]): OptionChoice[] => {
  const seen = new Set(a.map((c) => `${nameKey(c.grupo)}=${nameKey(c.valor)}`));
  return [...a, ...b.filter((c) => !seen.has(`${nameKey(c.grupo)}=${nameKey(c.valor)}`))];
};

/**
 * Moves option values out of notes and unknown parts onto the lines they belong to: a part
 * made only of option values goes to the closest line before it whose item has those options
 * (the parser keeps lines and problems in message order within each list, so "the last line
 * with options" is the one the customer was describing).
 */
export function attachOptions(parsed: ParsedOrderText): ParsedOrderText {
  const lines: OrderTextLine[] = parsed.lines.map((line) => {
    if (!hasOptions(line.item)) return line;
    const elegidas = matchOptionsInText(`${line.text} ${line.nota ?? ''}`, line.item);
    const nota = noteWithoutOptions(line.nota, line.item);
    const next: OrderTextLine = { ...line, elegidas: merge(line.elegidas ?? [], elegidas) };
    if (nota) next.nota = nota;
    else delete next.nota;
    return next;
  });
  const problems = parsed.problems.filter((problem) => {
    if (problem.kind !== 'unknown_item' || problem.explicitQuantity) return true;
    const owner = [...lines].reverse().find((line) => optionsAndNote(problem.text, line.item) !== null);
    if (!owner || !hasOptions(owner.item)) return true;
    owner.elegidas = merge(owner.elegidas ?? [], matchOptionsInText(problem.text, owner.item));
    const note = optionsAndNote(problem.text, owner.item)?.note;
    if (note) owner.nota = owner.nota ? `${owner.nota}, ${note}` : note;
    return false;
  });
  const looseNotes = parsed.looseNotes.filter((nota) => {
    const owner = [...lines].reverse().find((line) => isOnlyOptions(nota, line.item));
    if (!owner || !hasOptions(owner.item)) return true;
    owner.elegidas = merge(owner.elegidas ?? [], matchOptionsInText(nota, owner.item));
    return false;
  });
  return { ...parsed, lines, problems, looseNotes };
}

/** The group of `item` named `grupo` (case and accents aside). */
export function groupOf(item: MenuItem | undefined, grupo: string): OptionGroup | undefined {
  return item?.opciones?.find((g) => nameKey(g.nombre) === nameKey(grupo));
}

/** The value an answer picks from `group`: an `opt:<i>` button or row, its number, or its name. */
export function optionAnswer(input: InboundInput, group: OptionGroup): string | null {
  if (input.kind === 'choice') {
    if (!input.id.startsWith(ChoiceId.OPTION_PREFIX)) return null;
    return group.valores[Number(input.id.slice(ChoiceId.OPTION_PREFIX.length))]?.nombre ?? null;
  }
  if (input.kind !== 'text') return null;
  const tokens = tokensOf(input.text).filter((t) => !FILLER.has(t));
  if (tokens.length === 1 && /^\d{1,2}$/.test(tokens[0]!)) return group.valores[Number(tokens[0]) - 1]?.nombre ?? null;
  const found = matchOptionsInText(input.text, { nombre: '', opciones: [{ ...group, min: group.min ?? 0 }] });
  return found.length === 1 ? found[0]!.valor : null;
}
