import { createRequire } from 'node:module';
import { join } from 'node:path';
import type NodeWebSocket from '../packages/servicedesk/node_modules/@types/ws';
import type { WebSocketCtor } from '../packages/servicedesk/src';
import { ROOT } from './client-report';

/**
 * `ws` as the client's tests use it (the root has no `ws` of its own), and a subclass that keeps count of every
 * socket the client opens: how many were made, how many reached CLOSED, which are still open, and how many the
 * garbage collector has reclaimed.
 */
export const WebSocket = createRequire(join(ROOT, 'packages/servicedesk/package.json'))('ws') as typeof NodeWebSocket;

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
