/**
 * The transport-neutral events the ServiceDesk consumes. Every transport turns its channel's frames into this union;
 * a channel that can say more (files, quick replies) adds members here, and the desk and its host adapters handle
 * them in one place each.
 */

export interface AgentInfo {
  /** The agent's member id in this conversation. */
  id: string;
  nickname: string;
  avatarUrl?: string;
}

export type ChatEndReason = 'agent' | 'guest' | 'system';

export type ChatEvent =
  /** The chat waits in a queue (first routing, or again after a transfer back to the queue). */
  | { type: 'queued' }
  /** An agent connected (once per agent member, however often Genesys repeats CONNECTED). */
  | { type: 'agentJoined'; agent: AgentInfo }
  /** A transfer started: the previous agent left while the guest stays, and a new agent or the queue takes over. */
  | { type: 'transferStarted'; to?: AgentInfo }
  /** An agent left without ending the chat. */
  | { type: 'agentLeft'; agent: AgentInfo }
  | { type: 'agentMessage'; id: string; agent: AgentInfo; text: string; timestamp: string }
  /** A notice or message from the flow or the queue (e.g. "Finding an agent for you"). */
  | { type: 'systemMessage'; id: string; role: 'WORKFLOW' | 'ACD'; text: string; timestamp: string }
  | { type: 'agentTyping'; agent: AgentInfo; typing: boolean }
  | { type: 'chatEnded'; by: ChatEndReason }
  /** The event stream was lost (`disconnected`) or is back (`connected`); only after the first connection. */
  | { type: 'connection'; state: 'disconnected' | 'connected' };

export type ChatEventOf<T extends ChatEvent['type']> = Extract<ChatEvent, { type: T }>;
