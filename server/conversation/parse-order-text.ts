/**
 * Reads a free-text order ("Quiero 2 hamburguesas y 1 coca cola", "2 x 3", "3 de la 2") against a
 * menu. It never guesses: every part of the message either becomes a line with one menu item, or
 * a problem the customer is told about. Conversational filler ("hola", "por favor", "gracias"),
 * negations ("no quiero nada") and questions ("¿cuánto cuesta?") produce neither.
 *
 * Conventions (documented for customers in messages.es-CO.ts):
 * - A lone number "3" is one unit of item number 3.
 * - "N x M" is N units of item number M ("2 x 3"); "N de la M" / "N del M" likewise.
 * - "N <name>" or "<name> x N" is N units of that item; number words un/una/uno…diez count too.
 * - Parts are split on "y", "e", "más", "con", "pero", commas and similar, and before a quantity
 *   that follows a name ("2 hamburguesas 1 coca cola"), except inside a menu item's own name
 *   ("Arroz con pollo" stays whole).
 * - Two bare numbers ("1 5") are ambiguous (one of item 5? items 1 and 5?) and are asked about.
 * - Names are case-, accent- and plural-insensitive and tolerate small typos. An exact name wins
 *   ("hamburguesa" → Hamburguesa even when Hamburguesa doble exists); a name that only partly
 *   matches several items ("coca" → Coca Cola, Coca Cola Zero) is ambiguous and asked about.
 */
import type { MenuItem } from './types';
import { MAX_QTY_PER_LINE } from './state';
import { canonicalToken, diceSimilarity, foldAccents, levenshtein, tokensMatch } from './text';

/** Most parts read from one message; beyond this the customer is asked to send the rest separately. */
export const MAX_ORDER_PARTS_PER_MESSAGE = 20;

/** How many close matches we offer for a name we could not place. */
const MAX_SUGGESTIONS = 3;
/** Minimum similarity (0..1) for a menu item to be offered as "¿Quisiste decir…?". */
const SUGGESTION_THRESHOLD = 0.4;

export interface OrderTextLine {
  item: MenuItem;
  cantidad: number;
  /** False when the customer gave no quantity ("hamburguesa", "3"): removal then means the whole line. */
  explicitQuantity: boolean;
  /** The part of the message this line came from, normalized (lower-case, no accents). */
  text: string;
}

export type OrderTextProblem =
  /** No menu item fits `text`; `suggestions` are close available items (may be empty). */
  | { kind: 'unknown_item'; text: string; explicitQuantity: boolean; suggestions: MenuItem[] }
  /** `text` fits several items equally well; the customer must say which. */
  | { kind: 'ambiguous'; text: string; candidates: MenuItem[] }
  /** The item exists but `disponible` is false. */
  | { kind: 'unavailable'; text: string; item: MenuItem }
  /** A number that is no item's `numero`. */
  | { kind: 'unknown_number'; text: string; numero: string }
  /** Quantity outside 1..MAX_QTY_PER_LINE ("0 hamburguesas", "1000000 hamburguesas"). */
  | { kind: 'quantity_out_of_range'; text: string; cantidad: number; item?: MenuItem }
  /** Numbers we cannot read unambiguously ("1 5", "dos"). */
  | { kind: 'unclear_numbers'; text: string }
  /** More than MAX_ORDER_PARTS_PER_MESSAGE parts; the rest was not read. */
  | { kind: 'too_many_parts'; skipped: number };

export interface ParsedOrderText {
  lines: OrderTextLine[];
  problems: OrderTextProblem[];
}

/** A menu item prepared for matching. `key` drops linking words so "jugo mora" meets "Jugo de mora". */
interface IndexedItem {
  item: MenuItem;
  /** Canonical tokens of the full name, used to keep item names whole while splitting. */
  canon: string[];
  key: string[];
  compact: string;
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  un: 1,
  uno: 1,
  una: 1,
  unos: 1,
  unas: 1,
  otro: 1,
  otra: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
};

/** Words that join two parts of an order. "|" stands for punctuation such as commas. */
const SEPARATORS = new Set(['|', 'y', 'e', 'mas', 'con', 'pero', 'tambien', 'ademas']);

/** A number right after these belongs to the same part: "2 x 3", "3 de la 2", "el 4". */
const KEEPS_NEXT_NUMBER = new Set(['x', 'de', 'del', 'la', 'el', 'los', 'las', 'lo', 'numero', 'num', 'nro', 'por']);

/** Words around an order that carry no item: greetings, politeness, ordering verbs, articles. */
const LEADING_FILLER = new Set([
  'hola', 'holi', 'ola', 'buenas', 'buenos', 'buen', 'dia', 'dias', 'tarde', 'tardes', 'noche', 'noches', 'saludos', 'hey',
  'quiero', 'quisiera', 'queria', 'queremos', 'quisieramos', 'deseo', 'desearia', 'gustaria',
  'dame', 'deme', 'denme', 'regalame', 'regaleme', 'regalenme', 'regalas', 'regala', 'regalan',
  'me', 'nos', 'te', 'das', 'da', 'dan', 'puedes', 'puede', 'pueden', 'podrias', 'podria', 'podrian',
  'traes', 'trae', 'traigan', 'traeme', 'traigame', 'mandame', 'manda', 'mandas', 'mandan', 'envia', 'enviame', 'envias',
  'agrega', 'agregame', 'agregue', 'agregar', 'agregale', 'anade', 'anademe', 'anadir', 'anadele', 'suma', 'sumale',
  'pon', 'ponme', 'ponle', 'pone', 'necesito', 'necesitamos', 'pedir', 'pido', 'pedimos', 'ordenar', 'ordeno', 'encargar', 'encargo',
  'para', 'mi', 'yo', 'porfa', 'porfavor', 'favor', 'por', 'plis', 'pls', 'please', 'gracias',
  'el', 'la', 'los', 'las', 'lo', 'numero', 'num', 'nro', 'solo', 'solamente', 'ok', 'listo', 'bueno', 'entonces', 'si',
]);
const TRAILING_FILLER = new Set([
  'por', 'favor', 'porfa', 'porfavor', 'porfis', 'plis', 'pls', 'please', 'gracias', 'ya', 'ahora', 'mismo', 'rapido', 'bien', 'ok',
]);

/** A part containing one of these is declined or negated, never an order: "no quiero nada". */
const NEGATIONS = new Set(['no', 'nada', 'ningun', 'ninguna', 'ninguno', 'tampoco']);
/** A part containing one of these is a question about the menu, not an order. */
const QUESTION_WORDS = new Set([
  'cuanto', 'cuanta', 'cuantos', 'cuantas', 'cuesta', 'cuestan', 'vale', 'valen', 'precio', 'precios',
  'cual', 'cuales', 'donde', 'como', 'horario', 'tienen', 'hay', 'que',
]);
/** Closing phrases that end an order rather than add to it. */
const CLOSINGS = new Set(['eso es todo', 'es todo', 'seria todo', 'eso seria todo', 'eso', 'solo eso', 'eso no mas', 'nada mas']);

/** Words between a quantity and a name: "2 unidades de papas", "dos porciones de papas". */
const UNIT_WORDS = new Set(['unidad', 'unidades', 'porcion', 'porciones', 'orden', 'ordenes', 'de', 'del']);
/** Linking words ignored when comparing names. */
const NAME_STOPWORDS = new Set(['de', 'del', 'el', 'la', 'los', 'las', 'al', 'a', 'en']);

/**
 * Splits text into order tokens. The same function tokenizes menu names, so whatever it does to
 * "Coca-Cola" or "7up" happens on both sides.
 */
export function orderTokens(text: string): string[] {
  return foldAccents(text)
    .replace(/×/g, 'x')
    .replace(/(\d)[.,'](?=\d{3}(?!\d))/g, '$1') // thousands separators: "1.000.000" is one number
    .replace(/[,;:+&/\n\r\t!?¡¿]/g, ' | ')
    .replace(/(\d)\s*x(?=\s|\d|$)/g, '$1 x ') // "2x3", "2x hamburguesa"
    .replace(/(^|[^a-z0-9])x(\d)/g, '$1x $2') // "hamburguesa x2"
    .replace(/(\d)([a-z])/g, '$1 $2') // "2hamburguesas"
    .replace(/[^a-z0-9|]+/g, ' ')
    .split(' ')
    .filter((token) => token.length > 0);
}

function isDigits(token: string | undefined): token is string {
  return token !== undefined && /^\d+$/.test(token);
}

function quantityOf(token: string | undefined): number | null {
  if (token === undefined) return null;
  if (isDigits(token)) return token.length > 15 ? Number.POSITIVE_INFINITY : Number(token);
  return NUMBER_WORDS[token] ?? null;
}

function indexMenu(menu: readonly MenuItem[]): IndexedItem[] {
  return menu.map((item) => {
    const canon = orderTokens(item.nombre).map(canonicalToken);
    const key = canon.filter((token) => !NAME_STOPWORDS.has(token) && token !== '|');
    return { item, canon, key, compact: key.join('') };
  });
}

/** Positions inside a menu item's own name, where splitting would cut the name ("arroz con pollo"). */
function positionsInsideNames(tokens: readonly string[], index: readonly IndexedItem[]): boolean[] {
  const canon = tokens.map(canonicalToken);
  const inside = tokens.map(() => false);
  for (const { canon: name } of index) {
    if (name.length < 2) continue;
    for (let start = 0; start + name.length <= canon.length; start++) {
      if (name.every((token, offset) => canon[start + offset] === token)) {
        for (let offset = 1; offset < name.length; offset++) inside[start + offset] = true;
      }
    }
  }
  return inside;
}

function splitParts(tokens: readonly string[], index: readonly IndexedItem[]): string[][] {
  const inside = positionsInsideNames(tokens, index);
  const parts: string[][] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) parts.push(current);
    current = [];
  };
  tokens.forEach((token, i) => {
    if (!inside[i] && SEPARATORS.has(token)) {
      flush();
      return;
    }
    const previous = current[current.length - 1];
    const next = tokens[i + 1];
    const startsNewPart =
      !inside[i] &&
      quantityOf(token) !== null &&
      previous !== undefined &&
      quantityOf(previous) === null &&
      !KEEPS_NEXT_NUMBER.has(previous) &&
      // A bare trailing number ("hamburguesa 2") stays with its name and is asked about.
      next !== undefined &&
      !SEPARATORS.has(next);
    if (startsNewPart) flush();
    current.push(token);
  });
  flush();
  return parts;
}

function stripFiller(tokens: readonly string[]): string[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && LEADING_FILLER.has(tokens[start] ?? '')) start++;
  while (end > start && TRAILING_FILLER.has(tokens[end - 1] ?? '')) end--;
  return tokens.slice(start, end);
}

type PartReading =
  | { kind: 'noise' }
  | { kind: 'unclear_numbers' }
  | { kind: 'by_number'; cantidad: number; explicitQuantity: boolean; numero: string }
  | { kind: 'by_name'; cantidad: number; explicitQuantity: boolean; name: string[] };

function readPart(raw: readonly string[]): PartReading {
  if (raw.some((token) => NEGATIONS.has(token) || QUESTION_WORDS.has(token))) return { kind: 'noise' };
  if (CLOSINGS.has(raw.join(' '))) return { kind: 'noise' };
  const tokens = stripFiller(raw);
  if (tokens.length === 0) return { kind: 'noise' };

  const first = tokens[0];
  if (tokens.length === 1 && isDigits(first)) return { kind: 'by_number', cantidad: 1, explicitQuantity: false, numero: first };

  const cantidad = quantityOf(first);
  if (cantidad !== null) {
    let rest = tokens.slice(1);
    const hadX = rest[0] === 'x';
    if (hadX) rest = rest.slice(1);
    const onlyNumber = rest.length === 1 && isDigits(rest[0]);
    if (hadX && onlyNumber && rest[0] !== undefined) {
      return { kind: 'by_number', cantidad, explicitQuantity: true, numero: rest[0] };
    }
    // "3 de la 2", "2 del 5", "2 del numero 5"
    if (rest[0] === 'de' || rest[0] === 'del') {
      let tail = rest.slice(1);
      if (['la', 'el', 'los', 'las'].includes(tail[0] ?? '')) tail = tail.slice(1);
      if (['numero', 'num', 'nro'].includes(tail[0] ?? '')) tail = tail.slice(1);
      if (tail.length === 1 && isDigits(tail[0])) return { kind: 'by_number', cantidad, explicitQuantity: true, numero: tail[0] };
    }
    while (rest.length > 0 && UNIT_WORDS.has(rest[0] ?? '')) rest = rest.slice(1);
    if (rest.length === 0 || rest.every((token) => isDigits(token) || token === 'x')) return { kind: 'unclear_numbers' };
    return { kind: 'by_name', cantidad, explicitQuantity: true, name: rest };
  }

  // "<name> x N"
  const last = tokens[tokens.length - 1];
  const trailingQuantity = quantityOf(last);
  if (tokens.length >= 3 && tokens[tokens.length - 2] === 'x' && trailingQuantity !== null) {
    return { kind: 'by_name', cantidad: trailingQuantity, explicitQuantity: true, name: tokens.slice(0, -2) };
  }
  if (tokens.every((token) => isDigits(token) || token === 'x')) return { kind: 'unclear_numbers' };
  return { kind: 'by_name', cantidad: 1, explicitQuantity: false, name: tokens };
}

type NameMatch =
  | { kind: 'match'; item: MenuItem }
  | { kind: 'ambiguous'; candidates: MenuItem[] }
  | { kind: 'none'; suggestions: MenuItem[] };

/** Edits tolerated between whole names, by length: none for short words, where one edit changes the word. */
function wholeNameTolerance(length: number): number {
  if (length < 5) return 0;
  if (length < 9) return 1;
  if (length < 14) return 2;
  return 3;
}

function matchName(name: readonly string[], index: readonly IndexedItem[]): NameMatch {
  const key = name.map(canonicalToken).filter((token) => !NAME_STOPWORDS.has(token));
  const compact = key.join('');
  if (compact.length === 0) return { kind: 'none', suggestions: [] };

  // 1. Exact name (plural-, accent- and spacing-insensitive: "cocacolas" = "Coca Cola").
  const exact = index.filter((entry) => entry.compact === compact);
  if (exact.length === 1 && exact[0]) return { kind: 'match', item: exact[0].item };
  if (exact.length > 1) return { kind: 'ambiguous', candidates: exact.map((entry) => entry.item) };

  // 2. The whole name with a typo or two ("amburguesa", "hamburgesas"); the single closest wins.
  // Numbers are never typos: "hamburguesa 2" must not become "Hamburguesa" by edit distance.
  const tolerance = wholeNameTolerance(compact.length);
  const numbers = numbersIn(key);
  if (tolerance > 0) {
    let best = Number.POSITIVE_INFINITY;
    let closest: IndexedItem[] = [];
    for (const entry of index) {
      if (Math.abs(entry.compact.length - compact.length) > tolerance) continue;
      if (numbersIn(entry.key) !== numbers) continue;
      const distance = levenshtein(entry.compact, compact);
      if (distance > tolerance) continue;
      if (distance < best) {
        best = distance;
        closest = [entry];
      } else if (distance === best) {
        closest.push(entry);
      }
    }
    if (closest.length === 1 && closest[0]) return { kind: 'match', item: closest[0].item };
    if (closest.length > 1) return { kind: 'ambiguous', candidates: closest.map((entry) => entry.item) };
  }

  // 3. Part of a name ("perro" → Perro caliente, "zero" → Coca Cola Zero); several fits are ambiguous.
  const containing = index.filter((entry) => key.every((token) => entry.key.some((own) => tokensMatch(token, own))));
  if (containing.length === 1 && containing[0]) return { kind: 'match', item: containing[0].item };
  if (containing.length > 1) return { kind: 'ambiguous', candidates: containing.map((entry) => entry.item) };

  return { kind: 'none', suggestions: suggest(key, compact, index) };
}

function numbersIn(tokens: readonly string[]): string {
  return tokens.filter((token) => isDigits(token)).join(' ');
}

/** Close available items for a name we could not place, best first. */
function suggest(key: readonly string[], compact: string, index: readonly IndexedItem[]): MenuItem[] {
  return index
    .filter((entry) => entry.item.disponible)
    .map((entry) => {
      const shared = key.filter((token) => entry.key.some((own) => tokensMatch(token, own))).length;
      const score = Math.max(diceSimilarity(compact, entry.compact), key.length > 0 ? shared / key.length : 0);
      return { entry, score };
    })
    .filter(({ score }) => score >= SUGGESTION_THRESHOLD)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SUGGESTIONS)
    .map(({ entry }) => entry.item);
}

/** "007" and "7" are the same item number. */
function sameNumero(a: string, b: string): boolean {
  const canon = (value: string): string => {
    const folded = foldAccents(value).trim();
    return /^\d+$/.test(folded) ? String(Number(folded)) : folded;
  };
  return canon(a) === canon(b);
}

/** Reads `text` as an order against `menu` (all items, available or not). */
export function parseOrderText(text: string, menu: readonly MenuItem[]): ParsedOrderText {
  const index = indexMenu(menu);
  const allParts = splitParts(orderTokens(text), index);
  const parts = allParts.slice(0, MAX_ORDER_PARTS_PER_MESSAGE);
  const result: ParsedOrderText = { lines: [], problems: [] };

  for (const part of parts) {
    const partText = part.filter((token) => token !== '|').join(' ');
    const reading = readPart(part);
    if (reading.kind === 'noise') continue;
    if (reading.kind === 'unclear_numbers') {
      result.problems.push({ kind: 'unclear_numbers', text: partText });
      continue;
    }

    let item: MenuItem | undefined;
    if (reading.kind === 'by_number') {
      const found = menu.filter((candidate) => sameNumero(candidate.numero, reading.numero));
      if (found.length > 1) {
        result.problems.push({ kind: 'ambiguous', text: partText, candidates: found });
        continue;
      }
      item = found[0];
      if (!item) {
        result.problems.push({ kind: 'unknown_number', text: partText, numero: reading.numero });
        continue;
      }
    } else {
      const match = matchName(reading.name, index);
      if (match.kind === 'none') {
        // An out-of-range quantity is the more useful thing to say, whatever the name.
        if (reading.cantidad < 1 || reading.cantidad > MAX_QTY_PER_LINE) {
          result.problems.push({ kind: 'quantity_out_of_range', text: partText, cantidad: reading.cantidad });
        } else {
          result.problems.push({
            kind: 'unknown_item',
            text: reading.name.join(' '),
            explicitQuantity: reading.explicitQuantity,
            suggestions: match.suggestions,
          });
        }
        continue;
      }
      if (match.kind === 'ambiguous') {
        result.problems.push({ kind: 'ambiguous', text: reading.name.join(' '), candidates: match.candidates });
        continue;
      }
      item = match.item;
    }

    if (reading.cantidad < 1 || reading.cantidad > MAX_QTY_PER_LINE) {
      result.problems.push({ kind: 'quantity_out_of_range', text: partText, cantidad: reading.cantidad, item });
      continue;
    }
    if (!item.disponible) {
      result.problems.push({ kind: 'unavailable', text: partText, item });
      continue;
    }
    result.lines.push({ item, cantidad: reading.cantidad, explicitQuantity: reading.explicitQuantity, text: partText });
  }

  if (allParts.length > parts.length) {
    result.problems.push({ kind: 'too_many_parts', skipped: allParts.length - parts.length });
  }
  return result;
}
