import type { OperatorFunction } from 'rxjs';
import type { AgentInfo } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import type { Sender } from '../frames';
import { FALLBACK_AGENT_NAME, isSaying, isTyping, type Incoming, type Resolved } from './types';

/** The agent a message names (`channel.from`), "Agent" when it names none; `named` says whether it did. */
export const agentFrom = (from: Sender | undefined): AgentInfo & { named: boolean } => {
  const nickname = from?.nickname;
  return {
    id: nickname ?? FALLBACK_AGENT_NAME,
    nickname: nickname ?? FALLBACK_AGENT_NAME,
    ...(from?.image ? { avatarUrl: from.image } : {}),
    named: nickname !== undefined,
  };
};
export const publicInfo = ({ named: _named, ...agent }: AgentInfo & { named: boolean }): AgentInfo => agent;

/**
 * Who the agent is. Web Messaging has no "agent joined" and no transfer event (docs/web-messaging-protocol.md, "What
 * the guest sees"): an agent is known from its first message (`originatingEntity: "Human"`), by `channel.from`'s
 * nickname and image, "Agent" when Genesys gives none; a message under another nickname is a transfer to that agent.
 * A message without a nickname belongs to the agent already there; a named agent after an unnamed one is taken for
 * the same person, now with a name. Agent typing (which names no one) belongs to the current agent and is dropped
 * before any agent is known. Replayed history (after a reload) only sets who is there, announced once at its end.
 */
export function resolveAgents(): OperatorFunction<Incoming, Resolved> {
  return perSubscription<Incoming, Resolved>((out) => {
    let current: (AgentInfo & { named: boolean }) | undefined;
    /** `current` as events carry it: made when the agent changes, not for every message. */
    let shown: AgentInfo | undefined;
    const become = (agent: AgentInfo & { named: boolean }) => {
      current = agent;
      shown = publicInfo(agent);
    };
    return (m) => {
      let change: Resolved['change'];
      let mine = false;
      if (m.direction === 'Outbound' && m.originatingEntity === 'Human' && isSaying(m)) {
        const nickname = m.from?.nickname;
        if (!current) change = 'joined';
        else if (nickname !== undefined && nickname !== current.nickname)
          change = current.named ? 'transferred' : 'joined';
        if (change) become(agentFrom(m.from));
        else if (m.from?.image && current && !current.avatarUrl) become({ ...current, avatarUrl: m.from.image });
        mine = true;
      } else if (m.direction === 'Outbound' && m.originatingEntity !== 'Bot' && isTyping(m)) {
        mine = current !== undefined;
      }
      // A replay only sets who is there; its end announces that agent once.
      if (m.replayed) {
        change = m.replayed === 'last' && current ? 'joined' : undefined;
        mine = change !== undefined;
      }
      out.next({ message: m, agent: mine ? shown : undefined, change });
    };
  });
}
