import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../embedded-database/embedded-database';
import { DEMO_PHONE_NUMBER_ID, DEMO_TENANT_ID, ZDemoSecretsSchema, type TDemoSecrets } from '../../../server/demo/demo-setup';
import { OUTBOX_UNSETTLED_AFTER_MS } from '../../../server/messaging/outbox';
import { messageKeyOf } from '../../../server/whatsapp/inbox';
import { signMetaBody } from '../../../server/whatsapp/signature';
import { freePort, startHarness } from '../../helpers/harness';
import { changeFor, newWamid, webhookBody } from '../../helpers/whatsapp-payloads';
import { startGraphServer, type GraphServer } from '../../servers/graph-server';
import { deliverWebhook, sandboxWebhook } from '../../servers/signers';

/**
 * The real product killed at random moments (#12): `server/main.ts` as `npm start` runs it
 * (embedded RTDB inside the same process, its data in DATA_DIR, the demo restaurant with the
 * sandbox gateway), driven by customers over signed WhatsApp webhooks and signed sandbox
 * payment webhooks, SIGKILLed right after a 200 and started again on the same data directory.
 * Every acknowledged payment has its order and number; every acknowledged message has its
 * inbox record, and once the retry sweep has run the customer has an answer to it.
 */

const ROOT = join(__dirname, '..', '..', '..');
const KILLS = 20;
/** Customers who chat up to their payment link before the kill is armed, and who chat during the burst. */
const READY_PER_ROUND = 2;
const CHATTING_PER_ROUND = 3;
const MINUTE = 60_000;

/** The conversation of one customer, message by message, then the payment. */
const SCRIPT = ['Quiero 2 hamburguesas y 1 coca cola', 'confirmar', 'Calle 80 #12-34', '3001234567'] as const;

interface Customer {
  waId: string;
  /** Messages sent and answered 200 so far (index into SCRIPT, then the method choice). */
  step: number;
  /** Replies seen at the Graph server when the last message was acknowledged. */
  repliesAtAck: number;
  /** The last acknowledged message is still waiting for its answer (killed before it). */
  waiting: boolean;
  reference?: string;
  paid: boolean;
}

interface Incarnation {
  child: ChildProcess;
  url: string;
  dbHost: string;
  output: () => string;
}

describe('the real server (npm start, embedded database) killed at random moments', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'server-kill-'));
  let graph: GraphServer;
  let current: Incarnation | undefined;

  beforeAll(async () => {
    graph = await startGraphServer();
    graph.allowToken(DEMO_PHONE_NUMBER_ID, 'demo-access-token');
  });
  afterAll(async () => {
    if (current) await killed(current.child);
    await graph.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startServer(): Promise<Incarnation> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATA_DIR: dataDir,
        EMBEDDED_DATABASE_PORT: '0',
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        // The bot's messages go to the local Graph API server instead of the demo capture.
        WHATSAPP_GRAPH_URL: graph.url,
        // Sign-in is not on the money path; this keeps its local Auth emulator from starting.
        FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9',
        RECONCILE_INTERVAL_MS: '3600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    await waitFor(async () => /Server listening/.test(out) || child.exitCode !== null).catch(() => {
      throw new Error(`server did not start: ${out}`);
    });
    if (process.env.KILL_TEST_TRACE) process.stdout.write(`start ${Date.now() - started} ms\n`);
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    const dbHost = /embedded RTDB at (\S+),/.exec(out)?.[1];
    if (!dbHost) throw new Error(`no database address in: ${out}`);
    return { child, url, dbHost, output: () => out };
  }

  it(`keeps every acknowledged order and message over ${KILLS} SIGKILLs of the server`, async () => {
    const customers: Customer[] = [];
    /** wamid → customer, for every message the server answered 200. */
    const acknowledgedMessages = new Map<string, Customer>();
    let next = 0;
    let kills = 0;
    const killedRightAfter = { message: 0, payment: 0 };
    let secrets: TDemoSecrets | undefined;

    for (let round = 0; round < KILLS; round++) {
      current = await startServer();
      const server = current;
      secrets ??= ZDemoSecretsSchema.parse(JSON.parse(readFileSync(join(dataDir, 'demo-secrets.json'), 'utf8')));
      const s = secrets;
      const read = (path: string) => readRest(server.dbHost, path);

      // The kill comes right after a random one of the burst's 200s; until it is armed, no kill.
      let armed = false;
      const killAfter = 1 + Math.floor(Math.random() * 6);
      let acks = 0;
      let dead = false;
      const acknowledged = (kind: 'message' | 'payment' = 'message'): void => {
        if (armed && ++acks === killAfter && !dead) {
          dead = true;
          killedRightAfter[kind]++;
          server.child.kill('SIGKILL');
        }
      };
      const newCustomer = (): Customer => {
        const c: Customer = { waId: `5733100${String(++next).padStart(5, '0')}`, step: 0, repliesAtAck: 0, waiting: false, paid: false };
        customers.push(c);
        return c;
      };

      /** One message from the customer; false when the server did not answer 200 (or the answer never came). */
      const say = async (c: Customer, text: string): Promise<boolean> => {
        const wamid = newWamid();
        const raw = JSON.stringify(webhookBody([changeFor(DEMO_PHONE_NUMBER_ID, [{ waId: c.waId, id: wamid, text }])]));
        const replies = graph.textsTo(c.waId).length;
        const res = await fetch(`${server.url}/api/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(raw, s.WHATSAPP_APP_SECRET) },
          body: raw,
        }).catch(() => null);
        if (res?.status !== 200) return false; // no 200: Meta retries, nothing was promised
        acknowledgedMessages.set(wamid, c);
        Object.assign(c, { step: c.step + 1, repliesAtAck: replies, waiting: true });
        acknowledged();
        if (!(await until(() => dead || graph.textsTo(c.waId).length > replies)) || dead) return false;
        c.waiting = false;
        return true;
      };
      const converse = async (c: Customer): Promise<void> => {
        while (!dead && c.step <= SCRIPT.length) {
          // The method list the bot sent last: the number of the sandbox line.
          const text = c.step < SCRIPT.length ? SCRIPT[c.step]! : (/(\d+)\D{0,6}Pago de prueba/i.exec(graph.textsTo(c.waId).at(-1) ?? '')?.[1] ?? 'pago de prueba');
          if (!(await say(c, text))) return;
        }
        if (!dead) await until(() => dead || graph.textsTo(c.waId).some((t) => t.includes('/pay/')));
      };
      const pay = (c: Customer): Promise<void> =>
        payOnce(c).catch((error: unknown) => {
          if (!dead) throw error; // a read cut off by the kill is not a finding
        });
      const payOnce = async (c: Customer): Promise<void> => {
        // The link the bot sent; opening it takes the customer to the sandbox checkout.
        c.reference ??= graph.textsTo(c.waId).map((t) => /\/pay\/([\w-]+)/.exec(t)?.[1]).find(Boolean);
        if (!c.reference) throw new Error(`no payment link for ${c.waId}: ${graph.textsTo(c.waId).join(' | ')}`);
        const checkout = await fetch(`${server.url}/pay/${c.reference}`, { redirect: 'manual' });
        // 302 to the checkout while pending; 200 (the status page) when an earlier, cut-off delivery settled it.
        if (checkout.status !== 302 && checkout.status !== 200) throw new Error(`opening the link answered ${checkout.status}`);
        const payment = (await read(`tenants/${DEMO_TENANT_ID}/pagos/${c.reference}`)) as { monto: number } | null;
        if (!payment) throw new Error(`payment ${c.reference} not stored`);
        const event = sandboxWebhook({ reference: c.reference, transactionId: `sbx-${c.reference}`, status: 'APPROVED', amountInCents: payment.monto * 100 }, s.SANDBOX_SECRET);
        const res = await deliverWebhook(`${server.url}/api/webhooks/payment/sandbox`, event).catch(() => null);
        if (res?.status !== 200) return;
        c.paid = true;
        acknowledged('payment');
      };

      // Getting ready: a few customers chat up to their payment link.
      const preparing = Array.from({ length: READY_PER_ROUND }, newCustomer);
      await Promise.all(preparing.map(converse));
      for (const c of preparing) if (c.step <= SCRIPT.length) throw new Error(`${c.waId} did not reach the payment: ${graph.textsTo(c.waId).join(' | ')}`);

      // The burst: payments of the ready customers and new conversations, killed after a 200.
      armed = true;
      const ready = customers.filter((c) => c.step > SCRIPT.length && !c.paid && !c.waiting);
      await Promise.all([...ready.map(pay), ...Array.from({ length: CHATTING_PER_ROUND }, () => converse(newCustomer()))]);
      if (!dead) {
        dead = true;
        server.child.kill('SIGKILL');
      }
      await killed(server.child);
      kills++;
    }

    // One more start on the same data: everything acknowledged before any of the kills is there.
    current = await startServer();
    const last = current;
    const read = (path: string) => readRest(last.dbHost, path);
    const paid = customers.filter((c) => c.paid);
    const orders = Object.values(((await read(`tenants/${DEMO_TENANT_ID}/pedidos`)) as Record<string, { id?: string; pago?: { referencia?: string } }> | null) ?? {});
    const missingOrders = paid.filter((c) => !orders.some((o) => o.pago?.referencia === c.reference && o.id)).map((c) => c.reference);
    const inbox = ((await read('inbox/messages')) as Record<string, { messageId: string }> | null) ?? {};
    const missingMessages = [...acknowledgedMessages.keys()].filter((wamid) => inbox[messageKeyOf(wamid)]?.messageId !== wamid);
    await stopped(last.child);
    current = undefined;

    // Messages whose processing a kill cut off wait for the retry sweep (a minute later), and
    // replies whose send it cut off wait for the outbox sweep: the same runtime on the same
    // data, with its clock moved past those waits, runs both.
    const database: EmbeddedDatabase = await startEmbeddedDatabase({ port: 0, dataFile: join(dataDir, 'database.json') });
    let clock = Date.now() + 2 * MINUTE;
    const h = await startHarness({ database, graph, now: () => clock, env: { SECRETS_KEY: secrets!.SECRETS_KEY, FIREBASE_PROJECT_ID: 'demo-pedidos' } });
    let unanswered: string[];
    try {
      await h.runtime.reconciler.runOnce();
      await h.settle();
      // A reply whose send the kill cut off is sent once its claim and status wait are over.
      clock += OUTBOX_UNSETTLED_AFTER_MS + MINUTE;
      await h.runtime.reconciler.runOnce();
      await h.settle();
      const waiting = customers.filter((c) => c.step > 0 || c.paid);
      unanswered = waiting.filter((c) => graph.textsTo(c.waId).length <= c.repliesAtAck).map((c) => c.waId);
      const records = ((await h.read<Record<string, { messageId: string; estado: string }>>('inbox/messages')) ?? {});
      unanswered.push(...[...acknowledgedMessages.keys()].filter((wamid) => records[messageKeyOf(wamid)]?.estado !== 'procesado'));
    } finally {
      await h.close();
      await database.close();
    }

    expect(kills).toBeGreaterThanOrEqual(20);
    expect(paid.length).toBeGreaterThan(0);
    expect(acknowledgedMessages.size).toBeGreaterThan(kills);
    expect({ paid: paid.length, missingOrders }).toEqual({ paid: paid.length, missingOrders: [] });
    expect({ messages: acknowledgedMessages.size, missingMessages, unanswered }).toEqual({ messages: acknowledgedMessages.size, missingMessages: [], unanswered: [] });
    process.stdout.write(`kill-server: ${kills} kills (${killedRightAfter.payment} right after a payment's 200, ${killedRightAfter.message} after a message's), ${acknowledgedMessages.size} acknowledged messages, ${paid.length} acknowledged payments, all found\n`);
  }, 300_000);
});

/** A read over the embedded database's REST interface (GET /path.json). */
async function readRest(host: string, path: string): Promise<unknown> {
  const res = await fetch(`http://${host}/${path}.json?ns=demo-pedidos`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Polls until `check` holds; false after 15 s (the caller decides what that means). */
async function until(check: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
