import type { OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import { messageExtras, showsSomething } from './message-extras';
import { isSaying, type Resolved } from './types';

/**
 * What an agent says, once its agent is known (`resolveAgents`): text, files, quick replies. Replayed history is not
 * shown again.
 */
export function agentMessages(): OperatorFunction<Resolved, ChatEventOf<'agentMessage'>> {
  return perSubscription<Resolved, ChatEventOf<'agentMessage'>>((out) => ({ message: m, agent }) => {
    if (!agent || m.replayed || !isSaying(m) || !showsSomething(m)) return;
    out.next({ type: 'agentMessage', id: m.id, agent, text: m.text, timestamp: m.time ?? '', ...messageExtras(m) });
  });
}
