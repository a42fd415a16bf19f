import fp from 'fastify-plugin';
import type { AppConfig } from '../config';
import { Metrics } from '../metrics/metrics';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/**
 * The app's Prometheus metrics. Counters of rare events (upstream calls, token renewals, Redis) are always kept;
 * the per-request histogram only when a metrics listener is configured, so that without `METRICS_PORT` a request
 * costs what it did. The listener itself is `metrics-server.ts`, started by `server.ts` on its own port.
 */
export default fp<{ config: AppConfig }>(
  async (app, { config }) => {
    const metrics = new Metrics();
    app.decorate('metrics', metrics);
    if (config.metrics === null) return;
    app.addHook('onResponse', async (request, reply) => {
      // The route's pattern, never the raw URL: one series per route, whatever paths clients try.
      metrics.request(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
    });
  },
  { name: 'metrics' },
);
