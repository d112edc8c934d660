import { createHash } from 'node:crypto';

/**
 * The data model of the embedded Realtime Database: a JSON tree with Firebase's rules
 * (no empty objects, no nulls stored, arrays stored as objects with index keys), plus the
 * pieces of the wire protocol that depend on it: the node hash used by transactions,
 * server values and query filtering.
 */
export type Json = null | boolean | number | string | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Every object of the tree, and every object built from client data, inherits nothing, so
 * keys such as `constructor`, `__proto__` or `toString` are ordinary keys (#12). Its prototype
 * is an empty, frozen object without a prototype: unlike `Object.create(null)` objects, which
 * V8 keeps in slow dictionary mode, these get fast hidden classes.
 */
const TreeNode = function TreeNode() {} as unknown as new () => JsonObject;
TreeNode.prototype = Object.freeze(Object.create(null));

export function emptyObject(): JsonObject {
  return new TreeNode();
}

function own(node: JsonObject, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stored form of a client value: arrays become objects, nulls and empty objects vanish, priorities are dropped. */
export function normalize(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const out = emptyObject();
    value.forEach((v, i) => {
      const n = normalize(v);
      if (n !== null) out[String(i)] = n;
    });
    return Object.keys(out).length ? out : null;
  }
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(obj, '.value')) return normalize(obj['.value']);
    const out = emptyObject();
    for (const [k, v] of Object.entries(obj)) {
      if (k === '.priority') continue;
      const n = normalize(v);
      if (n !== null) out[k] = n;
    }
    return Object.keys(out).length ? out : null;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return null;
}

export function getAt(root: Json, segments: readonly string[]): Json {
  let node: Json = root;
  for (const s of segments) {
    if (!isObject(node)) return null;
    node = own(node, s) ?? null;
  }
  return node;
}

/** Returns the new root after writing `value` (already normalized) at `segments`. */
export function setAt(root: Json, segments: readonly string[], value: Json): Json {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  const base: JsonObject = isObject(root) ? root : emptyObject();
  const child = setAt(own(base, head) ?? null, rest, value);
  if (child === null) {
    if (own(base, head) === undefined) return isObject(root) ? root : null;
    delete base[head];
    return Object.keys(base).length ? base : null;
  }
  base[head] = child;
  return base;
}

const INTEGER_KEY = /^-?(0|[1-9]\d{0,9})$/;
function asInt32(key: string): number | null {
  if (!INTEGER_KEY.test(key)) return null;
  const n = Number(key);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

/** Firebase key order: 32-bit integer keys first, numerically; then strings. */
export function nameCompare(a: string, b: string): number {
  if (a === b) return 0;
  if (a === MIN_NAME || b === MAX_NAME) return -1;
  if (b === MIN_NAME || a === MAX_NAME) return 1;
  const ai = asInt32(a);
  const bi = asInt32(b);
  if (ai !== null && bi !== null) return ai - bi === 0 ? a.length - b.length : ai - bi;
  if (ai !== null) return -1;
  if (bi !== null) return 1;
  return a < b ? -1 : 1;
}
export const MIN_NAME = '[MIN_NAME]';
export const MAX_NAME = '[MAX_NAME]';

function doubleToHex(n: number): string {
  const buf = Buffer.alloc(8);
  buf.writeDoubleBE(n, 0);
  return buf.toString('hex');
}

/** The node hash the client SDK computes (sha1, base64) and sends with transactional writes. */
export function hashNode(value: Json): string {
  if (value === null) return '';
  let text = '';
  if (isObject(value)) {
    for (const key of Object.keys(value).sort(nameCompare)) {
      const childHash = hashNode(own(value, key) ?? null);
      if (childHash !== '') text += `:${key}:${childHash}`;
    }
    if (text === '') return '';
  } else {
    text = `${typeof value}:${typeof value === 'number' ? doubleToHex(value) : String(value)}`;
  }
  return createHash('sha1').update(text).digest('base64');
}

/**
 * Replaces `{".sv": "timestamp"}` and `{".sv": {"increment": n}}` with their values.
 * `existing(relative)` reads the value currently stored below the write path.
 */
export function resolveServerValues(value: unknown, now: number, existing: (relative: string[]) => Json, relative: string[] = []): unknown {
  if (isObject(value)) {
    const sv = own(value, '.sv');
    if (sv !== undefined) {
      if (sv === 'timestamp') return now;
      const increment = isObject(sv) ? own(sv, 'increment') : undefined;
      if (typeof increment === 'number') {
        const current = existing(relative);
        return typeof current === 'number' ? current + increment : increment;
      }
      return null;
    }
    const out = emptyObject() as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = resolveServerValues(v, now, existing, [...relative, k]);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveServerValues(v, now, existing, [...relative, String(i)]));
  return value;
}

/** A query as the client sends it (`_queryObject`). */
export interface QuerySpec {
  sp?: Json;
  sn?: string;
  ep?: Json;
  en?: string;
  l?: number;
  vf?: 'l' | 'r';
  i?: string;
}

function typeRank(v: Json): number {
  if (v === null) return 0;
  if (v === false) return 1;
  if (v === true) return 2;
  if (typeof v === 'number') return 3;
  if (typeof v === 'string') return 4;
  return 5;
}

/** Firebase value order: null < false < true < numbers < strings < objects. */
export function valueCompare(a: Json, b: Json): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

/** True when the query is not the default one (it filters, limits or orders). */
export function isFilteringQuery(q: QuerySpec | undefined): q is QuerySpec {
  return !!q && (q.sp !== undefined || q.ep !== undefined || q.l !== undefined);
}

/** Applies a query to the children of `node`, as a real server does before sending them. */
export function applyQuery(node: Json, q: QuerySpec): Json {
  if (!isObject(node)) return q.sp !== undefined || q.ep !== undefined || q.l !== undefined ? null : node;
  const index = q.i ?? '.priority';
  const indexValue = (key: string, child: Json): Json => {
    if (index === '.key') return key;
    if (index === '.value') return child;
    if (index === '.priority') return null;
    return getAt(child, splitPath(index));
  };
  const cmp = (av: Json, ak: string, bv: Json, bk: string) => valueCompare(av, bv) || nameCompare(ak, bk);
  let entries = Object.keys(node)
    .map((k) => ({ k, v: indexValue(k, own(node, k) ?? null) }))
    .sort((a, b) => cmp(a.v, a.k, b.v, b.k));
  if (q.sp !== undefined) {
    const sp = index === '.key' ? String(q.sp) : q.sp;
    const sn = index === '.key' ? String(q.sp) : (q.sn ?? MIN_NAME);
    entries = entries.filter((e) => cmp(e.v, e.k, sp, sn) >= 0);
  }
  if (q.ep !== undefined) {
    const ep = index === '.key' ? String(q.ep) : q.ep;
    const en = index === '.key' ? String(q.ep) : (q.en ?? MAX_NAME);
    entries = entries.filter((e) => cmp(e.v, e.k, ep, en) <= 0);
  }
  if (q.l !== undefined) {
    entries = q.vf === 'r' ? entries.slice(Math.max(0, entries.length - q.l)) : entries.slice(0, q.l);
  }
  const out = emptyObject();
  for (const e of entries) out[e.k] = own(node, e.k) ?? null;
  return Object.keys(out).length ? out : null;
}
