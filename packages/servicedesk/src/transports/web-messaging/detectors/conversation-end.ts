import type { OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import { isDisconnect, type Resolved } from './types';

/**
 * The agent (or the flow) ended the conversation: an Outbound Presence Disconnect. Genesys sends it only when the
 * deployment is set to show it; with `metadata.readOnly` the session then refuses messages (the connection knows it
 * from the same frame). A flow's disconnect is the system ending the chat.
 */
export function conversationEnd(): OperatorFunction<Resolved, ChatEventOf<'chatEnded'>> {
  return perSubscription<Resolved, ChatEventOf<'chatEnded'>>((out) => ({ message: m }) => {
    if (m.direction !== 'Outbound' || m.replayed || !isDisconnect(m)) return;
    out.next({ type: 'chatEnded', by: m.originatingEntity === 'Bot' ? 'system' : 'agent' });
  });
}
