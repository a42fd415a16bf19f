import fp from 'fastify-plugin';
import { setTimeout as sleep } from 'node:timers/promises';
import { Errors, type AppError } from '../errors';
import { sendError } from './error-handler';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Starts the drain before a graceful shutdown: from now on every new request is answered `503 SHUTTING_DOWN` with
     * `Connection: close`, while requests already in flight go on. Resolves after the drain delay; the caller then
     * closes the app (which stops listening and waits for the requests in flight).
     */
    drain(): Promise<void>;
  }
}

/**
 * A load balancer keeps sending requests for a while after an instance is told to stop (until its health checks
 * fail, or the orchestrator's endpoint removal reaches it). Refusing connections at once would make those requests
 * fail as network errors; answering them with a 503 the balancer can retry elsewhere, and closing their connections
 * so it does not reuse them, loses nothing. The 503 also fails the balancer's health checks, which speeds its removal.
 */
export default fp<{ drainDelayMs: number }>(
  async (app, { drainDelayMs }) => {
    let draining = false;
    app.decorate('drain', async () => {
      draining = true;
      await sleep(drainDelayMs);
    });
    app.addHook('onRequest', (_request, reply, done) => {
      if (!draining) return done();
      void reply.header('connection', 'close');
      void sendError(reply, new Errors.ShuttingDown() as AppError);
    });
  },
  { name: 'drain' },
);
