/**
 * Reads a free-text order the way Colombians type it on WhatsApp ("me regalas 2 hamb y una coca
 * bien fría porfa", "un par de perros sin salsa", "hamburguesa 2\ncoca") against a menu with its
 * aliases. Pure: a function of (text, menu). It never guesses: every part of the message becomes
 * a line with one menu item, a note on a line, or a problem the customer is asked about.
 * Filler ("hola", "porfa", "gracias"), negations ("no quiero nada") and questions ("¿cuánto
 * cuesta?") produce nothing.
 *
 * Conventions (documented for customers in messages.es-CO.ts):
 * - A lone number "3" is one unit of item number 3; "N x M", "N de la M", "N del M" are N units
 *   of item number M. Two bare numbers ("1 5") are asked about.
 * - Quantities: digits, "x2"/"2x", number words up to cincuenta, "un par de" (2), "media docena"
 *   (6), "una docena"/"doce" (12), before the name or after it ("hamburguesa 2", "coca x2").
 *   Zero or negative ("-5 hamburguesas", "menos 2") is never read as positive: it is asked about.
 * - Parts are split on "y", "e", "más", "con", "pero", "también", commas, line breaks, and before
 *   a quantity that follows a name ("2 hamburguesas 1 coca"), except inside an item's own name.
 * - Names: case-, accent- and plural-insensitive. In order of preference: the exact name or an
 *   owner's alias; every word of the customer's in the item's name; a generic word ("gaseosa")
 *   whose group has that item; every word a prefix of the item's words ("hamb", "limo de coco");
 *   a whole-name typo ("amburguesa"); word typos. A prefix or alias therefore beats a one-letter
 *   edit of another item ("coca" is Coca Cola, not Limonada de coco). When several items fit
 *   equally, the one with the fewest extra words wins ("coca" → Coca Cola over Coca Cola Zero),
 *   and a tie is asked about.
 * - Words after the name that describe it ("sin salsa", "bien fría", "para llevar", "con
 *   queso" when queso is not an item) become the line's `nota`. A note on its own goes to
 *   `looseNotes` (the caller applies it to the last line or asks).
 * - "X o Y" asks which (adds neither). "X, no, mejor Y" / "X sino Y" keeps only Y.
 *   "me equivoqué, eran 3" sets a quantity (`quantityFix`) instead of adding.
 */
import type { MenuItem } from './types';
import { MAX_QTY_PER_LINE } from './state';
import { aliasOf, BASE_WORDS, groupOf } from './aliases';
import { canonicalToken, diceSimilarity, foldAccents, levenshtein, tokensMatch } from './text';

/** Most parts read from one message; beyond this the customer is asked to send the rest separately. */
export const MAX_ORDER_PARTS_PER_MESSAGE = 20;
/** Longest note kept on a cart line. */
export const MAX_NOTE_CHARS = 80;

/** How many close matches we offer for a name we could not place. */
const MAX_SUGGESTIONS = 3;
/** Minimum similarity (0..1) for a menu item to be offered as "¿Quisiste decir…?". */
const SUGGESTION_THRESHOLD = 0.4;
/** Longest name (in words) tried when looking for where a name ends and its note begins. */
const MAX_NAME_WORDS = 8;

export interface OrderTextLine {
  item: MenuItem;
  cantidad: number;
  /** False when the customer gave no quantity ("hamburguesa", "3"): removal then means the whole line. */
  explicitQuantity: boolean;
  /** The part of the message this line came from, normalized (lower-case, no accents). */
  text: string;
  /** What the customer said about this line: "sin salsa", "bien fría". */
  nota?: string;
  /** Read from an item number ("3", "2 x 3") rather than a name. */
  byNumber?: boolean;
  /** Option values named for this line (#16), set by `line-options.ts`; checked when the line is added. */
  elegidas?: Array<{ grupo: string; valor: string }>;
}

export type OrderTextProblem =
  /** No menu item fits `text`; `suggestions` are close available items (may be empty). */
  | { kind: 'unknown_item'; text: string; explicitQuantity: boolean; suggestions: MenuItem[]; cantidad: number; nota?: string }
  /** `text` fits several items (or the customer wrote "X o Y": `choice`); the customer must say which. */
  | { kind: 'ambiguous'; text: string; candidates: MenuItem[]; cantidad: number; nota?: string; choice?: boolean }
  /** The item exists but `disponible` is false. */
  | { kind: 'unavailable'; text: string; item: MenuItem }
  /** A number that is no item's `numero`. */
  | { kind: 'unknown_number'; text: string; numero: string }
  /** Quantity outside 1..MAX_QTY_PER_LINE ("0 hamburguesas", "-5 hamburguesas", "1000000 hamburguesas"). */
  | { kind: 'quantity_out_of_range'; text: string; cantidad: number; item?: MenuItem }
  /** Numbers we cannot read unambiguously ("1 5", "2 o 3 hamburguesas"). */
  | { kind: 'unclear_numbers'; text: string }
  /** More than MAX_ORDER_PARTS_PER_MESSAGE parts; the rest was not read. */
  | { kind: 'too_many_parts'; skipped: number };

export interface ParsedOrderText {
  lines: OrderTextLine[];
  problems: OrderTextProblem[];
  /** Notes that came without an item ("sin cebolla"); the caller applies them to the last line or asks. */
  looseNotes: string[];
  /** "me equivoqué, eran 3": the quantity a line already in the cart should have (the named one, or the last). */
  quantityFix?: { cantidad: number; item?: MenuItem };
  /** "no, mejor un perro" with nothing earlier in this message: the new line replaces the one added last. */
  replacesLast?: boolean;
}

/** A menu item prepared for matching. `key` drops linking words so "jugo mora" meets "Jugo de mora". */
interface IndexedItem {
  item: MenuItem;
  /** Canonical tokens of the full name, used to keep item names whole while splitting. */
  canon: string[];
  key: string[];
  compact: string;
  /** The owner's aliases, each as compact canonical text, and all their words. */
  aliasCompacts: string[];
  aliasWords: string[];
  /** Name and category words, for group words ("gaseosa"). */
  groupWords: Set<string>;
}

const UNITS: Readonly<Record<string, number>> = {
  un: 1, uno: 1, una: 1, unos: 1, unas: 1, otro: 1, otra: 1,
  dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9,
};
const NUMBER_WORDS: Readonly<Record<string, number>> = {
  ...UNITS,
  diez: 10, once: 11, doce: 12, trece: 13, catorce: 14, quince: 15, dieciseis: 16, diecisiete: 17, dieciocho: 18, diecinueve: 19,
  veinte: 20, veintiuno: 21, veintiuna: 21, veintiun: 21, veintidos: 22, veintitres: 23, veinticuatro: 24, veinticinco: 25,
  veintiseis: 26, veintisiete: 27, veintiocho: 28, veintinueve: 29, treinta: 30, cuarenta: 40, cincuenta: 50,
  docena: 12, cien: 100, mil: 1000,
};
const TENS = new Set(['treinta', 'cuarenta', 'cincuenta']);

/** Words that join two parts of an order. "|" stands for punctuation such as commas and line breaks. */
const SEPARATORS = new Set(['|', 'y', 'e', 'mas', 'con', 'pero', 'tambien', 'ademas', 'o', 'u', 'sino', 'mejor']);
/** Separators that mean "one or the other" and "instead of the previous". */
const OR_WORDS = new Set(['o', 'u']);
const REPLACE_WORDS = new Set(['sino', 'mejor']);
const STRONG_JOINERS = new Set([...OR_WORDS, ...REPLACE_WORDS, 'con']);

/** A number right after these belongs to the same part: "2 x 3", "3 de la 2", "el 4". */
const KEEPS_NEXT_NUMBER = new Set(['x', 'de', 'del', 'la', 'el', 'los', 'las', 'lo', 'numero', 'num', 'nro', 'por', 'menos', 'eran', 'era', 'son', 'sean', 'seran', 'en', 'a', 'no']);

/** Words around an order that carry no item: greetings, politeness, ordering verbs, articles. */
const LEADING_FILLER = new Set([
  'hola', 'holi', 'holis', 'ola', 'buenas', 'buenos', 'buen', 'dia', 'dias', 'tarde', 'tardes', 'noche', 'noches', 'saludos', 'hey', 'alo',
  'pa', 'fa', 'quiero', 'kiero', 'qiero', 'kero', 'quero', 'hacer', 'quisiera', 'queria', 'queremos', 'quisieramos', 'deseo', 'desearia', 'gustaria', 'encantaria',
  'dame', 'deme', 'denme', 'regalame', 'regaleme', 'regalenme', 'regalas', 'regala', 'regalan', 'regalarias', 'regalan',
  'me', 'nos', 'te', 'das', 'da', 'dan', 'puedes', 'puede', 'pueden', 'podrias', 'podria', 'podrian', 'vendes', 'venden', 'vende',
  'traes', 'trae', 'traigan', 'traeme', 'traigame', 'mandame', 'manda', 'mandas', 'mandan', 'mande', 'envia', 'enviame', 'envias', 'enviar', 'mandar', 'traer',
  'agrega', 'agregame', 'agregue', 'agregar', 'agregale', 'agregas', 'anade', 'anademe', 'anadir', 'anadele', 'suma', 'sumale', 'sumame',
  'pon', 'ponme', 'ponle', 'pone', 'pones', 'necesito', 'necesitamos', 'pedir', 'pido', 'pedimos', 'pedire', 'ordenar', 'ordeno', 'encargar', 'encargo',
  'para', 'mi', 'yo', 'porfa', 'porfavor', 'porfis', 'favor', 'por', 'plis', 'pls', 'please', 'gracias', 'vecino', 'vecina', 'amigo', 'amiga', 'parce', 'mano',
  'el', 'la', 'los', 'las', 'lo', 'numero', 'num', 'nro', 'solo', 'solamente', 'ok', 'listo', 'bueno', 'entonces', 'si', 'ah', 'ahh', 'a', 'ya', 'va', 'vale', 'dale',
  'sumerce', 'senor', 'senora', 'seno', 'don', 'dona', 'mija', 'mijo', 'hagame', 'haceme', 'hazme', 'el', 'favorcito', 'tambien', 'ademas', 'otra', 'vez', 'al', 'de',
]);
const TRAILING_FILLER = new Set([
  'fa', 'porfi', 'por', 'favor', 'porfa', 'porfavor', 'porfis', 'plis', 'pls', 'please', 'gracias', 'ya', 'ahora', 'mismo', 'rapido', 'ok', 'tambien', 'ademas', 'no', 'mas',
  'vecino', 'vecina', 'amigo', 'amiga', 'parce', 'sumerce', 'mil', 'muchas', 'y', 'listo', 'bueno', 'dale', 'pues', 'ahi', 'nada',
]);

/** A part that starts with one of these is declined or negated, never an order: "no quiero nada". */
const NEGATIONS = new Set(['no', 'nada', 'ningun', 'ninguna', 'ninguno', 'tampoco', 'nunca']);
/** A part that starts with one of these is a question about the menu, not an order. */
const QUESTION_WORDS = new Set([
  'cuanto', 'cuanta', 'cuantos', 'cuantas', 'cuesta', 'cuestan', 'precio', 'precios',
  'cual', 'cuales', 'donde', 'como', 'horario', 'tienen', 'tiene', 'tenes', 'hay', 'que', 'venden', 'manejan', 'hasta', 'cuando',
]);
/** Closing phrases that end an order rather than add to it. */
const CLOSINGS = new Set(['eso es todo', 'es todo', 'seria todo', 'eso seria todo', 'eso', 'solo eso', 'eso no mas', 'nada mas', 'eso es', 'seria eso', 'listo eso']);
/** A part made only of these corrects what came before ("no", "perdón", "me equivoqué"). */
const CORRECTION_WORDS = new Set(['no', 'nop', 'perdon', 'perdona', 'disculpa', 'equivoque', 'equivoco', 'equivocado', 'equivocada', 'error', 'corrijo', 'corrección', 'correccion', 'ups', 'uy', 'ay', 'espera', 'mentira']);
/** "eran 3", "que sean 3", "son 3", "déjalo en 3": a quantity that replaces the previous one. */
const FIX_VERBS = new Set(['eran', 'era', 'son', 'sean', 'seran', 'serian', 'dejalo', 'dejala', 'dejalos', 'dejalas', 'cambialo', 'cambiala', 'cambia']);

/** "un pedido", "una orden", "un domicilio": ordering talk, not an item. */
const NOT_ITEMS = new Set(['pedido', 'pedidos', 'orden', 'domicilio', 'domicilios', 'favor', 'favorcito', 'momento', 'pregunta', 'rato', 'vez']);

/** Words between a quantity and a name: "2 unidades de papas", "dos porciones de papas". */
const UNIT_WORDS = new Set(['unidad', 'unidades', 'porcion', 'porciones', 'orden', 'ordenes', 'de', 'del', 'el', 'la', 'los', 'las']);
/** Linking words ignored when comparing names. */
const NAME_STOPWORDS = new Set(['de', 'del', 'el', 'la', 'los', 'las', 'al', 'a', 'en', 'un', 'una']);

/** A note may start with these after any name ("sin salsa", "bien fría", "para llevar"). */
const NOTE_STARTERS = new Set([
  'sin', 'con', 'bien', 'muy', 'extra', 'poco', 'poca', 'poquito', 'poquita', 'mucho', 'mucha', 'harto', 'harta', 'bastante', 'para', 'que',
  'aparte', 'separado', 'separada', 'separados', 'separadas', 'fria', 'frio', 'helada', 'helado', 'heladita', 'heladito', 'caliente', 'calientico',
  'picante', 'dorada', 'dorado', 'doradita', 'tostada', 'crocante', 'termino', 'full', 'todo', 'toda', 'solo', 'sola', 'natural', 'light', 'tipo',
  'al', 'a', 'en', 'asada', 'asado', 'tajada', 'partida', 'partido', 'cortada', 'bien',
]);

/** "heladas" starts a note like "helada". */
function startsNote(token: string | undefined): boolean {
  return token !== undefined && (NOTE_STARTERS.has(token) || NOTE_STARTERS.has(canonicalToken(token)));
}
/** After a name that only partly fits an item ("jugo" of Jugo de mora), "de lulo" may name another variant: ask instead. */
const WEAK_NOTE_STARTERS = new Set(['al', 'a', 'en', 'tipo', 'natural', 'light', 'asada', 'asado']);

/**
 * Splits text into order tokens. The same function tokenizes menu names, so whatever it does to
 * "Coca-Cola" or "7up" happens on both sides. A minus sign before a number becomes "menos".
 */
export function orderTokens(text: string): string[] {
  return foldAccents(withoutListNumbers(text))
    .replace(/×/g, 'x')
    .replace(/(\d)[.,'](?=\d{3}(?!\d))/g, '$1') // thousands separators: "1.000.000" is one number
    .replace(/(^|[\s,;:(|])[-−–](?=\d)/g, '$1 menos ') // "-5 hamburguesas"; "- 2 hamburguesas" is a list bullet
    .replace(/[,;+&/\n\r\t!?¡¿•*]/g, ' | ')
    .replace(/(\d)\s*x(?=\s|\d|$)/g, '$1 x ') // "2x3", "2x hamburguesa"
    .replace(/(^|[^a-z0-9])x(\d)/g, '$1x $2') // "hamburguesa x2"
    .replace(/(\d)([a-z])/g, '$1 $2') // "2hamburguesas"
    .replace(/[^a-z0-9|]+/g, ' ')
    .split(' ')
    .filter((token) => token.length > 0);
}

/** "1. hamburguesa\n2. coca": numbered lines 1, 2, 3… are a list, not quantities. */
function withoutListNumbers(text: string): string {
  const lines = text.split(/\r?\n/);
  const numbered = lines.map((line) => /^\s*(\d{1,2})[.)]\s+(?=\D)/.exec(line));
  if (lines.length < 2 || !numbered.every((match, i) => match && Number(match[1]) === i + 1)) return text;
  return lines.map((line, i) => line.slice(numbered[i]?.[0].length ?? 0)).join('\n');
}

function isDigits(token: string | undefined): token is string {
  return token !== undefined && /^\d+$/.test(token);
}

function isQuantityToken(token: string | undefined): token is string {
  return token !== undefined && /^-?\d+$/.test(token);
}

function quantityOf(token: string | undefined): number | null {
  if (token === undefined) return null;
  if (isQuantityToken(token)) return token.replace('-', '').length > 15 ? (token.startsWith('-') ? -Infinity : Infinity) : Number(token);
  return NUMBER_WORDS[token] ?? null;
}

/**
 * Rewrites counting phrases as digits: "un par de" → 2, "media docena de" → 6, "dos docenas" → 24,
 * "treinta y dos" → 32, "menos 5" → -5. Later steps see one quantity token.
 */
function combineQuantities(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const next = tokens[i + 1];
    const after = tokens[i + 2];
    const skipDe = (j: number): number => (tokens[j] === 'de' ? j + 1 : j);
    if ((t === 'un' || t === 'una') && next === 'par') {
      out.push('2');
      i = skipDe(i + 2) - 1;
    } else if (t === 'par' && (next === 'de' || out.length === 0)) {
      out.push('2');
      i = skipDe(i + 1) - 1;
    } else if (t === 'media' && (next === 'docena' || next === 'docenas')) {
      out.push('6');
      i = skipDe(i + 2) - 1;
    } else if ((t === 'una' || t === 'un') && next === 'docena') {
      out.push('12');
      i = skipDe(i + 2) - 1;
    } else if (next === 'docenas' && quantityOf(t) !== null) {
      out.push(String((quantityOf(t) ?? 0) * 12));
      i = skipDe(i + 2) - 1;
    } else if (t === 'docena' && (next === 'de' || i === 0)) {
      out.push('12');
      i = skipDe(i + 1) - 1;
    } else if (TENS.has(t) && next === 'y' && after !== undefined && UNITS[after] !== undefined) {
      out.push(String((NUMBER_WORDS[t] ?? 0) + (UNITS[after] ?? 0)));
      i += 2;
    } else if (t === 'menos' && quantityOf(next) !== null) {
      out.push(String(-(quantityOf(next) ?? 0)));
      i += 1;
    } else {
      out.push(t);
    }
  }
  return out;
}

function keyTokens(canon: readonly string[]): string[] {
  return canon.filter((token) => !NAME_STOPWORDS.has(token) && token !== '|');
}

function indexMenu(menu: readonly MenuItem[]): IndexedItem[] {
  return menu.map((item) => {
    const canon = orderTokens(item.nombre).map(canonicalToken);
    const key = keyTokens(canon);
    const aliases = (item.alias ?? []).map((alias) => keyTokens(orderTokens(alias).map(canonicalToken))).filter((words) => words.length > 0);
    const category = item.categoria ? keyTokens(orderTokens(item.categoria).map(canonicalToken)) : [];
    return {
      item,
      canon,
      key,
      compact: key.join(''),
      aliasCompacts: aliases.map((words) => words.join('')),
      aliasWords: aliases.flat(),
      groupWords: new Set([...key, ...category]),
    };
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

interface Part {
  tokens: string[];
  /** The separator before this part ("|", "y", "o", "con", "mejor"…); "" for the first. */
  joiner: string;
}

function splitParts(tokens: readonly string[], index: readonly IndexedItem[]): Part[] {
  const inside = positionsInsideNames(tokens, index);
  const parts: Part[] = [];
  let current: string[] = [];
  let joiner = '';
  let pendingJoiner = '';
  const flush = (): void => {
    if (current.length > 0) parts.push({ tokens: current, joiner });
    current = [];
  };
  tokens.forEach((token, i) => {
    if (!inside[i] && SEPARATORS.has(token)) {
      flush();
      // ", mejor …", "| o …": the meaningful joiner since the last part wins over punctuation.
      if (STRONG_JOINERS.has(token) || !STRONG_JOINERS.has(pendingJoiner)) pendingJoiner = token;
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
      // A bare trailing number ("hamburguesa 2") stays with its name: it is that line's quantity.
      next !== undefined &&
      !SEPARATORS.has(next) &&
      !NOTE_STARTERS.has(next) &&
      // "para una reunión", "sin una salsa": the number belongs to a note.
      !NOTE_STARTERS.has(previous);
    if (startsNewPart) flush();
    if (current.length === 0) {
      joiner = pendingJoiner;
      pendingJoiner = '';
    }
    current.push(token);
  });
  flush();
  return parts;
}

/** "2 hamburguesas eso es todo" → "2 hamburguesas". */
function withoutClosing(tokens: readonly string[]): string[] {
  for (let cut = Math.max(0, tokens.length - 4); cut < tokens.length; cut++) {
    if (cut > 0 && CLOSINGS.has(tokens.slice(cut).join(' '))) return tokens.slice(0, cut);
  }
  return [...tokens];
}

function stripFiller(tokens: readonly string[]): string[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && LEADING_FILLER.has(tokens[start] ?? '')) start++;
  while (end > start && TRAILING_FILLER.has(tokens[end - 1] ?? '')) end--;
  return tokens.slice(start, end);
}

// ---------------------------------------------------------------------------------------------
// Names

type NameMatch =
  /** `partial`: the item has words the customer did not write ("perro" of Perro caliente). */
  | { kind: 'match'; item: MenuItem; partial: boolean }
  | { kind: 'ambiguous'; candidates: MenuItem[] }
  | { kind: 'none'; suggestions: MenuItem[] };

/** Edits tolerated between whole names, by length: none for short words, where one edit changes the word. */
function wholeNameTolerance(length: number): number {
  if (length < 5) return 0;
  if (length < 9) return 1;
  if (length < 14) return 2;
  return 3;
}

function customerKey(name: readonly string[], index: readonly IndexedItem[]): { key: string[]; plain: string[] } {
  const menuWords = new Set(index.flatMap((entry) => [...entry.key, ...entry.aliasWords]));
  const key = keyTokens(
    name.map((raw) => {
      const token = canonicalToken(raw);
      const alias = aliasOf(raw) ?? aliasOf(token);
      return alias && menuWords.has(alias) && !menuWords.has(token) ? alias : token;
    }),
  );
  return { key, plain: key.filter((token) => !BASE_WORDS.has(token)) };
}

/** The entries with the fewest words beyond the customer's: the plain item wins over its variants. */
function fewestExtra(entries: readonly IndexedItem[], keyLength: number): NameMatch {
  if (entries.length === 0) return { kind: 'none', suggestions: [] };
  const extra = (entry: IndexedItem): number => Math.max(0, entry.key.length - keyLength);
  const least = Math.min(...entries.map(extra));
  const best = entries.filter((entry) => extra(entry) === least);
  if (best.length === 1 && best[0]) return { kind: 'match', item: best[0].item, partial: least > 0 };
  return { kind: 'ambiguous', candidates: best.map((entry) => entry.item) };
}

function matchName(name: readonly string[], index: readonly IndexedItem[]): NameMatch {
  const { key: fullKey, plain } = customerKey(name, index);
  const fullCompact = fullKey.join('');
  const key = plain.length > 0 ? plain : fullKey;
  const compact = key.join('');
  if (compact.length === 0) return { kind: 'none', suggestions: [] };

  // 1. Exact name or owner alias (plural-, accent- and spacing-insensitive: "cocacolas" = "Coca Cola").
  for (const target of [fullCompact, compact]) {
    const exact = index.filter((entry) => entry.compact === target || entry.aliasCompacts.includes(target));
    if (exact.length === 1 && exact[0]) return { kind: 'match', item: exact[0].item, partial: false };
    if (exact.length > 1) return { kind: 'ambiguous', candidates: exact.map((entry) => entry.item) };
  }
  const words = (entry: IndexedItem): string[] => [...entry.key, ...entry.aliasWords];

  // 2. Every word of the customer's is a word of the item ("coca" → Coca Cola, "perro" → Perro caliente).
  const containing = index.filter((entry) => key.every((token) => words(entry).includes(token)));
  if (containing.length > 0) return fewestExtra(containing, key.length);

  // 3. A generic word: "gaseosa" → the sodas on the menu.
  const group = key.length === 1 ? groupOf(key[0] ?? '') : undefined;
  if (group) {
    const members = index.filter((entry) => entry.item.disponible && group.members.some((word) => entry.groupWords.has(word)));
    // Even a single soda is offered, not assumed: "gaseosa" may mean one the menu does not have.
    if (members.length > 0) return { kind: 'ambiguous', candidates: members.map((entry) => entry.item) };
  }

  // 4. Every word is a prefix (3+ letters) of a word of the item: "hamb", "salchi", "limo de coco".
  const isPrefixOf = (token: string, own: string): boolean =>
    token === own || (!/^\d+$/.test(token) && !/^\d+$/.test(own) && token.length >= 3 && own.startsWith(token));
  const prefixed = index.filter((entry) => key.every((token) => words(entry).some((own) => isPrefixOf(token, own))));
  if (prefixed.length > 0) return fewestExtra(prefixed, key.length);

  // 5. The whole name with a typo or two ("amburguesa", "hamburgesas"); the single closest wins.
  // Numbers are never typos: "combo 2" must not become "Combo 3" by edit distance.
  const tolerance = wholeNameTolerance(compact.length);
  const numbers = numbersIn(key);
  if (tolerance > 0) {
    let best = Number.POSITIVE_INFINITY;
    let closest: IndexedItem[] = [];
    for (const entry of index) {
      if (numbersIn(entry.key) !== numbers) continue;
      // A typo changes letters, not words: several words are compared word by word (stage 6).
      if (key.length > 1) continue;
      for (const candidate of [entry.compact, ...entry.aliasCompacts]) {
        if (Math.abs(candidate.length - compact.length) > tolerance) continue;
        const distance = levenshtein(candidate, compact);
        if (distance > tolerance) continue;
        if (distance < best) {
          best = distance;
          closest = [entry];
        } else if (distance === best && !closest.includes(entry)) {
          closest.push(entry);
        }
      }
    }
    if (closest.length === 1 && closest[0]) return { kind: 'match', item: closest[0].item, partial: false };
    if (closest.length > 1) return { kind: 'ambiguous', candidates: closest.map((entry) => entry.item) };
  }

  // 6. Word typos inside a longer name ("perro calinte", "limonada de cocco").
  const typo = index.filter((entry) => key.every((token) => words(entry).some((own) => tokensMatch(token, own))));
  if (typo.length > 0) return fewestExtra(typo, key.length);

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
      const shared = key.filter((token) => entry.key.some((own) => tokensMatch(token, own) || (token.length >= 3 && own.startsWith(token)))).length;
      const score = Math.max(diceSimilarity(compact, entry.compact), key.length > 0 ? shared / key.length : 0);
      return { entry, score };
    })
    .filter(({ score }) => score >= SUGGESTION_THRESHOLD)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SUGGESTIONS)
    .map(({ entry }) => entry.item);
}

/** Close available items for free text, for "¿tienen pizza?" → "no, pero tenemos…". */
export function closestItems(text: string, menu: readonly MenuItem[]): MenuItem[] {
  const index = indexMenu(menu);
  const { key } = customerKey(orderTokens(text), index);
  return suggest(key, key.join(''), index);
}

/** The one menu item `text` names (alias, prefix, typo…), or the candidates when several fit. */
export function findItems(text: string, menu: readonly MenuItem[]): NameMatch {
  return matchName(orderTokens(text), indexMenu(menu));
}

// ---------------------------------------------------------------------------------------------
// Parts

/** What one part of a message says. */
type PartReading =
  | { kind: 'noise' }
  | { kind: 'correction' }
  | { kind: 'fix'; cantidad: number; name: string[] }
  | { kind: 'note'; nota: string }
  | { kind: 'unclear_numbers' }
  | { kind: 'by_number'; cantidad: number; explicitQuantity: boolean; numero: string }
  | { kind: 'by_name'; cantidad: number; explicitQuantity: boolean; name: string[] };

function readPart(raw: readonly string[]): PartReading {
  if (raw.length > 0 && raw.every((token) => CORRECTION_WORDS.has(token) || token === 'me' || token === 'perdon')) return { kind: 'correction' };
  // "eran 3", "que sean 3", "déjalo en 3 porfa"
  const fixStart = raw[0] === 'que' ? 1 : 0;
  if (FIX_VERBS.has(raw[fixStart] ?? '')) {
    let rest = raw.slice(fixStart + 1);
    if (rest[0] === 'en' || rest[0] === 'a') rest = rest.slice(1);
    const cantidad = quantityOf(rest[0]);
    if (cantidad !== null) return { kind: 'fix', cantidad, name: stripFiller(rest.slice(1)) };
  }
  const first = raw[0] ?? '';
  if (NEGATIONS.has(first) || QUESTION_WORDS.has(first)) return { kind: 'noise' };
  if (CLOSINGS.has(raw.join(' '))) return { kind: 'noise' };
  const tokens = stripFiller(withoutClosing(raw));
  if (tokens.length === 0) return { kind: 'noise' };
  const head = tokens[0] ?? '';
  if (NEGATIONS.has(head) || QUESTION_WORDS.has(head)) return { kind: 'noise' };

  if (tokens.length === 1 && isDigits(head)) return { kind: 'by_number', cantidad: 1, explicitQuantity: false, numero: head };

  // "x2 hamburguesas"
  const leadingX = head === 'x' && quantityOf(tokens[1]) !== null;
  const cantidad = quantityOf(leadingX ? tokens[1] : head);
  if (cantidad !== null) {
    let rest = tokens.slice(leadingX ? 2 : 1);
    const hadX = rest[0] === 'x' || rest[0] === 'por';
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
    if (rest.length > 0 && rest.every((token) => NOT_ITEMS.has(token))) return { kind: 'noise' };
    if (rest.length === 0 || rest.every((token) => isQuantityToken(token) || token === 'x')) return { kind: 'unclear_numbers' };
    return { kind: 'by_name', cantidad, explicitQuantity: true, name: rest };
  }
  if (tokens.every((token) => isQuantityToken(token) || token === 'x')) return { kind: 'unclear_numbers' };
  return { kind: 'by_name', cantidad: 1, explicitQuantity: false, name: tokens };
}

/** A name read from a part: where the item's words end, a quantity or a note may follow. */
interface NameReading {
  match: NameMatch;
  /** Quantity written after the name ("hamburguesa 2", "coca x2"). */
  trailingQuantity?: number;
  nota?: string;
  /** Words after the name that are neither a quantity nor a note. */
  leftover?: string[];
}

function readName(name: readonly string[], index: readonly IndexedItem[]): NameReading {
  const longest = Math.min(name.length, MAX_NAME_WORDS);
  for (let k = longest; k >= 1; k--) {
    // "jugo de mora en": a name does not end in a linking word; that word starts what follows.
    if (k > 1 && NAME_STOPWORDS.has(name[k - 1] ?? '')) continue;
    const match = matchName(name.slice(0, k), index);
    if (match.kind === 'none') continue;
    let rest = name.slice(k);
    if (rest.length === 0) return { match };
    const reading: NameReading = { match };
    const qtyAt = rest[0] === 'x' || rest[0] === 'por' ? 1 : 0;
    const trailing = quantityOf(rest[qtyAt]);
    if (trailing !== null && (qtyAt === 1 || isQuantityToken(rest[0]) || rest.length === 1)) {
      reading.trailingQuantity = trailing;
      rest = rest.slice(qtyAt + 1);
      while (rest.length > 0 && UNIT_WORDS.has(rest[0] ?? '')) rest = rest.slice(1);
    }
    rest = stripTrailing(rest);
    if (rest.length === 0) return reading;
    const starter = rest[0] ?? '';
    const partial = match.kind !== 'match' || match.partial;
    if (startsNote(starter) && !(partial && WEAK_NOTE_STARTERS.has(starter))) return { ...reading, nota: noteText(rest) };
    // "2 hamburguesas una sin cebolla": a note about some of the units.
    if (quantityOf(starter) !== null && startsNote(rest[1])) return { ...reading, nota: noteText(rest) };
    // A longer name failed and what follows is not a note: ask about the whole name.
    return { ...reading, leftover: rest };
  }
  return { match: matchName(name, index) };
}

function stripTrailing(tokens: readonly string[]): string[] {
  let end = tokens.length;
  while (end > 0 && TRAILING_FILLER.has(tokens[end - 1] ?? '')) end--;
  return tokens.slice(0, end);
}

function noteText(tokens: readonly string[]): string {
  return stripTrailing(tokens.filter((token) => token !== '|')).join(' ').slice(0, MAX_NOTE_CHARS).trim();
}

/** "007" and "7" are the same item number. */
function sameNumero(a: string, b: string): boolean {
  const canon = (value: string): string => {
    const folded = foldAccents(value).trim();
    return /^\d+$/.test(folded) ? String(Number(folded)) : folded;
  };
  return canon(a) === canon(b);
}

// ---------------------------------------------------------------------------------------------
// The message

/** What each part became, kept in order so later parts can correct earlier ones. */
type Entry =
  /** `bare`: a lone number ("2"), which next to "o" is a quantity, not item number 2. */
  | { kind: 'line'; line: OrderTextLine; group: number; bare?: boolean }
  | { kind: 'problem'; problem: OrderTextProblem; group: number; item?: MenuItem; cantidad?: number };

function joinNotes(a: string | undefined, b: string): string {
  return (a ? `${a}, ${b}` : b).slice(0, MAX_NOTE_CHARS);
}

/** Reads `text` as an order against `menu` (all items, available or not, with their aliases). */
export function parseOrderText(text: string, menu: readonly MenuItem[]): ParsedOrderText {
  const index = indexMenu(menu);
  const allParts = splitParts(combineQuantities(orderTokens(text)), index);
  const parts = allParts.slice(0, MAX_ORDER_PARTS_PER_MESSAGE);
  const result: ParsedOrderText = { lines: [], problems: [], looseNotes: [] };
  const entries: Entry[] = [];
  let group = 0;
  /** A correction ("no", "perdón", "me equivoqué") came and nothing has replaced it yet. */
  let correcting = false;

  const lastEntry = (): Entry | undefined => entries[entries.length - 1];
  const cancelLast = (): boolean => {
    const last = lastEntry();
    if (!last) return false;
    entries.pop();
    return true;
  };

  for (const part of parts) {
    const partText = part.tokens.filter((token) => token !== '|').join(' ');
    if (!OR_WORDS.has(part.joiner)) group++;
    const reading = readPart(part.tokens);

    if (reading.kind === 'correction') {
      // "una hamburguesa, no, …": what follows replaces it; it stays until something does.
      correcting = true;
      continue;
    }
    if (REPLACE_WORDS.has(part.joiner)) correcting = true;

    if (reading.kind === 'fix' || (correcting && reading.kind === 'by_number' && !reading.explicitQuantity)) {
      const cantidad = reading.kind === 'fix' ? reading.cantidad : Number(reading.numero);
      const name = reading.kind === 'fix' ? reading.name : [];
      const last = lastEntry();
      if (last?.kind === 'line' && name.length === 0) {
        last.line = { ...last.line, cantidad, explicitQuantity: true };
      } else if (name.length > 0) {
        const named = readName(name, index);
        if (named.match.kind === 'match') result.quantityFix = { cantidad, item: named.match.item };
        else entries.push({ kind: 'problem', problem: { kind: 'unclear_numbers', text: partText }, group });
      } else {
        result.quantityFix = { cantidad };
      }
      correcting = false;
      continue;
    }
    if (reading.kind === 'noise') continue;
    if (reading.kind === 'unclear_numbers') {
      entries.push({ kind: 'problem', problem: { kind: 'unclear_numbers', text: partText }, group });
      continue;
    }

    // From here the part names something; a pending correction means it replaces what came before.
    if (correcting) {
      if (!cancelLast()) result.replacesLast = true;
      correcting = false;
    }

    if (reading.kind === 'by_number') {
      const found = menu.filter((candidate) => sameNumero(candidate.numero, reading.numero));
      if (found.length > 1) {
        entries.push({ kind: 'problem', problem: { kind: 'ambiguous', text: partText, candidates: found, cantidad: reading.cantidad }, group });
        continue;
      }
      const item = found[0];
      if (!item) {
        entries.push({ kind: 'problem', problem: { kind: 'unknown_number', text: partText, numero: reading.numero }, group });
        continue;
      }
      pushLine(entries, item, reading.cantidad, reading.explicitQuantity, partText, undefined, group);
      const pushed = lastEntry();
      if (pushed?.kind === 'line') {
        pushed.line.byNumber = true;
        if (!reading.explicitQuantity) pushed.bare = true;
      }
      continue;
    }
    if (reading.kind === 'note') continue;

    // by_name
    const named = readName(reading.name, index);
    let cantidad = reading.cantidad;
    let explicitQuantity = reading.explicitQuantity;
    if (named.trailingQuantity !== undefined) {
      cantidad = reading.explicitQuantity ? reading.cantidad * named.trailingQuantity : named.trailingQuantity;
      explicitQuantity = true;
    }
    const previous = lastEntry();
    const afterCon = part.joiner === 'con' && !reading.explicitQuantity && previous?.kind === 'line';
    const startsWithNote = startsNote(part.tokens[0]) && !reading.explicitQuantity;

    if (named.match.kind === 'none' || named.leftover) {
      // "con queso" (queso is no item) or "sin cebolla": a note on the previous line, or loose.
      if (afterCon && previous?.kind === 'line') {
        previous.line = { ...previous.line, nota: joinNotes(previous.line.nota, noteText(['con', ...part.tokens])) };
        continue;
      }
      // "2 perros, uno sin cebolla": a note about part of the previous line.
      const aboutPrevious = reading.explicitQuantity && startsNote(reading.name[0]) && previous?.kind === 'line';
      if (aboutPrevious && previous?.kind === 'line') {
        previous.line = { ...previous.line, nota: joinNotes(previous.line.nota, noteText(part.tokens)) };
        continue;
      }
      if (startsWithNote) {
        if (previous?.kind === 'line') previous.line = { ...previous.line, nota: joinNotes(previous.line.nota, noteText(part.tokens)) };
        else result.looseNotes.push(noteText(part.tokens));
        continue;
      }
      if (cantidad < 1 || cantidad > MAX_QTY_PER_LINE) {
        entries.push({ kind: 'problem', problem: { kind: 'quantity_out_of_range', text: partText, cantidad }, group });
        continue;
      }
      const fits = named.match.kind === 'match' ? [named.match.item] : named.match.kind === 'ambiguous' ? named.match.candidates : [];
      // "1 sencilla" after "1 hamburguesa doble": the plain item of the same kind.
      if (fits.length === 0 && previous?.kind === 'line' && reading.name.every((token) => BASE_WORDS.has(canonicalToken(token)) || token === 'otra' || token === 'otro')) {
        const head = keyTokens(orderTokens(previous.line.item.nombre).map(canonicalToken))[0] ?? '';
        const plain = index.find((entry) => entry.compact === head);
        if (plain) {
          pushLine(entries, plain.item, cantidad, explicitQuantity, partText, undefined, group);
          continue;
        }
      }
      const whole = matchName(reading.name, index);
      const suggestions = [...new Set(fits.length > 0 ? fits : whole.kind === 'none' ? whole.suggestions : [])]
        .filter((candidate) => candidate.disponible)
        .slice(0, MAX_SUGGESTIONS);
      entries.push({
        kind: 'problem',
        problem: { kind: 'unknown_item', text: reading.name.join(' '), explicitQuantity, suggestions, cantidad },
        group,
      });
      continue;
    }
    if (named.match.kind === 'ambiguous') {
      entries.push({
        kind: 'problem',
        problem: { kind: 'ambiguous', text: reading.name.join(' '), candidates: named.match.candidates, cantidad, ...(named.nota ? { nota: named.nota } : {}) },
        group,
      });
      continue;
    }
    // "hamburguesa con queso" where queso only partly fits an item (Arepa de queso): a note, not a
    // second item. "con papas" names Papas fritas by its first word: an item.
    if (afterCon && named.match.partial && previous?.kind === 'line' && !namesHead(reading.name, named.match.item)) {
      previous.line = { ...previous.line, nota: joinNotes(previous.line.nota, noteText(['con', ...part.tokens])) };
      continue;
    }
    pushLine(entries, named.match.item, cantidad, explicitQuantity, partText, named.nota, group);
  }
  if (correcting && entries.length > 0) {
    // A trailing "no" or "perdón" with nothing after it: drop what it corrected.
    entries.pop();
  }

  // "X o Y": one question, nothing added.
  const groups = new Map<number, Entry[]>();
  for (const entry of entries) groups.set(entry.group, [...(groups.get(entry.group) ?? []), entry]);
  for (const members of groups.values()) {
    if (members.length > 1) {
      const items = members.flatMap((entry) =>
        entry.kind === 'line' ? [entry.line.item] : entry.problem.kind === 'ambiguous' ? entry.problem.candidates : [],
      );
      const first = members[0];
      const allNamed = members.every((entry) => (entry.kind === 'line' && !entry.bare) || (entry.kind === 'problem' && entry.problem.kind === 'ambiguous'));
      const text = members.map((entry) => (entry.kind === 'line' ? entry.line.text : 'text' in entry.problem ? entry.problem.text : '')).join(' o ');
      if (allNamed && first) {
        const cantidad = first.kind === 'line' ? first.line.cantidad : first.problem.kind === 'ambiguous' ? first.problem.cantidad : 1;
        result.problems.push({ kind: 'ambiguous', text, candidates: [...new Set(items)], cantidad, choice: true });
      } else {
        result.problems.push({ kind: 'unclear_numbers', text });
      }
      continue;
    }
    const [entry] = members;
    if (!entry) continue;
    if (entry.kind === 'problem') {
      result.problems.push(entry.problem);
      continue;
    }
    const { line } = entry;
    if (line.cantidad < 1 || line.cantidad > MAX_QTY_PER_LINE) {
      result.problems.push({ kind: 'quantity_out_of_range', text: line.text, cantidad: line.cantidad, item: line.item });
    } else if (!line.item.disponible) {
      result.problems.push({ kind: 'unavailable', text: line.text, item: line.item });
    } else {
      result.lines.push(line);
    }
  }

  if (allParts.length > parts.length) {
    result.problems.push({ kind: 'too_many_parts', skipped: allParts.length - parts.length });
  }
  return result;
}

/** The customer's first word is the item's first word ("papas" of Papas fritas, not "queso" of Arepa de queso). */
function namesHead(name: readonly string[], item: MenuItem): boolean {
  const own = keyTokens(orderTokens(item.nombre).map(canonicalToken))[0];
  const said = keyTokens(name.map(canonicalToken))[0];
  return own !== undefined && said !== undefined && (own === said || (said.length >= 3 && own.startsWith(said)));
}

function pushLine(entries: Entry[], item: MenuItem, cantidad: number, explicitQuantity: boolean, text: string, nota: string | undefined, group: number): void {
  const line: OrderTextLine = { item, cantidad, explicitQuantity, text };
  if (nota) line.nota = nota;
  entries.push({ kind: 'line', line, group });
}
