/**
 * `npm run bench`: throughput, latency, cost and memory, measured in one run against the
 * embedded RTDB (in this process, so its request counters can be read) and the real server
 * (`server/main.ts` in a child process, so its memory is its own). Prints a table; `--json`
 * prints the figures as JSON. Sizes can be scaled down with BENCH_SCALE (e.g. 0.1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { initializeApp, deleteApp } from 'firebase-admin/app';
import { getDatabase } from 'firebase-admin/database';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../embedded-database/embedded-database';
import { importTenant } from '../server/tenants/import-tenant';
import { SecretsKey } from '../server/tenants/secrets-crypto';
import { ZTenantFileSchema } from '../server/tenants/tenant-file';
import { signMetaBody } from '../server/whatsapp/signature';
import { startGraphServer, type GraphServer } from '../test/servers/graph-server';
import { sandboxWebhook } from '../test/servers/signers';
import { startWompiServer } from '../test/servers/wompi-server';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const APP_SECRET = 'bench-app-secret';
const SANDBOX_SECRET = 'bench-sandbox-secret';
const WOMPI = { environment: 'sandbox', publicKey: 'pub_test_bench', privateKey: 'prv_test_bench', integritySecret: 'test_integrity_bench', eventsSecret: 'test_events_bench' } as const;

interface Figures {
  [section: string]: Record<string, number | string | boolean>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function post(agent: Agent, url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (i < items.length) await work(items[i++]!);
  }));
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function startServer(db: EmbeddedDatabase, graph: GraphServer, secretsKey: string, wompiApi: string): Promise<{ url: string; child: ChildProcess }> {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      PORT: String(port),
      FIREBASE_PROJECT_ID: 'bench',
      FIREBASE_DATABASE_EMULATOR_HOST: db.emulatorHost,
      PUBLIC_BASE_URL: 'https://bench.example',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'bench',
      WHATSAPP_GRAPH_URL: graph.url,
      SECRETS_KEY: secretsKey,
      WOMPI_API_URL: wompiApi,
      RECONCILE_INTERVAL_MS: '3600000',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok).catch(() => false)) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const log = (s: string) => !json && process.stdout.write(`${s}\n`);
  const figures: Figures = {};
  const db = await startEmbeddedDatabase({ port: 0 });
  const graph = await startGraphServer();
  const wompi = await startWompiServer(WOMPI);
  const secretsKey = randomBytes(32).toString('base64');
  const apps = [0, 1, 2, 3].map((i) => initializeApp({ projectId: 'bench', databaseURL: db.url('bench') }, `bench-${i}`));
  const dbs = apps.map((a) => getDatabase(a));

  // 1. The limit: raw transactions on fresh keys from 4 connections.
  {
    const n = scaled(4000);
    const t0 = performance.now();
    await pool(Array.from({ length: n }, (_, i) => i), 64, async (i) => {
      await dbs[i % 4]!.ref(`bench/tx/k${i}`).transaction((v) => (v === null ? { n: i } : undefined));
    });
    const s = (performance.now() - t0) / 1000;
    figures.limit = { transactions: n, perSecond: round(n / s) };
    log(`1. RTDB transactions, 4 connections: ${figures.limit.perSecond}/s (${n})`);
  }

  // Tenants: sandbox payments for (2), Wompi for (4).
  const tenantFile = (id: string, phoneNumberId: string) =>
    ZTenantFileSchema.parse({
      id,
      restaurant: { name: `Bench ${id}` },
      whatsapp: { phoneNumberId, displayPhoneNumber: '573001112233', accessToken: `token-${id}` },
      menu: [
        { numero: '1', nombre: 'Hamburguesa', precio: 15000, categoria: 'Platos' },
        { numero: '2', nombre: 'Coca Cola', precio: 3000, categoria: 'Bebidas' },
      ],
      payments: { enabled: true, efectivo: true, sandbox: { enabled: true, environment: 'sandbox', secret: SANDBOX_SECRET }, wompi: { enabled: true, ...WOMPI } },
    });
  await importTenant(dbs[0]!, tenantFile('bench', '900000001'), new SecretsKey(secretsKey));
  graph.allowToken('900000001', 'token-bench');
  const server = await startServer(db, graph, secretsKey, wompi.apiUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });

  const paymentRecord = (reference: string, estado: string, createdAt: number, gateway = 'sandbox') => ({
    referencia: reference,
    tenantId: 'bench',
    estado,
    monto: 33000,
    moneda: 'COP',
    cliente: '573009999999',
    direccion: 'Calle 80 #12-34',
    telefonoContacto: '3009999999',
    items: [{ itemId: 'item-1', numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }],
    fechaCreacion: createdAt,
    gateway,
    enlace: `https://bench.example/pay/${reference}`,
  });
  const seedPayments = async (refs: string[], estado: string, createdAt: number, gateway = 'sandbox', pending = true) => {
    for (let i = 0; i < refs.length; i += 5000) {
      const update: Record<string, unknown> = {};
      for (const ref of refs.slice(i, i + 5000)) {
        update[`tenants/bench/pagos/${ref}`] = paymentRecord(ref, estado, createdAt, gateway);
        if (pending) update[`pendingPayments/${ref}`] = { tenantId: 'bench', gateway, createdAt };
      }
      await dbs[0]!.ref().update(update);
    }
  };

  // 6. Round trips per paid order (measured first, on a quiet database).
  {
    const ref = `bench_${Date.now()}_roundtrip1`;
    await seedPayments([ref], 'pendiente', Date.now());
    const hook = sandboxWebhook({ reference: ref, transactionId: 'RT-1', status: 'APPROVED', amountInCents: 3300000 }, SANDBOX_SECRET);
    // The steady state: the tenant's settings, credentials and order counter are already held
    // in memory after its first order, so the count is that of every later order.
    const warmup = `bench_${Date.now()}_warmup0001`;
    await seedPayments([warmup], 'pendiente', Date.now());
    const warm = sandboxWebhook({ reference: warmup, transactionId: 'W-1', status: 'APPROVED', amountInCents: 3300000 }, SANDBOX_SECRET);
    await post(agent, `${server.url}/api/webhooks/payment/sandbox`, warm.rawBody, warm.headers);
    await new Promise((r) => setTimeout(r, 300));
    db.server.resetStats({ trace: true });
    await post(agent, `${server.url}/api/webhooks/payment/sandbox`, hook.rawBody, hook.headers);
    await new Promise((r) => setTimeout(r, 300));
    const { q = 0, g = 0, p = 0, m = 0 } = db.server.stats.requests;
    const operations = db.server
      .traced()
      .filter((t) => ['q', 'g', 'p', 'm'].includes(t.action))
      .map((t) => `${t.action} ${t.path.replaceAll(ref, '{ref}').replace(/[A-Za-z0-9_-]{20,}/g, '{key}')}`);
    figures.roundTrips = { reads: q + g, writes: p + m, total: q + g + p + m, target: 4, operations: operations.join('; ') };
    log(`6. RTDB operations per paid order: ${q + g} reads + ${p + m} writes = ${q + g + p + m} (target ≤ 4)`);
    for (const o of operations) log(`     ${o}`);
  }

  // 2. Gateway webhooks: N payments × 5 duplicate deliveries over 32 connections.
  {
    const n = scaled(400);
    const base = Date.now();
    const refs = Array.from({ length: n }, (_, i) => `bench_${base}_wh${String(i).padStart(6, '0')}`);
    await seedPayments(refs, 'pendiente', base);
    const deliveries = refs.flatMap((ref) => Array.from({ length: 5 }, () => sandboxWebhook({ reference: ref, transactionId: `TX-${ref}`, status: 'APPROVED', amountInCents: 3300000 }, SANDBOX_SECRET)));
    deliveries.sort(() => Math.random() - 0.5);
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    db.server.resetStats();
    const t0 = performance.now();
    await pool(deliveries, 32, async (d) => {
      const s = performance.now();
      const status = await post(agent, `${server.url}/api/webhooks/payment/sandbox`, d.rawBody, d.headers);
      latencies.push(performance.now() - s);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 500)); // confirmations still being delivered
    const ops = Object.entries(db.server.stats.requests).reduce((sum, [action, n]) => sum + (['q', 'g', 'p', 'm'].includes(action) ? n : 0), 0);
    latencies.sort((a, b) => a - b);
    const orders = Object.keys(((await dbs[1]!.ref('tenants/bench/pedidos').orderByKey().startAt('pago-bench_' + base).endAt('pago-bench_' + base + '~').once('value')).val() as object | null) ?? {}).length;
    figures.webhooks = {
      payments: n,
      deliveries: deliveries.length,
      perSecond: round(deliveries.length / seconds),
      p50ms: round(percentile(latencies, 50)),
      p99ms: round(percentile(latencies, 99)),
      ordersCreated: orders,
      exactlyOnce: orders === n,
      ratioToLimit: round(deliveries.length / seconds / Number(figures.limit!.perSecond), 2),
      statuses: JSON.stringify(Object.fromEntries(statuses)),
      rtdbOperationsPerPayment: round(ops / n),
    };
    log(`2. Payment webhooks: ${figures.webhooks.perSecond}/s, p50 ${figures.webhooks.p50ms} ms, p99 ${figures.webhooks.p99ms} ms, orders ${orders}/${n}, ratio to (1) ${figures.webhooks.ratioToLimit}, statuses ${figures.webhooks.statuses}, ${figures.webhooks.rtdbOperationsPerPayment} RTDB operations per payment (5 deliveries)`);
  }

  // 3. WhatsApp: M customers through the whole conversation at once.
  {
    const m = scaled(100);
    const script = ['hola', 'Quiero 2 hamburguesas y 1 coca cola', 'confirmar', 'Calle 80 #12-34', '3001234567', '2'];
    const latencies: number[] = [];
    db.server.resetStats();
    const t0 = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: m }, async (_, c) => {
        const waId = `5731${String(c).padStart(8, '0')}`;
        for (const text of script) {
          const before = graph.sent.filter((s) => s.to === waId).length;
          const body = JSON.stringify({
            object: 'whatsapp_business_account',
            entry: [{ id: 'b', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '900000001' }, contacts: [{ wa_id: waId, profile: { name: 'Bench' } }], messages: [{ from: waId, id: `wamid.BENCH_${c}_${sent++}_${Math.random()}`, timestamp: '1', type: 'text', text: { body: text } }] } }] }],
          });
          const s = performance.now();
          await post(agent, `${server.url}/api/webhooks/whatsapp`, body, { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, APP_SECRET) });
          await graph.waitForMessages(waId, before + 1, 30_000);
          latencies.push(performance.now() - s);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const { q = 0, g = 0, p = 0, m: merges = 0 } = db.server.stats.requests;
    const perMessage = round((q + g + p + merges) / (m * script.length));
    figures.whatsapp = { customers: m, messages: m * script.length, perSecond: round((m * script.length) / seconds), p50ms: round(percentile(latencies, 50)), p99ms: round(percentile(latencies, 99)), target_p99ms: 150, rtdbOperationsPerMessage: perMessage };
    log(`3. WhatsApp conversations: ${figures.whatsapp.perSecond} msg/s, POST→Graph p50 ${figures.whatsapp.p50ms} ms, p99 ${figures.whatsapp.p99ms} ms (${m} customers × ${script.length}), ${perMessage} RTDB operations per message`);
  }

  // 4. Reconciler: 10 pending payments with 0 / 10k / 100k settled ones.
  {
    const rows: string[] = [];
    const old = Date.now() - 5 * 60_000;
    const { createRuntime } = await import('../server/runtime');
    const { loadConfig } = await import('../server/config');
    const { silentLogger } = await import('../server/observability/logger');
    const config = loadConfig({ FIREBASE_PROJECT_ID: 'bench', FIREBASE_DATABASE_EMULATOR_HOST: db.emulatorHost, PUBLIC_BASE_URL: 'https://bench.example', WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: 'x', SECRETS_KEY: secretsKey, WOMPI_API_URL: wompi.apiUrl, LOG_LEVEL: 'silent' });
    const runtime = createRuntime({ config, logger: silentLogger, databaseUrl: config.database.url!, appSecret: APP_SECRET, verifyToken: 'x', secretsKey, graphBaseUrl: graph.url, publicBaseUrl: 'https://bench.example' });
    const pendingRefs = Array.from({ length: 10 }, (_, i) => `bench_${old}_pend${String(i).padStart(4, '0')}`);
    // Clear what earlier sections left pending, so the run sees exactly the ten.
    await dbs[0]!.ref('pendingPayments').remove();
    await seedPayments(pendingRefs, 'pendiente', old, 'wompi');
    // One run first, so each measured run is the steady state (this runtime's tenant data is held).
    await runtime.reconciler.runOnce();
    let settledSoFar = 0;
    for (const target of [0, scaled(10_000), scaled(100_000)]) {
      const add = target - settledSoFar;
      if (add > 0) {
        const refs = Array.from({ length: add }, (_, i) => `bench_${old}_done${String(settledSoFar + i).padStart(7, '0')}`);
        await seedPayments(refs, 'completado', old - 60 * 60_000, 'wompi', false);
        settledSoFar = target;
      }
      db.server.resetStats();
      const calls = wompi.received.length;
      const t0 = performance.now();
      await runtime.reconciler.runOnce();
      const ms = performance.now() - t0;
      const { q = 0, g = 0 } = db.server.stats.requests;
      figures[`reconciler_${target}`] = { settled: target, pending: 10, ms: round(ms), reads: q + g, gatewayCalls: wompi.received.length - calls };
      rows.push(`${target} settled: ${round(ms)} ms, ${q + g} reads, ${wompi.received.length - calls} gateway calls`);
    }
    await runtime.close();
    log(`4. Reconciler with 10 pending: ${rows.join(' | ')}`);
  }

  // 5. Memory: server RSS with 10,000 active sessions.
  {
    const n = scaled(10_000);
    const before = rssOf(server.child.pid!);
    const ids = Array.from({ length: n }, (_, i) => i);
    await pool(ids, 32, async (i) => {
      const waId = `5732${String(i).padStart(8, '0')}`;
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'b', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '900000001' }, contacts: [{ wa_id: waId }], messages: [{ from: waId, id: `wamid.MEM_${i}`, timestamp: '1', type: 'text', text: { body: 'Quiero 2 hamburguesas' } }] } }] }],
      });
      await post(agent, `${server.url}/api/webhooks/whatsapp`, body, { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, APP_SECRET) });
    });
    await new Promise((r) => setTimeout(r, 2000));
    const sessions = Object.keys(((await dbs[2]!.ref('tenants/bench/sesiones').once('value')).val() as object | null) ?? {}).length;
    figures.memory = { sessions, rssBeforeMB: round(before), rssAfterMB: round(rssOf(server.child.pid!)), targetMB: 300 };
    log(`5. Server RSS with ${sessions} active sessions: ${figures.memory.rssAfterMB} MB (before: ${figures.memory.rssBeforeMB} MB; target < 300 MB)`);
  }

  server.child.kill('SIGTERM');
  agent.destroy();

  // 7. Embedded database writes: durable (fsync'd log, group commit) vs in memory only.
  {
    const sizes = [0, scaled(10_000), scaled(50_000)];
    const writes = scaled(1000);
    const dir = mkdtempSync(join(tmpdir(), 'bench-db-'));
    const durable = await startEmbeddedDatabase({ port: 0, dataFile: join(dir, 'database.json') });
    const memory = await startEmbeddedDatabase({ port: 0 });
    const targets = [
      { name: 'durable', db: durable, app: initializeApp({ projectId: 'bench', databaseURL: durable.url('bench') }, 'bench-durable') },
      { name: 'memory', db: memory, app: initializeApp({ projectId: 'bench', databaseURL: memory.url('bench') }, 'bench-memory') },
    ];
    const order = (i: number) => ({
      numero: String(i),
      estado: 'pagado',
      total: 33000,
      cliente: '573009999999',
      direccion: 'Calle 80 #12-34',
      fechaCreacion: 1_700_000_000_000 + i,
      items: { a: { numero: '1', nombre: 'Hamburguesa', precio: 15000, cantidad: 2 }, b: { numero: '2', nombre: 'Coca Cola', precio: 3000, cantidad: 1 } },
    });
    // Warm-up (connections, JIT), not measured.
    for (const t of targets) await pool(Array.from({ length: 200 }, (_, i) => i), 16, async (i) => getDatabase(t.app).ref(`warmup/w${i}`).set(order(i)));
    const rows: string[] = [];
    let seeded = 0;
    for (const size of sizes) {
      for (const t of targets) {
        const client = getDatabase(t.app);
        for (let i = seeded; i < size; i += 5000) {
          const update: Record<string, unknown> = {};
          for (let j = i; j < Math.min(size, i + 5000); j++) update[`tenants/bench/pedidos/seed${j}`] = order(j);
          await client.ref().update(update);
        }
        const latencies: number[] = [];
        const t0 = performance.now();
        await pool(Array.from({ length: writes }, (_, i) => i), 16, async (i) => {
          const s = performance.now();
          if (i % 2 === 0) await client.ref(`tenants/bench/pedidos/w${size}_${i}`).set(order(i));
          else await client.ref().update({ [`tenants/bench/pedidos/seed${i % Math.max(1, size)}/estado`]: 'entregado', 'tenants/bench/stats/pedidos': { '.sv': { increment: 1 } } });
          latencies.push(performance.now() - s);
        });
        const seconds = (performance.now() - t0) / 1000;
        // One write at a time: the latency of a lone write, fsync included.
        const single: number[] = [];
        for (let i = 0; i < 50; i++) {
          const s = performance.now();
          await client.ref(`tenants/bench/pedidos/one${size}_${i}`).set(order(i));
          single.push(performance.now() - s);
        }
        latencies.sort((a, b) => a - b);
        single.sort((a, b) => a - b);
        figures[`dbWrites_${t.name}_${size}`] = { orders: size, writes, concurrency: 16, perSecond: round(writes / seconds), p50ms: round(percentile(latencies, 50)), p99ms: round(percentile(latencies, 99)), loneWriteP50ms: round(percentile(single, 50)) };
      }
      seeded = size;
      // What the old persistence did about once a second while writes came in: serialize and write the whole tree.
      const s = performance.now();
      writeFileSync(join(dir, 'old-format.json'), JSON.stringify(durable.server.data()));
      const oldSaveMs = round(performance.now() - s);
      const c = performance.now();
      await durable.compact();
      const compactMs = round(performance.now() - c);
      const d = figures[`dbWrites_durable_${size}`]!;
      const m = figures[`dbWrites_memory_${size}`]!;
      Object.assign(d, { oldFullSaveMs: oldSaveMs, snapshotMs: compactMs });
      rows.push(`${size} orders: durable ${d.perSecond}/s p50 ${d.p50ms} ms p99 ${d.p99ms} ms lone ${d.loneWriteP50ms} ms | memory ${m.perSecond}/s p50 ${m.p50ms} ms p99 ${m.p99ms} ms lone ${m.loneWriteP50ms} ms | old full save ${oldSaveMs} ms, background snapshot ${compactMs} ms`);
    }
    await Promise.all(targets.map((t) => deleteApp(t.app)));
    await memory.close();
    const c = performance.now();
    await durable.close();
    const closeMs = performance.now() - c;
    const r = performance.now();
    const reopened = await startEmbeddedDatabase({ port: 0, dataFile: join(dir, 'database.json') });
    figures.dbStart = { orders: sizes.at(-1)!, startMs: round(performance.now() - r), closeMs: round(closeMs) };
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
    log(`7. Embedded DB writes (${writes} sets/updates, 16 at a time):\n     ${rows.join('\n     ')}\n     start with ${sizes.at(-1)} orders: ${figures.dbStart.startMs} ms`);
  }

  await Promise.all(apps.map((a) => deleteApp(a)));
  await graph.close();
  await wompi.close();
  await db.close();
  if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
