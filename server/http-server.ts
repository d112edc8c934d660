import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

/** Limits on what one client may hold open (#12). */
export interface HttpServerLimits {
  /** Request headers must be complete within this time (Node's default is 60 s). */
  headersTimeoutMs: number;
  /** The whole request must be received within this time (Node's default is 300 s). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed as soon as they are accepted. */
  maxConnections: number;
}

/**
 * The HTTP server around the app, with slow clients cut off: a client that trickles its
 * headers a byte at a time (slowloris) is answered 408 and closed after `headersTimeoutMs`
 * instead of holding a socket for minutes, and the number of open sockets is capped so file
 * descriptors stay available. Only receiving the request is bounded; a long response (the
 * kitchen board's event stream) is not.
 */
export function createHttpServer(app: Express, limits: HttpServerLimits): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node enforces the two timeouts above on a sweep with this period (30 s by default,
      // which would let a slow client stay up to 30 s past its deadline).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    app,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
