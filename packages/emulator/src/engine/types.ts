import type { Conversation, MessageRecord } from '../conversation';
import type { EventFrame } from '../guest-chat/frames';
import type { RoutingStatus, TransferOrder } from '../options';

/** Close code and reason Genesys uses when a chat has ended (docs/guest-chat-protocol.md, "Errors, close codes and tokens"). */
export const CLOSE_ENDED = { code: 1001, reason: 'The conversation is ended' } as const;

export interface AgentState {
  id: string;
  name: string;
  avatarImageUrl: string;
  queueIds: string[];
  onQueue: boolean;
  /** Set through the control API to report a status the emulator cannot derive (e.g. NOT_RESPONDING). */
  statusOverride?: RoutingStatus;
  /** Conversations in which this agent is ALERTING or CONNECTED. */
  conversations: Set<string>;
}

export interface EngineEvents {
  /** Something a console should redraw changed. */
  change: [conversationId: string | null];
  /** A frame was sent (or would have been sent) to a conversation's guest sockets. */
  frame: [conversationId: string, frame: EventFrame];
  /** A chat entered the queue (for the automatic agent). */
  queued: [conversation: Conversation];
  /** A chat got a connected agent (for the automatic agent). */
  connected: [conversation: Conversation];
  /** The guest posted a message (for the automatic agent). */
  guestMessage: [conversation: Conversation, message: MessageRecord];
  /** A conversation ended (Web Messaging tells its guest, if the deployment says so). */
  ended: [conversation: Conversation];
}

/** An inbound flow: a WORKFLOW member that may post a notice (with quick replies on Web Messaging), then leaves. */
export interface InboundFlow {
  displayName: string;
  notice?: string;
  quickReplies?: MessageRecord['quickReplies'];
}

export interface TransferRequest {
  /** Agent to transfer to; absent with `toQueueId` for a transfer back to a queue. */
  toAgentId?: string;
  toQueueId?: string;
  order?: TransferOrder;
  /** Connect the new agent after alerting. @default true */
  connect?: boolean;
}

/** What a message may carry beyond its body (Web Messaging only). */
export type MessageExtras = Pick<MessageRecord, 'quickReplies' | 'attachments' | 'cards' | 'content'>;
