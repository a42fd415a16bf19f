import type { WebSocketCtor } from 'genesys-handoff-servicedesk/internals';
import NodeWebSocket from 'ws';

/**
 * `ws` as the client's tests use it, and a subclass that keeps count of every socket the client opens: how many were
 * made, how many reached CLOSED, which are still open, and how many the garbage collector has reclaimed.
 */
export const WebSocket = NodeWebSocket;

export interface SocketCensus {
  created: number;
  closed: number;
  collected: number;
  /** Sockets not CLOSED yet (strongly held only until they close). */
  open: Set<NodeWebSocket>;
}

export function trackedWebSocket(): { ctor: WebSocketCtor; census: SocketCensus } {
  const census: SocketCensus = { created: 0, closed: 0, collected: 0, open: new Set() };
  const registry = new FinalizationRegistry<null>(() => void census.collected++);
  class TrackedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      census.created++;
      census.open.add(this);
      registry.register(this, null);
      this.once('close', () => {
        census.closed++;
        census.open.delete(this);
      });
    }
  }
  return { ctor: TrackedWebSocket as unknown as WebSocketCtor, census };
}
