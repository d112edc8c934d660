import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths, WA_ID_PATTERN } from '../db/paths';

/**
 * Demo mode only (#12): which simulated customer numbers belong to which browser. The
 * simulator page gets an unguessable token in an HttpOnly cookie; a number is claimed by the
 * first browser that uses it, and only that browser may send as it or read its messages (the
 * bot's answers carry an address, a contact phone and a payment link).
 *
 * With a database (#17) the claims are kept under `demo/numeros` (a hash of the token, never
 * the token), like the captured messages they guard, so after a restart the same browser still
 * holds its numbers and sees its conversation, and no other browser can take them.
 */
export const SIMULATOR_COOKIE = 'simulador';

/** Browsers remembered at once; the least recently active is forgotten first (its numbers become free). */
const MAX_BROWSERS = 10_000;
/** Numbers one browser may hold; a person tries a handful, a script trying to hoard them stops here. */
export const MAX_NUMBERS_PER_BROWSER = 20;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type ClaimResult = 'owned' | 'taken' | 'too-many';

const ZStoredClaimSchema = z.object({ holder: z.string().regex(/^[A-Za-z0-9_-]{43}$/), at: z.number() });

/** What is stored for a browser: the token's hash, so a database reader cannot act as that browser. */
const holderOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface SessionStore {
  db: Database;
  logger: Logger;
}

export class SimulatorSessions {
  /** holder → numbers it holds; Map order is recency (re-inserted on use). */
  private readonly numbersByHolder = new Map<string, Set<string>>();
  private readonly holderByNumber = new Map<string, string>();
  private readonly loaded: Promise<void>;

  constructor(private readonly store?: SessionStore) {
    this.loaded = store ? this.load(store) : Promise.resolve();
  }

  /** A fresh token for a browser that has none. */
  static newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  static isToken(value: string | undefined): value is string {
    return typeof value === 'string' && TOKEN_PATTERN.test(value);
  }

  private async load(store: SessionStore): Promise<void> {
    try {
      const raw = (await readValue<Record<string, unknown>>(store.db, paths.demoNumbers())) ?? {};
      const claims = Object.entries(raw)
        .map(([waId, value]) => ({ waId, parsed: ZStoredClaimSchema.safeParse(value) }))
        .filter((c) => WA_ID_PATTERN.test(c.waId) && c.parsed.success)
        .map((c) => ({ waId: c.waId, ...c.parsed.data! }))
        .sort((a, b) => a.at - b.at);
      for (const { waId, holder } of claims) {
        const numbers = this.numbersByHolder.get(holder) ?? new Set<string>();
        this.numbersByHolder.delete(holder);
        this.numbersByHolder.set(holder, numbers);
        numbers.add(waId);
        this.holderByNumber.set(waId, holder);
      }
    } catch (error) {
      store.logger.warn({ err: error }, 'demo: could not read which browser holds which simulator number');
    }
  }

  /** Claims `waId` for `token` if nobody holds it; says whether `token` may use it. */
  async claim(token: string, waId: string): Promise<ClaimResult> {
    await this.loaded;
    const me = holderOf(token);
    const holder = this.holderByNumber.get(waId);
    if (holder !== undefined && holder !== me) return 'taken';
    const { numbers, forgotten } = this.touch(me);
    if (holder === me) return 'owned';
    if (numbers.size >= MAX_NUMBERS_PER_BROWSER) return 'too-many';
    numbers.add(waId);
    this.holderByNumber.set(waId, me);
    await this.persist({ [paths.demoNumber(waId)]: { holder: me, at: Date.now() }, ...Object.fromEntries(forgotten.map((n) => [paths.demoNumber(n), null])) });
    return 'owned';
  }

  private async persist(update: Record<string, unknown>): Promise<void> {
    if (!this.store) return;
    try {
      await withTimeout(this.store.db.ref().update(update), 'demo numbers');
    } catch (error) {
      this.store.logger.warn({ err: error }, 'demo: a simulator number claim was not kept for after a restart');
    }
  }

  private touch(holder: string): { numbers: Set<string>; forgotten: string[] } {
    const numbers = this.numbersByHolder.get(holder) ?? new Set<string>();
    this.numbersByHolder.delete(holder);
    this.numbersByHolder.set(holder, numbers);
    const forgotten: string[] = [];
    if (this.numbersByHolder.size > MAX_BROWSERS) {
      const [oldest, held] = this.numbersByHolder.entries().next().value as [string, Set<string>];
      this.numbersByHolder.delete(oldest);
      for (const waId of held) {
        this.holderByNumber.delete(waId);
        forgotten.push(waId);
      }
    }
    return { numbers, forgotten };
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
