import { applyQuery, hashNode, nameCompare, normalize, resolveServerValues, setAt } from '../../../embedded-database/rtdb/tree';

describe('embedded RTDB data model', () => {
  it('orders integer keys numerically before string keys, as Firebase does', () => {
    expect(['10', 'b', '2', 'a', '1'].sort(nameCompare)).toEqual(['1', '2', '10', 'a', 'b']);
  });

  it('stores arrays as objects and drops nulls and empty objects', () => {
    expect(normalize({ a: [1, null, 3], b: {}, c: null, d: { e: {} } })).toEqual({ a: { '0': 1, '2': 3 } });
  });

  it('removes empty parents when the last child is deleted', () => {
    const root = normalize({ a: { b: { c: 1 } }, x: 1 });
    expect(setAt(root, ['a', 'b', 'c'], null)).toEqual({ x: 1 });
  });

  it('hashes like the client SDK: empty for null, sha1 base64 otherwise, independent of key insertion order', () => {
    expect(hashNode(null)).toBe('');
    const a = hashNode(normalize({ b: 1, a: 'x', list: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }));
    const b = hashNode(normalize({ list: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], a: 'x', b: 1 }));
    expect(a).toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it('resolves increments against the stored value and timestamps against now', () => {
    const stored: Record<string, number> = { n: 4 };
    const out = resolveServerValues({ n: { '.sv': { increment: 2 } }, m: { '.sv': { increment: 5 } }, t: { '.sv': 'timestamp' } }, 1234, (rel) => stored[rel.join('/')] ?? null);
    expect(out).toEqual({ n: 6, m: 5, t: 1234 });
  });

  it('filters queries by child, range and limit', () => {
    const data = normalize({ a: { t: 1 }, b: { t: 5 }, c: { t: 3 }, d: { t: 2 }, e: {} }) as never;
    expect(Object.keys(applyQuery(data, { i: 't', ep: 3, l: 2, vf: 'l' }) as object)).toEqual(['a', 'd']);
    expect(Object.keys(applyQuery(data, { i: 't', sp: 3 }) as object)).toEqual(['c', 'b']);
    expect(Object.keys(applyQuery(data, { i: '.key', sp: 'b', ep: 'c' }) as object)).toEqual(['b', 'c']);
    expect(Object.keys(applyQuery(data, { i: 't', l: 1, vf: 'r' }) as object)).toEqual(['b']);
  });
});
