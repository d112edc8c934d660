import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear: secrets, signatures, tokens and raw bodies.
 * Phone numbers are masked by `maskPhone` before they reach a log line.
 */
const REDACT_PATHS = [
  'secret',
  '*.secret',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'privateKey',
  '*.privateKey',
  'secretKey',
  '*.secretKey',
  'integritySecret',
  '*.integritySecret',
  'eventsSecret',
  '*.eventsSecret',
  'signature',
  '*.signature',
  'rawBody',
  '*.rawBody',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
];

export interface LoggerOptions {
  level: string;
  /** Pretty, human output (development on a terminal); JSON otherwise. */
  pretty: boolean;
  /** More lower-cased request headers to redact: gateways' signature headers (from the adapter registry). */
  secretHeaders?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level,
    redact: { paths: [...REDACT_PATHS, ...(options.secretHeaders ?? []).map((h) => `req.headers[${JSON.stringify(h)}]`)], censor: '[redacted]' },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    transport: options.pretty
      ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }
      : undefined,
  });
}

/** A logger that drops everything; for tests and tools that do not log. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** "573001234567" → "57300***4567": enough to tell customers apart in logs, not enough to call them. */
export function maskPhone(phone: string | undefined | null): string | undefined {
  if (!phone) return undefined;
  const digits = String(phone);
  if (digits.length <= 6) return '***';
  return `${digits.slice(0, 5)}***${digits.slice(-4)}`;
}
