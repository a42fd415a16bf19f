import type { OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../chat-event';
import { perSubscription } from './per-subscription';

/** The event socket's own lifecycle, as the transport reports it. */
export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * What the customer should be told about the connection: nothing while the first connection is made; once it was
 * open, losing it is `disconnected` and getting it back is `connected` (each reported once). `closed` is the chat's
 * own end, not a lost connection.
 */
export function connectionState(): OperatorFunction<SocketStatus, ChatEventOf<'connection'>> {
  return perSubscription<SocketStatus, ChatEventOf<'connection'>>((out) => {
    let wasOpen = false;
    /** What the customer was last told; the first opening tells nothing. */
    let told: 'connected' | 'disconnected' = 'connected';
    return (status) => {
      if (status === 'open') wasOpen = true;
      if (!wasOpen || status === 'connecting' || status === 'closed') return;
      const state = status === 'open' ? 'connected' : 'disconnected';
      if (state === told) return;
      told = state;
      out.next({ type: 'connection', state });
    };
  });
}
