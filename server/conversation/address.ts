/**
 * Telling a Colombian delivery address from other text, and taking a phone out of a message that
 * has both ("Cra 50 # 30-12, 300 123 4567"). Pure.
 */
import { extractColombianMobile } from './phone';
import { foldAccents } from './text';

/** Street types, folded: these need a number ("Calle 80", "Cra 7 # 45-10"). */
const STREET_WORDS = new Set([
  'calle', 'cl', 'cll', 'clle', 'carrera', 'cra', 'cr', 'kr', 'kra', 'krr', 'carr', 'avenida', 'av', 'ave', 'avda', 'ak', 'ac',
  'diagonal', 'dg', 'diag', 'transversal', 'tv', 'tr', 'trans', 'transv', 'autopista', 'circular', 'cq', 'circunvalar', 'via', 'variante', 'km', 'kilometro',
]);
/** Place words: rural and residential addresses often have no street ("Vereda El Salitre finca Los Pinos"). */
const PLACE_WORDS = new Set([
  'manzana', 'mz', 'mza', 'barrio', 'vereda', 'conjunto', 'edificio', 'edif', 'torre', 'apto', 'apartamento', 'casa', 'sector',
  'urbanizacion', 'urb', 'finca', 'lote', 'bloque', 'interior', 'piso', 'local', 'oficina', 'etapa', 'condominio', 'hacienda', 'corregimiento',
]);

/**
 * True for text that reads as an address: a street type with a number ("Cra 50 # 30-12",
 * "Calle 80 12-34", "cl80 #12"), "#" with a number next to words, or a place word with a number
 * or a name ("Mz 4 casa 12", "Barrio La Soledad casa azul"). "asdfgh qwerty", "Chapinero",
 * "#12-3" or "hola" are not addresses.
 */
export function looksLikeAddress(text: string): boolean {
  const folded = foldAccents(text);
  if (!/[a-z]/.test(folded)) return false;
  const words = folded.split(/[^a-z0-9]+/).filter(Boolean);
  const hasNumber = /\d/.test(folded);
  // "cra50", "cl80": a street type glued to its number.
  const street = words.some((word) => STREET_WORDS.has(word) || STREET_WORDS.has(word.replace(/\d+[a-z]?$/, '')));
  if (street && hasNumber) return true;
  if (/#\s*\d/.test(folded) && words.filter((word) => /[a-z]{2,}/.test(word)).length >= 1) return true;
  const place = words.some((word) => PLACE_WORDS.has(word));
  return place && (hasNumber || words.length >= 3);
}

/**
 * Splits "Calle 80 #12-34 apto 501, cel 3001234567" into the address and the mobile. Returns the
 * text unchanged and no phone when there is not exactly one mobile in it.
 */
export function splitAddressAndPhone(text: string): { address: string; phone: string | null } {
  const candidates = text.match(/(?:\+?57[\s.-]?)?\(?3\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b/g) ?? [];
  if (candidates.length !== 1 || !candidates[0]) return { address: text, phone: null };
  const phone = extractColombianMobile(candidates[0]);
  if (!phone) return { address: text, phone: null };
  const address = text
    .replace(candidates[0], ' ')
    .replace(/\b(cel(ular)?|tel(efono)?|telf|whatsapp|wpp|numero|mi numero es|y mi numero)\b[\s:.]*$/i, ' ')
    .replace(/[\s,;:-]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { address, phone };
}

/** "me equivoqué, es Cra 50 # 30-12" → "Cra 50 # 30-12": drops the correction words in front. */
export function withoutCorrectionWords(text: string): string {
  return text
    .replace(/^\s*((me\s+equivoqu[eé]|perd[oó]n|disculpa|no|corrijo|correcci[oó]n|mejor|era|es|la\s+direcci[oó]n\s+es|cambiar\s+direcci[oó]n\s*(a|por)?|otra\s+direcci[oó]n:?)[\s,.:;!]*)+/i, '')
    .trim();
}
