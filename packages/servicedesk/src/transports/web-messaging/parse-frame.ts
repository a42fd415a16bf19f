import type {
  Attachment,
  Card,
  InvalidFrame,
  OriginatingEntity,
  PresenceType,
  QuickReply,
  Sender,
  WmEvent,
  WmFrame,
  UnshownContent,
  WmMessage,
} from './frames';
import { isUnshown, unshownContent } from './detectors/unshown-content';
import type { UploadPolicy } from '../../chat-event';
import { isRecord, parseJsonObject, str } from '../parse-json';

/**
 * The tracingId of our heartbeat `echo`: its answer is recognised by it and goes no further than the socket's
 * watchdog (Genesys' own transport uses a constant the same way).
 */
export const HEARTBEAT_TRACING_ID = 'genesys-handoff-heartbeat';

const invalid = (reason: string): InvalidFrame => ({ kind: 'invalid', reason });
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);
/** Shared by every message without events or content: most frames have neither, and each parse step runs per frame. */
const NONE: readonly never[] = Object.freeze([]);
const NO_CONTENT = Object.freeze({ quickReplies: NONE, attachments: NONE, cards: NONE, unshown: NONE });

/** Typing lasts this long when Genesys gives no `duration` (as Genesys' own transport assumes). */
const DEFAULT_TYPING_MS = 5000;
const PRESENCE: readonly PresenceType[] = ['Join', 'Disconnect', 'Clear', 'SignIn'];

function parseEvent(e: Record<string, unknown>): WmEvent | undefined {
  if (e['eventType'] === 'Typing') {
    const typing = isRecord(e['typing']) ? e['typing'] : {};
    return { eventType: 'Typing', durationMs: num(typing['duration']) ?? DEFAULT_TYPING_MS };
  }
  if (e['eventType'] === 'Presence' && isRecord(e['presence'])) {
    const type = e['presence']['type'];
    if (PRESENCE.includes(type as PresenceType)) return { eventType: 'Presence', presence: type as PresenceType };
  }
  // CoBrowse, Video, Reactions, other presence types: not for a chat window.
  return undefined;
}

function parseSender(v: unknown): Sender | undefined {
  if (!isRecord(v)) return undefined;
  const nickname = str(v['nickname']);
  const image = str(v['image']);
  if (nickname) return image ? { nickname, image } : { nickname };
  return image ? { image } : undefined;
}

/** The known events of a message, in order. */
function parseEvents(v: unknown): readonly WmEvent[] {
  if (!Array.isArray(v) || v.length === 0) return NONE;
  const events: WmEvent[] = [];
  for (const e of v) {
    const event = isRecord(e) ? parseEvent(e) : undefined;
    if (event) events.push(event);
  }
  return events;
}

/** A card with a title; its buttons that open an `http(s)` link or answer, others dropped. */
function parseCard(v: unknown): Card | undefined {
  if (!isRecord(v)) return undefined;
  const title = str(v['title']);
  if (!title) return undefined;
  const description = str(v['description']);
  const image = str(v['image']);
  const actions: Card['actions'][number][] = [];
  for (const a of records(v['actions'])) {
    const text = str(a['text']);
    if (!text) continue;
    const url = str(a['url']);
    if (a['type'] === 'Link' && url) actions.push({ type: 'Link', text, url });
    else if (a['type'] === 'Postback') actions.push({ type: 'Postback', text, payload: str(a['payload']) ?? text });
  }
  return { title, ...(description ? { description } : {}), ...(image ? { image } : {}), actions };
}

interface Content {
  quickReplies: readonly QuickReply[];
  attachments: readonly Attachment[];
  cards: readonly Card[];
  unshown: readonly UnshownContent[];
}

function parseContent(content: unknown): Content {
  if (!Array.isArray(content) || content.length === 0) return NO_CONTENT;
  const quickReplies: QuickReply[] = [];
  const attachments: Attachment[] = [];
  const cards: Card[] = [];
  const unshown: UnshownContent[] = [];
  for (const c of records(content)) {
    if (c['contentType'] === 'Card') {
      const card = parseCard(c['card']);
      if (card) cards.push(card);
      continue;
    }
    if (c['contentType'] === 'Carousel') {
      const carousel = c['carousel'];
      for (const v of isRecord(carousel) ? records(carousel['cards']) : []) {
        const card = parseCard(v);
        if (card) cards.push(card);
      }
      continue;
    }
    const q = c['quickReply'];
    const a = c['attachment'];
    if (c['contentType'] === 'QuickReply' && isRecord(q) && str(q['text'])) {
      quickReplies.push({ text: q['text'] as string, payload: str(q['payload']) ?? (q['text'] as string) });
    } else if (c['contentType'] === 'Attachment' && isRecord(a) && str(a['id']) && str(a['url'])) {
      const mime = str(a['mime']);
      const fileSize = num(a['fileSize']);
      attachments.push({
        id: a['id'] as string,
        url: a['url'] as string,
        filename: str(a['filename']) ?? 'file',
        mediaType: str(a['mediaType']) ?? 'File',
        ...(mime ? { mime } : {}),
        ...(fileSize !== undefined ? { fileSize } : {}),
      });
    } else if (isUnshown(c)) unshown.push(unshownContent(c));
  }
  return { quickReplies, attachments, cards, unshown };
}

/**
 * A `StructuredMessage` body (pushed, echoed, or a history entity): a message, or why it is not one. Unknown event
 * and content types are dropped from it; an event message left with no known event is not a message.
 */
export function parseMessage(body: unknown): WmMessage | InvalidFrame {
  if (!isRecord(body)) return invalid('StructuredMessage without a body');
  const id = str(body['id']);
  const direction = body['direction'];
  const type = body['type'];
  if (!id) return invalid('StructuredMessage without id');
  if (direction !== 'Inbound' && direction !== 'Outbound') return invalid(`unknown direction ${String(direction)}`);
  if (type !== 'Text' && type !== 'Structured' && type !== 'Event')
    return invalid(`unknown message type ${String(type)}`);
  const channel = isRecord(body['channel']) ? body['channel'] : {};
  const events = parseEvents(body['events']);
  if (type === 'Event' && events.length === 0) return invalid('an event message with no event the client knows');
  const entity = body['originatingEntity'];
  const metadata = isRecord(body['metadata']) ? body['metadata'] : {};
  const { quickReplies, attachments, cards, unshown } = parseContent(body['content']);
  const message: WmMessage = {
    id,
    direction,
    type,
    text: typeof body['text'] === 'string' ? body['text'] : '',
    time: str(channel['time']),
    originatingEntity: entity === 'Human' || entity === 'Bot' ? (entity as OriginatingEntity) : '',
    from: parseSender(channel['from']),
    events,
    quickReplies,
    attachments,
    cards,
    unshown,
    readOnly: metadata['readOnly'] === 'true',
  };
  const customMessageId = direction === 'Inbound' ? str(metadata['customMessageId']) : undefined;
  if (customMessageId) message.customMessageId = customMessageId;
  return message;
}

/**
 * `allowedMedia.inbound` and `blockedExtensions` of a SessionResponse: undefined when the deployment allows no
 * uploads (no `allowedMedia`, no file type, or a size of 0).
 */
function parseUploadPolicy(allowed: unknown, blocked: unknown): UploadPolicy | undefined {
  const inbound = isRecord(allowed) && isRecord(allowed['inbound']) ? allowed['inbound'] : undefined;
  if (!inbound) return undefined;
  const types = records(inbound['fileTypes'])
    .map((t) => str(t['type'])?.toLowerCase())
    .filter((t): t is string => t !== undefined);
  const maxKb = num(inbound['maxFileSizeKB']);
  if (types.length === 0 || !maxKb || maxKb <= 0) return undefined;
  const blockedExtensions = Array.isArray(blocked)
    ? blocked.filter((x): x is string => typeof x === 'string' && x !== '').map((x) => x.toLowerCase())
    : [];
  return { types, maxBytes: maxKb * 1024, blockedExtensions };
}

/**
 * Parses one socket message. Never throws: anything that is not a frame we understand comes back as
 * `{ kind: 'invalid', reason }` so the caller can log and drop it. Dispatches on `class` (the same class comes as a
 * `response` and as a pushed `message`), then on the body.
 */
export function parseFrame(data: unknown): WmFrame | InvalidFrame {
  const json = parseJsonObject(data);
  if (typeof json === 'string') return invalid(json);
  const cls = json['class'];
  const body = json['body'];
  const code = num(json['code']) ?? 0;
  const tracingId = str(json['tracingId']);
  const b = isRecord(body) ? body : {};
  switch (cls) {
    case 'SessionResponse':
      if (!isRecord(body)) return invalid('SessionResponse without a body');
      return {
        kind: 'session',
        connected: b['connected'] === true,
        newSession: b['newSession'] === true,
        readOnly: b['readOnly'] === true,
        maxCustomDataBytes: num(b['maxCustomDataBytes']),
        uploads: parseUploadPolicy(b['allowedMedia'], b['blockedExtensions']),
        tracingId,
      };
    case 'StructuredMessage': {
      if (tracingId === HEARTBEAT_TRACING_ID) return { kind: 'pong' };
      const message = parseMessage(body);
      return 'kind' in message ? message : { kind: 'message', message, tracingId };
    }
    case 'JwtResponse': {
      const jwt = str(b['jwt']);
      const exp = num(b['exp']);
      if (!jwt || exp === undefined) return invalid('JwtResponse without jwt or exp');
      return { kind: 'jwt', jwt, exp, tracingId };
    }
    case 'string':
      return { kind: 'error', code, text: typeof body === 'string' ? body : '', retryAfter: undefined, tracingId };
    case 'TooManyRequestsErrorMessage':
      return {
        kind: 'error',
        code: code || 429,
        text: str(b['errorMessage']) ?? 'Message rate too high for this session',
        retryAfter: num(b['retryAfter']),
        tracingId,
      };
    case 'Error':
      return {
        kind: 'error',
        code: code || 5000,
        text: typeof body === 'string' ? body : (str(b['message']) ?? str(b['errorMessage']) ?? 'Request failed.'),
        retryAfter: undefined,
        tracingId,
      };
    case 'ConnectionClosedEvent':
      return { kind: 'connection-closed', reason: str(b['reason']) };
    case 'SessionExpiredEvent':
      return { kind: 'session-expired' };
    case 'SessionClearedEvent':
      return { kind: 'session-cleared' };
    case 'LogoutEvent':
      return { kind: 'logout' };
    case 'PresignedUrlResponse': {
      const attachmentId = str(b['attachmentId']);
      const url = str(b['url']);
      if (!attachmentId || !url) return invalid('PresignedUrlResponse without attachmentId or url');
      const headers = isRecord(b['headers']) ? b['headers'] : {};
      return {
        kind: 'upload-url',
        attachmentId,
        url,
        headers: Object.fromEntries(
          Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
        ),
        tracingId,
      };
    }
    case 'UploadSuccessEvent':
    case 'UploadFailureEvent':
    case 'GenerateUrlError': {
      const attachmentId = str(b['attachmentId']);
      if (!attachmentId) return invalid(`${cls} without attachmentId`);
      const ok = cls === 'UploadSuccessEvent';
      return {
        kind: 'upload-result',
        attachmentId,
        ok,
        code: ok ? undefined : num(b['errorCode']),
        text: ok ? undefined : str(b['errorMessage']),
        tracingId,
      };
    }
    case 'AttachmentDeletedResponse':
    case 'GetConfigurationResponse':
    case 'ResumeTokenResponse':
      return { kind: 'unused', class: cls };
    default:
      return invalid(`unknown class ${String(cls)}`);
  }
}
