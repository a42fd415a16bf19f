import type { FastifyInstance } from 'fastify';
import { callerOrigin, type EmulatorContext } from '../context';
import { originAllowed } from '../messaging/deployment';
import type { SocketState } from '../messaging/messaging-service';

/**
 * The Web Messaging guest socket, `/v1?deploymentId=…` (`wss://webmessaging.{region}/v1` at Genesys). The upgrade
 * is refused with HTTP 403 for a deployment that does not exist or is inactive, and for a browser `Origin` the
 * deployment does not allow. Every frame after that is a request of docs/web-messaging-protocol.md.
 */
export function webMessagingSocketRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { messaging } = ctx;
  app.get<{ Querystring: { deploymentId?: string } }>(
    '/v1',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const deployment = messaging.deployment(request.query.deploymentId ?? '');
        const origin = request.headers.origin;
        if (!deployment || deployment.status !== 'Active' || !originAllowed(deployment, origin)) {
          ctx.log.record({
            at: new Date().toISOString(),
            endpoint: 'WS /v1',
            url: request.url,
            status: 403,
            durationMs: 0,
          });
          await reply.code(403).type('text/plain').send('Forbidden');
        }
      },
    },
    (socket, request) => {
      const deployment = messaging.deployment(request.query.deploymentId ?? '')!;
      const state: SocketState = { deployment, origin: callerOrigin(request), session: null };
      ctx.log.record({
        at: new Date().toISOString(),
        endpoint: 'WS /v1',
        url: request.url,
        status: 101,
        durationMs: 0,
      });
      // Frames are handled one after the other: an answer never overtakes the answer to an earlier request.
      let queue = Promise.resolve();
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? '' : data.toString();
        queue = queue.then(() => messaging.handle(socket, state, text));
      });
      socket.on('close', () => messaging.detach(socket, state));
    },
  );
}
