import type { WmMessage } from '../../../src/transports/web-messaging/frames';
import { HEARTBEAT_TRACING_ID, parseFrame, parseMessage } from '../../../src/transports/web-messaging/parse-frame';
import { wmMessage } from './marbles';

/** Frames as Genesys publishes them (docs/web-messaging-protocol.md): real captures (R1–R6) and SDK fixtures. */
const R1 = '{"type":"response","class":"string","code":409,"body":"Session is read-only, no new messages allowed"}';
const R2 =
  '{"type":"message","class":"StructuredMessage","code":200,"body":{"type":"Event","direction":"Outbound","id":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","channel":{"time":"2024-02-09T22:39:50.526Z","type":"Private","from":{"nickname":"Robot Friend"},"to":{}},"events":[{"eventType":"Presence","presence":{"type":"Disconnect"}}],"metadata":{"readOnly":"true"},"originatingEntity":"Bot"}}';
const R3 = '{"type":"response","class":"SessionResponse","code":200,"body":{"connected":true,"newSession":true}}';
const R4 =
  '{"type":"message","class":"StructuredMessage","code":200,"body":{"originatingEntity":"","text":"hello","direction":"Inbound","id":"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx","channel":{"time":"2023-02-28T16:31:47.000Z","messageId":"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},"type":"Text","metadata":{"correlationId":"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}}}';
const R5 =
  '{"type":"message","class":"StructuredMessage","code":200,"body":{"text":"Hello, how can I help?","direction":"Outbound","id":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","channel":{"time":"2023-02-28T16:31:48.000Z","type":"Private"},"type":"Text","originatingEntity":"Bot","metadata":{"correlationId":"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}}}';
const R6 =
  '{"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","id":"0000000-0000-0000-0000-0000000000","channel":{"time":"2023-02-28T16:31:49.000Z","messageId":"0000000-0000-0000-0000-0000000000"},"type":"Event","events":[{"eventType":"Presence","presence":{"type":"Disconnect"}}]}}';
const R7 =
  '{"type":"response","class":"TooManyRequestsErrorMessage","code":429,"body":{"retryAfter":3,"errorCode":4029,"errorMessage":"Message rate too high for this session"}}';
const R15 =
  '{"type":"response","class":"SessionResponse","code":200,"body":{"connected":true,"newSession":true,"readOnly":false,"maxCustomDataBytes":100,"allowedMedia":{"inbound":{"fileTypes":[{"type":"*/*"},{"type":"video/3gpp"}],"maxFileSizeKB":10240}},"blockedExtensions":[".ade"],"clearedExistingSession":false}}';
const R16 = '{"type":"response","class":"JwtResponse","code":200,"body":{"jwt":"some_jwt","exp":333}}';
const R17 = '{"type":"message","class":"ConnectionClosedEvent","code":200,"body":{"reason":"signedIn"}}';
const R18 =
  '{"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","id":"msg_id","channel":{"time":"some_time","type":"Private"},"type":"Text","text":"Hi","content":[{"attachment":{"id":"attachment_id","filename":"image.png","mediaType":"Image","fileSize":100,"mime":"image/png","url":"https://downloadurl.com"},"contentType":"Attachment"}],"originatingEntity":"Human"}}';
const R19 =
  '{"type":"message","class":"StructuredMessage","code":200,"body":{"text":"What would you like to do?","type":"Structured","direction":"Outbound","id":"msg_id","channel":{"time":"2026-01-06T13:26:15.174Z","type":"Private","from":{},"to":{}},"content":[{"contentType":"QuickReply","quickReply":{"text":"Yes","payload":"cookie1"}},{"contentType":"QuickReply","quickReply":{"text":"No","payload":"cookie2"}}],"metadata":{},"originatingEntity":"Bot"}}';
const R20 =
  '{"type": "message","class": "StructuredMessage","code": 200,"body": {"direction": "Outbound","id": "0000000-0000-0000-0000-0000000000","channel": {"time": "2022-03-09T13:35:31.104Z","messageId": "0000000-0000-0000-0000-0000000000"},"type": "Event","metadata": {"correlationId":"0000000-0000-0000-0000-0000000000"},"events": [{"eventType": "Typing","typing": {"type": "On","duration": 5000}}]}}';
const R21 = [
  '{"type":"message","class":"SessionClearedEvent","code":200,"body":{}}',
  '{"type":"message","class":"LogoutEvent","code":200,"body":{}}',
  '{"type": "response","class": "SessionExpiredEvent","code": 200,"body": {}}',
];

const message = (over: Partial<WmMessage> & { id: string }) => wmMessage(over.id, over);

describe('Web Messaging parseFrame (the edge), on the published samples', () => {
  test('R1: the read-only refusal is an error with its code and text', () => {
    expect(parseFrame(R1)).toEqual({
      kind: 'error',
      code: 409,
      text: 'Session is read-only, no new messages allowed',
      retryAfter: undefined,
      tracingId: undefined,
    });
  });

  test('R2 and R6: Disconnect events, read-only only when the metadata says so', () => {
    expect(parseFrame(R2)).toEqual({
      kind: 'message',
      tracingId: undefined,
      message: message({
        id: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        direction: 'Outbound',
        type: 'Event',
        time: '2024-02-09T22:39:50.526Z',
        originatingEntity: 'Bot',
        from: { nickname: 'Robot Friend' },
        events: [{ eventType: 'Presence', presence: 'Disconnect' }],
        readOnly: true,
      }),
    });
    expect(parseFrame(R6)).toMatchObject({
      kind: 'message',
      message: { type: 'Event', events: [{ eventType: 'Presence', presence: 'Disconnect' }], readOnly: false },
    });
  });

  test('R3 and R15: session responses', () => {
    expect(parseFrame(R3)).toEqual({
      kind: 'session',
      connected: true,
      newSession: true,
      readOnly: false,
      maxCustomDataBytes: undefined,
      uploads: undefined,
      tracingId: undefined,
    });
    expect(parseFrame(R15)).toMatchObject({
      kind: 'session',
      maxCustomDataBytes: 100,
      readOnly: false,
      uploads: { types: ['*/*', 'video/3gpp'], maxBytes: 10240 * 1024, blockedExtensions: ['.ade'] },
    });
  });

  test('a session without file types or with a size of 0 allows no uploads', () => {
    const session = (allowedMedia: unknown) =>
      parseFrame(
        JSON.stringify({
          type: 'response',
          class: 'SessionResponse',
          code: 200,
          body: { connected: true, allowedMedia },
        }),
      );
    expect(session({ inbound: { fileTypes: [], maxFileSizeKB: 100 } })).toMatchObject({ uploads: undefined });
    expect(session({ inbound: { fileTypes: [{ type: 'image/png' }], maxFileSizeKB: 0 } })).toMatchObject({
      uploads: undefined,
    });
    expect(session({ inbound: { fileTypes: [{ type: 'Image/PNG' }], maxFileSizeKB: 1 } })).toMatchObject({
      uploads: { types: ['image/png'], maxBytes: 1024, blockedExtensions: [] },
    });
  });

  test('R4: the echo of the customer’s own text is Inbound, with no originating entity', () => {
    expect(parseFrame(R4)).toEqual({
      kind: 'message',
      tracingId: undefined,
      message: message({
        id: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
        direction: 'Inbound',
        type: 'Text',
        text: 'hello',
        time: '2023-02-28T16:31:47.000Z',
      }),
    });
    const traced = JSON.stringify({ ...JSON.parse(R4), tracingId: 't-1' });
    expect(parseFrame(traced)).toMatchObject({ kind: 'message', tracingId: 't-1' });
  });

  test('R5: bot text; R18: an agent’s file; R19: quick replies with an empty from', () => {
    expect(parseFrame(R5)).toMatchObject({
      kind: 'message',
      message: { direction: 'Outbound', originatingEntity: 'Bot', text: 'Hello, how can I help?', from: undefined },
    });
    expect(parseFrame(R18)).toMatchObject({
      message: {
        originatingEntity: 'Human',
        text: 'Hi',
        attachments: [
          {
            id: 'attachment_id',
            filename: 'image.png',
            mediaType: 'Image',
            fileSize: 100,
            mime: 'image/png',
            url: 'https://downloadurl.com',
          },
        ],
      },
    });
    expect(parseFrame(R19)).toMatchObject({
      message: {
        type: 'Structured',
        from: undefined,
        quickReplies: [
          { text: 'Yes', payload: 'cookie1' },
          { text: 'No', payload: 'cookie2' },
        ],
      },
    });
  });

  test('R7: a rate limit carries retryAfter', () => {
    expect(parseFrame(R7)).toEqual({
      kind: 'error',
      code: 429,
      text: 'Message rate too high for this session',
      retryAfter: 3,
      tracingId: undefined,
    });
  });

  test('R16, R17, R20, R21: JWT, closed, typing with its duration, session ends', () => {
    expect(parseFrame(R16)).toEqual({ kind: 'jwt', jwt: 'some_jwt', exp: 333, tracingId: undefined });
    expect(parseFrame(R17)).toEqual({ kind: 'connection-closed', reason: 'signedIn' });
    expect(parseFrame(R20)).toMatchObject({
      kind: 'message',
      message: { type: 'Event', events: [{ eventType: 'Typing', durationMs: 5000 }] },
    });
    expect(R21.map((f) => parseFrame(f).kind)).toEqual(['session-cleared', 'logout', 'session-expired']);
  });

  test('the answer to our heartbeat is a pong, whatever its body', () => {
    const pong = `{"type":"response","class":"StructuredMessage","code":200,"body":{"text":"ping","type":"Text","direction":"Inbound","id":"echo_id"},"tracingId":"${HEARTBEAT_TRACING_ID}"}`;
    expect(parseFrame(pong)).toEqual({ kind: 'pong' });
  });

  test('typing without a duration lasts 5 s; unknown events and presence types are dropped', () => {
    expect(
      parseMessage({
        id: 'e',
        direction: 'Outbound',
        type: 'Event',
        events: [
          { eventType: 'Typing', typing: { type: 'On' } },
          { eventType: 'CoBrowse', coBrowse: { type: 'Offering' } },
          { eventType: 'Presence', presence: { type: 'Authenticate' } },
        ],
        content: [{ contentType: 'DatePicker', datePicker: {} }],
      }),
    ).toMatchObject({
      events: [{ eventType: 'Typing', durationMs: 5000 }],
      quickReplies: [],
      attachments: [],
      cards: [],
      unshown: [{ contentType: 'DatePicker', options: [] }],
    });
  });

  test('content the client does not draw is kept with its title and choices, to be told in words', () => {
    const m = parseMessage({
      id: 'p',
      direction: 'Outbound',
      type: 'Structured',
      content: [
        {
          contentType: 'DatePicker',
          datePicker: {
            title: 'Book a call',
            availableTimes: [{ dateTime: '2026-12-08T10:00:00Z', duration: 1800 }, { dateTime: 'not a time' }],
          },
        },
        {
          contentType: 'ListPicker',
          listPicker: {
            title: 'Pick a plan',
            sections: [{ title: 'Plans', items: [{ title: 'Basic' }, { title: 'Pro' }] }],
          },
        },
        { contentType: 'Hologram', hologram: { text: 'Hi' } },
        { contentType: 'ButtonResponse', buttonResponse: { type: 'QuickReply', text: 'Yes', payload: 'y' } },
      ],
    });
    expect(m).toMatchObject({
      unshown: [
        { contentType: 'DatePicker', title: 'Book a call', options: [{ time: '2026-12-08T10:00:00Z' }] },
        {
          contentType: 'ListPicker',
          title: 'Pick a plan',
          options: [{ text: 'Plans' }, { text: 'Basic' }, { text: 'Pro' }],
        },
        { contentType: 'Hologram', title: 'Hi', options: [] },
      ],
    });
  });

  test("cards and a carousel's cards, in order; buttons without a text, or a link without an address, are dropped", () => {
    const card = (title: string) => ({
      title,
      description: `about ${title}`,
      image: `https://img.example/${title}.png`,
      defaultAction: { type: 'Link', url: 'https://shop.example' },
      actions: [
        { type: 'Link', text: 'Open', url: `https://shop.example/${title}` },
        { type: 'Postback', text: 'Pick', payload: `pick-${title}` },
        { type: 'Postback', text: 'No payload' },
        { type: 'Link', text: 'No address' },
        { type: 'Call', text: 'Phone', phoneNumber: '+1' },
        { type: 'Postback', payload: 'no text' },
      ],
    });
    const m = parseMessage({
      id: 'c',
      direction: 'Outbound',
      type: 'Structured',
      text: 'Look',
      content: [
        { contentType: 'Card', card: card('A') },
        { contentType: 'Carousel', carousel: { cards: [card('B'), { description: 'no title' }, card('C')] } },
      ],
    });
    expect('kind' in m).toBe(false);
    const { cards } = m as unknown as { cards: Array<{ title: string; actions: unknown[] }> };
    expect(cards.map((c) => c.title)).toEqual(['A', 'B', 'C']);
    expect(cards[0]).toEqual({
      title: 'A',
      description: 'about A',
      image: 'https://img.example/A.png',
      actions: [
        { type: 'Link', text: 'Open', url: 'https://shop.example/A' },
        { type: 'Postback', text: 'Pick', payload: 'pick-A' },
        { type: 'Postback', text: 'No payload', payload: 'No payload' },
      ],
    });
  });

  test.each([
    [42, 'not text'],
    ['not json', 'not JSON'],
    ['[1]', 'not a JSON object'],
    ['{"type":"message","class":"Mystery","code":200,"body":{}}', 'unknown class Mystery'],
    [
      '{"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","type":"Text"}}',
      'without id',
    ],
    [
      '{"type":"message","class":"StructuredMessage","code":200,"body":{"id":"i","direction":"Sideways","type":"Text"}}',
      'unknown direction',
    ],
    [
      '{"type":"message","class":"StructuredMessage","code":200,"body":{"id":"i","direction":"Outbound","type":"Event","events":[{"eventType":"Video"}]}}',
      'no event the client knows',
    ],
    ['{"type":"response","class":"JwtResponse","code":200,"body":{}}', 'without jwt'],
  ])('%s is invalid (%s), never a throw', (data, reason) => {
    const f = parseFrame(data);
    expect(f.kind).toBe('invalid');
    expect((f as { reason: string }).reason).toContain(reason);
  });

  test('R11, R12: the upload target with its headers, and the upload stored', () => {
    expect(
      parseFrame(
        '{"type":"response","class":"PresignedUrlResponse","code":200,"body":{"attachmentId":"abcd-1234","headers":{"x-amz-tagging":"organizationId=1234&originPlatform=PureCloud","n":1},"url":"https://uploads.url/foo.png"},"tracingId":"t1"}',
      ),
    ).toEqual({
      kind: 'upload-url',
      attachmentId: 'abcd-1234',
      url: 'https://uploads.url/foo.png',
      headers: { 'x-amz-tagging': 'organizationId=1234&originPlatform=PureCloud' },
      tracingId: 't1',
    });
    expect(
      parseFrame(
        '{"type":"message","class":"UploadSuccessEvent","code":200,"body":{"attachmentId":"abcd-1234","downloadUrl":"https://uploads.url/foo.png","timestamp":"2021-04-21T14:03:09.581Z"}}',
      ),
    ).toEqual({
      kind: 'upload-result',
      attachmentId: 'abcd-1234',
      ok: true,
      code: undefined,
      text: undefined,
      tracingId: undefined,
    });
  });

  test('an upload refused before (GenerateUrlError) or after (UploadFailureEvent) the bytes: its code and text', () => {
    for (const cls of ['GenerateUrlError', 'UploadFailureEvent']) {
      expect(
        parseFrame(
          `{"type":"message","class":"${cls}","code":200,"body":{"attachmentId":"a1","errorCode":4002,"errorMessage":"File size is greater than 102400","timestamp":"t"}}`,
        ),
      ).toEqual({
        kind: 'upload-result',
        attachmentId: 'a1',
        ok: false,
        code: 4002,
        text: 'File size is greater than 102400',
        tracingId: undefined,
      });
    }
    expect(parseFrame('{"type":"message","class":"UploadSuccessEvent","code":200,"body":{}}').kind).toBe('invalid');
  });
});
