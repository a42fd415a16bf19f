import type { AgentInfo } from '../../../chat-event';
import type { WmMessage } from '../frames';

/**
 * A message on its way through the pipeline. After a reload the history up to the resume point is passed through
 * again as `replayed` (`'last'` on the resume point itself): it tells who the agent is without showing anything twice.
 */
export interface Incoming extends WmMessage {
  replayed?: 'more' | 'last';
}

/** A message with the agent it belongs to (Outbound agent messages and agent typing), and what changed with it. */
export interface Resolved {
  message: Incoming;
  agent: AgentInfo | undefined;
  /** The first agent, or a new agent after a transfer. */
  change: 'joined' | 'transferred' | undefined;
}

/** The name shown for an agent Genesys gives no nickname for. */
export const FALLBACK_AGENT_NAME = 'Agent';

export const isTyping = (m: WmMessage) => m.events.some((e) => e.eventType === 'Typing');
export const isDisconnect = (m: WmMessage) =>
  m.events.some((e) => e.eventType === 'Presence' && e.presence === 'Disconnect');
/** A message that says something (text, or content), as opposed to an event. */
export const isSaying = (m: WmMessage) => m.type !== 'Event';
/** An agent's message that says something: a person writes these one at a time. */
export const isAgentSaying = (m: WmMessage) =>
  m.direction === 'Outbound' && m.originatingEntity === 'Human' && isSaying(m);
