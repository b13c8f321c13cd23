/**
 * Every environment variable Herald reads, parsed once by one zod schema. A bad value stops the
 * process with one line naming the variable and what it expects (see `loadConfig`).
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '' && u.pathname.length > 1;
    } catch {
      return false;
    }
  }, 'expected postgres://user:password@host:port/database');

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  DATA_DIR: z.string().min(1).default('.data'),

  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_PG_PORT: port.default(54329),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('campaigns'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.url().optional(),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),

  SMTP_URL: z.string().regex(/^smtps?:\/\/.+/, 'expected smtp://host:port or smtps://user:pass@host:port').optional(),
  PROVIDER_HTTP_URL: z.url().optional(),
  SINK_SMTP_PORT: port.default(2525),
  SINK_HTTP_PORT: port.default(4010),
  // Channel providers. Outside production, unset ones get defaults that work against the sinks
  // (channels/index.ts); in production a channel whose credentials are unset is not available.
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  HTTP_POOL_SIZE: z.coerce.number().int().min(1).max(256).default(10),
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number, e.g. +15005550006').optional(),
  TWILIO_WHATSAPP_FROM: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number, e.g. +15005550006').optional(),
  FCM_URL: z.url().optional(),
  FCM_PROJECT_ID: z.string().regex(/^[a-z0-9-]+$/, 'expected a Firebase project id (lowercase letters, digits, dashes)').optional(),
  FCM_ACCESS_TOKEN: z.string().min(1).optional(),
  WEBHOOK_SIGNING_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  /** SendGrid's event-webhook verification key (base64 DER or PEM); unset: the SendGrid webhook answers 404. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(40, 'expected the base64 public key from SendGrid').optional(),

  SEED_DEMO: bool.default(true),
  /** Signs the links inside messages (unsubscribe, opens, clicks). */
  TRACKING_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * Messages per second per channel provider, held across all workers and campaigns, e.g.
   * `email=2000,sms=100`. A channel not listed is not limited.
   */
  RATE_LIMITS: z
    .string()
    .regex(/^(email|sms|whatsapp|push|webhook)=\d+(,(email|sms|whatsapp|push|webhook)=\d+)*$/, 'expected channel=messagesPerSecond pairs, e.g. email=2000,sms=100')
    .transform((v) => Object.fromEntries(v.split(',').map((pair) => [pair.split('=')[0]!, Number(pair.split('=')[1])])) as Record<string, number>)
    .optional(),
  /** Signs access tokens (HS256). Required in production; development uses a fixed local secret. */
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Lifetime of an access token, seconds. */
  ACCESS_TOKEN_TTL: z.coerce.number().int().min(60).max(3600).default(900),
  /** Lifetime of a refresh token (one sign-in), days. */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** Failed sign-ins allowed per account per 15 minutes, and sign-in attempts per IP per minute. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_PER_IP: z.coerce.number().int().min(1).default(60),
  /** Origins allowed to call the API from a browser, comma-separated; unset: same origin only. */
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .optional(),
  /** Messages in flight at once inside one batch (match the channel's connection pool). */
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(10),
  /**
   * Lets outbound webhooks target http:// and private/loopback addresses. Defaults to on outside
   * production (a local receiver during development), off in production.
   */
  WEBHOOK_ALLOW_INSECURE: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** From address of scheduled report e-mails (default reports@<PUBLIC_URL host>). */
  REPORTS_FROM: z.email('expected an e-mail address').optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  trackingSecret: string;
  jwtSecret: string;
  /** Where Herald serves itself publicly: links in messages, printed URLs. */
  publicUrl: string;
  smtpUrl: string;
  providerHttpUrl: string;
  logFormat: 'pretty' | 'json';
  webhookAllowInsecure: boolean;
  reportsFrom: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` (default `process.env`); throws a ConfigError naming the first bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as in a docker-compose file with `FOO=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const value = cleaned[variable];
    throw new ConfigError(variable, `${issue.message}${value !== undefined ? ` (got ${JSON.stringify(redact(variable, value))})` : ''}`);
  }
  const e = result.data;
  // Credentials come in pairs: half a pair is a typo, not a choice.
  for (const [a, b] of [['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'], ['FCM_PROJECT_ID', 'FCM_ACCESS_TOKEN']] as const) {
    if (e[a] && !e[b]) throw new ConfigError(b, `required when ${a} is set`);
    if (e[b] && !e[a]) throw new ConfigError(a, `required when ${b} is set`);
  }
  // The local sinks are a development convenience: production must name its real relay and provider.
  if (e.NODE_ENV === 'production') {
    for (const name of ['SMTP_URL', 'PROVIDER_HTTP_URL', 'TRACKING_SECRET', 'JWT_SECRET'] as const) {
      if (!e[name]) throw new ConfigError(name, 'required when NODE_ENV=production (the local sinks are for development only)');
    }
  }
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.API_PORT}`;
  return {
    ...e,
    publicUrl,
    // Development only (production requires TRACKING_SECRET): links stay valid across restarts.
    trackingSecret: e.TRACKING_SECRET ?? 'herald-development-tracking-secret',
    jwtSecret: e.JWT_SECRET ?? 'herald-development-jwt-secret-not-for-production',
    smtpUrl: e.SMTP_URL ?? `smtp://127.0.0.1:${e.SINK_SMTP_PORT}`,
    providerHttpUrl: e.PROVIDER_HTTP_URL ?? `http://127.0.0.1:${e.SINK_HTTP_PORT}`,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty'),
    webhookAllowInsecure: e.WEBHOOK_ALLOW_INSECURE ?? e.NODE_ENV !== 'production',
    reportsFrom: e.REPORTS_FROM ?? `reports@${new URL(publicUrl).hostname}`,
  };
}

function redact(variable: string, value: string | undefined): string | undefined {
  if (value === undefined) return value;
  if (variable.endsWith('_URL')) {
    try {
      const u = new URL(value);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return value;
    }
  }
  return /KEY|SECRET|PASSWORD|TOKEN/.test(variable) ? '***' : value;
}

/** For process entry points: parse, or print one line and exit 1. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`herald: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Safe to print: the URL without its password. */
export function describeDatabaseUrl(url: string): string {
  return redact('DATABASE_URL', url) ?? url;
}
