import envSchema from 'env-schema';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { Type, type Static } from 'typebox';
import { httpUrl, parseOrigins, parseRedisUrl, parseTrustProxy, splitList } from './config-values';
import { DEFAULT_RETRY_AFTER_CAP_MS } from './genesys/retry-after';

/**
 * Configuration from the environment (and an optional `.env` file), validated once at boot. Every variable is
 * documented in `.env-sample` and the README; a bad or missing one stops the process with a message naming it.
 */

const Integer = (options: { default?: number; minimum: number; maximum?: number }) => Type.Integer(options);
const Text = (options: { default?: string; minLength?: number; maxLength?: number; pattern?: string } = {}) =>
  Type.String({ minLength: 1, ...options });

/** The raw variables. Names are the reference middleware's where it had one. */
export const EnvSchema = Type.Object({
  ORGANIZATION_ID: Text({ maxLength: 128 }),
  DEPLOYMENT_ID: Text({ maxLength: 128 }),
  QUEUE_TARGET: Text({ maxLength: 256 }),
  GENESYS_CLIENT_ID: Text({ maxLength: 256 }),
  GENESYS_CLIENT_SECRET: Text({ maxLength: 1024 }),
  PORT: Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  HOST: Text({ default: '127.0.0.1' }),
  GENESYS_ENVIRONMENT: Text({ default: 'mypurecloud.com', pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)+$' }),
  GENESYS_API_BASE_URL: Type.Optional(Text()),
  GENESYS_GUEST_API_BASE_URL: Type.Optional(Text()),
  GENESYS_MEDIA_TYPE: Type.Optional(Type.Enum(['chat', 'message'])),
  GENESYS_CHANNEL: Type.Enum(['guest-chat', 'web-messaging'], { default: 'web-messaging' }),
  GENESYS_REQUEST_TIMEOUT_MS: Integer({ default: 8000, minimum: 100, maximum: 60_000 }),
  GENESYS_MAX_RETRIES: Integer({ default: 2, minimum: 0, maximum: 5 }),
  GENESYS_RETRY_BASE_DELAY_MS: Integer({ default: 200, minimum: 0, maximum: 10_000 }),
  GENESYS_MAX_RETRY_WAIT_MS: Integer({ default: 5000, minimum: 0, maximum: 60_000 }),
  GENESYS_RETRY_AFTER_CAP_MS: Integer({ default: DEFAULT_RETRY_AFTER_CAP_MS, minimum: 1000, maximum: 3_600_000 }),
  // Below the browser client's 10 s: an answer after the client gave up helps nobody.
  RESPONSE_DEADLINE_MS: Integer({ default: 8000, minimum: 500, maximum: 9000 }),
  SHUTDOWN_DRAIN_DELAY_MS: Integer({ default: 5000, minimum: 0, maximum: 120_000 }),
  REQUEST_TIMEOUT_MS: Integer({ default: 30_000, minimum: 1000, maximum: 300_000 }),
  ALLOWED_ORIGINS: Type.String({ default: '' }),
  ALLOW_ANY_ORIGIN_FOR_DEVELOPMENT: Type.Boolean({ default: false }),
  IDENTITY_JWT_SECRET: Type.Optional(Text({ minLength: 32 })),
  IDENTITY_JWT_PUBLIC_KEY: Type.Optional(Text()),
  IDENTITY_JWT_ISSUER: Type.Optional(Text()),
  IDENTITY_JWT_AUDIENCE: Type.Optional(Text()),
  IDENTITY_JWT_MAX_AGE_MS: Integer({ default: 3_600_000, minimum: 60_000, maximum: 86_400_000 }),
  IDENTITY_JWT_CLOCK_TOLERANCE_MS: Integer({ default: 5000, minimum: 0, maximum: 300_000 }),
  AVAILABILITY_ENABLED: Type.Boolean({ default: true }),
  AVAILABILITY_QUEUES: Type.Optional(Text()),
  AVAILABILITY_REFRESH_INTERVAL_MS: Integer({ default: 5000, minimum: 50, maximum: 600_000 }),
  AVAILABILITY_MAX_STALENESS_MS: Integer({ default: 60_000, minimum: 0, maximum: 3_600_000 }),
  QUEUE_ID_CACHE_TTL_MS: Integer({ default: 600_000, minimum: 0, maximum: 86_400_000 }),
  TRUST_PROXY: Type.String({ default: 'false' }),
  RATE_LIMIT_MAX: Integer({ default: 120, minimum: 1 }),
  RATE_LIMIT_WINDOW_MS: Integer({ default: 60_000, minimum: 1000 }),
  JWT_RATE_LIMIT_MAX: Integer({ default: 10, minimum: 1 }),
  JWT_RATE_LIMIT_WINDOW_MS: Integer({ default: 60_000, minimum: 1000 }),
  BODY_LIMIT_BYTES: Integer({ default: 4096, minimum: 256, maximum: 1_048_576 }),
  READINESS_CACHE_MS: Integer({ default: 10_000, minimum: 0, maximum: 600_000 }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  METRICS_PORT: Type.Optional(Integer({ minimum: 0, maximum: 65535 })),
  METRICS_HOST: Text({ default: '127.0.0.1' }),
  REDIS_URL: Type.Optional(Text({ maxLength: 2048 })),
  REDIS_KEY_PREFIX: Text({ default: 'genesys-handoff:', maxLength: 128, pattern: '^[A-Za-z0-9:_.-]+$' }),
  REDIS_COMMAND_TIMEOUT_MS: Integer({ default: 250, minimum: 10, maximum: 10_000 }),
});

export type Env = Static<typeof EnvSchema>;

/** Variables whose values never appear in an error message or a log line. */
// REDIS_URL may carry the Redis password.
const SECRET_VARIABLES = new Set([
  'GENESYS_CLIENT_SECRET',
  'IDENTITY_JWT_SECRET',
  'IDENTITY_JWT_PUBLIC_KEY',
  'REDIS_URL',
]);

export type MediaType = 'chat' | 'message';
/** The channel browser clients use (`/setup`'s `channel`); with `web-messaging`, `DEPLOYMENT_ID` is a Messenger deployment. */
export type Channel = 'guest-chat' | 'web-messaging';

export interface IdentityConfig {
  /** HMAC secret (HS256/384/512), or */
  secret?: string;
  /** a PEM public key (RS*, PS*, ES*, EdDSA): the host site signs, we only verify. */
  publicKey?: string;
  issuer: string;
  audience: string;
  /** Longest accepted token lifetime, from now and from its `iat`. */
  maxAgeMs: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. */
  clockToleranceMs: number;
}

export interface AppConfig {
  server: {
    host: string;
    port: number;
    trustProxy: false | number | string[];
    bodyLimitBytes: number;
    logLevel: Env['LOG_LEVEL'];
    /** The whole request (headers and body) must arrive within this; else 408. */
    requestTimeoutMs: number;
    /** Longest a route that calls Genesys takes to answer, retries included; then 504 UPSTREAM_TIMEOUT. */
    responseDeadlineMs: number;
    /** After SIGTERM, how long new requests still get an answer (503 SHUTTING_DOWN) before the server closes. */
    shutdownDrainDelayMs: number;
  };
  organizationId: string;
  deploymentId: string;
  queueTarget: string;
  channel: Channel;
  genesys: {
    clientId: string;
    clientSecret: string;
    /** Region domain, e.g. `mypurecloud.ie`. */
    environment: string;
    /** Origin (and optional path) of the Platform API and login, replacing the region's hosts (the emulator). */
    apiBaseUrl: URL | null;
    /** What `/setup` tells the browser to use for the guest API; null lets the client derive it from the region. */
    guestApiBaseUrl: string | null;
    mediaType: MediaType;
    requestTimeoutMs: number;
    maxRetries: number;
    retryBaseDelayMs: number;
    /** Longest Retry-After worth waiting for inside a request; longer ones are passed on to the caller as 503. */
    maxRetryWaitMs: number;
    /** Longest pause a 429 causes (refreshes, lookups, logins, the fleet's gate); a longer Retry-After is cut to it. */
    retryAfterCapMs: number;
  };
  /** Exact origins allowed to call from a browser, or '*' (development only). */
  allowedOrigins: string[] | '*';
  /** null: authenticated chat is off and `POST /jwt` answers 404. */
  identity: IdentityConfig | null;
  availability: {
    enabled: boolean;
    /** Queue names `/availability` answers for (exact match). */
    queues: string[];
    refreshIntervalMs: number;
    maxStalenessMs: number;
    queueIdCacheTtlMs: number;
  };
  rateLimit: { max: number; windowMs: number; jwtMax: number; jwtWindowMs: number };
  readinessCacheMs: number;
  /** null: no metrics listener (nothing is collected per request). */
  metrics: { host: string; port: number } | null;
  /** null: every instance keeps its state in its own memory (one instance, `pnpm dev`). */
  redis: RedisConfig | null;
}

export interface RedisConfig {
  /** `redis://` or `rediss://` (TLS), optionally with user, password and database number. A secret. */
  url: string;
  /** Prefix of every key; the organization id follows it, so several orgs may share one Redis. */
  keyPrefix: string;
  /** A command not answered in this time counts as Redis being unavailable; the instance answers from memory. */
  commandTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The variables to read. @default process.env */
  env?: Record<string, string | undefined>;
  /** A `.env` file to read first (the environment wins over it); false for none. @default '.env' */
  dotenv?: string | false;
}

/** Reads, validates and shapes the configuration. Throws a {@link ConfigError} naming every bad variable. */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const raw = { ...readDotenv(options.dotenv ?? '.env'), ...(options.env ?? process.env) };
  // An empty value (`FOO=` in .env or `FOO= node ...`) means "not set", so defaults and "optional" apply.
  const data: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = raw[key];
    if (value !== undefined && value.trim() !== '') data[key] = value.trim();
  }
  let env: Env;
  try {
    env = envSchema<Env>({ schema: structuredClone(EnvSchema), data, env: false, dotenv: false });
  } catch (e) {
    throw new ConfigError(describeSchemaErrors(e, data));
  }
  return shape(env);
}

function readDotenv(path: string | false): Record<string, string> {
  if (path === false) return {};
  try {
    return parseEnv(readFileSync(resolve(path), 'utf8')) as Record<string, string>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function describeSchemaErrors(e: unknown, data: Record<string, string>): Array<{ variable: string; message: string }> {
  const errors = (e as { errors?: AjvError[] }).errors;
  if (!Array.isArray(errors)) return [{ variable: 'environment', message: e instanceof Error ? e.message : String(e) }];
  const seen = new Set<string>();
  const problems: Array<{ variable: string; message: string }> = [];
  for (const err of errors) {
    const variable =
      err.keyword === 'required'
        ? String(err.params['missingProperty'])
        : (err.instancePath.replace(/^\//, '').split('/')[0] ?? '');
    if (!variable || seen.has(variable)) continue;
    seen.add(variable);
    const value = data[variable];
    const shown =
      value === undefined ? '' : SECRET_VARIABLES.has(variable) ? ' (value hidden)' : ` (got "${value.slice(0, 80)}")`;
    const message =
      err.keyword === 'required'
        ? 'is required'
        : err.keyword === 'enum'
          ? `must be one of ${((err.params['allowedValues'] as unknown[]) ?? []).join(', ')}${shown}`
          : `${err.message ?? 'is invalid'}${shown}`;
    problems.push({ variable, message });
  }
  return problems;
}

function shape(env: Env): AppConfig {
  const problems: Array<{ variable: string; message: string }> = [];
  const problem = (variable: string, message: string) => problems.push({ variable, message });

  const apiBaseUrl =
    env.GENESYS_API_BASE_URL === undefined ? null : httpUrl(env.GENESYS_API_BASE_URL, 'GENESYS_API_BASE_URL', problem);
  const guestApiBaseUrl =
    env.GENESYS_GUEST_API_BASE_URL === undefined
      ? null
      : httpUrl(env.GENESYS_GUEST_API_BASE_URL, 'GENESYS_GUEST_API_BASE_URL', problem);

  const allowedOrigins = parseOrigins(env.ALLOWED_ORIGINS, env.ALLOW_ANY_ORIGIN_FOR_DEVELOPMENT, problem);

  let identity: IdentityConfig | null = null;
  const secret = env.IDENTITY_JWT_SECRET;
  // Keys pasted into a one-line variable usually carry literal "\n" sequences.
  const publicKey = env.IDENTITY_JWT_PUBLIC_KEY?.replace(/\\n/g, '\n');
  if (secret !== undefined && publicKey !== undefined) {
    problem('IDENTITY_JWT_SECRET', 'and IDENTITY_JWT_PUBLIC_KEY are both set; set exactly one');
  } else if (secret !== undefined || publicKey !== undefined) {
    if (publicKey !== undefined && !/-----BEGIN (RSA |EC )?PUBLIC KEY-----/.test(publicKey)) {
      problem('IDENTITY_JWT_PUBLIC_KEY', 'must be a PEM public key ("-----BEGIN PUBLIC KEY-----...")');
    }
    if (env.IDENTITY_JWT_ISSUER === undefined)
      problem(
        'IDENTITY_JWT_ISSUER',
        'is required when authenticated chat is enabled (IDENTITY_JWT_SECRET or IDENTITY_JWT_PUBLIC_KEY is set)',
      );
    if (env.IDENTITY_JWT_AUDIENCE === undefined)
      problem(
        'IDENTITY_JWT_AUDIENCE',
        'is required when authenticated chat is enabled (IDENTITY_JWT_SECRET or IDENTITY_JWT_PUBLIC_KEY is set)',
      );
    identity = {
      ...(secret !== undefined ? { secret } : {}),
      ...(publicKey !== undefined ? { publicKey } : {}),
      issuer: env.IDENTITY_JWT_ISSUER ?? '',
      audience: env.IDENTITY_JWT_AUDIENCE ?? '',
      maxAgeMs: env.IDENTITY_JWT_MAX_AGE_MS,
      clockToleranceMs: env.IDENTITY_JWT_CLOCK_TOLERANCE_MS,
    };
  }

  const queues = env.AVAILABILITY_QUEUES === undefined ? [env.QUEUE_TARGET] : splitList(env.AVAILABILITY_QUEUES);
  if (queues.length === 0) problem('AVAILABILITY_QUEUES', 'must name at least one queue (comma-separated)');

  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problem);

  // Each value is refreshed every other interval (README "Coalescing"), so it must be allowed to be that old.
  if (env.AVAILABILITY_MAX_STALENESS_MS < 2 * env.AVAILABILITY_REFRESH_INTERVAL_MS) {
    problem(
      'AVAILABILITY_MAX_STALENESS_MS',
      `must be at least twice AVAILABILITY_REFRESH_INTERVAL_MS (${2 * env.AVAILABILITY_REFRESH_INTERVAL_MS})`,
    );
  }

  const redisUrl = env.REDIS_URL === undefined ? null : parseRedisUrl(env.REDIS_URL, problem);
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT)
    problem('METRICS_PORT', `must differ from PORT (${env.PORT}): metrics stay off the public port`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    server: {
      host: env.HOST,
      port: env.PORT,
      trustProxy,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      logLevel: env.LOG_LEVEL,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      responseDeadlineMs: env.RESPONSE_DEADLINE_MS,
      shutdownDrainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS,
    },
    organizationId: env.ORGANIZATION_ID,
    deploymentId: env.DEPLOYMENT_ID,
    queueTarget: env.QUEUE_TARGET,
    channel: env.GENESYS_CHANNEL,
    genesys: {
      clientId: env.GENESYS_CLIENT_ID,
      clientSecret: env.GENESYS_CLIENT_SECRET,
      environment: env.GENESYS_ENVIRONMENT,
      apiBaseUrl,
      guestApiBaseUrl:
        guestApiBaseUrl?.toString().replace(/\/$/, '') ?? apiBaseUrl?.toString().replace(/\/$/, '') ?? null,
      // The channel's own conversations unless told otherwise: Web Messaging's are `message`, guest chat's `chat`.
      mediaType: env.GENESYS_MEDIA_TYPE ?? (env.GENESYS_CHANNEL === 'web-messaging' ? 'message' : 'chat'),
      requestTimeoutMs: env.GENESYS_REQUEST_TIMEOUT_MS,
      maxRetries: env.GENESYS_MAX_RETRIES,
      retryBaseDelayMs: env.GENESYS_RETRY_BASE_DELAY_MS,
      maxRetryWaitMs: env.GENESYS_MAX_RETRY_WAIT_MS,
      retryAfterCapMs: env.GENESYS_RETRY_AFTER_CAP_MS,
    },
    allowedOrigins,
    identity,
    availability: {
      enabled: env.AVAILABILITY_ENABLED,
      queues,
      refreshIntervalMs: env.AVAILABILITY_REFRESH_INTERVAL_MS,
      maxStalenessMs: env.AVAILABILITY_MAX_STALENESS_MS,
      queueIdCacheTtlMs: env.QUEUE_ID_CACHE_TTL_MS,
    },
    rateLimit: {
      max: env.RATE_LIMIT_MAX,
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      jwtMax: env.JWT_RATE_LIMIT_MAX,
      jwtWindowMs: env.JWT_RATE_LIMIT_WINDOW_MS,
    },
    readinessCacheMs: env.READINESS_CACHE_MS,
    metrics: env.METRICS_PORT === undefined ? null : { host: env.METRICS_HOST, port: env.METRICS_PORT },
    redis:
      redisUrl === null
        ? null
        : { url: redisUrl, keyPrefix: env.REDIS_KEY_PREFIX, commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS },
  };
}
