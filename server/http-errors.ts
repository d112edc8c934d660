import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { AppError, ErrorCode, HTTP_STATUS_BY_CODE } from './errors';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** What a 503 asks the sender to wait before retrying. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The one place errors become HTTP answers: a stable code, a reason a caller can act on, and
 * never internals. Anything unknown is a 500 with a generic body, logged in full.
 */
export function errorMiddleware(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const requestId = res.locals.requestId as string | undefined;
    const log = (res.locals.logger as Logger | undefined) ?? logger.child({ requestId });
    const bodyError = error as BodyParserError;
    if (bodyError?.type === 'entity.too.large') {
      res.status(413).json({ error: { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'body is too large' }, requestId });
      return;
    }
    if (bodyError?.type === 'entity.parse.failed' || bodyError?.type === 'encoding.unsupported' || bodyError?.type === 'charset.unsupported') {
      res.status(400).json({ error: { code: ErrorCode.INVALID_BODY, message: 'body could not be read' }, requestId });
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json({
        error: { code: ErrorCode.INVALID_BODY, message: 'invalid request', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        requestId,
      });
      return;
    }
    if (error instanceof AppError) {
      const status = HTTP_STATUS_BY_CODE[error.code] ?? 500;
      if (status >= 500) log.error({ err: error, path: req.path }, 'request failed');
      // The database comes back by itself; tell the sender when to try again.
      if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      // Signature failures get no detail, so a forger learns nothing from the answer.
      const message = error.code === ErrorCode.SIGNATURE_INVALID ? 'invalid signature' : (error.userMessage ?? (status >= 500 ? 'temporarily unavailable, try again' : error.code));
      res.status(status).json({ error: { code: error.code, message, ...(status < 500 && error.details ? error.details : {}) }, requestId });
      return;
    }
    log.error({ err: error, path: req.path }, 'unexpected error');
    res.status(500).json({ error: { code: ErrorCode.INTERNAL, message: 'internal error' }, requestId });
  };
}

/** express-rate-limit `handler`: the refusal goes through the error middleware as RATE_LIMITED (429). */
export function rateLimitedHandler(userMessage: string) {
  return (_req: Request, _res: Response, next: NextFunction): void => next(new AppError(ErrorCode.RATE_LIMITED, { userMessage }));
}
