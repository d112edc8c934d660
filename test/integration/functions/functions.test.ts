import { randomBytes } from 'node:crypto';
import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { connectDatabase, type DatabaseConnection } from '../../../server/db/firebase';
import { importTenant } from '../../../server/tenants/import-tenant';
import { SecretsKey } from '../../../server/tenants/secrets-crypto';
import { signMetaBody } from '../../../server/whatsapp/signature';
import { tenantFile } from '../../helpers/harness';
import { changeFor, webhookBody } from '../../helpers/whatsapp-payloads';
import { startGraphServer, type GraphServer } from '../../servers/graph-server';
import { wompiTransaction } from '../../servers/signers';
import { startWompiServer, type WompiServer } from '../../servers/wompi-server';
import { startFunctionsEmulator, type FunctionsEmulator } from './functions-emulator';

/**
 * The Cloud Functions entry (functions/functions.ts) against the embedded RTDB:
 * `api` served by the real Functions emulator, whose runtime parses bodies before our
 * handler (as Cloud Functions does); `reconcile`'s handler called as Cloud Scheduler would
 * (the emulator ignores scheduled functions without the Pub/Sub emulator, a download).
 */
const PROJECT_ID = `demo-fn-${process.pid}`;
const T = 'fn-rest';
const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_fn', privateKey: 'prv_test_fn', integritySecret: 'test_integrity_fn', eventsSecret: 'test_events_fn' } as const;
const SANDBOX_SECRET = randomBytes(16).toString('hex');
const SECRETS = {
  WHATSAPP_APP_SECRET: 'fn_app_secret_not_real',
  WHATSAPP_VERIFY_TOKEN: 'fn-verify-token',
  SECRETS_KEY: randomBytes(32).toString('base64'),
};

describe('Cloud Functions: the api function and the scheduled reconciler', () => {
  let database: EmbeddedDatabase;
  let graph: GraphServer;
  let wompi: WompiServer;
  let emulator: FunctionsEmulator;
  let assertions: DatabaseConnection;
  let pn: string;
  let n = 0;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [database, graph, wompi] = await Promise.all([startEmbeddedDatabase({ port: 0 }), startGraphServer(), startWompiServer(WOMPI)]);
    const settings = {
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      WHATSAPP_GRAPH_URL: graph.url,
      WOMPI_API_URL: wompi.apiUrl,
      WOMPI_CHECKOUT_URL: wompi.checkoutUrl,
      // Ask the gateway at the first pass; the 2-minute grace period is tested elsewhere.
      PAYMENT_QUERY_AFTER_MS: '0',
    };
    const started = startFunctionsEmulator({
      projectId: PROJECT_ID,
      dotenv: (apiUrl) => ({ PUBLIC_BASE_URL: apiUrl, WEB_API_KEY: '', ...settings }),
      secrets: SECRETS,
      env: { FIREBASE_DATABASE_EMULATOR_HOST: database.emulatorHost },
    });
    // The functions talk to the project's namespace, as FIREBASE_CONFIG names it.
    assertions = connectDatabase({ url: database.url(PROJECT_ID), projectId: PROJECT_ID });
    const file = tenantFile({
      id: T,
      payments: { enabled: true, efectivo: false, wompi: { enabled: true, ...WOMPI }, sandbox: { enabled: true, environment: 'sandbox', secret: SANDBOX_SECRET } },
    });
    await importTenant(assertions.db, file, new SecretsKey(SECRETS.SECRETS_KEY));
    graph.allowToken(file.whatsapp.phoneNumberId, file.whatsapp.accessToken);
    pn = file.whatsapp.phoneNumberId;
    emulator = await started;

    // What the deployed `reconcile` gets: the platform's FIREBASE_CONFIG, its params and secrets.
    Object.assign(process.env, settings, SECRETS, {
      FIREBASE_CONFIG: JSON.stringify({ projectId: PROJECT_ID, databaseURL: `https://${PROJECT_ID}-default-rtdb.firebaseio.com` }),
      FIREBASE_DATABASE_EMULATOR_HOST: database.emulatorHost,
      PUBLIC_BASE_URL: emulator.apiUrl,
      WEB_API_KEY: '',
      NODE_ENV: 'test',
    });
  }, 120_000);

  afterAll(async () => {
    const { closeInstanceRuntime } = await import('../../../functions/functions-runtime');
    await closeInstanceRuntime();
    await emulator?.close();
    await assertions?.close();
    await Promise.all([database?.close(), graph?.close(), wompi?.close()]);
    process.env = savedEnv;
  }, 30_000);

  const customer = () => `57330000${String(++n).padStart(4, '0')}`;
  /** Posts one text as Meta would, to the function; its answer waits for the turn (see functions-http.ts). */
  const say = async (waId: string, text: string) => {
    const raw = JSON.stringify(webhookBody([changeFor(pn, [{ waId, text }])]));
    const res = await fetch(`${emulator.apiUrl}/api/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(raw, SECRETS.WHATSAPP_APP_SECRET) },
      body: raw,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}\n${emulator.output()}`);
    return graph.textsTo(waId).join('\n');
  };
  const payUpTo = async (waId: string, method: string) => {
    await say(waId, 'Quiero 2 hamburguesas y 1 coca cola');
    await say(waId, 'confirmar');
    await say(waId, 'Calle 80 #12-34');
    const methods = await say(waId, '3001234567');
    await say(waId, method);
    // The answer normally waits for the turn; on a loaded machine the wait may hit its bound.
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const session = (await assertions.db.ref(`tenants/${T}/sesiones/${waId}`).once('value')).val() as { pagoPendiente?: { referencia: string } } | null;
      if (session?.pagoPendiente) return session.pagoPendiente.referencia;
    }
    throw new Error(`no payment started; the bot said: ${methods}`);
  };
  const ordersOf = async (waId: string) =>
    Object.values(((await assertions.db.ref(`tenants/${T}/pedidos`).once('value')).val() ?? {}) as Record<string, any>).filter((o) => o.cliente === waId);

  it('api: a paid conversation through the WhatsApp and payment webhooks makes exactly one order', async () => {
    const waId = customer();
    const reference = await payUpTo(waId, 'Sandbox');
    expect(reference).toMatch(new RegExp(`^${T}_`));

    // The customer opens the link: the function sends them to the sandbox checkout it serves.
    const link = await fetch(`${emulator.apiUrl}/pay/${reference}`, { redirect: 'manual' });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toBe(`${emulator.apiUrl}/sandbox/checkout/${reference}`);

    // Approving posts a form to the function, which sends the signed webhook to its public URL.
    const approve = () =>
      fetch(`${emulator.apiUrl}/sandbox/checkout/${reference}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'decision=aprobar&demora=0',
        redirect: 'manual',
      });
    expect((await approve()).status).toBe(303);
    const orders = await ordersOf(waId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ total: 33000, pago: { estado: 'completado', referencia: reference, gateway: 'sandbox' } });
    expect((await assertions.db.ref(`tenants/${T}/pagos/${reference}/estado`).once('value')).val()).toBe('completado');
    await graph.waitForMessages(waId, 1);
    expect(graph.textsTo(waId).some((t) => t.includes('Pago confirmado'))).toBe(true);

    // A second approval (a gateway retry) changes nothing.
    expect((await approve()).status).toBe(303);
    expect(await ordersOf(waId)).toHaveLength(1);
  });

  it('reconcile: a Wompi payment whose webhook never came becomes one order at the next scheduled run', async () => {
    const waId = customer();
    const reference = await payUpTo(waId, 'Wompi');
    wompi.setTransactions(reference, [wompiTransaction({ reference, status: 'APPROVED', amountInCents: 3300000, paymentMethodType: 'NEQUI' })]);
    expect(await ordersOf(waId)).toHaveLength(0);

    const { reconcile } = await import('../../../functions/functions');
    const event = { jobName: 'firebase-schedule-reconcile-us-central1', scheduleTime: new Date().toISOString() } as ScheduledEvent;
    await reconcile.run(event);
    const orders = await ordersOf(waId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ pago: { estado: 'completado', referencia: reference, gateway: 'wompi' } });

    await reconcile.run(event);
    expect(await ordersOf(waId)).toHaveLength(1);
    expect(wompi.received.filter((r) => r.path.includes(reference)).length).toBeGreaterThanOrEqual(1);
  });
});
