import type { CardRecord } from '../conversation';
import { randomBytes } from 'node:crypto';

/**
 * Wire shapes of the Web Messaging guest socket (docs/web-messaging-protocol.md): one JSON object per text frame,
 * `{type, class, code, body, tracingId?}` in that key order. `type` is `response` for a direct reply, `message` for
 * a push; clients dispatch on `class`.
 */

export type MessageClass =
  | 'string'
  | 'SessionResponse'
  | 'StructuredMessage'
  | 'PresignedUrlResponse'
  | 'AttachmentDeletedResponse'
  | 'UploadFailureEvent'
  | 'UploadSuccessEvent'
  | 'ConnectionClosedEvent'
  | 'LogoutEvent'
  | 'SessionExpiredEvent'
  | 'JwtResponse'
  | 'GenerateUrlError'
  | 'TooManyRequestsErrorMessage'
  | 'SessionClearedEvent';

export interface WmFrame {
  type: 'response' | 'message';
  class: MessageClass;
  code: number;
  body: unknown;
  tracingId?: string;
}

export function frame(
  type: 'response' | 'message',
  cls: MessageClass,
  body: unknown,
  tracingId?: string,
  code = 200,
): WmFrame {
  const f: WmFrame = { type, class: cls, code, body };
  if (tracingId !== undefined) f.tracingId = tracingId;
  return f;
}

/** A `string`-class error: `code` carries the error code, `body` the text. */
export function errorFrame(code: number, text: string, tracingId?: string): WmFrame {
  return frame('response', 'string', text, tracingId, code);
}

/** Every error the guest socket answers, with the texts of the real samples where one exists. */
export const WM_ERRORS = {
  deploymentNotFound: [400, 'Deployment not found'],
  requestFailed: [400, 'Request failed.'],
  notConfigured: [400, 'Request failed. The connection has no session: send configureSession first.'],
  unauthorized: [401, 'User is unauthorized'],
  featureToggle: [403, 'Turn on the Feature Toggle or fix the configuration.'],
  clearDisabled: [403, 'Presence events Conversation Clear are not supported'],
  authFailed: [403, 'Session authentication failed. Try to authenticate again.'],
  readOnly: [409, 'Session is read-only, no new messages allowed'],
  featureUnavailable: [4000, 'Feature is not available'],
  fileType: [4001, 'File type is not supported'],
  fileContent: [4003, 'File content is invalid'],
  fileName: [4004, 'File name is invalid'],
  fileNameLength: [4005, 'File name is too long'],
  sessionExpired: [4006, 'Session has expired'],
  sessionNotFound: [4007, 'Session not found'],
  attachmentExpired: [4008, 'Attachment has expired'],
  attachmentNotFound: [4009, 'Attachment not found'],
  attachmentNotUploaded: [4010, 'Attachment was not successfully uploaded'],
  messageTooLong: [4011, 'Message is too long'],
  cannotDowngrade: [4017, 'Cannot downgrade an authenticated session to an unauthenticated one'],
  unexpected: [5000, 'Request failed.'],
} as const satisfies Record<string, readonly [number, string]>;

export type WmErrorName = keyof typeof WM_ERRORS;

/** 4002: the text names the limit, as the documented "File size is greater than 102400". */
export const fileSizeError = (maxKB: number): readonly [number, string] => [4002, `File size is greater than ${maxKB}`];
/** 4013, the text of the sample with the deployment's budget. */
export const customAttributesError = (bytes: number): readonly [number, string] => [
  4013,
  `Custom Attributes in channel metadata is larger than ${bytes} bytes`,
];
/** 4020: which parameter is missing. */
export const missingParameter = (name: string): readonly [number, string] => [4020, `Missing parameter: ${name}`];
/** 400: a parameter that is there but of the wrong type (the generic text, then which field and what it must be). */
export const invalidParameter = (name: string, expected: string): readonly [number, string] => [
  400,
  `Request failed. ${name} must be ${expected}.`,
];

/** Server message ids are 32 hex characters, as in the real samples. */
export const serverId = (): string => randomBytes(16).toString('hex');

export type Direction = 'Inbound' | 'Outbound';

export interface WmChannel {
  time: string;
  messageId?: string;
  type?: 'Private';
  from?: { nickname?: string; image?: string; firstName?: string; lastName?: string };
  to?: Record<string, never>;
}

export type WmContent =
  | {
      contentType: 'Attachment';
      attachment: {
        id: string;
        filename: string;
        mediaType: string;
        fileSize: number;
        mime: string;
        url: string;
      };
    }
  | { contentType: 'QuickReply'; quickReply: { text: string; payload: string } }
  | { contentType: 'Card'; card: CardRecord }
  | { contentType: 'Carousel'; carousel: { cards: CardRecord[] } }
  | { contentType: 'ButtonResponse'; buttonResponse: { type: string; text: string; payload: string } };

export type WmEvent =
  | { eventType: 'Typing'; typing: { type: 'On'; duration?: number } }
  | { eventType: 'Presence'; presence: { type: 'Join' | 'Disconnect' | 'Clear' | 'SignIn' } };

/** A `StructuredMessage` body (also the shape of a history entity). */
export interface StructuredBody {
  id: string;
  type: 'Text' | 'Structured' | 'Event';
  text?: string;
  direction: Direction;
  channel: WmChannel;
  content?: WmContent[];
  events?: WmEvent[];
  metadata?: Record<string, string>;
  originatingEntity?: 'Human' | 'Bot' | '';
}
