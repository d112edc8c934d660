import { connect, type Socket } from 'node:net';
import { startHarness, type Harness } from '../../helpers/harness';

/**
 * What one client can do to the HTTP server (#12): choose its own address through
 * X-Forwarded-For, or hold sockets open by sending slowly. Real sockets against the app.
 */
describe('client address and rate limits (TRUST_PROXY)', () => {
  const LIMIT = 3;
  let direct: Harness;
  let proxied: Harness;
  beforeAll(async () => {
    [direct, proxied] = await Promise.all([
      startHarness({ env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: String(LIMIT) } }),
      startHarness({ env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'loopback' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([direct?.close(), proxied?.close()]);
  });

  /** Posts an (unsigned) payment webhook claiming to come from a new address each time. */
  const rotating = async (h: Harness, count: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await h.http
        .post('/api/webhooks/payment/sandbox')
        .set('content-type', 'application/json')
        .set('x-forwarded-for', `203.0.113.${i + 1}`)
        .send('{}');
      statuses.push(res.status);
    }
    return statuses;
  };

  it('off by default: a direct client rotating X-Forwarded-For is still one client and hits the limit', async () => {
    const statuses = await rotating(direct, LIMIT + 3);
    expect(statuses.slice(0, LIMIT)).not.toContain(429);
    expect(statuses.slice(LIMIT)).toEqual([429, 429, 429]);
  });

  it('with TRUST_PROXY naming the proxy, the forwarded address is the client (each one counted on its own)', async () => {
    const statuses = await rotating(proxied, LIMIT + 3);
    expect(statuses).not.toContain(429);
  });
});

describe('slow clients are cut off', () => {
  const SLOW_SOCKETS = 800;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '2', HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1', HTTP_MAX_CONNECTIONS: '1000' },
    });
  });
  afterAll(() => h?.close());

  it(`${SLOW_SOCKETS} sockets sending their headers byte by byte are closed by the server, which keeps answering`, async () => {
    const port = Number(new URL(h.baseUrl).port);
    const request = Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(10_000));
    const sockets: Socket[] = [];
    const closed: Array<Promise<void>> = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < SLOW_SOCKETS; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      sockets.push(socket);
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
      let sent = 0;
      // One byte every 100 ms: the headers would take more than 15 minutes to arrive.
      const timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(request.subarray(sent, ++sent));
      }, 100);
      timers.push(timer);
      socket.once('close', () => clearInterval(timer));
    }
    try {
      // While they trickle, a normal client is served.
      expect((await h.http.get('/healthz')).status).toBe(200);
      // Every slow socket is closed by the server; none of them ever completes its headers. The
      // bound is the test's own timeout (far below Node's 60 s / 300 s defaults).
      await Promise.all(closed);
      expect(sockets.every((s) => s.destroyed)).toBe(true);
      expect((await h.http.get('/healthz')).status).toBe(200);
    } finally {
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.destroy());
    }
  }, 25_000);
});
