/**
 * Guest chat event-stream frames as a discriminated union (docs/guest-chat-protocol.md, "Event stream"). `parseFrame`
 * makes them once, at the edge; raw JSON never travels further.
 */

export type MemberState = 'ALERTING' | 'CONNECTED' | 'DISCONNECTED';
export type BodyType = 'standard' | 'notice' | 'member-join' | 'member-leave' | 'media-request';

export interface MemberChangeFrame {
  kind: 'member-change';
  conversationId: string;
  memberId: string;
  state: MemberState;
  timestamp: string;
}

export interface MessageFrame {
  kind: 'message';
  conversationId: string;
  id: string;
  senderId: string;
  body: string;
  bodyType: BodyType;
  timestamp: string;
}

export interface TypingFrame {
  kind: 'typing';
  conversationId: string;
  id: string;
  senderId: string;
  timestamp: string;
}

export interface HeartbeatFrame {
  kind: 'heartbeat';
}

export type GuestFrame = MemberChangeFrame | MessageFrame | TypingFrame | HeartbeatFrame;
/** Frames that carry chat events (heartbeats keep the socket's watchdog fed and go no further). */
export type EventFrame = Exclude<GuestFrame, HeartbeatFrame>;

/** What `parseFrame` gives for a message it does not understand: why, for the log. */
export interface InvalidFrame {
  kind: 'invalid';
  reason: string;
}
