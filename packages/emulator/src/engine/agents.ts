import type { ChatEngine } from '../chat-engine';
import type { Conversation, ConversationMedia } from '../conversation';
import { GenesysError, conflict } from '../errors';
import type { AgentConfig, RoutingStatus } from '../options';
import type { AgentState } from './types';

/** The agent registry and presence: who the agents are, their queues, and the routing status Genesys would report. */

export function addAgent(engine: ChatEngine, a: AgentConfig): AgentState {
  if (engine.agents.has(a.id)) throw conflict(`An agent with id ${a.id} exists already.`);
  const state: AgentState = {
    id: a.id,
    name: a.name,
    avatarImageUrl: a.avatarImageUrl ?? engine.avatarUrl(a.id),
    queueIds: a.queueIds ?? engine.queues.map((q) => q.id),
    onQueue: a.onQueue ?? true,
    conversations: new Set(),
  };
  engine.agents.set(a.id, state);
  engine.emit('change', null);
  return state;
}

export function findAgent(engine: ChatEngine, id: string): AgentState {
  const a = engine.agents.get(id);
  if (!a) throw new GenesysError(404, 'not.found', `No agent with id ${id}.`);
  return a;
}

export function setAgent(
  engine: ChatEngine,
  id: string,
  patch: { onQueue?: boolean; routingStatus?: RoutingStatus | null },
): AgentState {
  const a = findAgent(engine, id);
  if (patch.onQueue !== undefined) a.onQueue = patch.onQueue;
  if (patch.routingStatus !== undefined) {
    if (patch.routingStatus === null) delete a.statusOverride;
    else a.statusOverride = patch.routingStatus;
  }
  engine.emit('change', null);
  return a;
}

export function routingStatus(engine: ChatEngine, agent: AgentState): RoutingStatus {
  if (!agent.onQueue) return 'OFF_QUEUE';
  if (agent.statusOverride) return agent.statusOverride;
  const convs = [...agent.conversations].map((id) => engine.conversations.get(id));
  if (convs.some((c) => c?.agentMember?.agentId === agent.id && c.agentMember.state === 'CONNECTED'))
    return 'INTERACTING';
  if (convs.length > 0) return 'COMMUNICATING';
  return 'IDLE';
}

/** Conversations waiting in a queue (queued or alerting), oldest first; of one media type, or of every one. */
export function waiting(engine: ChatEngine, queueId: string, media?: ConversationMedia): Conversation[] {
  return [...engine.conversations.values()]
    .filter(
      (c) =>
        c.queueId === queueId &&
        (c.phase === 'queued' || c.phase === 'alerting') &&
        (media === undefined || c.media === media),
    )
    .sort((a, b) => (a.queuedAt ?? '').localeCompare(b.queuedAt ?? ''));
}

export function interacting(engine: ChatEngine, queueId: string, media?: ConversationMedia): Conversation[] {
  return [...engine.conversations.values()].filter(
    (c) => c.queueId === queueId && c.phase === 'connected' && (media === undefined || c.media === media),
  );
}
