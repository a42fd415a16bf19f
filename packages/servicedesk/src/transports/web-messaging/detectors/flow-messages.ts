import type { OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import { messageExtras, showsSomething } from './message-extras';
import { isSaying, type Resolved } from './types';

/**
 * What the inbound flow says (bot greetings, "finding an agent"): Outbound messages not written by an agent, shown
 * as system messages of the flow, as guest chat shows its workflow notices (with the flow's quick replies and files). The customer's own echoes are never shown.
 */
export function flowMessages(): OperatorFunction<Resolved, ChatEventOf<'systemMessage'>> {
  return perSubscription<Resolved, ChatEventOf<'systemMessage'>>((out) => ({ message: m }) => {
    if (m.direction !== 'Outbound' || m.originatingEntity === 'Human' || m.replayed) return;
    if (!isSaying(m) || !showsSomething(m)) return;
    out.next({
      type: 'systemMessage',
      id: m.id,
      role: 'WORKFLOW',
      text: m.text,
      timestamp: m.time ?? '',
      ...messageExtras(m),
    });
  });
}
