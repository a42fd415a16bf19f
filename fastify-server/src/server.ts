import { join } from 'node:path';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { listenMetrics, type MetricsServer } from './metrics/metrics-server';

/** Time to close what remains after the last request (Redis, the metrics listener). */
const SHUTDOWN_MARGIN_MS = 2000;

/**
 * Production entry point (`node dist/server.js`): configuration, server timeouts, graceful shutdown, listen.
 * Everything else lives in app.ts.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      // Not a log line: nothing is running yet, and the operator needs the plain message.
      process.stderr.write(`${e.message}\nSee ${join(__dirname, '..', '.env-sample')} for every variable.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }

  const app = await buildApp(config, {
    serverOptions: {
      // Idle keep-alive a bit above common load balancer idle timeouts (60 s), so the balancer closes first.
      keepAliveTimeout: 65_000,
      connectionTimeout: 0,
    },
  });

  let metricsServer: MetricsServer | undefined;
  const { shutdownDrainDelayMs, responseDeadlineMs } = config.server;
  // The drain, then the longest a request accepted just before it may still take, then time to close the rest
  // (Redis, the metrics listener). Past that the process is stuck, and exits 1.
  const graceMs = shutdownDrainDelayMs + responseDeadlineMs + SHUTDOWN_MARGIN_MS;
  closeWithGrace({ delay: graceMs, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error');
    else {
      app.log.info({ signal, drainDelayMs: shutdownDrainDelayMs }, 'shutting down');
      // Requests the load balancer still sends get 503 SHUTTING_DOWN rather than a refused connection.
      await app.drain();
    }
    // Stops listening, closes idle connections and waits for the requests in flight.
    await app.close();
    await metricsServer?.close();
  });

  await app.listen({ host: config.server.host, port: config.server.port });
  if (config.metrics) {
    metricsServer = await listenMetrics(app.metrics, config.metrics);
    app.log.info({ url: metricsServer.url }, 'metrics listening');
  }
  if (config.allowedOrigins === '*')
    app.log.warn('ALLOWED_ORIGINS is "*": any web site may call this server (development only)');
  if (config.allowedOrigins.length === 0)
    app.log.warn('ALLOWED_ORIGINS is empty: browsers on other origins cannot call this server');
}

main().catch((e: unknown) => {
  process.stderr.write(`The server failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
