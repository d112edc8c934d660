import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { buildApp } from './app';
import type { Config } from './config';
import { connectDatabase, type DatabaseConnection } from './db/firebase';
import type { PaymentStarter, TurnDeps } from './conversation/run-turn';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { GatewayManager } from './payments/gateway-manager';
import { paymentStarter } from './payments/start-payment';
import { paymentWebhookHandler } from './payments/webhook';
import type { ConfirmPaymentDeps } from './orders/confirm-payment';
import { retryDueMessages } from './orders/outbox';
import { Reconciler } from './reconciler/reconciler';
import { retryPendingInbox } from './reconciler/jobs/inbox-retry';
import { payPagesRouter } from './web/pay-pages';
import { sandboxCheckoutRouter } from './web/sandbox-checkout';
import { SecretsKey } from './tenants/secrets-crypto';
import { TenantStore } from './tenants/tenant-store';
import { GraphClient } from './whatsapp/graph-client';
import { WhatsAppWebhook } from './whatsapp/webhook';
import { GraphCapture } from './web/graph-capture';

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
  confirmDeps: ConfirmPaymentDeps;
  gateways: GatewayManager;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Wires the service from settings: database, stores, clients, webhook intake, HTTP app. */
export function createRuntime(settings: RuntimeSettings): Runtime {
  const { config, logger } = settings;
  const now = settings.now ?? Date.now;
  const connection = connectDatabase({ url: settings.databaseUrl, projectId: config.FIREBASE_PROJECT_ID });
  const db = connection.db;
  const tenants = new TenantStore(db, new SecretsKey(settings.secretsKey), now);
  const graph = new GraphClient({ baseUrl: settings.graphBaseUrl });
  const publicBaseUrl = settings.publicBaseUrl;
  const payments: PaymentStarter = paymentStarter({ db, logger, publicBaseUrl });
  const gateways = new GatewayManager(tenants, {
    wompiApiUrl: config.WOMPI_API_URL,
    wompiCheckoutUrl: config.WOMPI_CHECKOUT_URL,
    boldApiUrl: config.BOLD_API_URL,
    payuApiUrl: config.PAYU_API_URL,
    payuCheckoutUrl: config.PAYU_CHECKOUT_URL,
    sandboxCheckoutUrl: `${publicBaseUrl}/sandbox/checkout`,
  });
  const turnDeps: TurnDeps = {
    db,
    graph,
    tenants,
    logger,
    now,
    payments,
    sessionTtlMs: config.SESSION_TTL_MS,
    estimatedDeliveryTime: config.ESTIMATED_DELIVERY_TIME,
    owner: `${process.pid}-${randomUUID().slice(0, 8)}`,
  };
  const whatsapp = new WhatsAppWebhook(turnDeps, { appSecret: settings.appSecret, verifyToken: settings.verifyToken });
  const graphCapture = config.demoMode ? new GraphCapture() : undefined;
  const confirmDeps: ConfirmPaymentDeps = { db, tenants, logger, now, estimatedDeliveryTime: config.ESTIMATED_DELIVERY_TIME, owner: turnDeps.owner };
  let selfBaseUrl = publicBaseUrl;
  const webhookLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.WEBHOOK_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    message: { error: { code: 'RATE_LIMITED', message: 'too many requests, retry later' } },
  });
  const app = buildApp({
    db,
    logger,
    whatsapp,
    mount: (app) => {
      app.post(
        '/api/webhooks/payment/:gateway',
        webhookLimiter,
        // Raw bytes for every gateway: Wompi and Bold send JSON, PayU a form; signatures need the bytes.
        express.raw({ type: ['application/json', 'application/x-www-form-urlencoded'], limit: PAYMENT_WEBHOOK_BODY_LIMIT }),
        paymentWebhookHandler({ confirm: confirmDeps, outbox: turnDeps, gateways, logger }),
      );
      app.use(payPagesRouter({ db, tenants, gateways, logger, publicBaseUrl, paymentExpireAfterMs: config.PAYMENT_EXPIRE_AFTER_MS }));
      app.use(sandboxCheckoutRouter({ db, tenants, gateways, logger, selfBaseUrl: () => selfBaseUrl }));
      if (graphCapture) app.use('/demo', graphCapture.router());
    },
  });
  const reconciler = new Reconciler({
    db,
    logger,
    now,
    owner: turnDeps.owner,
    intervalMs: config.RECONCILE_INTERVAL_MS,
    jobs: [
      {
        name: 'inbox',
        run: () => retryPendingInbox({ db, logger, now, owner: turnDeps.owner, processMessage: (r, k) => whatsapp.process(r, k) }),
      },
      { name: 'outbox', run: () => retryDueMessages(turnDeps) },
    ],
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
    confirmDeps,
    gateways,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host ?? '0.0.0.0');
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
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      server?.closeAllConnections?.();
      await whatsapp.drain();
      await connection.close();
    },
  };
}
