/**
 * Small pure helpers shared by the gateway adapters: digests, timing-safe comparison of hex
 * digests, and turning HTTP/zod failures into typed errors. Nothing here does I/O or logs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isAxiosError } from 'axios';
import type { z } from 'zod';
import { AppError, ErrorCode, GatewayError } from '../errors';
import type { GatewayId, GatewayStatus } from './gateway';

/** Timeout for every outbound gateway call. Bold answers in well under a second; 8 s covers PayU. */
export const GATEWAY_TIMEOUT_MS = 8000;

/** A gateway status mapped to ours; `warning` is set when the value was not recognized. */
export interface StatusMapping {
  status: GatewayStatus;
  warning?: string;
}

export type DigestAlgorithm = 'md5' | 'sha1' | 'sha256';

/** Hex digest (lowercase) of a UTF-8 string. */
export function hashHex(algorithm: DigestAlgorithm, input: string): string {
  return createHash(algorithm).update(input, 'utf8').digest('hex');
}

/** Plain SHA-256, lowercase hex (Wompi integrity signature and event checksum). */
export function sha256Hex(input: string): string {
  return hashHex('sha256', input);
}

/** HMAC-SHA256, lowercase hex. A string message is hashed as UTF-8. */
export function hmacSha256Hex(key: string, message: string | Buffer): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

const HEX = /^[0-9a-f]+$/i;

/**
 * Compares two hex digests case-insensitively in constant time (for equal lengths). Gateways
 * disagree on case (Wompi's docs print upper case, deliveries carry lower case: reference §1.3).
 * Returns false for anything that is not hex or differs in length.
 */
export function timingSafeEqualHex(expected: string, received: string): boolean {
  if (!HEX.test(expected) || !HEX.test(received) || expected.length !== received.length) return false;
  return timingSafeEqual(Buffer.from(expected.toLowerCase(), 'utf8'), Buffer.from(received.toLowerCase(), 'utf8'));
}

/** True when the string is a hex digest of `hexLength` characters. */
export function isHexDigest(value: string, hexLength: number): boolean {
  return value.length === hexLength && HEX.test(value);
}

/**
 * The most common operator mistake with a secret that does not verify: it was pasted with a
 * space or newline around it. Returns a hint for `WebhookSignatureError.likelyCause`, or null.
 */
export function whitespaceHint(secret: string, name: string): string | null {
  return secret !== secret.trim() ? `${name} has leading or trailing whitespace` : null;
}

/** Reads one header from the lower-cased header map; absent and empty are the same. */
export function readHeader(headers: Record<string, string | undefined>, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return value === undefined || value.trim() === '' ? null : value.trim();
}

/** Parses JSON, returning undefined instead of throwing (bodies are untrusted). */
export function parseJsonOrUndefined(raw: Buffer | string): unknown {
  try {
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    // Not JSON: the caller decides whether that is a signature problem or an ignored body.
    return undefined;
  }
}

/**
 * A JSON number of pesos → integer centavos, exactly. Integers multiply; numbers with at most two
 * decimals go through their shortest decimal form ("150.26"), never through `x * 100` on floats.
 * Returns null for negatives, non-finite values and more than two decimals.
 */
export function jsonPesosToCents(pesos: number): number | null {
  if (!Number.isFinite(pesos) || pesos < 0) return null;
  if (Number.isInteger(pesos)) return Number.isSafeInteger(pesos * 100) ? pesos * 100 : null;
  const match = /^(\d+)\.(\d{1,2})$/.exec(String(pesos));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** zod issue paths only (never the values, which may hold personal data): STYLE §7. */
export function issuePaths(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length ? issue.path.join('.') : '(root)'));
}

/** A verified webhook body that does not have the documented shape. */
export function invalidWebhookBody(gateway: GatewayId, error: z.ZodError | string): AppError {
  const issues = typeof error === 'string' ? [error] : issuePaths(error);
  return new AppError(ErrorCode.INVALID_BODY, {
    message: `${gateway} webhook body does not match the documented shape`,
    details: { gateway, issues },
  });
}

/** A 2xx gateway response we cannot read: a schema drift, so retrying will not help. */
export function invalidGatewayResponse(gateway: GatewayId, operation: string, error: z.ZodError | string): GatewayError {
  const issues = typeof error === 'string' ? [error] : issuePaths(error);
  return new GatewayError(gateway, {
    message: `${gateway} ${operation}: unexpected response shape`,
    retryable: false,
    details: { operation, issues },
  });
}

/**
 * Turns an axios failure into a GatewayError without carrying the request config along (it holds
 * the Authorization header or the PayU apiKey). Retry policy (STYLE §6): no response, 409, 429
 * and 5xx may succeed later; other 4xx will not.
 */
export function toGatewayError(gateway: GatewayId, operation: string, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (isAxiosError(error)) {
    const upstreamStatus = error.response?.status;
    if (upstreamStatus === undefined) {
      return new GatewayError(gateway, {
        message: `${gateway} ${operation}: no response (${error.code ?? 'network error'})`,
        retryable: true,
        cause: new Error(error.message),
        details: { operation },
      });
    }
    const retryable = upstreamStatus >= 500 || upstreamStatus === 409 || upstreamStatus === 429;
    return new GatewayError(gateway, {
      code: retryable ? ErrorCode.GATEWAY_UNAVAILABLE : ErrorCode.GATEWAY_REJECTED,
      message: `${gateway} ${operation}: HTTP ${upstreamStatus}`,
      upstreamStatus,
      retryable,
      details: { operation },
    });
  }
  return new GatewayError(gateway, {
    message: `${gateway} ${operation}: unexpected failure`,
    retryable: false,
    cause: error instanceof Error ? new Error(error.message) : undefined,
    details: { operation },
  });
}
