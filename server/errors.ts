/** Stable error codes; messages may change, codes may not. */
export const ErrorCode = {
  INVALID_BODY: 'INVALID_BODY',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  NOT_FOUND: 'NOT_FOUND',
  UNKNOWN_GATEWAY: 'UNKNOWN_GATEWAY',
  UNKNOWN_TENANT: 'UNKNOWN_TENANT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  AMOUNT_MISMATCH: 'AMOUNT_MISMATCH',
  GATEWAY_UNAVAILABLE: 'GATEWAY_UNAVAILABLE',
  GATEWAY_REJECTED: 'GATEWAY_REJECTED',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  CONFIG_INVALID: 'CONFIG_INVALID',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AppErrorOptions {
  /** Internal message for logs. */
  message?: string;
  /** What a customer or owner may read. */
  userMessage?: string;
  cause?: unknown;
  /** Extra fields that are safe to log and to return (never secrets). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly userMessage?: string;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly code: ErrorCode,
    options: AppErrorOptions = {},
  ) {
    super(options.message ?? code, { cause: options.cause });
    this.name = 'AppError';
    this.userMessage = options.userMessage;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.details,
      cause: describeCause(this.cause),
    };
  }
}

/** A webhook whose signature is missing or does not match. Answered 401 with no detail. */
export class WebhookSignatureError extends AppError {
  constructor(message: string, readonly likelyCause?: string) {
    super(ErrorCode.SIGNATURE_INVALID, { message });
    this.name = 'WebhookSignatureError';
  }
}

/** A failed call to a payment gateway; `retryable` tells callers whether trying again may help. */
export class GatewayError extends AppError {
  constructor(
    /** The gateway's id (errors sit below the payments folder, so it is not typed as GatewayId). */
    readonly gateway: string,
    options: AppErrorOptions & { upstreamStatus?: number; retryable: boolean; code?: ErrorCode },
  ) {
    super(options.code ?? ErrorCode.GATEWAY_UNAVAILABLE, options);
    this.name = 'GatewayError';
    this.upstreamStatus = options.upstreamStatus;
    this.retryable = options.retryable;
  }
  readonly upstreamStatus?: number;
  readonly retryable: boolean;

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), gateway: this.gateway, upstreamStatus: this.upstreamStatus, retryable: this.retryable };
  }
}

/** HTTP status for each code; anything not listed is a 500. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_BODY: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  SIGNATURE_INVALID: 401,
  NOT_FOUND: 404,
  UNKNOWN_GATEWAY: 404,
  UNKNOWN_TENANT: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  AMOUNT_MISMATCH: 409,
  GATEWAY_UNAVAILABLE: 502,
  GATEWAY_REJECTED: 502,
  DATABASE_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

export function describeCause(cause: unknown): unknown {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof AppError) return cause.toJSON();
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return String(cause);
}
