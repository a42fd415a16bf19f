import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, EnvSchema, loadConfig } from './config';

const REQUIRED = {
  ORGANIZATION_ID: 'org-1',
  DEPLOYMENT_ID: 'dep-1',
  QUEUE_TARGET: 'Chat Queue',
  GENESYS_CLIENT_ID: 'client-id',
  GENESYS_CLIENT_SECRET: 'super-secret-value',
};

const load = (env: Record<string, string | undefined>) => loadConfig({ env: { ...REQUIRED, ...env }, dotenv: false });

/** The ConfigError `fn` throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = load({});
    expect(c.server).toEqual({
      host: '127.0.0.1',
      port: 3000,
      trustProxy: false,
      bodyLimitBytes: 4096,
      logLevel: 'info',
      requestTimeoutMs: 30_000,
      responseDeadlineMs: 8000,
      shutdownDrainDelayMs: 5000,
    });
    expect(c.genesys).toMatchObject({
      environment: 'mypurecloud.com',
      apiBaseUrl: null,
      guestApiBaseUrl: null,
      mediaType: 'message',
      maxRetries: 2,
    });
    expect(c.channel).toBe('web-messaging');
    expect(c.allowedOrigins).toEqual([]);
    expect(c.identity).toBeNull();
    expect(c.availability).toEqual({
      enabled: true,
      queues: ['Chat Queue'],
      refreshIntervalMs: 5000,
      maxStalenessMs: 60_000,
      queueIdCacheTtlMs: 600_000,
    });
    expect(c.rateLimit).toEqual({ max: 120, windowMs: 60_000, jwtMax: 10, jwtWindowMs: 60_000 });
  });

  it.each(Object.keys(REQUIRED))('names a missing %s', (name) => {
    const e = configError(() => load({ [name]: undefined }));
    expect(e.problems).toContainEqual({ variable: name, message: 'is required' });
    expect(e.message).toContain(`${name} is required`);
  });

  it('treats an empty value as unset', () => {
    expect(configError(() => load({ QUEUE_TARGET: '  ' })).message).toContain('QUEUE_TARGET is required');
    expect(load({ PORT: '' }).server.port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['GENESYS_ENVIRONMENT', 'https://api.mypurecloud.ie'],
    ['GENESYS_MEDIA_TYPE', 'voice'],
    ['GENESYS_CHANNEL', 'sms'],
    ['LOG_LEVEL', 'loud'],
    ['AVAILABILITY_REFRESH_INTERVAL_MS', '-5'],
    ['ALLOW_ANY_ORIGIN_FOR_DEVELOPMENT', 'maybe'],
    ['GENESYS_API_BASE_URL', 'not a url'],
    ['GENESYS_API_BASE_URL', 'ftp://127.0.0.1:8787'],
    ['ALLOWED_ORIGINS', 'https://shop.example.com/'],
    ['ALLOWED_ORIGINS', 'shop.example.com'],
    ['ALLOWED_ORIGINS', '*'],
    ['TRUST_PROXY', 'some proxies'],
    ['METRICS_PORT', '3000'],
    ['METRICS_PORT', 'metrics'],
    ['REDIS_URL', 'http://redis:6379'],
    ['REDIS_URL', 'redis-host:6379'],
    ['REDIS_COMMAND_TIMEOUT_MS', '0'],
    ['REDIS_KEY_PREFIX', 'has spaces'],
  ])('names the bad variable %s=%s', (name, value) => {
    const e = configError(() => load({ [name]: value }));
    expect(e.problems.map((p) => p.variable)).toEqual([name]);
    expect(e.message).toMatch(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('never echoes a secret value', () => {
    const e = configError(() => load({ IDENTITY_JWT_SECRET: 'too-short-secret' }));
    expect(e.problems[0]?.variable).toBe('IDENTITY_JWT_SECRET');
    expect(e.message).not.toContain('too-short-secret');
  });

  it('has no metrics listener and no Redis unless asked; reads both when set', () => {
    expect(load({})).toMatchObject({ metrics: null, redis: null });
    const c = load({ METRICS_PORT: '9464', REDIS_URL: 'rediss://user:pw@redis.internal:6380/2' });
    expect(c.metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(c.redis).toEqual({
      url: 'rediss://user:pw@redis.internal:6380/2',
      keyPrefix: 'genesys-handoff:',
      commandTimeoutMs: 250,
    });
  });

  it('never echoes REDIS_URL, which may carry a password', () => {
    const e = configError(() => load({ REDIS_URL: 'http://:hunter2-password@redis:6379' }));
    expect(e.problems[0]?.variable).toBe('REDIS_URL');
    expect(e.message).not.toContain('hunter2');
  });

  it('allows "*" origins only with the explicit development flag', () => {
    expect(load({ ALLOWED_ORIGINS: '*', ALLOW_ANY_ORIGIN_FOR_DEVELOPMENT: 'true' }).allowedOrigins).toBe('*');
    expect(load({ ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:8080' }).allowedOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:8080',
    ]);
  });

  it('enables authenticated chat with a secret or a key, and then requires issuer and audience', () => {
    const secret = 'x'.repeat(32);
    const e = configError(() => load({ IDENTITY_JWT_SECRET: secret }));
    expect(e.problems.map((p) => p.variable).sort()).toEqual(['IDENTITY_JWT_AUDIENCE', 'IDENTITY_JWT_ISSUER']);
    expect(
      load({ IDENTITY_JWT_SECRET: secret, IDENTITY_JWT_ISSUER: 'i', IDENTITY_JWT_AUDIENCE: 'a' }).identity,
    ).toEqual({ secret, issuer: 'i', audience: 'a', maxAgeMs: 3_600_000, clockToleranceMs: 5000 });
    const both = configError(() =>
      load({
        IDENTITY_JWT_SECRET: secret,
        IDENTITY_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
        IDENTITY_JWT_ISSUER: 'i',
        IDENTITY_JWT_AUDIENCE: 'a',
      }),
    );
    expect(both.problems[0]?.variable).toBe('IDENTITY_JWT_SECRET');
    const key = load({
      IDENTITY_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
      IDENTITY_JWT_ISSUER: 'i',
      IDENTITY_JWT_AUDIENCE: 'a',
    });
    expect(key.identity?.publicKey).toBe('-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----');
    expect(
      configError(() => load({ IDENTITY_JWT_PUBLIC_KEY: 'abc', IDENTITY_JWT_ISSUER: 'i', IDENTITY_JWT_AUDIENCE: 'a' }))
        .problems[0]?.variable,
    ).toBe('IDENTITY_JWT_PUBLIC_KEY');
  });

  it('takes the identity token lifetime cap and clock tolerance, within bounds', () => {
    const identity = { IDENTITY_JWT_SECRET: 'x'.repeat(32), IDENTITY_JWT_ISSUER: 'i', IDENTITY_JWT_AUDIENCE: 'a' };
    expect(
      load({ ...identity, IDENTITY_JWT_MAX_AGE_MS: '600000', IDENTITY_JWT_CLOCK_TOLERANCE_MS: '0' }).identity,
    ).toMatchObject({ maxAgeMs: 600_000, clockToleranceMs: 0 });
    for (const [variable, value] of [
      ['IDENTITY_JWT_MAX_AGE_MS', '1000'],
      ['IDENTITY_JWT_MAX_AGE_MS', '31536000000'],
      ['IDENTITY_JWT_CLOCK_TOLERANCE_MS', '3600000'],
      ['IDENTITY_JWT_CLOCK_TOLERANCE_MS', '-1'],
    ] as const) {
      const e = configError(() => load({ ...identity, [variable]: value }));
      expect(e.problems[0]?.variable).toBe(variable);
      expect(e.message).toContain(variable);
    }
  });

  it('derives the guest API base URL for /setup', () => {
    expect(load({ GENESYS_API_BASE_URL: 'http://127.0.0.1:8787' }).genesys.guestApiBaseUrl).toBe(
      'http://127.0.0.1:8787',
    );
    expect(
      load({ GENESYS_API_BASE_URL: 'http://127.0.0.1:8787', GENESYS_GUEST_API_BASE_URL: 'https://guest.example.com/' })
        .genesys.guestApiBaseUrl,
    ).toBe('https://guest.example.com');
  });

  it('parses lists, booleans, numbers and proxy trust', () => {
    const c = load({
      AVAILABILITY_QUEUES: 'A Queue, B Queue,',
      AVAILABILITY_ENABLED: 'false',
      PORT: '8080',
      TRUST_PROXY: '2',
    });
    expect(c.availability.queues).toEqual(['A Queue', 'B Queue']);
    expect(c.availability.enabled).toBe(false);
    expect(c.server.port).toBe(8080);
    expect(c.server.trustProxy).toBe(2);
    expect(load({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).server.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(configError(() => load({ TRUST_PROXY: 'true' })).problems[0]?.variable).toBe('TRUST_PROXY');
  });

  it('reads a .env file, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, '.env');
    writeFileSync(
      file,
      'ORGANIZATION_ID=from-file\nDEPLOYMENT_ID=from-file\nQUEUE_TARGET=File Queue\nGENESYS_CLIENT_ID=id\nGENESYS_CLIENT_SECRET=secret\nPORT=4000\n',
    );
    const c = loadConfig({ env: { PORT: '5000' }, dotenv: file });
    expect(c.organizationId).toBe('from-file');
    expect(c.queueTarget).toBe('File Queue');
    expect(c.server.port).toBe(5000);
  });

  it("counts the channel's own conversations for queue figures unless GENESYS_MEDIA_TYPE says otherwise", () => {
    expect(load({ GENESYS_CHANNEL: 'web-messaging' }).genesys.mediaType).toBe('message');
    expect(load({ GENESYS_CHANNEL: 'guest-chat' }).genesys.mediaType).toBe('chat');
    expect(load({ GENESYS_CHANNEL: 'guest-chat', GENESYS_MEDIA_TYPE: 'message' }).genesys.mediaType).toBe('message');
  });

  it('is documented by .env-sample: every variable, and the sample itself is a valid configuration', () => {
    const sample = join(__dirname, '..', '.env-sample');
    const documented = new Set([...readFileSync(sample, 'utf8').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    expect(Object.keys(EnvSchema.properties).filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !(name! in EnvSchema.properties))).toEqual([]);
    expect(loadConfig({ env: {}, dotenv: sample }).genesys.apiBaseUrl?.toString()).toBe('http://127.0.0.1:8787/');
  });
});
