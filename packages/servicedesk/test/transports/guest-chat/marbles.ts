import type { EventFrame } from '../../../src/transports/guest-chat/frames';
import type { EnrichedFrame, MemberEvent, MemberInfo } from '../../../src/transports/guest-chat/detectors/types';

export { testScheduler } from '../../marbles';

export const SELF = 'guest-1';
export const member = {
  guest: { id: SELF, role: 'CUSTOMER' } as MemberInfo,
  alex: { id: 'agent-a', role: 'AGENT', displayName: 'Alex Agent', avatarImageUrl: 'https://x/a.svg' } as MemberInfo,
  blair: { id: 'agent-b', role: 'AGENT', displayName: 'Blair Expert' } as MemberInfo,
  acd: { id: 'acd-1', role: 'ACD', displayName: 'Chat Queue' } as MemberInfo,
  flow: { id: 'flow-1', role: 'WORKFLOW', displayName: 'Inbound flow' } as MemberInfo,
};

const T = '2026-11-22T10:00:00.000Z';
export const raw = {
  change: (memberId: string, state: 'ALERTING' | 'CONNECTED' | 'DISCONNECTED'): EventFrame => ({
    kind: 'member-change',
    conversationId: 'c',
    memberId,
    state,
    timestamp: T,
  }),
  message: (
    id: string,
    senderId: string,
    body = 'hi',
    bodyType: 'standard' | 'notice' | 'member-join' | 'member-leave' = 'standard',
  ): EventFrame => ({
    kind: 'message',
    conversationId: 'c',
    id,
    senderId,
    body,
    bodyType,
    timestamp: T,
  }),
  typing: (id: string, senderId: string): EventFrame => ({
    kind: 'typing',
    conversationId: 'c',
    id,
    senderId,
    timestamp: T,
  }),
};

export const enriched = {
  change: (m: MemberInfo, state: 'ALERTING' | 'CONNECTED' | 'DISCONNECTED'): EnrichedFrame => ({
    ...(raw.change(m.id, state) as Extract<EventFrame, { kind: 'member-change' }>),
    member: m,
  }),
  message: (
    id: string,
    m: MemberInfo,
    body = 'hi',
    bodyType: 'standard' | 'notice' | 'member-join' | 'member-leave' = 'standard',
  ): EnrichedFrame => ({
    ...(raw.message(id, m.id, body, bodyType) as Extract<EventFrame, { kind: 'message' }>),
    sender: m,
  }),
  typing: (id: string, m: MemberInfo): EnrichedFrame => ({
    ...(raw.typing(id, m.id) as Extract<EventFrame, { kind: 'typing' }>),
    sender: m,
  }),
};

export const ev = (change: MemberEvent['change'], m: MemberInfo): MemberEvent => ({
  change,
  member: m,
  self: m.id === SELF,
});
export const agent = (m: MemberInfo) => ({
  id: m.id,
  nickname: m.displayName ?? 'Agent',
  ...(m.avatarImageUrl ? { avatarUrl: m.avatarImageUrl } : {}),
});
