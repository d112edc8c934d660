/**
 * How Colombian customers name menu items on WhatsApp when they do not use the menu's words.
 * Pure data plus two small lookups; the parser (parse-order-text.ts) decides what to do with them.
 *
 * - WORD_ALIASES: a customer's word → the menu word it stands for. Used only when some item of
 *   the tenant's menu has that word, so "burger" means nothing on a menu without hamburgers.
 *   Prefixes ("hamb", "salchi", "empas", "limo") need no entry: the parser reads a prefix of a
 *   menu word as that word.
 * - GROUP_WORDS: a generic word ("gaseosa", "pola") → the brand words that make an item one of
 *   them. A group word that fits several items is asked about ("¿Cuál gaseosa?"), never guessed.
 * - BASE_WORDS: words that ask for the plain version of an item ("hamburguesa sencilla"): they
 *   add nothing to the name, and the item with the fewest extra words is preferred.
 *
 * Owners add their own per-item words in the tenant file and the admin page (`alias`).
 */

/** Keys are what customers type (folded) or its canonical form; values are canonical menu words. */
export const WORD_ALIASES: Readonly<Record<string, string>> = {
  burger: 'hamburguesa',
  burguer: 'hamburguesa',
  hamburgue: 'hamburguesa',
  burguesa: 'hamburguesa',
  coke: 'coca',
  cocacola: 'coca',
  coka: 'coca',
  perrito: 'perro',
  hotdog: 'perro',
  salchipapita: 'salchipapa',
  patacone: 'patacon',
  empanadita: 'empanada',
  limonadita: 'limonada',
  papita: 'papa',
  arepita: 'arepa',
  jugito: 'jugo',
  aguita: 'agua',
  tintico: 'tinto',
  cafecito: 'cafe',
};

/** Generic drink/food words and the words in an item's name or category that make it one. */
export const GROUP_WORDS: ReadonlyArray<{ words: readonly string[]; members: readonly string[]; label: string }> = [
  {
    words: ['gaseosa', 'gaseosita', 'soda', 'refresco', 'fresco', 'gasesosa', 'gaseos'],
    members: ['gaseosa', 'coca', 'cola', 'pepsi', 'sprite', 'postobon', 'colombiana', 'kola', 'manzana', 'quatro', 'fanta', '7up', 'seven', 'ginger', 'uva', 'premio', 'bretana', 'canada'],
    label: 'gaseosa',
  },
  {
    words: ['pola', 'cerveza', 'birra', 'chela', 'cervecita'],
    members: ['cerveza', 'aguila', 'poker', 'club', 'corona', 'costena', 'costenita', 'pilsen', 'andina', 'heineken', 'budweiser', 'stella', 'redd'],
    label: 'cerveza',
  },
  {
    words: ['bebida', 'tomar'],
    members: ['bebida', 'gaseosa', 'jugo', 'agua', 'limonada', 'coca', 'cola', 'pepsi', 'sprite', 'postobon', 'te', 'cafe', 'tinto', 'cerveza', 'malteada'],
    label: 'bebida',
  },
];

/** "Hamburguesa sencilla" = the plain Hamburguesa. Canonical forms. */
export const BASE_WORDS: ReadonlySet<string> = new Set(['sencilla', 'sencillo', 'normal', 'clasica', 'clasico', 'simple', 'tradicional', 'corriente']);

export function aliasOf(token: string): string | undefined {
  return WORD_ALIASES[token];
}

/** The group a canonical token names ("gaseosa" → the gaseosa group), if any. */
export function groupOf(token: string): (typeof GROUP_WORDS)[number] | undefined {
  return GROUP_WORDS.find((group) => group.words.includes(token));
}
