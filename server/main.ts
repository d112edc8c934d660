// First: refuses an old Node before any module that needs a newer one is loaded (#17).
import './require-node';
import 'dotenv/config';
import { join } from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../embedded-database/embedded-database';
import { ConfigError, loadConfig, resolveGraphBaseUrl, type Config } from './config';
import { ensureDemoSecrets, ensureDemoTenant, DEMO_DISPLAY_NUMBER } from './demo/demo-setup';
import { connectDatabase } from './db/firebase';
import { createLogger } from './observability/logger';
import { GATEWAY_SIGNATURE_HEADERS } from './payments/adapters';
import { createRuntime } from './runtime';
import { RunningServer } from './dev/running-server';
import { SecretsKey } from './tenants/secrets-crypto';
import { secretsKeyProblem } from './tenants/secrets-key-check';

/** Boot: config → database (embedded by default) → demo data → HTTP. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable and its meaning.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    pretty: process.stdout.isTTY && config.NODE_ENV !== 'production',
    secretHeaders: GATEWAY_SIGNATURE_HEADERS,
  });

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.database.url;
  // Shown with the URLs as well as logged: whoever starts it must see that data was set aside.
  const notices: string[] = [];
  const demoSecrets = config.database.kind === 'embedded' ? ensureDemoSecrets(config.DATA_DIR) : undefined;
  if (config.database.kind === 'embedded') {
    try {
      embedded = await startEmbeddedDatabase({
        port: config.EMBEDDED_DATABASE_PORT,
        dataFile: join(config.DATA_DIR, 'database.json'),
        onNotice: (message) => {
          notices.push(message);
          logger.warn(message);
        },
      });
    } catch (error) {
      fail(portProblem(error, config.EMBEDDED_DATABASE_PORT, 'EMBEDDED_DATABASE_PORT') ?? `could not start the embedded database: ${(error as Error).message}`);
    }
    databaseUrl = embedded!.url(config.FIREBASE_PROJECT_ID);
  }

  const appSecret = config.WHATSAPP_APP_SECRET ?? demoSecrets!.WHATSAPP_APP_SECRET;
  const verifyToken = config.WHATSAPP_VERIFY_TOKEN ?? demoSecrets!.WHATSAPP_VERIFY_TOKEN;
  const secretsKey = config.SECRETS_KEY ?? demoSecrets!.SECRETS_KEY;
  const publicBaseUrl = config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
  const graphBaseUrl = resolveGraphBaseUrl(config);

  {
    const setup = connectDatabase({ url: databaseUrl!, projectId: config.FIREBASE_PROJECT_ID, name: 'startup-checks' });
    try {
      // A key that cannot open the stored credentials would make every reply fail later (#17).
      // An unreachable database does not block the start (readiness reports it); only a proven wrong key does.
      const keyProblem = await secretsKeyProblem(setup.db, new SecretsKey(secretsKey)).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not check SECRETS_KEY against the stored credentials');
        return undefined;
      });
      if (keyProblem) {
        const fix =
          config.SECRETS_KEY && demoSecrets
            ? `remove SECRETS_KEY from your .env (or environment) to use the key this data was created with (${join(config.DATA_DIR, 'demo-secrets.json')})`
            : 'set SECRETS_KEY to the key the credentials were written with, or import the restaurants again with the new key (npm run tenant -- import <file>)';
        await setup.close();
        await embedded?.close();
        fail(`SECRETS_KEY: ${keyProblem}. Fix: ${fix}.`);
      }
      if (demoSecrets) {
        const created = await ensureDemoTenant(setup.db, new SecretsKey(secretsKey), demoSecrets.SANDBOX_SECRET);
        if (created) logger.info('demo restaurant created (tenant "demo")');
      }
    } finally {
      await setup.close();
    }
  }

  const running = await RunningServer.prepare(config);
  const runtime = createRuntime({
    config: running.runtimeConfig,
    signIn: running.signIn,
    demoUsers: running.localSignIn
      ? { owner: running.localSignIn.users.owner.email, staff: running.localSignIn.users.staff.email, passwordsFile: join(config.DATA_DIR, 'demo-users.json') }
      : undefined,
    logger, databaseUrl: databaseUrl!, appSecret, verifyToken, secretsKey, graphBaseUrl, publicBaseUrl, defaultMetrics: true });
  let port: number;
  try {
    port = await runtime.listen(config.PORT);
  } catch (error) {
    await runtime.close().catch(() => undefined);
    await embedded?.close();
    fail(portProblem(error, config.PORT, 'PORT') ?? `could not start the HTTP server: ${(error as Error).message}`);
  }

  runtime.reconciler.start();
  runtime.outboxSweep.start();
  const lines = [
    `Server listening on ${publicBaseUrl}`,
    `  database: ${embedded ? `embedded RTDB at ${embedded.emulatorHost}, data in ${join(config.DATA_DIR, 'database.json')}` : databaseUrl}`,
    `  WhatsApp webhook: ${publicBaseUrl}/api/webhooks/whatsapp`,
    `  kitchen board: ${publicBaseUrl}/kitchen · owner settings: ${publicBaseUrl}/admin (${running.localSignIn ? 'demo users below' : 'users: npm run user -- create'})`,
    `  metrics: ${publicBaseUrl}/metrics`,
  ];
  if (demoSecrets) {
    lines.push(
      `  demo restaurant: tenant "demo", WhatsApp number ${DEMO_DISPLAY_NUMBER}`,
      `  simulator: ${publicBaseUrl}/simulator`,
      `  chat with it in this terminal: npm run chat`,
      `  orders: curl 'http://${embedded!.emulatorHost}/tenants/demo/pedidos.json?print=pretty'`,
    );
  }
  lines.push(...running.announce({ port: port!, publicBaseUrl, databaseUrl: databaseUrl!, databaseHost: embedded?.emulatorHost ?? null }, logger, (line) => process.stdout.write(`${line}\n`)));
  lines.push(...notices.map((notice) => `  NOTE: ${notice}`));
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await runtime.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing'));
    await running.close();
    await embedded?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function portProblem(error: unknown, port: number, variable: string): string | undefined {
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    return `port ${port} is already in use (another copy running?). Stop it, or choose another port: ${variable}=<port> npm start`;
  }
  return undefined;
}

function fail(message: string): never {
  process.stderr.write(`Cannot start: ${message}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
