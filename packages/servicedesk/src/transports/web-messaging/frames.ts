import type { UploadPolicy } from '../../chat-event';

/**
 * Web Messaging guest socket frames as a discriminated union (docs/web-messaging-protocol.md, "Server frames").
 * `parseFrame` makes them once, at the edge, dispatching on `class` and then on the body; raw JSON never travels
 * further. Only what the client uses is kept.
 */

export type Direction = 'Inbound' | 'Outbound';
/** Who wrote an Outbound message: an agent (`Human`), the flow (`Bot`); `''` on the customer's own echoes. */
export type OriginatingEntity = 'Human' | 'Bot' | '';

/** `channel.from`: an agent's (or a named bot's) display name and avatar. Either may be missing. */
export interface Sender {
  nickname?: string;
  image?: string;
}

export type PresenceType = 'Join' | 'Disconnect' | 'Clear' | 'SignIn';

export type WmEvent =
  /** The agent is typing; there is no "stopped": it ends after `durationMs` or with the agent's next message. */
  { eventType: 'Typing'; durationMs: number } | { eventType: 'Presence'; presence: PresenceType };

export interface QuickReply {
  text: string;
  payload: string;
}

/** A `Card` content item (one of a `Carousel`'s cards, too). */
export interface Card {
  title: string;
  description?: string;
  image?: string;
  actions: ReadonlyArray<
    { type: 'Link'; text: string; url: string } | { type: 'Postback'; text: string; payload: string }
  >;
}

export interface Attachment {
  id: string;
  filename: string;
  url: string;
  mediaType: string;
  mime?: string;
  fileSize?: number;
}

/**
 * A structured content item the client does not draw (`DatePicker`, `ListPicker`, `Form`, a type it does not know):
 * what of it can be told in words, so that it is never dropped without a word.
 */
export interface UnshownContent {
  contentType: string;
  title?: string;
  /** Its choices: texts, or times (ISO-8601) as a date picker offers them. */
  options: ReadonlyArray<{ text: string } | { time: string }>;
}

/** A `StructuredMessage` body: a pushed message or event, an echo of the customer's own message, or a history entity. */
export interface WmMessage {
  id: string;
  direction: Direction;
  type: 'Text' | 'Structured' | 'Event';
  /** `''` when the message has none (an event, a file only). */
  text: string;
  /** `channel.time` (ISO-8601), when Genesys gave one: the order of messages. */
  time: string | undefined;
  originatingEntity: OriginatingEntity;
  from: Sender | undefined;
  /** Known events only (unknown event types are dropped). */
  events: readonly WmEvent[];
  quickReplies: readonly QuickReply[];
  attachments: readonly Attachment[];
  /** `Card` items, and the cards of `Carousel` items, in order. */
  cards: readonly Card[];
  /** Structured content items the client does not draw (pickers, forms, types it does not know), told in words. */
  unshown: readonly UnshownContent[];
  /** `metadata.readOnly === "true"` on a Disconnect: the session no longer takes messages. */
  readOnly: boolean;
  /** `metadata.customMessageId` of the customer's own message: the id this client gave it when sending. */
  customMessageId?: string | undefined;
}

export interface SessionFrame {
  kind: 'session';
  connected: boolean;
  newSession: boolean;
  readOnly: boolean;
  /** The custom-attribute budget (bytes of JSON), when given. */
  maxCustomDataBytes: number | undefined;
  /** What the guest may upload (`allowedMedia.inbound` and `blockedExtensions`); undefined: no uploads. */
  uploads: UploadPolicy | undefined;
  tracingId: string | undefined;
}

export interface MessageFrame {
  kind: 'message';
  message: WmMessage;
  /** On an echo: the `tracingId` of the request it acknowledges. */
  tracingId: string | undefined;
}

/** The answer to our own heartbeat `echo` (recognised by its tracingId). */
export interface PongFrame {
  kind: 'pong';
}

export interface JwtFrame {
  kind: 'jwt';
  jwt: string;
  /** Epoch seconds. */
  exp: number;
  tracingId: string | undefined;
}

/** A refused request: class `string` (code and text), `TooManyRequestsErrorMessage` (429 with `retryAfter`), `Error`. */
export interface ErrorFrame {
  kind: 'error';
  code: number;
  text: string;
  /** Seconds, on a 429. */
  retryAfter: number | undefined;
  tracingId: string | undefined;
}

/** The server closes this socket for good: too many connections, another device's closeSession, Clear, sign-in elsewhere. */
export interface ConnectionClosedFrame {
  kind: 'connection-closed';
  reason: string | undefined;
}

/** Session-wide ends: the session expired, was cleared, or its authenticated customer logged out. */
export interface SessionEndFrame {
  kind: 'session-expired' | 'session-cleared' | 'logout';
}

/** The upload target for a file (`PresignedUrlResponse`): PUT the bytes there with these headers. */
export interface UploadUrlFrame {
  kind: 'upload-url';
  attachmentId: string;
  url: string;
  headers: Record<string, string>;
  tracingId: string | undefined;
}

/** A file was stored (`UploadSuccessEvent`) or refused (`UploadFailureEvent`, `GenerateUrlError`). */
export interface UploadResultFrame {
  kind: 'upload-result';
  attachmentId: string;
  ok: boolean;
  /** Genesys' error code and text on a failure (4001 type, 4002 size, 4003 content, …). */
  code: number | undefined;
  text: string | undefined;
  tracingId: string | undefined;
}

/** Known classes the client does not use: dropped quietly. */
export interface UnusedFrame {
  kind: 'unused';
  class: string;
}

export type WmFrame =
  | SessionFrame
  | MessageFrame
  | PongFrame
  | JwtFrame
  | ErrorFrame
  | ConnectionClosedFrame
  | SessionEndFrame
  | UploadUrlFrame
  | UploadResultFrame
  | UnusedFrame;

/** What `parseFrame` gives for a frame it does not understand: why, for the log. */
export interface InvalidFrame {
  kind: 'invalid';
  reason: string;
}
