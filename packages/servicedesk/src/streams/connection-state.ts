import { distinctUntilChanged, filter, map, type OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../chat-event';

/** The event socket's own lifecycle, as the transport reports it. */
export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * What the customer should be told about the connection: nothing while the first connection is made; once it was
 * open, losing it is `disconnected` and getting it back is `connected` (each reported once).
 */
export function connectionState(): OperatorFunction<SocketStatus, ChatEventOf<'connection'>> {
  return (source) => {
    let wasOpen = false;
    return source.pipe(
      filter((s) => {
        if (s === 'open') wasOpen = true;
        // 'closed' is the chat's own end, not a lost connection.
        return wasOpen && s !== 'connecting' && s !== 'closed';
      }),
      map((s) => (s === 'open' ? 'connected' : 'disconnected')),
      distinctUntilChanged(),
      // The first 'connected' is the initial connection, not a recovery.
      filter((s, i) => i > 0 || s !== 'connected'),
      map((state) => ({ type: 'connection' as const, state })),
    );
  };
}
