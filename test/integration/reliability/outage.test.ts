import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { AppError, ErrorCode, HTTP_STATUS_BY_CODE } from '../../../server/errors';
import { connectDatabase, withTimeout } from '../../../server/db/firebase';
import { startHarness, type Harness } from '../../helpers/harness';
import { chooseMethod, orderUpToMethods, ordersOf } from '../../helpers/ordering';
import { changeFor, newWamid, webhookBody } from '../../helpers/whatsapp-payloads';
import { deliverWebhook, wompiTransactionEvent } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_out', privateKey: 'prv_test_out', integritySecret: 'test_integrity_out', eventsSecret: 'test_events_out' } as const;

describe('database outage', () => {
  let database: EmbeddedDatabase;
  let h: Harness;
  let wompi: WompiServer;
  const dataFile = join(mkdtempSync(join(tmpdir(), 'outage-')), 'database.json');

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0, dataFile });
    wompi = await startWompiServer(WOMPI);
    h = await startHarness({ database, env: { WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl } });
  });
  afterAll(async () => {
    await h.close({ keepDatabase: true });
    await database.close();
    await wompi.close();
  });

  it('answers 5xx within 10 s instead of hanging, reports 503 on /readyz, and completes the work on retry once the database is back', async () => {
    const file = await h.seedTenant({ id: 'outage', payments: { enabled: true, efectivo: false, wompi: { enabled: true, ...WOMPI } } });
    const pn = file.whatsapp.phoneNumberId;
    const waId = '573400000001';
    await orderUpToMethods(h, pn, waId);
    const { reference } = await chooseMethod(h, pn, 'outage', waId, '1');

    const port = database.port;
    await database.close();
    const message = JSON.stringify(webhookBody([changeFor(pn, [{ waId: '573400000002', text: 'hola', id: newWamid() }])]));
    const approval = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3300000 }));
    const started = Date.now();
    const [whatsapp, payment, ready, health] = await Promise.all([
      h.postWebhook(message),
      deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, approval),
      h.http.get('/readyz'),
      h.http.get('/healthz'),
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(whatsapp.status).toBe(503);
    expect(whatsapp.headers['retry-after']).toMatch(/^\d+$/);
    expect(payment.status).toBe(503);
    expect(ready.status).toBe(503);
    expect(health.status).toBe(200);

    database = await startEmbeddedDatabase({ port, dataFile });
    const deadline = Date.now() + 20_000;
    while ((await h.http.get('/readyz')).status !== 200) {
      if (Date.now() > deadline) throw new Error('the app did not reconnect');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await h.postWebhook(message)).status).toBe(200);
    expect((await deliverWebhook(`${h.baseUrl}/api/webhooks/payment/wompi`, approval)).status).toBe(200);
    await h.graph.waitForMessages('573400000002', 1);
    expect(await ordersOf(h, 'outage', waId)).toHaveLength(1);
  }, 60_000);

  it('a transaction cut by a disconnect is a 503 with Retry-After, never a 500 (#12)', async () => {
    const connection = connectDatabase({ url: database.url('test-project'), projectId: 'test-project' });
    try {
      const ref = connection.db.ref('outage/probe');
      await withTimeout(ref.set(1), 'warm up');
      const port = database.port;
      // The update runs locally, then its write is on the wire when the server goes away.
      let closing: Promise<void> | undefined;
      const outcome = await withTimeout(
        ref.transaction((n: number | null) => {
          closing ??= database.close();
          return (n ?? 0) + 1;
        }),
        'transaction',
      ).then(
        () => 'committed',
        (error: unknown) => error,
      );
      await closing;
      database = await startEmbeddedDatabase({ port, dataFile });
      if (outcome !== 'committed') {
        expect(outcome).toBeInstanceOf(AppError);
        expect((outcome as AppError).code).toBe(ErrorCode.DATABASE_UNAVAILABLE);
      }
      const disconnect = new AppError(ErrorCode.DATABASE_UNAVAILABLE, { cause: new Error('disconnect') });
      expect(HTTP_STATUS_BY_CODE[disconnect.code]).toBe(503);
    } finally {
      await connection.close();
    }
  });

  it('reconnects within a few seconds of the database coming back after a long outage (#12)', async () => {
    expect((await h.http.get('/readyz')).status).toBe(200);
    const port = database.port;
    await database.close();
    // Long enough for the SDK's own backoff (random × a delay growing ×1.3 per attempt up to
    // 30 s) to reach its cap: left alone it then waits up to 30 s more (21 s measured, #12).
    await new Promise((r) => setTimeout(r, 30_000));
    database = await startEmbeddedDatabase({ port, dataFile });
    const deadline = Date.now() + 6_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = (await h.http.get('/readyz')).status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready).toBe(true);
  }, 70_000);

  it('runs one reconciler at a time across instances', async () => {
    const other = await startHarness({ database, graph: h.graph, env: { SECRETS_KEY: h.config.SECRETS_KEY! } });
    try {
      await other.read('phoneNumbers'); // both instances connected before the race
      const runs = await Promise.all([h.runtime.reconciler.runOnce(), other.runtime.reconciler.runOnce(), h.runtime.reconciler.runOnce()]);
      // runs[2] is runs[0] again (same instance, shared run): compare the two instances.
      const ran = [runs[0]!, runs[1]!].filter((r) => r.ran).sort((a, b) => a.startedAt - b.startedAt);
      expect(ran.length).toBeGreaterThanOrEqual(1);
      // Runs never overlap: each starts after the previous one ended and released the lease.
      for (let i = 1; i < ran.length; i++) expect(ran[i]!.startedAt).toBeGreaterThanOrEqual(ran[i - 1]!.startedAt + ran[i - 1]!.ms);
      // The same instance never runs twice at once: its concurrent calls share one run.
      expect(runs[0]).toEqual(runs[2]);
    } finally {
      await other.close({ keepDatabase: true });
    }
  });
});
