/**
 * Guest chat event-stream frames, parsed once at the edge into a discriminated union (protocol reference §4).
 * Everything downstream works on these types; raw JSON never travels further.
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

export type ParseResult = { ok: true; frame: GuestFrame } | { ok: false; reason: string };

// Comparisons, not Set lookups: the values are fresh strings from JSON.parse, and a lookup hashes each one first.
const isMemberState = (v: unknown): v is MemberState => v === 'CONNECTED' || v === 'DISCONNECTED' || v === 'ALERTING';
const isBodyType = (v: unknown): v is BodyType => v === 'standard' || v === 'notice' || v === 'member-join' || v === 'member-leave' || v === 'media-request';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (v: unknown): string | undefined => (isRecord(v) ? str(v['id']) : undefined);

/**
 * Parses one socket message. Never throws: anything that is not a frame we understand comes back as
 * `{ ok: false, reason }` so the caller can log and drop it.
 */
export function parseFrame(data: unknown): ParseResult {
  if (typeof data !== 'string') return { ok: false, reason: 'the message is not text' };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'the message is not JSON' };
  }
  if (!isRecord(json)) return { ok: false, reason: 'the message is not a JSON object' };
  const topic = str(json['topicName']);
  const body = json['eventBody'];
  // Heartbeats have their own small envelope: no version, no metadata (pitfall 8).
  if (topic === 'channel.metadata') {
    return isRecord(body) && body['message'] === 'WebSocket Heartbeat' ? { ok: true, frame: { kind: 'heartbeat' } } : { ok: false, reason: 'unknown channel.metadata frame' };
  }
  if (!topic || !isRecord(body)) return { ok: false, reason: 'no topicName or eventBody' };
  const type = isRecord(json['metadata']) ? json['metadata']['type'] : undefined;
  const conversationId = idOf(body['conversation']);
  const timestamp = str(body['timestamp']);
  if (!conversationId || !timestamp) return { ok: false, reason: `${String(type)} frame without conversation id or timestamp` };

  switch (type) {
    case 'member-change': {
      const member = body['member'];
      const memberId = idOf(member);
      const state = isRecord(member) ? member['state'] : undefined;
      if (!memberId || !isMemberState(state)) return { ok: false, reason: 'member-change without member id or known state' };
      return { ok: true, frame: { kind: 'member-change', conversationId, memberId, state, timestamp } };
    }
    case 'message': {
      const id = str(body['id']);
      const senderId = idOf(body['sender']);
      const bodyType = body['bodyType'];
      if (!id || !senderId) return { ok: false, reason: 'message without id or sender' };
      if (!isBodyType(bodyType)) return { ok: false, reason: `message with unknown bodyType ${String(bodyType)}` };
      const text = typeof body['body'] === 'string' ? body['body'] : '';
      return { ok: true, frame: { kind: 'message', conversationId, id, senderId, body: text, bodyType, timestamp } };
    }
    case 'typing-indicator': {
      const id = str(body['id']);
      const senderId = idOf(body['sender']);
      if (!id || !senderId) return { ok: false, reason: 'typing-indicator without id or sender' };
      return { ok: true, frame: { kind: 'typing', conversationId, id, senderId, timestamp } };
    }
    default:
      return { ok: false, reason: `unknown frame type ${String(type)} on ${topic}` };
  }
}
