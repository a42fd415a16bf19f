import type { Logger } from '../../logger';
import type { BodyType, EventFrame, GuestFrame, HeartbeatFrame, InvalidFrame, MemberState } from './frames';
import { isRecord, parseJsonObject, str } from '../parse-json';

/** Heartbeats carry nothing but their kind: one shared value, frozen so no one can change it for the others. */
const HEARTBEAT: HeartbeatFrame = Object.freeze({ kind: 'heartbeat' });
const invalid = (reason: string): InvalidFrame => ({ kind: 'invalid', reason });

const isMemberState = (v: unknown): v is MemberState => v === 'CONNECTED' || v === 'DISCONNECTED' || v === 'ALERTING';
const isBodyType = (v: unknown): v is BodyType =>
  v === 'standard' || v === 'notice' || v === 'member-join' || v === 'member-leave' || v === 'media-request';

const idOf = (v: unknown): string | undefined => (isRecord(v) ? str(v['id']) : undefined);

/**
 * Parses one socket message. Never throws: anything that is not a frame we understand comes back as
 * `{ kind: 'invalid', reason }` so the caller can log and drop it.
 */
export function parseFrame(data: unknown): GuestFrame | InvalidFrame {
  const json = parseJsonObject(data);
  if (typeof json === 'string') return invalid(json);
  const topic = str(json['topicName']);
  const body = json['eventBody'];
  // Heartbeats have their own small envelope: no version, no metadata.
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

/**
 * What one socket message is to the chat: its event, or nothing for a heartbeat (it only feeds the watchdog) or a
 * frame we do not understand (logged and dropped).
 */
export function eventOf(data: unknown, log: Logger): EventFrame | undefined {
  const f = parseFrame(data);
  if (f.kind === 'invalid') log.warn?.(`Dropped an event-stream frame: ${f.reason}`);
  else if (f.kind !== 'heartbeat') return f;
  return undefined;
}
