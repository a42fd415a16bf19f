import { ServiceDeskError } from '../../errors';
import type { WebSocketCtor } from '../chat-transport';
import { newId } from '../new-id';
import { parseFrame } from './parse-frame';

export interface ClearSessionRequest {
  socketUrl: string;
  deploymentId: string;
  token: string;
  webSocketCtor: WebSocketCtor | undefined;
  /** An authenticated session's JWT: such a session is opened with `configureAuthenticatedSession` (no downgrade). */
  jwt?: (() => Promise<string>) | undefined;
  /** @default 8000 */
  timeoutMs?: number;
}

/**
 * The customer leaves: Web Messaging's only way is Presence Clear, which ends the session on every device and the
 * conversation for the agent. Sent on a socket of its own, so it works whether or not the chat's socket is still
 * open (the desk closes the chat's stream before it leaves). Resolves once Genesys confirms (SessionClearedEvent or
 * the server closing the socket); a session already gone counts as left.
 */
export function clearSession(r: ClearSessionRequest): Promise<void> {
  const Ctor = r.webSocketCtor ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!Ctor) return Promise.reject(new ServiceDeskError('SOCKET_FAILED', 'no WebSocket implementation'));
  return new Promise<void>((resolve, reject) => {
    const ws = new Ctor(`${r.socketUrl.replace(/\/+$/, '')}/v1?deploymentId=${encodeURIComponent(r.deploymentId)}`);
    let done = false;
    const finish = (e?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
      if (e) reject(e);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new ServiceDeskError('GENESYS_UNAVAILABLE', 'Genesys did not confirm the end of the session')),
      r.timeoutMs ?? 8000,
    );
    const send = (request: Record<string, unknown>) =>
      ws.send(JSON.stringify({ ...request, token: r.token, tracingId: newId() }));
    const clear = () =>
      send({
        action: 'onMessage',
        message: { type: 'Event', events: [{ eventType: 'Presence', presence: { type: 'Clear' } }] },
      });
    ws.onopen = () => {
      if (!r.jwt) return send({ action: 'configureSession', deploymentId: r.deploymentId });
      r.jwt().then(
        (code) =>
          !done && send({ action: 'configureAuthenticatedSession', deploymentId: r.deploymentId, data: { code } }),
        (e: unknown) =>
          finish(
            new ServiceDeskError('GENESYS_REFUSED', 'the sign-in could not be renewed to end the session', {
              cause: e,
            }),
          ),
      );
    };
    ws.onmessage = (e: MessageEvent) => {
      const f = parseFrame(e.data);
      if (f.kind === 'session') {
        // A new or read-only session: the conversation is already over.
        if (f.newSession || f.readOnly) return finish();
        return clear();
      }
      if (f.kind === 'session-cleared' || f.kind === 'connection-closed' || f.kind === 'session-expired')
        return finish();
      // Presence events count against the session's 2 messages a second: try again when told.
      if (f.kind === 'error' && f.code === 429)
        return void setTimeout(() => !done && clear(), (f.retryAfter ?? 1) * 1000);
      if (f.kind === 'error')
        finish(
          new ServiceDeskError('GENESYS_REFUSED', `Genesys refused to end the session: ${f.code} ${f.text}`, {
            status: f.code,
          }),
        );
    };
    ws.onerror = () => finish(new ServiceDeskError('SOCKET_FAILED', 'the socket to end the session failed'));
    ws.onclose = () => finish();
  });
}
