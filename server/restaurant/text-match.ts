/**
 * A small, self-contained matcher for names typed by customers: accents, case and
 * punctuation do not matter, and a longer word may carry one typo ("tosineta" → "tocineta").
 * Used for option values and barrio names; the conversation has its own helpers for items.
 */

/** "Término  Medio!" → "termino medio". */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Case-, accent- and spacing-insensitive key of a name ("Término" = "termino"). */
export const nameKey = (name: string): string => normalizeText(name);

export const tokensOf = (text: string): string[] => {
  const n = normalizeText(text);
  return n ? n.split(' ') : [];
};

/** Levenshtein distance, stopping early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** Typos allowed in a word: none up to 4 letters, one from 5 (short words collide too easily). */
export const typosAllowed = (word: string): number => (word.length >= 5 ? 1 : 0);

/**
 * Same word, allowing `typosAllowed` of the expected one. Digits must match exactly, and so
 * must the first letter, which keeps "Morales" from being read as "Rosales".
 */
export function sameWord(typed: string, expected: string): boolean {
  if (typed === expected) return true;
  if (/\d/.test(expected) || /\d/.test(typed) || typed[0] !== expected[0]) return false;
  const limit = typosAllowed(expected);
  return limit > 0 && editDistance(typed, expected, limit) <= limit;
}

/** A match of `phrase` at tokens [start, end) of the text. */
export interface Span {
  start: number;
  end: number;
}

/** Every place where the phrase's words appear in a row in `tokens`, skipping tokens already `used`. */
export function findPhrase(tokens: readonly string[], phrase: readonly string[], used: readonly boolean[] = []): Span[] {
  const spans: Span[] = [];
  if (phrase.length === 0) return spans;
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    let ok = true;
    for (let k = 0; k < phrase.length && ok; k++) ok = !used[i + k] && sameWord(tokens[i + k]!, phrase[k]!);
    if (ok) spans.push({ start: i, end: i + phrase.length });
  }
  return spans;
}
