/**
 * Text helpers for the conversation: accent folding, tokens, and the small fuzzy comparisons the
 * order parser relies on. Pure functions.
 */
import { distance } from 'fastest-levenshtein';

/**
 * Longest inbound text we look at. WhatsApp allows 4096 characters; nobody orders in more than a
 * few lines, and cutting early bounds the parser's work (fuzzy matching is per segment × item).
 */
export const MAX_INPUT_CHARS = 1000;

/** Cuts a message to `MAX_INPUT_CHARS` before any parsing. */
export function capInput(text: string): string {
  return text.length > MAX_INPUT_CHARS ? text.slice(0, MAX_INPUT_CHARS) : text;
}

/** Lower-case and strip diacritics: "Limonáda Ñ" → "limonada n". Punctuation is kept. */
export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * Command-matching form: folded, anything other than a-z/0-9 becomes a space, spaces collapsed.
 * "¡Menú!  " → "menu"; "Ver   carrito 🛒" → "ver carrito".
 */
export function normalize(text: string): string {
  return foldAccents(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** True when the text has at least one letter or digit (in any script), i.e. is not just emoji/punctuation. */
export function hasReadableContent(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * Reduces a Spanish word to a comparable stem so singular/plural and diminutives meet:
 * hamburguesas→hamburguesa, dobles/doble→dobl, panes/pan→pan, perritos→perro, papitas→papa.
 * Both the customer's words and the menu's names go through it, so the stem only has to be
 * consistent, not linguistically correct.
 */
export function canonicalToken(token: string): string {
  if (/^\d+$/.test(token)) return token;
  let t = token;
  if (t.length > 3 && t.endsWith('s')) t = t.slice(0, -1);
  // Length guard keeps short words such as "frita" or "pita" intact.
  if (t.length > 5 && /it[oa]$/.test(t)) t = t.slice(0, -3) + t.slice(-1);
  if (t.length > 3 && t.endsWith('e')) t = t.slice(0, -1);
  return t;
}

/** Edit distance (insert, delete, substitute), from `fastest-levenshtein` (Myers' bit-parallel algorithm). */
export function levenshtein(a: string, b: string): number {
  return distance(a, b);
}

/**
 * Typo-tolerant equality for single canonical tokens. Short words must match exactly: with one
 * edit allowed, "coca"/"cola" or "papa"/"pasa" would collide.
 */
export function tokensMatch(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < 4) return false;
  const allowed = Math.max(a.length, b.length) >= 8 ? 2 : 1;
  if (Math.abs(a.length - b.length) > allowed) return false;
  return levenshtein(a, b) <= allowed;
}

/** Sørensen–Dice similarity over character bigrams, in [0, 1]. Used only to rank suggestions. */
export function diceSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const bigrams = (s: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) {
      const pair = s.slice(i, i + 2);
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    return counts;
  };
  const left = bigrams(a);
  const right = bigrams(b);
  let shared = 0;
  for (const [pair, count] of left) shared += Math.min(count, right.get(pair) ?? 0);
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}

/**
 * Shortens text to at most `max` UTF-16 units (WhatsApp counts those), ending with "…" when cut,
 * without splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/**
 * Makes customer- or owner-provided text safe to echo inside our WhatsApp markup: drops the
 * markup characters (*, _, ~, `) that would unbalance our bold text, flattens newlines, caps length.
 */
export function sanitizeEcho(text: string, max = 40): string {
  const flat = text
    .replace(/[*_~`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(flat, max);
}
