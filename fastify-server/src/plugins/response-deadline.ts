import fp from 'fastify-plugin';
import { deadlineAfter } from '../genesys/deadline';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * When this request's answer is due (monotonic ms, genesys/deadline.ts): RESPONSE_DEADLINE_MS after it arrived.
     * Routes that call Genesys pass it on, so that the caller gets 504 UPSTREAM_TIMEOUT before the browser client
     * gives up (10 s) rather than an answer nobody waits for.
     */
    deadline: number;
  }
}

/** Starts every request's response deadline when it arrives, before its body is read. */
export default fp<{ responseDeadlineMs: number }>(
  async (app, { responseDeadlineMs }) => {
    app.decorateRequest('deadline', 0);
    app.addHook('onRequest', (request, _reply, done) => {
      request.deadline = deadlineAfter(responseDeadlineMs);
      done();
    });
  },
  { name: 'response-deadline' },
);
