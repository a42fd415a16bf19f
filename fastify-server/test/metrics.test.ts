import { listenMetrics } from '../src/metrics/metrics-server';
import { OBSERVATIONS, SITE, addFault, clearFaults, startTestEmulator, testApp, type RunningEmulator } from './helpers';

/** `/metrics`: Prometheus text on a port of its own, with what the service did. */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => clearFaults(emu));
afterAll(async () => {
  await emu?.close();
});

/** The value of one series in an exposition text (0 when absent). */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

it('serves requests by route and status, upstream calls by outcome, Retry-After waits and token renewals', async () => {
  const app = await testApp(emu, { METRICS_PORT: '0' });
  const server = await listenMetrics(app.metrics, { host: '127.0.0.1', port: 0 });
  try {
    // One 429 with Retry-After: 1 on the cold fill, waited for inside the request.
    await addFault(emu, { endpoint: OBSERVATIONS, status: 429, retryAfterSeconds: 1, times: 1 });
    for (let i = 0; i < 3; i += 1)
      expect(
        (await app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 'Chat Queue' } })).statusCode,
      ).toBe(200);
    await app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 'Nope' } });
    await app.inject({ method: 'GET', url: '/no/such/path', headers: { origin: SITE } });

    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    const requests = (route: string, status: number) =>
      value(text, `http_request_duration_seconds_count{method="POST",route="${route}",status_code="${status}"}`);
    expect(requests('/availability', 200)).toBe(3);
    expect(requests('/availability', 404)).toBe(1);
    // Unknown paths share one series, whatever the path.
    expect(value(text, 'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}')).toBe(
      1,
    );
    expect(text).not.toContain('/no/such/path');

    const upstream = (operation: string, outcome: string) =>
      value(text, `genesys_upstream_requests_total{operation="${operation}",outcome="${outcome}"}`);
    expect(upstream('queue observations', 'rate-limited')).toBe(1);
    expect(upstream('queue observations', 'ok')).toBe(1);
    expect(upstream('estimated wait time', 'ok')).toBe(1);
    expect(upstream('list queues', 'ok')).toBe(1);
    expect(upstream('login', 'ok')).toBe(1);
    expect(value(text, 'genesys_retry_after_waits_total{where="request"}')).toBe(1);
    expect(value(text, 'genesys_retry_after_wait_seconds_total{where="request"}')).toBe(1);
    expect(value(text, 'genesys_token_renewals_total{source="login",outcome="ok"}')).toBe(1);
    expect(text).toMatch(/^availability_cache_age_seconds\{queue="Chat Queue"\} \d/m);
    // Process metrics come with it; no Redis configured, no Redis series.
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).not.toContain('redis_state{');

    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    // Not on the public port.
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  } finally {
    await server.close();
    await app.close();
  }
});

it('keeps no per-request series without METRICS_PORT', async () => {
  const app = await testApp(emu);
  await app.inject({ method: 'GET', url: '/setup' });
  expect((await app.metrics.render()).body).not.toContain('http_request_duration_seconds_count{');
  await app.close();
});
