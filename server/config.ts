import { isIP } from 'node:net';
import { z } from 'zod';
import { placeholderReason } from './placeholders';
import { describeIssues, validationErrorMap } from './validation-messages';
import { GATEWAY_ENDPOINT_VARIABLES } from './payments/adapters';

/** Graph API version the client is pinned to (reference/whatsapp-cloud-api.md §5.9). */
export const GRAPH_API_VERSION = 'v25.0';

const optionalUrl = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .pipe(z.url().optional())
  .optional();

const intFromEnv = (fallback: number, min = 0) =>
  z.coerce.number().int().min(min).default(fallback);

/** Express's named address ranges for `trust proxy` (proxy-addr). */
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

function isAddressOrRange(entry: string): boolean {
  if ((TRUST_PROXY_NAMES as readonly string[]).includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY` as Express's `trust proxy` takes it, but never "trust everyone": unset, empty,
 * `false` or `0` → off (the connecting address is the client); a hop count → that many proxies
 * in front; otherwise a comma-separated list of proxy addresses, CIDR ranges or the names
 * loopback, linklocal, uniquelocal. Rate limits key on the client address it yields (#12).
 */
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): false | number | string[] => {
    if (value === undefined || value === '' || value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) return Number(value);
    if (value === 'true' || value === '*') {
      ctx.addIssue({
        code: 'custom',
        message: 'trusting every address lets any client choose its own IP (X-Forwarded-For) and escape the rate limits; give the number of proxies in front (e.g. 1) or their addresses',
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = entries.filter((e) => !isAddressOrRange(e));
    if (bad.length || entries.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a number of proxies (e.g. 1), or addresses and ranges such as loopback or 10.0.0.0/8,127.0.0.1 (${bad.length} ${bad.length === 1 ? 'entry is' : 'entries are'} neither)`,
      });
      return z.NEVER;
    }
    return entries;
  });

/** A duration in seconds (fractions allowed, so tests can use short ones). */
const secondsFromEnv = (fallbackSeconds: number, minSeconds: number) => z.coerce.number().min(minSeconds).max(3600).default(fallbackSeconds);

/**
 * Every setting the server reads, validated once at start. `.env.example` documents each one.
 * Nothing else in the code reads `process.env`.
 */
export const ZConfigSchema = z
  .object({
    /** Environment name; `production` hides demo-only pages. */
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** HTTP port the server listens on. */
    PORT: intFromEnv(3000, 0).pipe(z.number().max(65535)),
    /** Public https base URL customers and gateways reach, without a trailing slash. */
    PUBLIC_BASE_URL: z
      .url({ protocol: /^https?$/, error: 'must start with https:// (or http:// for a local test), e.g. https://pedidos.mirestaurante.co' })
      .transform((s) => s.replace(/\/+$/, ''))
      .optional(),
    /**
     * Proxies in front of this server whose X-Forwarded-For is believed (Express `trust proxy`).
     * Off by default: a direct client could otherwise pick its own address for every request.
     */
    TRUST_PROXY: trustProxy,
    /** A client must send its request headers within this many seconds (slowloris guard). */
    HTTP_HEADERS_TIMEOUT_SECONDS: secondsFromEnv(10, 0.1),
    /** A client must send its whole request (headers and body) within this many seconds. */
    HTTP_REQUEST_TIMEOUT_SECONDS: secondsFromEnv(30, 0.1),
    /** An idle keep-alive connection is closed after this many seconds. */
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: secondsFromEnv(5, 0.1),
    /** Open connections accepted at once; more are closed at once (file descriptors stay available). */
    HTTP_MAX_CONNECTIONS: intFromEnv(2000, 1),
    /** pino level: fatal, error, warn, info, debug, trace, silent. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Firebase project id; also the emulator namespace. */
    FIREBASE_PROJECT_ID: z.string().trim().min(1).default('demo-pedidos'),
    /** Real RTDB URL, e.g. https://<project>-default-rtdb.firebaseio.com. */
    FIREBASE_DATABASE_URL: optionalUrl,
    /** host:port of an RTDB emulator (the official one or the embedded server). */
    FIREBASE_DATABASE_EMULATOR_HOST: z
      .string()
      .trim()
      .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** Port of the embedded RTDB when no Firebase variable is set. */
    EMBEDDED_DATABASE_PORT: intFromEnv(9000, 0),
    /** Folder where the embedded default keeps its data between runs. */
    DATA_DIR: z.string().trim().min(1).default('.data'),
    /** Meta app secret; signs every WhatsApp webhook (X-Hub-Signature-256). */
    WHATSAPP_APP_SECRET: z.string().min(1).optional(),
    /** Token typed in the Meta dashboard for the GET handshake. */
    WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
    /** Graph API base including the pinned version. */
    WHATSAPP_GRAPH_URL: z.url().default(`https://graph.facebook.com/${GRAPH_API_VERSION}`),
    /** 32 bytes, base64: encrypts tenant credentials at rest (AES-256-GCM). */
    SECRETS_KEY: z
      .string()
      .trim()
      .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes encoded in base64 (openssl rand -base64 32)')
      .refine((s) => Buffer.from(s, 'base64').some((byte) => byte !== 0), 'is all zeros, the sample from .env.example; generate one with: openssl rand -base64 32')
      .optional(),
    /** Idle time after which a conversation starts over. */
    SESSION_TTL_MS: intFromEnv(2 * 60 * 60 * 1000, 1000),
    /** How often the reconciler runs. */
    RECONCILE_INTERVAL_MS: intFromEnv(120_000, 1000),
    /**
     * How often undelivered WhatsApp messages are looked at; with the outbox's retry backoff
     * capped at 20 s, queued messages go out within 30 s of WhatsApp recovering (#15).
     */
    OUTBOX_SWEEP_INTERVAL_MS: intFromEnv(5_000, 100).pipe(z.number().max(10_000)),
    /**
     * WhatsApp's customer-service window after a customer's last message (reference §6.4);
     * outside it a notice goes as the tenant's approved utility template (#15).
     */
    WHATSAPP_SERVICE_WINDOW_MS: intFromEnv(24 * 60 * 60 * 1000, 1000),
    /**
     * How long settled WhatsApp records (processed inbox messages, sent or failed outbox
     * messages and their wamid index) are kept before the reconciler prunes them (#12).
     */
    MESSAGE_RETENTION_DAYS: intFromEnv(30, 1),
    /** Most records the reconciler prunes per run, per kind (bounds each run's work). */
    MESSAGE_PRUNE_BATCH: intFromEnv(500, 1),
    /** Pending payments older than this are asked of their gateway. */
    PAYMENT_QUERY_AFTER_MS: intFromEnv(120_000, 0),
    /** A reminder is sent once when a payment is unpaid this long. */
    PAYMENT_REMINDER_AFTER_MS: intFromEnv(600_000, 0),
    /** Unpaid payments expire after this long. */
    PAYMENT_EXPIRE_AFTER_MS: intFromEnv(1_800_000, 0),
    /** Webhook rate limit per client IP and window. */
    WEBHOOK_RATE_LIMIT_PER_MINUTE: intFromEnv(600, 1),
    /** Estimated delivery time told to customers. */
    ESTIMATED_DELIVERY_TIME: z.string().trim().min(1).default('30-40 minutos'),
    /**
     * host:port of a Firebase Auth emulator (`firebase emulators:start --only auth`). When set,
     * owners' ID tokens are verified as emulator tokens and the sign-in pages talk to it.
     */
    FIREBASE_AUTH_EMULATOR_HOST: z
      .string()
      .trim()
      .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** Web API key of the Firebase project; the kitchen and admin pages sign in with it (not a secret). */
    FIREBASE_WEB_API_KEY: z.string().trim().min(1).optional().or(z.literal('').transform(() => undefined)),
    /**
     * Test only: named failure points in payment confirmation (server/faults.ts), e.g.
     * `after-order-write` or `after-order-write:hang`. Refused when NODE_ENV=production.
     */
    TEST_FAULT_POINTS: z.string().trim().optional(),
    /** Demo mode: simulator, sandbox checkout and Graph capture. Defaults to on with the embedded database. */
    DEMO_MODE: z
      .enum(['true', 'false', '1', '0'])
      .transform((v) => v === 'true' || v === '1')
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.FIREBASE_AUTH_EMULATOR_HOST && c.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['FIREBASE_AUTH_EMULATOR_HOST'],
        message: 'with it set, firebase-admin accepts unsigned ID tokens, so anyone could sign in as an owner; unset it in production (or set NODE_ENV=development for a local test)',
      });
    }
    if (c.HTTP_REQUEST_TIMEOUT_SECONDS < c.HTTP_HEADERS_TIMEOUT_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_REQUEST_TIMEOUT_SECONDS'], message: 'must be at least HTTP_HEADERS_TIMEOUT_SECONDS (the whole request includes its headers)' });
    }
    // Samples from .env.example and the docs (#17): they would fail later, far from the cause.
    for (const key of PLACEHOLDER_CHECKED) {
      const value = c[key];
      const reason = typeof value === 'string' ? placeholderReason(value) : undefined;
      if (reason) ctx.addIssue({ code: 'custom', path: [key], message: `${reason}; set your real value, or remove the line to use the default` });
    }
    if (c.TEST_FAULT_POINTS && c.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['TEST_FAULT_POINTS'], message: 'fault injection is for tests only; unset it in production' });
    }
    if (c.FIREBASE_DATABASE_URL && c.FIREBASE_DATABASE_EMULATOR_HOST) {
      ctx.addIssue({
        code: 'custom',
        path: ['FIREBASE_DATABASE_URL'],
        message: 'set either FIREBASE_DATABASE_URL or FIREBASE_DATABASE_EMULATOR_HOST, not both',
      });
    }
    const external = Boolean(c.FIREBASE_DATABASE_URL || c.FIREBASE_DATABASE_EMULATOR_HOST);
    if (external) {
      for (const key of ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'SECRETS_KEY', 'PUBLIC_BASE_URL'] as const) {
        if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when a Firebase database is configured' });
      }
    }
  });

/** Settings a sample from the documentation could end up in. */
const PLACEHOLDER_CHECKED = [
  'PUBLIC_BASE_URL',
  'FIREBASE_DATABASE_URL',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_VERIFY_TOKEN',
  'WHATSAPP_GRAPH_URL',
  'FIREBASE_WEB_API_KEY',
] as const;

export type TRawConfig = z.infer<typeof ZConfigSchema>;

/**
 * Overrides for gateway API and checkout hosts (tests point them at local servers), one optional
 * URL per variable each adapter declares (`endpointVariables`), e.g. `<GATEWAY>_API_URL`.
 */
export const ZGatewayUrlsSchema = z.object(Object.fromEntries(GATEWAY_ENDPOINT_VARIABLES.map((name) => [name, optionalUrl]))).superRefine((urls, ctx) => {
  for (const [key, value] of Object.entries(urls)) {
    const reason = typeof value === 'string' ? placeholderReason(value) : undefined;
    if (reason) ctx.addIssue({ code: 'custom', path: [key], message: `${reason}; set your real value, or remove the line to use the default` });
  }
});

export interface DatabaseTarget {
  /** embedded: start the bundled RTDB server; emulator: an RTDB emulator at host:port; firebase: a real database. */
  kind: 'embedded' | 'emulator' | 'firebase';
  /** URL given to firebase-admin. For embedded it is filled in once the server listens. */
  url?: string;
  emulatorHost?: string;
}

export interface Config extends Omit<TRawConfig, 'DEMO_MODE'> {
  database: DatabaseTarget;
  demoMode: boolean;
  /** Gateway endpoint overrides by variable name (`ZGatewayUrlsSchema`); unset → the adapter's defaults. */
  gatewayUrls: Readonly<Record<string, string | undefined>>;
  /** True when WHATSAPP_GRAPH_URL was set (demo mode otherwise sends to its own capture). */
  graphUrlExplicit: boolean;
}

/** Where the Graph client sends: the configured URL, or in demo mode this server's capture endpoint. */
export function resolveGraphBaseUrl(config: Config): string {
  return config.demoMode && !config.graphUrlExplicit ? `http://127.0.0.1:${config.PORT}/demo/graph/${GRAPH_API_VERSION}` : config.WHATSAPP_GRAPH_URL;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; reports every problem together. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = ZConfigSchema.safeParse(env, { error: validationErrorMap('en') });
  const gatewayUrls = ZGatewayUrlsSchema.safeParse(env, { error: validationErrorMap('en') });
  if (!parsed.success || !gatewayUrls.success) {
    throw new ConfigError([
      ...(parsed.error ? describeIssues(parsed.error, 'en', '(environment)') : []),
      ...(gatewayUrls.error ? describeIssues(gatewayUrls.error, 'en', '(environment)') : []),
    ]);
  }
  const raw = parsed.data;
  const database: DatabaseTarget = raw.FIREBASE_DATABASE_URL
    ? { kind: 'firebase', url: raw.FIREBASE_DATABASE_URL }
    : raw.FIREBASE_DATABASE_EMULATOR_HOST
      ? {
          kind: 'emulator',
          emulatorHost: raw.FIREBASE_DATABASE_EMULATOR_HOST,
          url: `http://${raw.FIREBASE_DATABASE_EMULATOR_HOST}?ns=${raw.FIREBASE_PROJECT_ID}`,
        }
      : { kind: 'embedded' };
  const { DEMO_MODE, ...rest } = raw;
  return { ...rest, gatewayUrls: gatewayUrls.data, database, demoMode: DEMO_MODE ?? database.kind === 'embedded', graphUrlExplicit: Boolean(env.WHATSAPP_GRAPH_URL?.trim()) };
}
