import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CLOSE_ENDED } from '../engine/types';
import type { EmulatorContext } from '../context';
import { peekConversationId, type GuestClaims, type VerifyResult } from '../tokens';

type StreamRequest = FastifyRequest<{ Params: { token: string } }> & { verified?: VerifyResult<GuestClaims> };

/**
 * The guest event stream: `eventStreamUri` is `ws://<emulator>/chat/jwt/<jwt>` (the 2022 form of the real URI).
 * Close codes as observed (docs/guest-chat-protocol.md, "Errors, close codes and tokens"): 4100 for a token that does not open a live conversation, 1001 for an
 * ended one. The client never needs to send anything; what it sends is ignored.
 */
export function eventStreamRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { token: string } }>(
    '/chat/jwt/:token',
    {
      websocket: true,
      // The token is checked before the upgrade completes, so the socket is attached by the time the client sees
      // it open: an event sent right after the client's `open` is not lost.
      preValidation: async (request) => {
        (request as StreamRequest).verified = await ctx.tokens.verifyGuestJwt(request.params.token);
      },
    },
    (socket, request) => {
      const started = Date.now();
      const token = request.params.token;
      const record = (status: number) =>
        ctx.log.record({
          at: new Date().toISOString(),
          endpoint: 'WS /chat/jwt/:token',
          url: '/chat/jwt/…',
          status,
          durationMs: Date.now() - started,
        });
      const v = (request as StreamRequest).verified;
      const conv = v?.ok ? ctx.engine.conversations.get(v.claims.conv) : undefined;
      if (!v?.ok || !conv) {
        const id = (v?.ok ? v.claims.conv : peekConversationId(token)) ?? '00000000-0000-0000-0000-000000000000';
        socket.close(4100, `Error connecting to conversation (${id})`);
        record(4100);
        return;
      }
      if (conv.ended) {
        // Reconnecting to an ended chat: accepted, then closed at once (docs/guest-chat-protocol.md, "Reconnecting and reloads").
        socket.close(CLOSE_ENDED.code, CLOSE_ENDED.reason);
        record(CLOSE_ENDED.code);
        return;
      }
      ctx.engine.attachSocket(conv, socket);
      record(101);
    },
  );
}
