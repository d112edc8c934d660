import { randomBytes } from 'node:crypto';

/**
 * Demo mode only (#12): which simulated customer numbers belong to which browser. The
 * simulator page gets an unguessable token in an HttpOnly cookie; a number is claimed by the
 * first browser that uses it, and only that browser may send as it or read its messages (the
 * bot's answers carry an address, a contact phone and a payment link). Kept in memory like the
 * Graph capture it guards; after a restart the first browser to use a number claims it again.
 */
export const SIMULATOR_COOKIE = 'simulador';

/** Browsers remembered at once; the least recently active is forgotten first (its numbers become free). */
const MAX_BROWSERS = 10_000;
/** Numbers one browser may hold; a person tries a handful, a script trying to hoard them stops here. */
export const MAX_NUMBERS_PER_BROWSER = 20;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type ClaimResult = 'owned' | 'taken' | 'too-many';

export class SimulatorSessions {
  /** token → numbers it holds; Map order is recency (re-inserted on use). */
  private readonly numbersByToken = new Map<string, Set<string>>();
  private readonly tokenByNumber = new Map<string, string>();

  /** A fresh token for a browser that has none. */
  static newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  static isToken(value: string | undefined): value is string {
    return typeof value === 'string' && TOKEN_PATTERN.test(value);
  }

  /** Claims `waId` for `token` if nobody holds it; says whether `token` may use it. */
  claim(token: string, waId: string): ClaimResult {
    const holder = this.tokenByNumber.get(waId);
    if (holder !== undefined && holder !== token) return 'taken';
    const numbers = this.touch(token);
    if (holder === token) return 'owned';
    if (numbers.size >= MAX_NUMBERS_PER_BROWSER) return 'too-many';
    numbers.add(waId);
    this.tokenByNumber.set(waId, token);
    return 'owned';
  }

  private touch(token: string): Set<string> {
    const numbers = this.numbersByToken.get(token) ?? new Set<string>();
    this.numbersByToken.delete(token);
    this.numbersByToken.set(token, numbers);
    if (this.numbersByToken.size > MAX_BROWSERS) {
      const [oldest, held] = this.numbersByToken.entries().next().value as [string, Set<string>];
      this.numbersByToken.delete(oldest);
      for (const waId of held) this.tokenByNumber.delete(waId);
    }
    return numbers;
  }
}

/** The simulator token from a Cookie header, if it has a well-formed one. */
export function simulatorTokenFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SIMULATOR_COOKIE) {
      const token = value.join('=');
      return SimulatorSessions.isToken(token) ? token : undefined;
    }
  }
  return undefined;
}
