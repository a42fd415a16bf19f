import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config';
import { SITE, startTestEmulator, testApp, testEnv, type RunningEmulator } from './helpers';

/** Secure defaults: CORS allow-list, security headers, per-address rate limits (proxy-aware only when told). */

let emu: RunningEmulator;
let app: FastifyInstance;

beforeAll(async () => {
  emu = await startTestEmulator();
  app = await testApp(emu);
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

const EVIL = 'https://evil.example.net';

describe('CORS', () => {
  it('lets an allowed origin call, and echoes only that origin', async () => {
    const res = await app.inject({ method: 'GET', url: '/setup', headers: { origin: SITE } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(SITE);
    expect(res.headers['vary']).toMatch(/Origin/);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/jwt',
      headers: {
        origin: SITE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SITE);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it.each([
    ['GET', '/setup'],
    ['POST', '/availability'],
    ['OPTIONS', '/jwt'],
  ])('refuses a disallowed origin on %s %s with 403 ORIGIN_NOT_ALLOWED', async (method, url) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'content-type': 'application/json' },
      ...(method === 'POST' ? { payload: { queue_name: 'Chat Queue' } } : {}),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('treats a look-alike origin as another origin', async () => {
    for (const origin of [`${SITE}.evil.net`, SITE.replace('https', 'http'), `${SITE}:8443`]) {
      expect((await app.inject({ method: 'GET', url: '/setup', headers: { origin } })).statusCode).toBe(403);
    }
  });

  it('allows any origin only in explicit development mode', async () => {
    const dev = await testApp(emu, { ALLOWED_ORIGINS: '*', ALLOW_ANY_ORIGIN_FOR_DEVELOPMENT: 'true' });
    const res = await dev.inject({ method: 'GET', url: '/setup', headers: { origin: EVIL } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    await dev.close();
  });
});

describe('security headers', () => {
  it('are on answers and on errors', async () => {
    const answers = [
      await app.inject({ method: 'GET', url: '/setup' }),
      await app.inject({ method: 'GET', url: '/missing' }),
      await app.inject({ method: 'GET', url: '/setup', headers: { origin: EVIL } }),
      await app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 1 } }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 404, 403, 400]);
    for (const res of answers) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('rate limits', () => {
  it('tell a client to wait at most an hour, whatever the window, in the header and the message alike', async () => {
    const limited = await testApp(emu, { RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_MS: '86400000' });
    await limited.inject({ method: 'GET', url: '/setup' });
    const blocked = await limited.inject({ method: 'GET', url: '/setup' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('3600');
    expect(blocked.json().message).toBe('Too many requests; retry in 3600 seconds');
    await limited.close();
  });

  it('limit each client address, answer 429 RATE_LIMITED with Retry-After, and spare the probes', async () => {
    const limited = await testApp(emu, { RATE_LIMIT_MAX: '3' });
    const from = (remoteAddress: string) => limited.inject({ method: 'GET', url: '/setup', remoteAddress });
    for (let i = 0; i < 3; i += 1) expect((await from('203.0.113.1')).statusCode).toBe(200);
    const blocked = await from('203.0.113.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', error: 'Too Many Requests' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['x-content-type-options']).toBe('nosniff');
    expect((await from('203.0.113.2')).statusCode).toBe(200);
    for (let i = 0; i < 5; i += 1)
      expect((await limited.inject({ method: 'GET', url: '/healthz', remoteAddress: '203.0.113.1' })).statusCode).toBe(
        200,
      );
    await limited.close();
  });

  it('ignore X-Forwarded-For unless the proxy is trusted', async () => {
    const behindProxy = (trust: string) => testApp(emu, { RATE_LIMIT_MAX: '2', TRUST_PROXY: trust });
    const viaProxy = (a: FastifyInstance, client: string) =>
      a.inject({ method: 'GET', url: '/setup', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': client } });

    const untrusting = await behindProxy('false');
    // Spoofed client addresses do not buy fresh buckets.
    const spoofed = [
      await viaProxy(untrusting, '198.51.100.1'),
      await viaProxy(untrusting, '198.51.100.2'),
      await viaProxy(untrusting, '198.51.100.3'),
    ];
    expect(spoofed.map((r) => r.statusCode)).toEqual([200, 200, 429]);
    await untrusting.close();

    const trusting = await behindProxy('10.0.0.0/8');
    // Each real client behind the trusted proxy has its own bucket.
    const clients = [
      await viaProxy(trusting, '198.51.100.1'),
      await viaProxy(trusting, '198.51.100.2'),
      await viaProxy(trusting, '198.51.100.3'),
    ];
    expect(clients.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    await trusting.close();
  });

  it.each(['1', '10.0.0.0/8'])(
    'keeps one bucket for a client that rotates X-Forwarded-For behind a trusted proxy (TRUST_PROXY=%s)',
    async (trust) => {
      const app = await testApp(emu, { RATE_LIMIT_MAX: '3', TRUST_PROXY: trust });
      try {
        // The client at 203.0.113.7 sends a new forged X-Forwarded-For each time; the proxy (10.0.0.5) appends the
        // address it really saw, as proxies do.
        const statuses: number[] = [];
        for (let i = 0; i < 8; i += 1) {
          const res = await app.inject({
            method: 'GET',
            url: '/setup',
            remoteAddress: '10.0.0.5',
            headers: { 'x-forwarded-for': `198.51.100.${i + 1}, 192.0.2.${i + 1}, 203.0.113.7` },
          });
          statuses.push(res.statusCode);
        }
        expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
      } finally {
        await app.close();
      }
    },
  );

  it('refuses TRUST_PROXY=true at boot: it would let any client choose its address for the rate limits', () => {
    expect(() => loadConfig({ env: testEnv(emu, { TRUST_PROXY: 'true' }), dotenv: false })).toThrow(
      /TRUST_PROXY.*hop count/s,
    );
  });
});
