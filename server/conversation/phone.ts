/**
 * Colombian mobile numbers as customers type them. A mobile is 10 digits starting with 3
 * ("3001234567"); people add spaces, dashes, dots, parentheses and the country code in any of
 * its spellings (+57, 57, 0057). We store the bare 10 digits, the seed's `telefonoContacto` shape.
 */

const MOBILE = /^3\d{9}$/;
/** Longest input worth looking at; a phone with every separator and prefix fits easily. */
const MAX_PHONE_INPUT_CHARS = 40;

/**
 * Strict form: the whole input must be one phone number with optional formatting.
 * Returns the 10 digits, or null when it is not a Colombian mobile.
 */
export function normalizeColombianMobile(raw: string): string | null {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_PHONE_INPUT_CHARS) return null;
  if (!/^[+\d\s().-]+$/.test(text)) return null;

  const plusSigns = text.split('+').length - 1;
  // A "+" only makes sense once, in front of the country code: "+57 …" or "(+57) …".
  if (plusSigns > 1 || (plusSigns === 1 && !/^\(?\+/.test(text))) return null;

  let digits = text.replace(/\D/g, '');
  if (plusSigns === 1) {
    if (!digits.startsWith('57')) return null;
    digits = digits.slice(2);
  } else if (digits.startsWith('0057')) {
    digits = digits.slice(4);
  } else if (digits.length === 12 && digits.startsWith('57')) {
    digits = digits.slice(2);
  }
  return MOBILE.test(digits) ? digits : null;
}

/**
 * Lenient form for the phone step: accepts the strict form, or a sentence holding exactly one
 * number ("mi número es 300 123 4567"). Two candidate numbers are ambiguous and give null.
 */
export function extractColombianMobile(text: string): string | null {
  const strict = normalizeColombianMobile(text);
  if (strict) return strict;
  const candidates = text.match(/\(?\+?\(?\d[\d\s().-]{8,}\d/g) ?? [];
  const phones = candidates.map((candidate) => normalizeColombianMobile(candidate)).filter((p): p is string => p !== null);
  const unique = [...new Set(phones)];
  return candidates.length === 1 && unique.length === 1 ? (unique[0] ?? null) : null;
}

/** The customer's own WhatsApp number as a local mobile, when it is Colombian ("573001234567" → "3001234567"). */
export function colombianMobileFromWaId(waId: string): string | null {
  return /^573\d{9}$/.test(waId) ? waId.slice(2) : null;
}

/** "3001234567" → "300 123 4567", the way Colombians read a mobile aloud. */
export function formatColombianMobile(mobile: string): string {
  return MOBILE.test(mobile) ? `${mobile.slice(0, 3)} ${mobile.slice(3, 6)} ${mobile.slice(6)}` : mobile;
}
