import { z } from 'zod';

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
    PUBLIC_BASE_URL: z.url().transform((s) => s.replace(/\/+$/, '')).optional(),
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
    /** Overrides for gateway API hosts (tests point them at local servers). */
    WOMPI_API_URL: optionalUrl,
    BOLD_API_URL: optionalUrl,
    PAYU_API_URL: optionalUrl,
    /** Overrides for hosted checkout URLs (tests). */
    WOMPI_CHECKOUT_URL: optionalUrl,
    PAYU_CHECKOUT_URL: optionalUrl,
    /** 32 bytes, base64: encrypts tenant credentials at rest (AES-256-GCM). */
    SECRETS_KEY: z
      .string()
      .trim()
      .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes encoded in base64 (openssl rand -base64 32)')
      .optional(),
    /** Idle time after which a conversation starts over. */
    SESSION_TTL_MS: intFromEnv(2 * 60 * 60 * 1000, 1000),
    /** How often the reconciler runs. */
    RECONCILE_INTERVAL_MS: intFromEnv(120_000, 1000),
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

export type TRawConfig = z.infer<typeof ZConfigSchema>;

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
  const parsed = ZConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
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
  return { ...rest, database, demoMode: DEMO_MODE ?? database.kind === 'embedded', graphUrlExplicit: Boolean(env.WHATSAPP_GRAPH_URL?.trim()) };
}
