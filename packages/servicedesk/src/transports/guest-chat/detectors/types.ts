import type { MemberChangeFrame, MessageFrame, TypingFrame } from '../frames';

/** A guest chat member's role: the customer, an agent, the queue (ACD) or the inbound flow (WORKFLOW). */
export type MemberRole = 'CUSTOMER' | 'AGENT' | 'ACD' | 'WORKFLOW';

/** What the member lookup knows about a member: from GET member, or a fallback when that failed. */
export interface MemberInfo {
  id: string;
  role: MemberRole | 'UNKNOWN';
  displayName?: string;
  avatarImageUrl?: string;
  /** True when GET member failed and this is a guess (an ALERTING member is taken for an agent). */
  fallback?: boolean;
}

/** A frame with its member resolved. */
export type EnrichedFrame =
  | (MemberChangeFrame & { member: MemberInfo })
  | (MessageFrame & { sender: MemberInfo })
  | (TypingFrame & { sender: MemberInfo });

/** A member's state transition, duplicates removed. */
export interface MemberEvent {
  change: 'alerting' | 'joined' | 'left';
  member: MemberInfo;
  self: boolean;
}
