/**
 * Frames of Genesys Web Messaging as published (real captures, and fixtures of Genesys' own transport SDK), the
 * yardstick for the emulator's frames: tests compare envelopes, classes, field names and constant values with them.
 * Ids and times differ by nature; everything else is compared.
 */

/** Real capture: a message to a read-only session is refused. */
export const R1_READ_ONLY = {
  type: 'response',
  class: 'string',
  code: 409,
  body: 'Session is read-only, no new messages allowed',
};

/** Real capture: the bot ends the conversation, ReadOnly mode. */
export const R2_DISCONNECT_READ_ONLY = {
  type: 'message',
  class: 'StructuredMessage',
  code: 200,
  body: {
    type: 'Event',
    direction: 'Outbound',
    id: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    channel: { time: '2024-02-09T22:39:50.526Z', type: 'Private', from: { nickname: 'Robot Friend' }, to: {} },
    events: [{ eventType: 'Presence', presence: { type: 'Disconnect' } }],
    metadata: { readOnly: 'true' },
    originatingEntity: 'Bot',
  },
};

/** Real (anonymised): session configured. */
export const R3_SESSION = {
  type: 'response',
  class: 'SessionResponse',
  code: 200,
  body: { connected: true, newSession: true },
};

/** Real (anonymised): the echo of the guest's own text. */
export const R4_ECHO = {
  type: 'message',
  class: 'StructuredMessage',
  code: 200,
  body: {
    originatingEntity: '',
    text: 'hello',
    direction: 'Inbound',
    id: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
    channel: { time: '2023-02-28T16:31:47.000Z', messageId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' },
    type: 'Text',
    metadata: { correlationId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' },
  },
};

/** Real (anonymised): bot text. */
export const R5_BOT_TEXT = {
  type: 'message',
  class: 'StructuredMessage',
  code: 200,
  body: {
    text: 'Hello, how can I help?',
    direction: 'Outbound',
    id: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    channel: { time: '2023-02-28T16:31:48.000Z', type: 'Private' },
    type: 'Text',
    originatingEntity: 'Bot',
    metadata: { correlationId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' },
  },
};

/** Real (anonymised): disconnect without readOnly metadata. */
export const R6_DISCONNECT = {
  type: 'message',
  class: 'StructuredMessage',
  code: 200,
  body: {
    direction: 'Outbound',
    id: '0000000-0000-0000-0000-0000000000',
    channel: { time: '2023-02-28T16:31:49.000Z', messageId: '0000000-0000-0000-0000-0000000000' },
    type: 'Event',
    events: [{ eventType: 'Presence', presence: { type: 'Disconnect' } }],
  },
};

export const R7_TOO_MANY = {
  type: 'response',
  class: 'TooManyRequestsErrorMessage',
  code: 429,
  body: { retryAfter: 3, errorCode: 4029, errorMessage: 'Message rate too high for this session' },
};

export const R8_ATTRIBUTES = {
  type: 'response',
  class: 'string',
  code: 4013,
  body: 'Custom Attributes in channel metadata is larger than 2048 bytes',
};

export const R9_DEPLOYMENT = { type: 'response', class: 'string', code: 400, body: 'Deployment not found' };

export const R10_CLEAR_DISABLED = {
  type: 'response',
  class: 'string',
  code: 403,
  body: 'Presence events Conversation Clear are not supported',
};

export const R11_PRESIGNED = {
  type: 'response',
  class: 'PresignedUrlResponse',
  code: 200,
  body: {
    attachmentId: 'abcd-1234',
    headers: {
      'x-amz-tagging': 'organizationId=1234&originPlatform=PureCloud&role=Darth&owner=Dev-CloudAppsDarth@genesys.com',
    },
    url: 'https://uploads.url/foo.png',
  },
};

export const R12_UPLOAD_SUCCESS = {
  type: 'message',
  class: 'UploadSuccessEvent',
  code: 200,
  body: {
    attachmentId: 'abcd-1234',
    downloadUrl: 'https://uploads.url/foo.png',
    timestamp: '2021-04-21T14:03:09.581Z',
  },
};

export const R14_ECHO_REPLY = {
  type: 'response',
  class: 'StructuredMessage',
  code: 200,
  body: { text: 'ping', type: 'Text', direction: 'Inbound', id: 'echo_id' },
  tracingId: 'SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=',
};

export const R15_SESSION_FULL = {
  type: 'response',
  class: 'SessionResponse',
  code: 200,
  body: {
    connected: true,
    newSession: true,
    readOnly: false,
    maxCustomDataBytes: 100,
    allowedMedia: { inbound: { fileTypes: [{ type: '*/*' }, { type: 'video/3gpp' }], maxFileSizeKB: 10240 } },
    blockedExtensions: ['.ade'],
    clearedExistingSession: false,
  },
};

export const R16_JWT = { type: 'response', class: 'JwtResponse', code: 200, body: { jwt: 'some_jwt', exp: 333 } };

export const R17_SIGNED_IN = {
  type: 'message',
  class: 'ConnectionClosedEvent',
  code: 200,
  body: { reason: 'signedIn' },
};

export const R18_AGENT_ATTACHMENT = {
  type: 'message',
  class: 'StructuredMessage',
  code: 200,
  body: {
    direction: 'Outbound',
    id: 'msg_id',
    channel: { time: 'some_time', type: 'Private' },
    type: 'Text',
    text: 'Hi',
    content: [
      {
        attachment: {
          id: 'attachment_id',
          filename: 'image.png',
          mediaType: 'Image',
          fileSize: 100,
          mime: 'image/png',
          url: 'https://downloadurl.com',
        },
        contentType: 'Attachment',
      },
    ],
    originatingEntity: 'Human',
  },
};

export const R19_QUICK_REPLIES = {
  type: 'message',
  class: 'StructuredMessage',
  code: 200,
  body: {
    text: 'What would you like to do?',
    type: 'Structured',
    direction: 'Outbound',
    id: 'msg_id',
    channel: { time: '2026-01-06T13:26:15.174Z', type: 'Private', from: {}, to: {} },
    content: [
      { contentType: 'QuickReply', quickReply: { text: 'Yes', payload: 'cookie1' } },
      { contentType: 'QuickReply', quickReply: { text: 'No', payload: 'cookie2' } },
    ],
    metadata: {},
    originatingEntity: 'Bot',
  },
};

export const R20_TYPING = {
  type: 'message',
  class: 'StructuredMessage',
  code: 200,
  body: {
    direction: 'Outbound',
    id: '0000000-0000-0000-0000-0000000000',
    channel: { time: '2022-03-09T13:35:31.104Z', messageId: '0000000-0000-0000-0000-0000000000' },
    type: 'Event',
    metadata: { correlationId: '0000000-0000-0000-0000-0000000000' },
    events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
  },
};

export const R21_CLEARED = { type: 'message', class: 'SessionClearedEvent', code: 200, body: {} };
export const R21_LOGOUT = { type: 'message', class: 'LogoutEvent', code: 200, body: {} };
export const R21_EXPIRED = { type: 'response', class: 'SessionExpiredEvent', code: 200, body: {} };
