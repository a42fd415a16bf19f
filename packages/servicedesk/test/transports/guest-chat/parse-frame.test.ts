import { parseFrame } from '../../../src/transports/guest-chat/parse-frame';

describe('parseFrame (the edge)', () => {
  test('reads the real samples R1 and R2 and the heartbeat', () => {
    const r1 =
      '{"topicName":"v2.conversations.chats.aa.members","version":"2","eventBody":{"conversation":{"id":"aa"},"member":{"id":"f3","state":"CONNECTED"},"timestamp":"2019-06-18T16:59:09.689Z"},"metadata":{"CorrelationId":"bb","type":"member-change"}}';
    expect(parseFrame(r1)).toEqual({
      kind: 'member-change',
      conversationId: 'aa',
      memberId: 'f3',
      state: 'CONNECTED',
      timestamp: '2019-06-18T16:59:09.689Z',
    });
    const r2 =
      '{"topicName":"v2.conversations.chats.aa.messages","version":"2","eventBody":{"id":"48","conversation":{"id":"aa"},"sender":{"id":"64"},"body":"Hi, how are you?","bodyType":"standard","timestamp":"2019-06-18T16:59:22.277Z"},"metadata":{"CorrelationId":"ca","type":"message"}}';
    expect(parseFrame(r2)).toEqual({
      kind: 'message',
      conversationId: 'aa',
      id: '48',
      senderId: '64',
      body: 'Hi, how are you?',
      bodyType: 'standard',
      timestamp: '2019-06-18T16:59:22.277Z',
    });
    expect(parseFrame('{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}')).toEqual({
      kind: 'heartbeat',
    });
  });

  test.each([
    [42, 'not text'],
    ['not json', 'not JSON'],
    ['[1]', 'not a JSON object'],
    ['{"topicName":"channel.metadata","eventBody":{"message":"Something else"}}', 'unknown channel.metadata'],
    [
      '{"topicName":"v2.x","eventBody":{"conversation":{"id":"c"},"timestamp":"t"},"metadata":{"type":"mystery"}}',
      'unknown frame type mystery',
    ],
    [
      '{"topicName":"v2.x","eventBody":{"conversation":{"id":"c"},"timestamp":"t","member":{"id":"m","state":"ASLEEP"}},"metadata":{"type":"member-change"}}',
      'known state',
    ],
    [
      '{"topicName":"v2.x","eventBody":{"conversation":{"id":"c"},"timestamp":"t","id":"1","body":"x","bodyType":"standard"},"metadata":{"type":"message"}}',
      'without id or sender',
    ],
    ['{"topicName":"v2.x","eventBody":{"timestamp":"t"},"metadata":{"type":"message"}}', 'without conversation'],
  ])('drops %p with a reason (%s), never throws', (data, reason) => {
    const r = parseFrame(data);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toContain(reason);
  });
});
