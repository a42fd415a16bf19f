import type { MediaRequestRecord, MemberRecord, MessageRecord } from '../conversation';
import { badRequest } from '../errors';
import type { BodyType } from './frames';

/** What the guest chat REST routes share: their base path, their limits, and the shapes of their answers. */

export const BASE = '/api/v2/webchat/guest/conversations';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_MESSAGE_LENGTH = 4000;

export type Params = { conversationId: string; memberId: string; messageId: string; mediaRequestId: string };

/**
 * The guest may send `standard` and `notice`. Unknown strings (real clients send the literal "standard | notice")
 * are read as `standard`, as the real service evidently did; member-join/leave/media-request are not the guest's to send.
 */
export function guestBodyType(v: unknown): BodyType {
  if (v === undefined || v === null) return 'standard';
  if (v === 'notice' || v === 'standard') return v;
  if (v === 'member-join' || v === 'member-leave' || v === 'media-request') {
    throw badRequest('chat.error.bad.request', `A guest cannot send a message of bodyType "${v}".`, 'bodyType');
  }
  return 'standard';
}

export function conversationRef(conversationId: string) {
  // The conversation's selfUri is the platform path, the message's the guest path (as in real answers).
  return { id: conversationId, selfUri: `/api/v2/conversations/${conversationId}` };
}

export function messageResponse(conversationId: string, m: MessageRecord) {
  return {
    id: m.id,
    conversation: conversationRef(conversationId),
    sender: { id: m.senderId },
    body: m.body,
    bodyType: m.bodyType,
    timestamp: m.timestamp,
    selfUri: `${BASE}/${conversationId}/messages/${m.id}`,
  };
}

export function mediaRequestResponse(conversationId: string, r: MediaRequestRecord) {
  return {
    id: r.id,
    name: r.name,
    types: r.types,
    state: r.state,
    ...(r.communicationId ? { communicationId: r.communicationId } : {}),
    securityKey: r.securityKey,
    selfUri: `${BASE}/${conversationId}/mediarequests/${r.id}`,
  };
}

/** `WebChatMemberInfo` as GET member answers it (without the emulator's agent link). */
export function publicMember(m: MemberRecord) {
  const { agentId: _agentId, ...info } = m;
  return info;
}
