import { RecentlyDone } from '../../../server/orders/recently-done';

describe('RecentlyDone', () => {
  it('remembers facts with their values and forgets the least recently remembered beyond its capacity', () => {
    const done = new RecentlyDone(3);
    done.remember('pedido:a', '1001');
    done.remember('pedido:b', '1002');
    done.remember('line:x');
    expect(done.get('pedido:a')).toBe('1001');
    expect(done.has('line:x')).toBe(true);
    done.remember('pedido:a', '1001'); // remembered again: now the newest
    done.remember('pedido:c', '1003');
    expect(done.has('pedido:b')).toBe(false);
    expect(done.get('pedido:a')).toBe('1001');
    expect(done.get('pedido:c')).toBe('1003');
    expect(done.get('unknown')).toBeUndefined();
  });
});
