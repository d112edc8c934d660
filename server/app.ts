import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from './errors';
import { errorMiddleware } from './http-errors';
import type { WhatsAppWebhook } from './whatsapp/webhook';
import type { Metrics } from './observability/metrics';

/** Meta documents payloads up to 3 MB; anything larger is refused with 413. */
export const WHATSAPP_BODY_LIMIT = '3mb';

export interface AppDeps {
  db: Database;
  logger: Logger;
  metrics?: Metrics;
  whatsapp: WhatsAppWebhook;
  /**
   * Express `trust proxy`: false (the default) takes the connecting address as the client's;
   * a hop count or a list of proxy addresses believes X-Forwarded-For that far (TRUST_PROXY).
   */
  trustProxy?: false | number | string[];
  /** Extra routers mounted by later modules (payments, pages, admin). */
  mount?: (app: Express) => void;
}

/** How long /readyz waits for the database. */
const READY_TIMEOUT_MS = 3000;

/** Builds the HTTP app from its parts; no globals, no listen(). */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Off unless configured: believing X-Forwarded-For from a direct client would let it pick a
  // new address per request and walk past every rate limit (#12).
  app.set('trust proxy', deps.trustProxy ?? false);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = req.get('x-request-id')?.slice(0, 100) || randomUUID();
    res.locals.requestId = requestId;
    // Handlers log through this child, so every line of one request carries its requestId.
    const log = deps.logger.child({ requestId });
    res.locals.logger = log;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  });

  // Webhook outcomes and latency, by source (whatsapp or the gateway).
  app.use('/api/webhooks', (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    // Read now: req.path is relative to the mount only while inside it.
    const source = req.path.startsWith('/payment/') ? req.path.slice('/payment/'.length).split('/')[0]!.slice(0, 20) : 'whatsapp';
    res.on('finish', () => {
      if (req.method !== 'POST') return;
      deps.metrics?.webhookRequests.inc({ source, status: String(res.statusCode) });
      deps.metrics?.webhookLatency.observe({ source }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });

  app.get('/metrics', async (_req, res) => {
    if (!deps.metrics) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'metrics are off' });
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await Promise.race([
      deps.db
        .ref('.info/serverTimeOffset')
        .once('value')
        .then(() => deps.db.ref('phoneNumbers').limitToFirst(1).once('value'))
        .then(() => true)
        .catch(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), READY_TIMEOUT_MS).unref()),
    ]);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database unreachable' });
  });

  const whatsappRaw = express.raw({ type: 'application/json', limit: WHATSAPP_BODY_LIMIT });
  app.get('/api/webhooks/whatsapp', deps.whatsapp.handshake);
  app.post('/api/webhooks/whatsapp', whatsappRaw, deps.whatsapp.receive);

  deps.mount?.(app);

  app.use((req, _res, next) => next(new AppError(ErrorCode.NOT_FOUND, { userMessage: `no route for ${req.method} ${req.path}` })));
  app.use(errorMiddleware(deps.logger));
  return app;
}
