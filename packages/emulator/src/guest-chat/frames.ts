import { randomUUID } from 'node:crypto';

/** Wire shapes of the guest event stream (docs/guest-chat-protocol.md, "Event stream"). */

export type MemberState = 'ALERTING' | 'CONNECTED' | 'DISCONNECTED';
export type MemberRole = 'CUSTOMER' | 'AGENT' | 'ACD' | 'WORKFLOW';
export type BodyType = 'standard' | 'notice' | 'member-join' | 'member-leave' | 'media-request';

export interface MemberChangeFrame {
  topicName: string;
  version: '2';
  eventBody: { conversation: { id: string }; member: { id: string; state: MemberState }; timestamp: string };
  metadata: { CorrelationId: string; type: 'member-change' };
}

export interface MessageFrame {
  topicName: string;
  version: '2';
  eventBody: {
    id: string;
    conversation: { id: string };
    sender: { id: string };
    body: string;
    bodyType: BodyType;
    timestamp: string;
  };
  metadata: { CorrelationId: string; type: 'message' };
}

export interface TypingFrame {
  topicName: string;
  version: '2';
  eventBody: { id: string; conversation: { id: string }; sender: { id: string }; timestamp: string };
  metadata: { CorrelationId: string; type: 'typing-indicator' };
}

export type EventFrame = MemberChangeFrame | MessageFrame | TypingFrame;

/** The heartbeat has its own smaller envelope: no `version`, no `metadata`. */
export const HEARTBEAT_FRAME = JSON.stringify({
  topicName: 'channel.metadata',
  eventBody: { message: 'WebSocket Heartbeat' },
});

const topic = (conversationId: string, kind: 'members' | 'messages') =>
  `v2.conversations.chats.${conversationId}.${kind}`;

export function memberChangeFrame(
  conversationId: string,
  memberId: string,
  state: MemberState,
  timestamp: string,
): MemberChangeFrame {
  // No eventBody.id on member-change: real samples R1 and R3 have none.
  return {
    topicName: topic(conversationId, 'members'),
    version: '2',
    eventBody: { conversation: { id: conversationId }, member: { id: memberId, state }, timestamp },
    metadata: { CorrelationId: randomUUID(), type: 'member-change' },
  };
}

export function messageFrame(
  conversationId: string,
  m: { id: string; senderId: string; body: string; bodyType: BodyType; timestamp: string },
): MessageFrame {
  return {
    topicName: topic(conversationId, 'messages'),
    version: '2',
    eventBody: {
      id: m.id,
      conversation: { id: conversationId },
      sender: { id: m.senderId },
      body: m.body,
      bodyType: m.bodyType,
      timestamp: m.timestamp,
    },
    metadata: { CorrelationId: randomUUID(), type: 'message' },
  };
}

export function typingFrame(
  conversationId: string,
  t: { id: string; senderId: string; timestamp: string },
): TypingFrame {
  return {
    topicName: topic(conversationId, 'messages'),
    version: '2',
    eventBody: { id: t.id, conversation: { id: conversationId }, sender: { id: t.senderId }, timestamp: t.timestamp },
    metadata: { CorrelationId: randomUUID(), type: 'typing-indicator' },
  };
}
