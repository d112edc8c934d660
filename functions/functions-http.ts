import { IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Adapting the Express app to an HTTPS function. Two things differ from `app.listen()`:
 *
 * 1. The Functions Framework (and the emulator's runtime) read and parse every body before
 *    the handler runs, keeping the bytes in `req.rawBody`. Our webhook routes verify signatures
 *    on the raw bytes with their own parsers (`express.raw`), which skip a request whose stream
 *    is already consumed. `replayableRequest` hands the app a request that replays those exact
 *    bytes, so every route parses them as it does behind `listen()`.
 * 2. Cloud Functions guarantees CPU only while a request is open: "HTTP functions should signal
 *    termination by returning an HTTP response. This should not be done until all background
 *    tasks are complete" (cloud.google.com/functions/docs/samples/functions-concepts-node-termination-http).
 *    The app acknowledges a WhatsApp message, then runs the turn; it answers a payment webhook,
 *    then delivers the confirmation. `holdEndUntil` delays the end of the response until that
 *    work settles, bounded, so it is not frozen mid-way. Correctness never depends on it (the
 *    inbox and the outbox are durable and the reconciler finishes what is left); latency does.
 */

/** A request after the Functions Framework's body parsers. */
export type ParsedRequest = IncomingMessage & { rawBody?: unknown };

/** Headers that describe the body as it was on the wire, which the replay no longer is. */
const WIRE_BODY_HEADERS = ['content-encoding', 'transfer-encoding'];

export function replayableRequest(req: ParsedRequest): IncomingMessage {
  const rawBody = req.rawBody;
  // Not read yet (no body, or a framework that leaves it alone): the app reads it itself.
  if (!Buffer.isBuffer(rawBody) || req.readable) return req;
  const fresh = new IncomingMessage(req.socket);
  fresh.method = req.method;
  fresh.url = req.url;
  fresh.httpVersion = req.httpVersion;
  fresh.httpVersionMajor = req.httpVersionMajor;
  fresh.httpVersionMinor = req.httpVersionMinor;
  const headers = { ...req.headers };
  // The framework already inflated a compressed body: the replay is the plain bytes.
  for (const name of WIRE_BODY_HEADERS) delete headers[name];
  headers['content-length'] = String(rawBody.length);
  fresh.headers = headers;
  fresh.rawHeaders = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((v) => [name, v]) : value === undefined ? [] : [name, value]));
  fresh.push(rawBody);
  fresh.push(null);
  // As a fully received request: body parsers read it once, then see it finished.
  fresh.complete = true;
  return fresh;
}

/**
 * Delays `res.end` until `work()` settles or `maxMs` pass. `work` is started on the next turn
 * of the event loop, because handlers start their background work right after answering.
 */
export function holdEndUntil(res: ServerResponse, work: () => Promise<unknown>, maxMs: number): void {
  const end = res.end;
  let held = false;
  res.end = function heldEnd(this: ServerResponse, ...args: unknown[]) {
    if (held) return this;
    held = true;
    setImmediate(() => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxMs);
      });
      void Promise.race([work().catch(() => undefined), bound]).then(() => {
        clearTimeout(timer);
        (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      });
    });
    return this;
  } as ServerResponse['end'];
}

/** Resolves when the response has been sent or the connection dropped. */
export function responseDone(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    res.once('finish', () => resolve());
    res.once('close', () => resolve());
  });
}
