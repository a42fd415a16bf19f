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

/** What `parseFrame` gives for a message it does not understand: why, for the log. */
export interface InvalidFrame {
  kind: 'invalid';
  reason: string;
}

/** Every heartbeat is the same: one frozen value, not an object per heartbeat. */
const HEARTBEAT: HeartbeatFrame = Object.freeze({ kind: 'heartbeat' });
const invalid = (reason: string): InvalidFrame => ({ kind: 'invalid', reason });

// Comparisons, not Set lookups: the values are fresh strings from JSON.parse, and a lookup hashes each one first.
const isMemberState = (v: unknown): v is MemberState => v === 'CONNECTED' || v === 'DISCONNECTED' || v === 'ALERTING';
const isBodyType = (v: unknown): v is BodyType =>
  v === 'standard' || v === 'notice' || v === 'member-join' || v === 'member-leave' || v === 'media-request';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (v: unknown): string | undefined => (isRecord(v) ? str(v['id']) : undefined);

/**
 * Parses one socket message. Never throws: anything that is not a frame we understand comes back as
 * `{ kind: 'invalid', reason }` so the caller can log and drop it. (The frame itself, not a result object around it:
 * this runs for every frame of the chat, bench/client-pipeline.ts.)
 */
export function parseFrame(data: unknown): GuestFrame | InvalidFrame {
  if (typeof data !== 'string') return invalid('the message is not text');
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return invalid('the message is not JSON');
  }
  if (!isRecord(json)) return invalid('the message is not a JSON object');
  const topic = str(json['topicName']);
  const body = json['eventBody'];
  // Heartbeats have their own small envelope: no version, no metadata (pitfall 8).
  if (topic === 'channel.metadata') {
    return isRecord(body) && body['message'] === 'WebSocket Heartbeat'
      ? HEARTBEAT
      : invalid('unknown channel.metadata frame');
  }
  if (!topic || !isRecord(body)) return invalid('no topicName or eventBody');
  const type = isRecord(json['metadata']) ? json['metadata']['type'] : undefined;
  const conversationId = idOf(body['conversation']);
  const timestamp = str(body['timestamp']);
  if (!conversationId || !timestamp) return invalid(`${String(type)} frame without conversation id or timestamp`);

  switch (type) {
    case 'member-change': {
      const member = body['member'];
      const memberId = idOf(member);
      const state = isRecord(member) ? member['state'] : undefined;
      if (!memberId || !isMemberState(state)) return invalid('member-change without member id or known state');
      return { kind: 'member-change', conversationId, memberId, state, timestamp };
    }
    case 'message': {
      const id = str(body['id']);
      const senderId = idOf(body['sender']);
      const bodyType = body['bodyType'];
      if (!id || !senderId) return invalid('message without id or sender');
      if (!isBodyType(bodyType)) return invalid(`message with unknown bodyType ${String(bodyType)}`);
      const text = typeof body['body'] === 'string' ? body['body'] : '';
      return { kind: 'message', conversationId, id, senderId, body: text, bodyType, timestamp };
    }
    case 'typing-indicator': {
      const id = str(body['id']);
      const senderId = idOf(body['sender']);
      if (!id || !senderId) return invalid('typing-indicator without id or sender');
      return { kind: 'typing', conversationId, id, senderId, timestamp };
    }
    default:
      return invalid(`unknown frame type ${String(type)} on ${topic}`);
  }
}
