import type { FastifyInstance } from 'fastify';
import { CLOSE_ENDED } from '../chat-engine';
import type { EmulatorContext } from '../context';
import { peekConversationId } from '../tokens';

/**
 * The guest event stream: `eventStreamUri` is `ws://<emulator>/chat/jwt/<jwt>` (the 2022 form of the real URI).
 * Close codes as observed (reference R11): 4100 for a token that does not open a live conversation, 1001 for an
 * ended one. The client never needs to send anything; what it sends is ignored.
 */
export function eventStreamRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { token: string } }>('/chat/jwt/:token', { websocket: true }, async (socket, request) => {
    const started = Date.now();
    const token = request.params.token;
    const record = (status: number) =>
      ctx.log.record({ at: new Date().toISOString(), endpoint: 'WS /chat/jwt/:token', url: '/chat/jwt/…', status, durationMs: Date.now() - started });
    const v = await ctx.tokens.verifyGuestJwt(token);
    const conv = v.ok ? ctx.engine.conversations.get(v.claims.conv) : undefined;
    if (!v.ok || !conv) {
      const id = (v.ok ? v.claims.conv : peekConversationId(token)) ?? '00000000-0000-0000-0000-000000000000';
      socket.close(4100, `Error connecting to conversation (${id})`);
      record(4100);
      return;
    }
    if (conv.ended) {
      // Reconnecting to an ended chat: accepted, then closed at once (reference §4.7, pitfall 23).
      socket.close(CLOSE_ENDED.code, CLOSE_ENDED.reason);
      record(CLOSE_ENDED.code);
      return;
    }
    ctx.engine.attachSocket(conv, socket);
    record(101);
  });
}
