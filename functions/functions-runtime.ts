import type { Request, Response } from 'express';
import { createLogger } from '../server/observability/logger';
import { createRuntime, type Runtime } from '../server/runtime';
import { functionsRuntimeSettings, loadFunctionsConfig, type FunctionsParamValues } from './functions-config';
import { holdEndUntil, replayableRequest, responseDone, type ParsedRequest } from './functions-http';

/**
 * One runtime per function instance, built on first use: an instance serves many requests
 * (up to the function's concurrency), and the database connection, tenant cache and Graph
 * client are worth keeping between them. Its reconciler timer is never started: the
 * scheduled function calls `runOnce()` instead.
 */
let instance: Runtime | undefined;

/**
 * How long an HTTP answer may wait for the work its request started (a WhatsApp turn, a
 * confirmation). A turn is a few database round trips and one Graph call, well under a
 * second; past this the answer goes out and the reconciler finishes what is left. Senders
 * watch their response time (Bold allows 2 s; a late answer only earns a harmless retry).
 */
export const BACKGROUND_HOLD_MAX_MS = 5000;

/** The runtime of this instance; throws ConfigError (every problem named) until the config is valid. */
export function instanceRuntime(params: () => FunctionsParamValues): Runtime {
  if (!instance) {
    const config = loadFunctionsConfig(process.env, params());
    // JSON lines on stdout: Cloud Logging keeps each as a structured entry.
    const logger = createLogger({ level: config.LOG_LEVEL, pretty: false });
    instance = createRuntime(functionsRuntimeSettings(config, logger));
  }
  return instance;
}

/**
 * Only webhook deliveries start work that outlives their answer (server/background.ts users).
 * The wait is for all such work of the instance, so other requests are not held behind it.
 */
const startsBackgroundWork = (req: Request) => req.method === 'POST' && req.path.startsWith('/api/webhooks/');

/** Serves one HTTPS function request with the app, as `app.listen()` would have. */
export function serveRequest(runtime: Runtime, req: Request, res: Response): Promise<void> {
  if (startsBackgroundWork(req)) holdEndUntil(res, () => runtime.whatsapp.drain(), BACKGROUND_HOLD_MAX_MS);
  const done = responseDone(res);
  runtime.app(replayableRequest(req as ParsedRequest), res);
  return done;
}

/** Closes this instance's runtime (tests; a function instance just goes away). */
export async function closeInstanceRuntime(): Promise<void> {
  const current = instance;
  instance = undefined;
  await current?.close();
}
