import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { FAULT_POINTS } from '../../../server/faults';
import { OUTBOX_UNSETTLED_AFTER_MS } from '../../../server/messaging/outbox';
import { signMetaBody } from '../../../server/whatsapp/signature';
import { startHarness, TEST_APP_SECRET, type Harness } from '../../helpers/harness';
import { statusChange, webhookBody } from '../../helpers/whatsapp-payloads';
import { chooseMethod, orderUpToMethods, ordersOf } from '../../helpers/ordering';
import { startGraphServer, type GraphServer } from '../../servers/graph-server';
import { deliverWebhook, signWompiEvent, wompiTransactionEvent, type SignedWebhook } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';

const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_crash', privateKey: 'prv_test_crash', integritySecret: 'test_integrity_crash', eventsSecret: 'test_events_crash' } as const;
const T = 'crash-rest';
const MINUTE = 60_000;

/**
 * The work is killed at each named point between the steps of confirmation; a fresh
 * process then gets the gateway's retry or runs the reconciler. Always: exactly one order,
 * stats counted once, one confirmation delivered.
 */
describe('crash safety of payment confirmation', () => {
  let database: EmbeddedDatabase;
  let graph: GraphServer;
  let wompi: WompiServer;
  let setup: Harness;
  let pn: string;
  const secretsKey = randomBytes(32).toString('base64');
  let n = 0;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0 });
    graph = await startGraphServer();
    wompi = await startWompiServer(WOMPI);
    setup = await instance();
    pn = (await setup.seedTenant({ id: T, payments: { enabled: true, efectivo: false, wompi: { enabled: true, ...WOMPI } } })).whatsapp.phoneNumberId;
  });
  afterAll(async () => {
    await setup.close();
    await Promise.all([graph.close(), wompi.close()]);
    await database.close();
  });

  function instance(env: Record<string, string> = {}, now?: () => number): Promise<Harness> {
    return startHarness({ database, graph, now, env: { SECRETS_KEY: secretsKey, WOMPI_API_URL: wompi.apiUrl, WOMPI_CHECKOUT_URL: wompi.checkoutUrl, ...env } });
  }

  async function pendingPayment(): Promise<{ waId: string; reference: string; approval: SignedWebhook }> {
    const waId = `57330000${String(++n).padStart(4, '0')}`;
    await orderUpToMethods(setup, pn, waId);
    const { reference } = await chooseMethod(setup, pn, T, waId, '1');
    const approval = wompi.sign(wompiTransactionEvent({ reference, status: 'APPROVED', amountInCents: 3300000, transactionId: `9-${reference}` }));
    return { waId, reference, approval };
  }

  async function expectExactlyOnce(waId: string, statsBefore: { pedidos: number; ingresos: number }): Promise<void> {
    expect(await ordersOf(setup, T, waId)).toHaveLength(1);
    expect(await setup.read(`tenants/${T}/stats`)).toMatchObject({ pedidos: statsBefore.pedidos + 1, ingresos: statsBefore.ingresos + 33000 });
    const confirmations = graph.textsTo(waId).filter((t) => t.includes('Pago confirmado'));
    expect(confirmations).toHaveLength(1);
  }
  const stats = async () => (await setup.read<{ pedidos: number; ingresos: number }>(`tenants/${T}/stats`)) ?? { pedidos: 0, ingresos: 0 };

  it.each(FAULT_POINTS.map((p) => [p]))('a failure at %s is finished by the gateway retry (or the outbox sweep), exactly once', async (point) => {
    const { waId, approval } = await pendingPayment();
    const before = await stats();
    const crashing = await instance({ TEST_FAULT_POINTS: point });
    const first = await deliverWebhook(`${crashing.baseUrl}/api/webhooks/payment/wompi`, approval);
    // Before the work is durable the gateway hears 5xx and retries; once it is durable, 200.
    await crashing.close();
    if (point === 'before-send' || point === 'after-send') expect(first.status).toBe(200);
    else expect(first.status).toBeGreaterThanOrEqual(500);

    let clock = Date.now();
    const fresh = await instance({}, () => clock);
    try {
      const retry = await deliverWebhook(`${fresh.baseUrl}/api/webhooks/payment/wompi`, approval);
      expect(retry.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      await deliverSentStatuses(fresh.baseUrl, waId);
      // Past the outbox's claim and status wait: the sweep delivers what was never sent.
      clock += OUTBOX_UNSETTLED_AFTER_MS + MINUTE;
      await fresh.runtime.reconciler.runOnce();
      await expectExactlyOnce(waId, before);
    } finally {
      await fresh.close();
    }
  });

  it.each(FAULT_POINTS.map((p) => [p]))('a failure at %s with no gateway retry is finished by the reconciler alone', async (point) => {
    const { waId, approval, reference } = await pendingPayment();
    wompi.setTransactions(reference, [JSON.parse(approval.rawBody).data.transaction]);
    const before = await stats();
    const crashing = await instance({ TEST_FAULT_POINTS: point });
    await deliverWebhook(`${crashing.baseUrl}/api/webhooks/payment/wompi`, approval);
    await crashing.close();
    let clock = Date.now() + 3 * MINUTE;
    const fresh = await instance({}, () => clock);
    try {
      await fresh.runtime.reconciler.runOnce();
      await deliverSentStatuses(fresh.baseUrl, waId);
      clock += OUTBOX_UNSETTLED_AFTER_MS + MINUTE;
      await fresh.runtime.reconciler.runOnce();
      await expectExactlyOnce(waId, before);
    } finally {
      await fresh.close();
    }
  });

  it('a server process killed with SIGKILL mid-request leaves work that a fresh process finishes on the retry', async () => {
    const { waId, approval } = await pendingPayment();
    const before = await stats();
    const child = await startServerProcess({ TEST_FAULT_POINTS: 'after-order-write:hang' });
    try {
      const pending = deliverWebhook(`${child.url}/api/webhooks/payment/wompi`, approval).catch(() => ({ status: 0, body: '' }));
      await waitFor(async () => (await ordersOf(setup, T, waId)).length === 1);
      child.process.kill('SIGKILL');
      expect((await pending).status).toBe(0); // the connection died with the process
    } finally {
      child.process.kill('SIGKILL');
    }
    const fresh = await startServerProcess({});
    try {
      expect((await deliverWebhook(`${fresh.url}/api/webhooks/payment/wompi`, approval)).status).toBe(200);
    } finally {
      fresh.process.kill('SIGTERM');
    }
    // The confirmation was queued with the order and never sent: once its claim and status
    // wait are over with no status from Meta, the sweep sends it.
    const later = await instance({}, () => Date.now() + OUTBOX_UNSETTLED_AFTER_MS + MINUTE);
    try {
      await later.runtime.reconciler.runOnce();
      await expectExactlyOnce(waId, before);
    } finally {
      await later.close();
    }
  }, 90_000);

  it('a server process killed between sending the confirmation and recording it sends it exactly once (#12)', async () => {
    const { waId, approval } = await pendingPayment();
    const before = await stats();
    const child = await startServerProcess({ TEST_FAULT_POINTS: 'after-send:hang' });
    try {
      const answer = await deliverWebhook(`${child.url}/api/webhooks/payment/wompi`, approval);
      expect(answer.status).toBe(200);
      await waitFor(async () => graph.textsTo(waId).some((t) => t.includes('Pago confirmado')));
      child.process.kill('SIGKILL');
      await new Promise((r) => child.process.once('exit', r));
    } finally {
      child.process.kill('SIGKILL');
    }
    // Meta's "sent" status for that message reaches a live instance; later sweeps run past
    // every wait. The customer is told once.
    let clock = Date.now();
    const fresh = await instance({}, () => clock);
    try {
      await fresh.runtime.reconciler.runOnce();
      await deliverSentStatuses(fresh.baseUrl, waId);
      for (const step of [MINUTE, OUTBOX_UNSETTLED_AFTER_MS, OUTBOX_UNSETTLED_AFTER_MS]) {
        clock += step;
        await fresh.runtime.reconciler.runOnce();
      }
      await expectExactlyOnce(waId, before);
      const entry = await setup.read<{ estado: string; wamid: string; estadoMeta: string }>(`outbox/pedido-pago-${JSON.parse(approval.rawBody).data.transaction.reference}-0`);
      const confirmation = graph.sent.find((s) => s.to === waId && JSON.stringify(s.body).includes('Pago confirmado'))!;
      expect(entry).toMatchObject({ estado: 'enviado', estadoMeta: 'sent', wamid: confirmation.messageId });
    } finally {
      await fresh.close();
    }
  }, 90_000);

  it('a confirmation whose send was cut off and got no status from Meta is sent again, once, after the wait (#12)', async () => {
    const { waId, approval } = await pendingPayment();
    const before = await stats();
    const child = await startServerProcess({ TEST_FAULT_POINTS: 'before-send:hang' });
    try {
      expect((await deliverWebhook(`${child.url}/api/webhooks/payment/wompi`, approval)).status).toBe(200);
      await waitFor(async () => (await ordersOf(setup, T, waId)).length === 1);
      child.process.kill('SIGKILL');
    } finally {
      child.process.kill('SIGKILL');
    }
    let clock = Date.now() + MINUTE;
    const fresh = await instance({}, () => clock);
    try {
      await fresh.runtime.reconciler.runOnce();
      expect(graph.textsTo(waId).filter((t) => t.includes('Pago confirmado'))).toHaveLength(0); // still inside the status wait
      clock += OUTBOX_UNSETTLED_AFTER_MS;
      await fresh.runtime.reconciler.runOnce();
      clock += OUTBOX_UNSETTLED_AFTER_MS;
      await fresh.runtime.reconciler.runOnce();
      await expectExactlyOnce(waId, before);
    } finally {
      await fresh.close();
    }
  }, 90_000);

  /** What Meta does after accepting a message: a signed "sent" status webhook for each one. */
  async function deliverSentStatuses(baseUrl: string, waId: string): Promise<void> {
    for (const sent of graph.sent.filter((s) => s.to === waId)) {
      const raw = JSON.stringify(
        webhookBody([
          statusChange(pn, {
            id: sent.messageId,
            status: 'sent',
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: waId,
            ...(sent.callbackData ? { biz_opaque_callback_data: sent.callbackData } : {}),
          }),
        ]),
      );
      const res = await fetch(`${baseUrl}/api/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(raw, TEST_APP_SECRET) },
        body: raw,
      });
      expect(res.status).toBe(200);
    }
  }

  /** The real entry point (`server/main.ts`) in a child process, against the shared database. */
  async function startServerProcess(env: Record<string, string>): Promise<{ url: string; process: ChildProcess }> {
    const port = 20000 + Math.floor(Math.random() * 20000);
    // One process (tsx as a loader, not its CLI wrapper), so SIGKILL hits the server itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        FIREBASE_PROJECT_ID: 'test-project',
        FIREBASE_DATABASE_EMULATOR_HOST: database.emulatorHost,
        PUBLIC_BASE_URL: 'https://pedidos.example.test',
        WHATSAPP_APP_SECRET: TEST_APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: 'y',
        WHATSAPP_GRAPH_URL: graph.url,
        SECRETS_KEY: secretsKey,
        WOMPI_API_URL: wompi.apiUrl,
        RECONCILE_INTERVAL_MS: '3600000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/healthz`).then((r) => r.ok).catch(() => false)) || child.exitCode !== null, 20_000);
    if (child.exitCode !== null) throw new Error(`server process exited: ${output}`);
    return { url, process: child };
  }
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
