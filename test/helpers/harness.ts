import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { Database } from 'firebase-admin/database';
import request from 'supertest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../embedded-database/embedded-database';
import { GRAPH_API_VERSION, loadConfig, type Config } from '../../server/config';
import { ensureDemoTenant } from '../../server/demo/demo-setup';
import { connectDatabase, type DatabaseConnection } from '../../server/db/firebase';
import { silentLogger, createLogger } from '../../server/observability/logger';
import { createRuntime, type Runtime } from '../../server/runtime';
import { importTenant } from '../../server/tenants/import-tenant';
import { SecretsKey } from '../../server/tenants/secrets-crypto';
import { ZTenantFileSchema, type TTenantFile } from '../../server/tenants/tenant-file';
import { signMetaBody } from '../../server/whatsapp/signature';
import { startGraphServer, type GraphServer } from '../servers/graph-server';
import { changeFor, webhookBody, type MessageSpec } from './whatsapp-payloads';

export const TEST_APP_SECRET = 'test_app_secret_not_real';
export const TEST_VERIFY_TOKEN = 'test-verify-token';

export interface HarnessOptions {
  env?: Record<string, string>;
  now?: () => number;
  /** Reuse a database (restart tests); otherwise a fresh one on a free port. */
  database?: EmbeddedDatabase;
  /** Reuse a Graph API server (several instances, one WhatsApp); otherwise a fresh one. */
  graph?: GraphServer;
  /**
   * Demo mode as `npm start` runs it: DEMO_MODE on, the demo restaurant (sandbox gateway and
   * cash), and the app's public URL and Graph API base pointing at the app itself, so a browser
   * can follow its payment links and the bot's messages land in the built-in capture (read them
   * with `GET /demo/messages`; `graph` and `say` see nothing in this mode).
   */
  demo?: boolean;
}

/**
 * One isolated world per test file: an embedded RTDB on a free port, a local Graph API
 * server, and the app wired exactly as in production, reached over real sockets.
 */
export interface Harness {
  database: EmbeddedDatabase;
  graph: GraphServer;
  runtime: Runtime;
  config: Config;
  /** A separate firebase-admin connection for assertions (another "instance"). */
  db: Database;
  secretsKey: SecretsKey;
  http: ReturnType<typeof request>;
  /** Where the app listens (real socket). */
  baseUrl: string;
  seedTenant(file: Partial<TTenantFile> & { id: string }): Promise<TTenantFile>;
  postWebhook(body: unknown, options?: { signature?: string | null; contentType?: string }): Promise<request.Response>;
  sendMessages(phoneNumberId: string, messages: MessageSpec[]): Promise<request.Response>;
  /** Sends a text and waits until the bot has sent `expectReplies` more messages to that customer. */
  say(phoneNumberId: string, waId: string, text: string, expectReplies?: number): Promise<string[]>;
  read<T = unknown>(path: string): Promise<T | null>;
  /** Waits for background work (message processing) to finish. */
  settle(): Promise<void>;
  /** Another server instance on the same database and Graph server (its own connection); close it yourself. */
  anotherInstance(): Promise<{ runtime: Runtime; url: string }>;
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

export function tenantFile(partial: Partial<TTenantFile> & { id: string }): TTenantFile {
  return ZTenantFileSchema.parse({
    restaurant: { name: `Restaurante ${partial.id}` },
    whatsapp: { phoneNumberId: String(100000 + Math.floor(Math.random() * 899999)), displayPhoneNumber: '573001112233', accessToken: `token-${partial.id}` },
    menu: [
      { numero: '1', nombre: 'Hamburguesa', precio: 15000, categoria: 'Platos' },
      { numero: '2', nombre: 'Hamburguesa doble', precio: 22000, categoria: 'Platos' },
      { numero: '3', nombre: 'Perro caliente', precio: 12000, categoria: 'Platos' },
      { numero: '4', nombre: 'Papas fritas', precio: 6000, categoria: 'Acompañamientos' },
      { numero: '5', nombre: 'Coca Cola', precio: 3000, categoria: 'Bebidas' },
      { numero: '6', nombre: 'Limonada', precio: 5000, categoria: 'Bebidas' },
    ],
    payments: { enabled: false, efectivo: false },
    ...partial,
  });
}

/** A port nobody listens on right now; demo mode needs it before listening, as `npm start` knows PORT. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = options.database ?? (await startEmbeddedDatabase({ port: 0 }));
  const graph = options.graph ?? (await startGraphServer());
  const secretsKeyText = randomBytes(32).toString('base64');
  // Links and the Graph base embed the app's own address, so demo mode picks its port first.
  const demoPort = options.demo ? await freePort() : 0;
  const demoBaseUrl = `http://127.0.0.1:${demoPort}`;
  const demoEnv: Record<string, string> = options.demo
    ? { DEMO_MODE: 'true', PUBLIC_BASE_URL: demoBaseUrl, WHATSAPP_GRAPH_URL: `${demoBaseUrl}/demo/graph/${GRAPH_API_VERSION}` }
    : {};
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    FIREBASE_PROJECT_ID: 'test-project',
    FIREBASE_DATABASE_EMULATOR_HOST: database.emulatorHost,
    PUBLIC_BASE_URL: 'https://pedidos.example.test',
    WHATSAPP_APP_SECRET: TEST_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    WHATSAPP_GRAPH_URL: graph.url,
    SECRETS_KEY: secretsKeyText,
    ...demoEnv,
    ...options.env,
  });
  const logger = process.env.TEST_LOG_LEVEL ? createLogger({ level: process.env.TEST_LOG_LEVEL, pretty: false }) : silentLogger;
  const runtime = createRuntime({
    config,
    logger,
    databaseUrl: config.database.url!,
    appSecret: TEST_APP_SECRET,
    verifyToken: TEST_VERIFY_TOKEN,
    secretsKey: config.SECRETS_KEY!,
    graphBaseUrl: options.demo ? config.WHATSAPP_GRAPH_URL : graph.url,
    publicBaseUrl: config.PUBLIC_BASE_URL!,
    now: options.now,
  });
  const port = await runtime.listen(demoPort, '127.0.0.1');
  const assertions: DatabaseConnection = connectDatabase({ url: config.database.url!, projectId: 'test-project' });
  const secretsKey = new SecretsKey(config.SECRETS_KEY!);
  if (options.demo) await ensureDemoTenant(assertions.db, secretsKey, randomBytes(24).toString('hex'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const http = request(baseUrl);

  const harness: Harness = {
    database,
    graph,
    runtime,
    config,
    db: assertions.db,
    secretsKey,
    http,
    baseUrl,
    async seedTenant(partial) {
      const file = tenantFile(partial);
      await importTenant(assertions.db, file, secretsKey);
      graph.allowToken(file.whatsapp.phoneNumberId, file.whatsapp.accessToken);
      runtime.tenants.invalidate(file.id);
      return file;
    },
    postWebhook(body, opts = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      let req = http.post('/api/webhooks/whatsapp').set('content-type', opts.contentType ?? 'application/json');
      const signature = opts.signature === undefined ? signMetaBody(raw, TEST_APP_SECRET) : opts.signature;
      if (signature !== null) req = req.set('x-hub-signature-256', signature);
      return req.send(raw);
    },
    sendMessages(phoneNumberId, messages) {
      return harness.postWebhook(webhookBody([changeFor(phoneNumberId, messages)]));
    },
    async say(phoneNumberId, waId, text, expectReplies = 1) {
      const before = graph.sent.filter((s) => s.to === waId).length;
      const res = await harness.sendMessages(phoneNumberId, [{ waId, text }]);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.text}`);
      const all = await graph.waitForMessages(waId, before + expectReplies);
      await runtime.whatsapp.drain();
      return graph.textsTo(waId).slice(before);
    },
    async read<T>(path: string) {
      return ((await assertions.db.ref(path).once('value')).val() as T | null) ?? null;
    },
    settle: () => runtime.whatsapp.drain(),
    async anotherInstance() {
      const other = createRuntime({
        config,
        logger,
        databaseUrl: config.database.url!,
        appSecret: TEST_APP_SECRET,
        verifyToken: TEST_VERIFY_TOKEN,
        secretsKey: config.SECRETS_KEY!,
        graphBaseUrl: graph.url,
        publicBaseUrl: config.PUBLIC_BASE_URL!,
      });
      return { runtime: other, url: `http://127.0.0.1:${await other.listen(0, '127.0.0.1')}` };
    },
    async close(opts = {}) {
      await runtime.close();
      await assertions.close();
      if (!options.graph) await graph.close();
      if (!opts.keepDatabase && !options.database) await database.close();
    },
  };
  return harness;
}
