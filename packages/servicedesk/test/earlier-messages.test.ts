import type { EarlierMessage } from '../src/chat-event';
import { earlierMessagesShower, historyItems } from '../src/hosts/earlier-messages';
import { hostText } from '../src/hosts/agent-text';
import { carbonAdapter } from '../src/hosts/host-adapter';
import { deliverToHost } from '../src/service-desk/host-calls';
import { DEFAULT_STRINGS } from '../src/service-desk/strings';
import { RecordingCallback } from './recording-callback';
import type { MemberInfo } from '../src/transports/guest-chat/detectors/types';
import { SELF, member, raw } from './transports/guest-chat/marbles';
import { wmMessage } from './transports/web-messaging/marbles';
import { splitAtResumePoint } from '../src/transports/guest-chat/earlier-messages';
import type { MessageFrame } from '../src/transports/guest-chat/frames';
import type { Incoming } from '../src/transports/web-messaging/detectors/types';
import { earlierMessages } from '../src/transports/web-messaging/earlier-messages';

/**
 * What a reloaded page shows of the conversation before it: from each channel's history, up to the resume point, the
 * customer's, the agents' and the flow's messages, never the hand-off summary, never what the live backfill shows;
 * and how the host is given them (its history items: the customer's as theirs, the agent's under the agent's name).
 */

const members = new Map<string, MemberInfo>([member.alex, member.flow].map((m) => [m.id, m]));
const gc = (id: string, senderId: string, body: string, bodyType: MessageFrame['bodyType'] = 'standard') =>
  raw.message(id, senderId, body, bodyType as 'standard') as MessageFrame;
const T = gc('x', SELF, '').timestamp;
const ids = (ms: Array<{ id: string }>) => ms.map((m) => m.id);

describe('guest chat: splitAtResumePoint', () => {
  const history = [
    gc('m1', SELF, 'Summary for the agent', 'notice'),
    gc('m2', member.flow.id, 'Finding an agent for you.', 'notice'),
    gc('m3', member.alex.id, '', 'member-join'),
    gc('m4', SELF, 'Hello'),
    gc('m5', member.alex.id, 'Hi, how can I help?'),
    gc('m6', member.alex.id, 'Still there?'),
    gc('m7', SELF, 'Yes, typed just before the reload'),
  ];

  test('up to the resume point: the flow, the agent and the customer as each wrote; the summary and joins are not shown', () => {
    const { earlier, missed } = splitAtResumePoint(history, 'm5', SELF, members);
    expect(earlier).toEqual<EarlierMessage[]>([
      { from: 'system', id: 'm2', text: 'Finding an agent for you.', timestamp: T },
      { from: 'customer', id: 'm4', text: 'Hello', timestamp: T },
      {
        from: 'agent',
        id: 'm5',
        agent: { id: member.alex.id, nickname: 'Alex Agent', avatarUrl: member.alex.avatarImageUrl! },
        text: 'Hi, how can I help?',
        timestamp: T,
      },
      // The customer's own message after the resume point was on screen too (its echo is never shown live).
      { from: 'customer', id: 'm7', text: 'Yes, typed just before the reload', timestamp: T },
    ]);
    // What came after the resume point is the backfill's, once.
    expect(ids(missed)).toEqual(['m6', 'm7']);
  });

  test('no resume point (nothing shown yet): only the customer’s own words, everything to the backfill', () => {
    const { earlier, missed } = splitAtResumePoint(history, undefined, SELF, members);
    expect(ids(earlier)).toEqual(['m4', 'm7']);
    expect(ids(missed)).toEqual(ids(history));
  });

  test('a resume point the history does not reach: all of it is earlier, nothing comes twice', () => {
    const { earlier, missed } = splitAtResumePoint(history, 'gone', SELF, members);
    expect(ids(earlier)).toEqual(['m2', 'm4', 'm5', 'm6', 'm7']);
    expect(missed).toEqual([]);
  });

  test('a departed sender the members do not list is still shown as an agent', () => {
    const { earlier } = splitAtResumePoint([gc('m1', 'agent-9', 'Bye')], 'm1', SELF, members);
    expect(earlier).toEqual([expect.objectContaining({ from: 'agent', agent: { id: 'agent-9', nickname: 'Agent' } })]);
  });
});

const wm = (id: string, m: Partial<Incoming>): Incoming => ({ ...wmMessage(id, m), time: `${id}-time` });

describe('Web Messaging: earlierMessages', () => {
  const history: Incoming[] = [
    wm('w1', { direction: 'Inbound', type: 'Event', replayed: 'more' }),
    wm('w2', { direction: 'Inbound', text: 'Summary for the agent', replayed: 'more' }),
    wm('w3', { originatingEntity: 'Bot', text: 'Finding an agent', replayed: 'more' }),
    wm('w4', { originatingEntity: 'Human', text: 'Hi, this is Alex.', from: { nickname: 'Alex' }, replayed: 'more' }),
    wm('w5', { direction: 'Inbound', text: 'Hello', replayed: 'more' }),
    wm('w6', { originatingEntity: 'Human', text: 'One moment', from: undefined, replayed: 'last' }),
    wm('w7', { originatingEntity: 'Human', text: 'Sent during the reload', from: { nickname: 'Alex' } }),
    wm('w8', { direction: 'Inbound', text: 'Typed before the reload' }),
  ];

  const alexSaid = (id: string, text: string): EarlierMessage => ({
    from: 'agent',
    id,
    agent: { id: 'Alex', nickname: 'Alex' },
    text,
    timestamp: `${id}-time`,
  });

  test('the replayed history as each wrote it, an unnamed agent message the named agent’s, the summary left out', () => {
    expect(earlierMessages(history, 'w2')).toEqual<EarlierMessage[]>([
      { from: 'system', id: 'w3', text: 'Finding an agent', timestamp: 'w3-time' },
      alexSaid('w4', 'Hi, this is Alex.'),
      { from: 'customer', id: 'w5', text: 'Hello', timestamp: 'w5-time' },
      alexSaid('w6', 'One moment'),
      // After the resume point only the customer's own: the agent's come as the backfill.
      { from: 'customer', id: 'w8', text: 'Typed before the reload', timestamp: 'w8-time' },
    ]);
  });

  test('after a transfer each message is its own agent’s', () => {
    const transferred = [
      wm('w1', { originatingEntity: 'Human', text: 'Passing you on', from: { nickname: 'Alex' }, replayed: 'more' }),
      wm('w2', {
        originatingEntity: 'Human',
        text: 'Blair here',
        from: { nickname: 'Blair', image: 'https://cdn.example/b.png' },
        replayed: 'last',
      }),
    ];
    expect(earlierMessages(transferred, undefined).map((m) => (m.from === 'agent' ? m.agent : m.from))).toEqual([
      { id: 'Alex', nickname: 'Alex' },
      { id: 'Blair', nickname: 'Blair', avatarUrl: 'https://cdn.example/b.png' },
    ]);
  });

  test('the customer’s file is shown by its name', () => {
    const file = wm('w1', {
      direction: 'Inbound',
      attachments: [{ id: 'a', filename: 'receipt.png', url: 'https://dl.example/r', mediaType: 'Image' }],
      replayed: 'last',
    } as Partial<Incoming>);
    expect(historyItems(earlierMessages([file], undefined), carbonAdapter)).toEqual([
      expect.objectContaining({
        message: expect.objectContaining({ input: expect.objectContaining({ text: 'receipt.png' }) }),
      }),
    ]);
  });
});

describe('historyItems and the host instance', () => {
  const messages: EarlierMessage[] = [
    { from: 'customer', id: 'a', text: 'Hello', timestamp: T },
    { from: 'agent', id: 'b', agent: { id: 'x', nickname: 'Alex' }, text: 'Hi <b>there</b>', timestamp: 'not a time' },
    {
      from: 'system',
      id: 'c',
      text: 'Pick one',
      timestamp: T,
      quickReplies: [{ text: 'Yes', payload: 'y' }],
    },
  ];

  test('the customer’s as their own request, the agent’s under the agent’s profile, past quick replies as text', () => {
    const items = historyItems(messages, carbonAdapter) as Array<{ message: Record<string, unknown>; time: string }>;
    expect(items[0]).toEqual({
      message: {
        id: 'genesys-a',
        thread_id: 'main',
        input: { text: 'Hello', message_type: 'text', agent_message_type: 'from_user' },
      },
      time: T,
    });
    expect(items[1]!.message).toEqual({
      id: 'genesys-b',
      thread_id: 'main',
      output: {
        generic: [{ response_type: 'text', text: hostText('Hi <b>there</b>'), agent_message_type: 'from_agent' }],
      },
      message_options: { response_user_profile: { id: 'x', nickname: 'Alex', user_type: 'human' } },
    });
    // A time Genesys did not give in a form the host reads becomes a valid one.
    expect(Number.isNaN(Date.parse(items[1]!.time))).toBe(false);
    expect(items[2]!.message).toEqual({
      id: 'genesys-c',
      thread_id: 'main',
      output: {
        generic: [
          { response_type: 'text', text: 'Pick one', agent_message_type: 'from_agent' },
          { response_type: 'text', text: 'Reply with: Yes', agent_message_type: 'from_agent' },
        ],
      },
    });
  });

  test('given to a host that takes history, once, and only when there is something; none for one that does not', async () => {
    const given: unknown[][] = [];
    const show = earlierMessagesShower(
      { messaging: { insertHistory: (items: unknown[]) => given.push(items) } },
      carbonAdapter,
    );
    await show!([]);
    await show!(messages);
    expect(given).toHaveLength(1);
    expect(given[0]).toHaveLength(3);
    expect(earlierMessagesShower({ messaging: {} }, carbonAdapter)).toBeUndefined();
    expect(earlierMessagesShower(undefined, carbonAdapter)).toBeUndefined();
  });

  test('the flow’s notices are left out when the desk shows no system messages', async () => {
    const given: EarlierMessage[][] = [];
    const side = {
      callback: new RecordingCallback(),
      adapter: carbonAdapter,
      strings: DEFAULT_STRINGS,
      showEarlier: async (m: EarlierMessage[]) => void given.push(m),
    };
    await deliverToHost({ type: 'earlierMessages', messages }, { ...side, showSystemMessages: false });
    await deliverToHost({ type: 'earlierMessages', messages }, { ...side, showSystemMessages: true });
    expect(given.map(ids)).toEqual([
      ['a', 'b'],
      ['a', 'b', 'c'],
    ]);
  });
});
