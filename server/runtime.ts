import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { buildApp } from './app';
import { createHttpServer } from './http-server';
import type { Config } from './config';
import { connectDatabase, type DatabaseConnection } from './db/firebase';
import type { PaymentStarter, TurnDeps } from './whatsapp/run-turn';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { rateLimitedHandler } from './http-errors';
import { GatewayManager } from './payments/gateway-manager';
import { paymentStarter } from './whatsapp/start-payment';
import { paymentWebhookHandler } from './payment-intake/webhook';
import type { ConfirmPaymentDeps } from './orders/confirm-payment';
import { retryDueMessages, type OutboxDeps } from './messaging/outbox';
import { FaultInjector } from './faults';
import { Metrics } from './observability/metrics';
import { BackgroundTasks } from './background';
import { applyEarlyResult, sweepEarlyResults } from './reconciler/jobs/early-results';
import { reconcilePendingPayments } from './reconciler/jobs/pending-payments';
import { removeIdleSessions } from './reconciler/jobs/sessions-cleanup';
import { pruneMessages } from './reconciler/jobs/prune-messages';
import { Reconciler } from './reconciler/reconciler';
import { retryPendingInbox } from './reconciler/jobs/inbox-retry';
import { payPagesRouter } from './web/pay-pages';
import { demoCheckoutRouter } from './web/demo-checkout';
import { SecretsKey } from './tenants/secrets-crypto';
import { LiveCache } from './db/live-cache';
import { RecentlyDone } from './orders/recently-done';
import { TenantStore } from './tenants/tenant-store';
import { GraphClient } from './messaging/graph-client';
import { WhatsAppWebhook } from './whatsapp/webhook';
import { GraphCapture } from './web/graph-capture';
import { adminRouter } from './admin/admin-router';
import { firebaseTokenVerifier, firebaseClaimsWriter } from './admin/auth';
import { KitchenFeed } from './admin/kitchen-feed';
import { adminOrdersPageRouter } from './web/admin-orders-page';
import { adminPageRouter } from './web/admin-page';
import { kitchenPageRouter } from './web/kitchen-page';
import { signInConfigFrom, type SignInConfig } from './web/kitchen-signin';
import { htmlNotFound, landingRouter, type DemoUsersNote } from './web/landing-page';
import { simulatorChatLink, simulatorRouter } from './web/simulator';
import { staticFilesRouter } from './web/static-files';

/** Gateways post small bodies; anything larger is not a notification. */
const PAYMENT_WEBHOOK_BODY_LIMIT = '256kb';

/** Settings the runtime needs resolved (the embedded default fills in generated secrets). */
export interface RuntimeSettings {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  appSecret: string;
  verifyToken: string;
  secretsKey: string;
  /** Graph API base; in demo mode the built-in capture endpoint. */
  graphBaseUrl: string;
  /** Public base URL for links (`{publicBaseUrl}/pay/{ref}`). */
  publicBaseUrl: string;
  /** Process metrics (CPU, memory, event loop) in /metrics; only for the one runtime of a process. */
  defaultMetrics?: boolean;
  /** What the sign-in pages use, when not derived from config (the embedded default's local Auth emulator). */
  signIn?: SignInConfig;
  /** The embedded default's demo users, listed on the landing page (e-mails only). */
  demoUsers?: DemoUsersNote;
  now?: () => number;
}

export interface Runtime {
  app: Express;
  connection: DatabaseConnection;
  tenants: TenantStore;
  whatsapp: WhatsAppWebhook;
  graphCapture?: GraphCapture;
  turnDeps: TurnDeps;
  reconciler: Reconciler;
  /** Retries undelivered WhatsApp messages every few seconds, one instance at a time (#15). */
  outboxSweep: Reconciler;
  confirmDeps: ConfirmPaymentDeps;
  gateways: GatewayManager;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Wires the service from settings: database, stores, clients, webhook intake, HTTP app. */
export function createRuntime(settings: RuntimeSettings): Runtime {
  const { config, logger } = settings;
  const now = settings.now ?? Date.now;
  const connection = connectDatabase({ url: settings.databaseUrl, projectId: config.FIREBASE_PROJECT_ID, logger });
  const db = connection.db;
  // Tenant settings, routing, credentials and order counters, kept current by listeners.
  const live = new LiveCache(db);
  const tenants = new TenantStore(live, new SecretsKey(settings.secretsKey));
  const graph = new GraphClient({ baseUrl: settings.graphBaseUrl });
  const publicBaseUrl = settings.publicBaseUrl;
  const faults = new FaultInjector(config.TEST_FAULT_POINTS);
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const metrics = new Metrics({ defaultMetrics: settings.defaultMetrics ?? false });
  const outboxDeps: OutboxDeps = { db, graph, tenants, logger, now, faults, metrics, serviceWindowMs: config.WHATSAPP_SERVICE_WINDOW_MS };
  const confirmDeps: ConfirmPaymentDeps = { db, live, recent: new RecentlyDone(), tenants, logger, now, estimatedDeliveryTime: config.ESTIMATED_DELIVERY_TIME, owner, faults, metrics };
  const earlyResultsDeps = { db, logger, now, confirm: confirmDeps, outbox: outboxDeps };
  const gateways = new GatewayManager((tenantId, gateway) => tenants.gatewayCredentials(tenantId, gateway), {
    variables: config.gatewayUrls,
    publicBaseUrl,
  });
  const payments: PaymentStarter = paymentStarter({
    db,
    logger,
    publicBaseUrl,
    gateways,
    // A gateway result that arrived before its record is applied as soon as the record exists.
    onRecorded: (reference) => applyEarlyResult(earlyResultsDeps, reference).then(() => undefined),
  });
  const turnDeps: TurnDeps = {
    ...outboxDeps,
    payments,
    sessionTtlMs: config.SESSION_TTL_MS,
    estimatedDeliveryTime: config.ESTIMATED_DELIVERY_TIME,
    owner,
  };
  const background = new BackgroundTasks();
  const whatsapp = new WhatsAppWebhook(turnDeps, { appSecret: settings.appSecret, verifyToken: settings.verifyToken }, background);
  const graphCapture = config.demoMode ? new GraphCapture({ db, logger }) : undefined;
  let selfBaseUrl = publicBaseUrl;
  // Owners' API and kitchen board: one RTDB listener per watched tenant, shared by its boards.
  const kitchenFeed = new KitchenFeed(db, logger, now);
  const verifier = firebaseTokenVerifier({ app: connection.app, emulatorHost: config.FIREBASE_AUTH_EMULATOR_HOST });
  const claims = firebaseClaimsWriter({ app: connection.app, emulatorHost: config.FIREBASE_AUTH_EMULATOR_HOST });
  const webhookLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.WEBHOOK_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: rateLimitedHandler('too many requests, retry later'),
  });
  const app = buildApp({
    db,
    logger,
    trustProxy: config.TRUST_PROXY,
    metrics,
    whatsapp,
    mount: (app) => {
      app.post(
        '/api/webhooks/payment/:gateway',
        webhookLimiter,
        // Raw bytes for every gateway: Wompi and Bold send JSON, PayU a form; signatures need the bytes.
        express.raw({ type: ['application/json', 'application/x-www-form-urlencoded'], limit: PAYMENT_WEBHOOK_BODY_LIMIT }),
        paymentWebhookHandler({ confirm: confirmDeps, outbox: outboxDeps, gateways, logger, background }),
      );
      app.use(staticFilesRouter());
      app.use(payPagesRouter({ db, tenants, gateways, logger, publicBaseUrl, paymentExpireAfterMs: config.PAYMENT_EXPIRE_AFTER_MS, chatLink: config.demoMode ? simulatorChatLink : undefined }));
      app.use(demoCheckoutRouter({ db, tenants, gateways, logger, selfBaseUrl: () => selfBaseUrl }));
      if (graphCapture) app.use('/demo', graphCapture.router());
      app.use('/api/admin', adminRouter({ db, logger, now, tenants, gateways, secretsKey: new SecretsKey(settings.secretsKey), outbox: turnDeps, kitchenFeed, verifier, claims }));
      const signIn = settings.signIn ?? signInConfigFrom(config);
      app.use(kitchenPageRouter(signIn), adminPageRouter(signIn), adminOrdersPageRouter(signIn));
      app.use(landingRouter({ demoMode: config.demoMode, demoUsers: settings.demoUsers }));
      if (config.demoMode) app.use(simulatorRouter({ db, tenants, logger, appSecret: settings.appSecret, capture: graphCapture, selfBaseUrl: () => selfBaseUrl }));
      app.use(htmlNotFound());
    },
  });
  const reconciler = new Reconciler({
    db,
    metrics,
    logger,
    now,
    owner: turnDeps.owner,
    intervalMs: config.RECONCILE_INTERVAL_MS,
    jobs: [
      {
        name: 'inbox',
        run: () => retryPendingInbox({ db, logger, now, owner: turnDeps.owner, processMessage: (r, k) => whatsapp.process(r, k) }),
      },
      {
        name: 'payments',
        run: () =>
          reconcilePendingPayments({
            db,
            logger,
            now,
            gateways,
            confirm: confirmDeps,
            outbox: outboxDeps,
            queryAfterMs: config.PAYMENT_QUERY_AFTER_MS,
            reminderAfterMs: config.PAYMENT_REMINDER_AFTER_MS,
            expireAfterMs: config.PAYMENT_EXPIRE_AFTER_MS,
          }),
      },
      { name: 'earlyResults', run: () => sweepEarlyResults(earlyResultsDeps) },
      { name: 'outbox', run: () => retryDueMessages(outboxDeps) },
      { name: 'sessions', run: () => removeIdleSessions({ db, now }) },
      { name: 'prune', run: () => pruneMessages({ db, now, retentionDays: config.MESSAGE_RETENTION_DAYS, batch: config.MESSAGE_PRUNE_BATCH }) },
    ],
  });

  // Outside the two-minute run: after an outage, queued messages go out within 30 s (#15).
  const outboxSweep = new Reconciler({
    db,
    metrics,
    logger,
    now,
    owner: turnDeps.owner,
    intervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
    leaseName: 'outbox-sweep',
    jobs: [{ name: 'outbox', run: () => retryDueMessages(outboxDeps) }],
  });

  let server: Server | undefined;
  return {
    app,
    connection,
    tenants,
    whatsapp,
    graphCapture,
    turnDeps,
    reconciler,
    outboxSweep,
    confirmDeps,
    gateways,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const s = createHttpServer(app, {
          headersTimeoutMs: Math.round(config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000),
          requestTimeoutMs: Math.round(config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000),
          keepAliveTimeoutMs: Math.round(config.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000),
          maxConnections: config.HTTP_MAX_CONNECTIONS,
        }).listen(port, host ?? '0.0.0.0');
        s.once('error', reject);
        s.once('listening', () => {
          server = s;
          const bound = (s.address() as AddressInfo).port;
          selfBaseUrl = `http://127.0.0.1:${bound}`;
          resolve(bound);
        });
      });
    },
    async close() {
      await reconciler.stop();
      await outboxSweep.stop();
      kitchenFeed.close();
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      server?.closeAllConnections?.();
      await whatsapp.drain();
      live.close();
      await connection.close();
    },
  };
}
