import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { DEMO } from 'genesys-handoff-emulator';
import { createGenesysServiceDeskFactory, type GenesysServiceDeskOptions } from '../src/guest-chat';
import { DEFAULT_STRINGS } from '../src/internals';
import {
  IDENTITY,
  IDENTITY_SECRET,
  RecordingCallback,
  historyText,
  type HistoryItem,
  chatOf,
  connectMessage,
  control,
  eventually,
  leavePage,
  makeDesk,
  sleep,
  startStack,
  typeAt,
  type Stack,
} from './harness';

/**
 * The service desk against the emulator and the real middleware, over real HTTP and WebSocket. Each test asserts the
 * exact sequence of host callback calls a person would see the effect of.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const agents = () => [...stack.emu.engine.agents.values()];
const alex = () => agents()[0]!;
const blair = () => agents()[1]!;
const noisy = ['updateAgentAvailability'];
const LOST = DEFAULT_STRINGS.connectionLost;
const BACK = DEFAULT_STRINGS.connectionBack;

afterEach(async () => {
  await control(stack, 'DELETE', '/faults');
  await control(stack, 'PUT', '/settings', {
    transferOrder: 'leave-first',
    echoBeforeResponse: false,
    duplicateEvents: false,
    guestInactivityMs: 900_000,
  });
  for (const a of agents()) await control(stack, 'PATCH', `/agents/${a.id}`, { onQueue: true });
});

/** A started chat (queued in the emulator), optionally accepted by Alex; `host` in place of a RecordingCallback. */
async function started(options: Partial<GenesysServiceDeskOptions> = {}, accept = true, host?: RecordingCallback) {
  const d = await makeDesk(stack, options, host);
  await d.desk.startChat(connectMessage(), {});
  const chat = await chatOf(stack, d.name);
  if (accept) {
    await control(stack, 'POST', `/chats/${chat.id}/accept`, { agentId: alex().id });
    await d.cb.waitFor('agentJoined');
  }
  return { ...d, chatId: chat.id };
}

/** The live chat's connection (the last message its stream passed on) and the resume point the host was last given. */
const sessionOf = (desk: unknown) => (desk as { chat: { connection: { lastMessageId?: string } } }).chat.connection;
const persistedIdOf = (cb: RecordingCallback) =>
  (cb.state['genesysChat'] as { lastMessageId?: string } | undefined)?.lastMessageId;

/** The only host call after a failed start: CONNECTING with a message for the user. */
/**
 * A start that failed: the customer is told through CONNECTING (with the reason for the log) and startChat resolved,
 * since a rejection would only reach the page as an unhandled rejection.
 */
const failed = (cb: RecordingCallback, reason: string | RegExp = /./) =>
  expect(cb.calls).toEqual([
    [
      'setErrorStatus',
      {
        type: 1,
        logInfo: expect.stringMatching(reason),
        messageToUser: expect.stringContaining("couldn't connect you"),
      },
    ],
  ]);

const profileOf = (a: { id: string; name: string; avatarImageUrl: string }, memberId: string) => ({
  id: memberId,
  nickname: a.name,
  user_type: 'human',
  profile_picture_url: a.avatarImageUrl,
});
const agentMemberId = (chatId: string) => stack.emu.engine.get(chatId).agentMemberId!;

describe('a chat from start to end', () => {
  test('start: the agent sees name, topic and summary; the guest sees the flow notice, the agent join, typing, messages, and the agent ending it', async () => {
    const { desk, cb, chatId, name } = await started();
    const detail = await control<{
      guest: { displayName: string; customFields: Record<string, string> };
      messages: Array<{ body: string; bodyType: string; senderRole: string }>;
    }>(stack, 'GET', `/chats/${chatId}`);
    expect(detail.guest).toMatchObject({ displayName: name, customFields: { topic: 'refunds' } });
    expect(
      detail.messages.filter((m) => m.senderRole === 'CUSTOMER' && m.bodyType === 'notice').map((m) => m.body),
    ).toEqual(['Customer asked for an agent about a refund.\nOrder 1234 arrived damaged.']);

    await desk.sendMessageToAgent({ input: { text: 'Hello, my order is broken' } }, 'm-1');
    await control(stack, 'POST', `/chats/${chatId}/typing`);
    await cb.waitFor('agentTyping');
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'Sorry to hear that!' });
    await cb.waitFor('sendMessageToUser', 2);
    await control(stack, 'POST', `/chats/${chatId}/end`);
    await cb.waitFor('agentEndedChat');

    const memberId = agentMemberId(chatId) ?? (cb.of('agentJoined')[0]![0] as { id: string }).id;
    expect(cb.calls.filter((c) => !noisy.includes(c[0]))).toEqual([
      ['sendMessageToUser', 'Thanks for contacting us. Finding an agent for you.', undefined],
      ['agentJoined', profileOf(alex(), memberId)],
      ['agentTyping', true],
      ['agentTyping', false],
      ['sendMessageToUser', 'Sorry to hear that!', memberId],
      ['agentEndedChat'],
    ]);
    const after = await control<{ messages: Array<{ body: string; senderRole: string }>; endReason: string }>(
      stack,
      'GET',
      `/chats/${chatId}`,
    );
    expect(
      after.messages.filter((m) => m.senderRole === 'CUSTOMER' && m.body === 'Hello, my order is broken'),
    ).toHaveLength(1);
    expect(after.endReason).toBe('agent');
    // The chat is forgotten: persisted state cleared, and a send now fails clearly.
    expect(cb.state['genesysChat']).toBeNull();
    await expect(desk.sendMessageToAgent({ input: { text: 'late' } })).rejects.toMatchObject({ code: 'NO_CHAT' });
  });

  test('the user ends the chat: the guest leaves Genesys, the socket closes, nothing more reaches the host', async () => {
    const { desk, cb, chatId } = await started();
    const before = cb.calls.length;
    await desk.endChat({ endedByHumanAgent: false, preEndChatPayload: null });
    const chat = await control<{ state: string; endReason: string; guest: { sockets: number } }>(
      stack,
      'GET',
      `/chats/${chatId}`,
    );
    expect(chat).toMatchObject({ state: 'ended', endReason: 'guest' });
    await eventually(
      async () => (await control<{ guest: { sockets: number } }>(stack, 'GET', `/chats/${chatId}`)).guest.sockets === 0,
    );
    await sleep(100);
    expect(cb.calls.slice(before)).toEqual([]);
    await expect(desk.endChat()).resolves.toBeUndefined();
  });

  test('endChat before any chat, and twice, is safe', async () => {
    const { desk } = await makeDesk(stack);
    await expect(desk.endChat()).resolves.toBeUndefined();
    await expect(desk.endChat()).resolves.toBeUndefined();
  });

  test('a second chat in the same desk behaves exactly like the first (no phantom transfer, no stale agent)', async () => {
    const d = await makeDesk(stack);
    const run = async () => {
      const start = d.cb.calls.length;
      await d.desk.startChat(connectMessage(), {});
      const chats = await control<{ entities: Array<{ id: string; state: string; guest: { displayName: string } }> }>(
        stack,
        'GET',
        '/chats',
      );
      const chat = chats.entities.filter((c) => c.guest.displayName === d.name && c.state !== 'ended').pop()!;
      await control(stack, 'POST', `/chats/${chat.id}/accept`, { agentId: alex().id });
      await d.cb.waitFor('agentJoined', d.cb.of('agentJoined').length + 1);
      await control(stack, 'POST', `/chats/${chat.id}/messages`, { body: 'hello again' });
      await eventually(() => d.cb.calls.slice(start).some((c) => c[1] === 'hello again'));
      await d.desk.endChat();
      return d.cb.calls
        .slice(start)
        .filter((c) => !noisy.includes(c[0]))
        .map((c) => c[0]);
    };
    const first = await run();
    const second = await run();
    expect(first).toEqual(['sendMessageToUser', 'agentJoined', 'sendMessageToUser']);
    expect(second).toEqual(first);
  });

  test('the guest is ended for inactivity: the user is told, then the chat ends', async () => {
    await control(stack, 'PUT', '/settings', { guestInactivityMs: 200 });
    const { cb } = await started();
    await cb.waitFor('agentEndedChat');
    expect(cb.names(noisy).slice(-2)).toEqual(['sendMessageToUser', 'agentEndedChat']);
    expect(cb.of('sendMessageToUser').pop()).toEqual(['The chat with the agent has closed.', undefined]);
  });
});

describe('agents', () => {
  test.each(['leave-first', 'alert-first'])(
    'transfer to another agent (%s): beginTransfer, agentLeft, agentJoined with the new profile',
    async (order) => {
      await control(stack, 'PUT', '/settings', { transferOrder: order });
      const { cb, chatId } = await started();
      const first = agentMemberId(chatId);
      await control(stack, 'POST', `/chats/${chatId}/transfer`, { toAgentId: blair().id });
      await cb.waitFor('agentJoined', 2);
      const second = agentMemberId(chatId);
      expect(cb.calls.filter((c) => !noisy.includes(c[0])).slice(-4)).toEqual([
        ['agentJoined', profileOf(alex(), first)],
        // No profile in the transfer: the departure that follows is announced under Alex's name, not Blair's.
        ['beginTransferToAnotherAgent'],
        ['agentLeftChat'],
        ['agentJoined', profileOf(blair(), second)],
      ]);
    },
  );

  test('transfer back to the queue, then another agent: the place in line is told in the chat', async () => {
    const { cb, chatId } = await started();
    await control(stack, 'POST', `/chats/${chatId}/transfer`, { toQueue: stack.emu.options.queues[0]!.name });
    await cb.waitFor('agentLeftChat');
    // The hosts' waiting banner shows only before the first agent: the place in line comes as a status line.
    const queueLine = () =>
      cb
        .of('sendMessageToUser')
        .map((c) => JSON.stringify(c[0]))
        .filter((m) => m.includes(DEFAULT_STRINGS.backInQueue));
    // The wait may be known before the place (the middleware's queue snapshot follows); a change is told again.
    await eventually(() => queueLine().some((m) => m.includes('in line.')));
    await control(stack, 'POST', `/chats/${chatId}/accept`, { agentId: blair().id });
    await cb.waitFor('agentJoined', 2);
    expect(cb.names([...noisy, 'sendMessageToUser']).slice(-4)).toEqual([
      'agentJoined',
      'beginTransferToAnotherAgent',
      'agentLeftChat',
      'agentJoined',
    ]);
    expect(cb.of('beginTransferToAnotherAgent').pop()).toEqual([undefined]);
  });

  test('the agent switching focus (duplicate CONNECTED) is not a second join', async () => {
    const { cb, chatId } = await started();
    await control(stack, 'POST', `/chats/${chatId}/focus`);
    await control(stack, 'POST', `/chats/${chatId}/focus`);
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'still me' });
    await eventually(() => cb.of('sendMessageToUser').some((a) => a[0] === 'still me'));
    expect(cb.of('agentJoined')).toHaveLength(1);
  });

  test('the join is announced even when the member lookup fails (fallback profile)', async () => {
    const { desk, cb, name } = await makeDesk(stack);
    await desk.startChat(connectMessage(), {});
    const chat = await chatOf(stack, name);
    await control(stack, 'POST', '/faults', {
      endpoint: 'GET /api/v2/webchat/guest/conversations/:conversationId/members/:memberId',
      status: 503,
      times: 5,
    });
    await control(stack, 'POST', `/chats/${chat.id}/accept`, { agentId: alex().id });
    const [[profile]] = (await cb.waitFor('agentJoined')) as [[{ nickname: string; user_type: string }]];
    expect(profile).toMatchObject({ nickname: 'Agent', user_type: 'human' });
  });
});

describe('the event stream', () => {
  test('heartbeats and unknown or malformed frames never reach the host; they are logged', async () => {
    const warnings: string[] = [];
    class NoisyWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        this.on('open', () => {
          for (const junk of [
            '{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}',
            'not json',
            '{"topicName":"v2.x","eventBody":{"conversation":{"id":"c"},"timestamp":"2026-01-01T00:00:00.000Z"},"metadata":{"type":"mystery"}}',
          ]) {
            this.emit('message', Buffer.from(junk), false);
          }
        });
      }
    }
    const { cb } = await started({
      webSocketCtor: NoisyWebSocket as never,
      logger: { warn: (m: string) => warnings.push(m) },
    });
    expect(cb.names(noisy)).toEqual(['sendMessageToUser', 'agentJoined']);
    expect(warnings).toEqual([
      'Dropped an event-stream frame: the message is not JSON',
      'Dropped an event-stream frame: unknown frame type mystery on v2.x',
    ]);
  });

  test('the echo of the user’s own message, before or after the REST answer, is never shown as an agent message', async () => {
    await control(stack, 'PUT', '/settings', { echoBeforeResponse: true });
    const { desk, cb, chatId } = await started();
    await desk.sendMessageToAgent({ input: { text: 'echo test' } });
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'after' });
    await eventually(() => cb.of('sendMessageToUser').some((a) => a[0] === 'after'));
    expect(cb.of('sendMessageToUser').map((a) => a[0])).not.toContain('echo test');
  });

  test('re-delivered events are handled once', async () => {
    await control(stack, 'PUT', '/settings', { duplicateEvents: true });
    const { cb, chatId } = await started();
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'once' });
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'twice?' });
    await eventually(() => cb.of('sendMessageToUser').some((a) => a[0] === 'twice?'));
    await sleep(100);
    expect(cb.of('agentJoined')).toHaveLength(1);
    expect(cb.of('sendMessageToUser').filter((a) => a[0] === 'once')).toHaveLength(1);
  });

  test('socket dropped mid-chat: the user is told, the desk reconnects, a message sent meanwhile is shown once', async () => {
    const { cb, chatId } = await started();
    await control(stack, 'POST', `/chats/${chatId}/drop-socket`, { closeFrame: false });
    await eventually(() => cb.statusLines().includes(LOST));
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'while you were away' });
    await eventually(() => cb.statusLines().includes(BACK));
    await eventually(() => cb.of('sendMessageToUser').some((a) => a[0] === 'while you were away'));
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'and after' });
    await eventually(() => cb.of('sendMessageToUser').some((a) => a[0] === 'and after'));
    await sleep(100);
    // Told as the desk's own status lines, not the host's DISCONNECTED error (shown as if the agent wrote it).
    expect(cb.of('setErrorStatus')).toEqual([]);
    expect(cb.statusLines()).toEqual([LOST, BACK]);
    expect(cb.of('sendMessageToUser').flatMap((a) => (typeof a[0] === 'string' ? [a[0]] : []))).toEqual([
      'Thanks for contacting us. Finding an agent for you.',
      'while you were away',
      'and after',
    ]);
    expect(cb.of('agentJoined')).toHaveLength(1);
  });

  test('a missing heartbeat is a dead socket: reconnect', async () => {
    const { cb } = await started({ heartbeatTimeoutMs: 300 });
    // The emulator's heartbeat is 30 s, so 300 ms of silence trips the watchdog.
    await eventually(() => cb.statusLines().length >= 2);
    expect(cb.statusLines().slice(0, 2)).toEqual([LOST, BACK]);
  });

  test('the chat ends while the socket is down: on reconnect the desk sees it ended instead of looping', async () => {
    const { cb, chatId } = await started({ backoff: { initialMs: 300, maxMs: 300 } });
    await control(stack, 'POST', `/chats/${chatId}/drop-socket`, { closeFrame: false });
    await control(stack, 'POST', `/chats/${chatId}/end`);
    await cb.waitFor('agentEndedChat');
    const log = await control<{ counts: Record<string, number> }>(stack, 'GET', '/requests?endpoint=WS');
    expect(log.counts['WS /chat/jwt/:token']).toBeLessThan(50);
  });
});

describe('page reload (reconnect with persisted state)', () => {
  test('the same conversation is reattached, the agent announced again, missed messages shown once', async () => {
    const page1 = await started();
    await control(stack, 'POST', `/chats/${page1.chatId}/messages`, { body: 'before reload' });
    await eventually(() => page1.cb.of('sendMessageToUser').some((a) => a[0] === 'before reload'));
    // The page goes away: no endChat, the socket just dies.
    leavePage(page1);
    await control(stack, 'POST', `/chats/${page1.chatId}/messages`, { body: 'during reload' });

    const page2 = await makeDesk(stack, {}, new RecordingCallback(page1.cb.state));
    expect(await page2.desk.reconnect()).toBe(true);
    await page2.cb.waitFor('agentJoined');
    await eventually(() => page2.cb.of('sendMessageToUser').some((a) => a[0] === 'during reload'));
    await control(stack, 'POST', `/chats/${page1.chatId}/messages`, { body: 'after reload' });
    await eventually(() => page2.cb.of('sendMessageToUser').some((a) => a[0] === 'after reload'));
    expect(page2.cb.names(noisy)).toEqual(['agentJoined', 'sendMessageToUser', 'sendMessageToUser']);
    expect(page2.cb.of('sendMessageToUser').map((a) => a[0])).toEqual(['during reload', 'after reload']);
    const chat = await control<{ state: string; guest: { sockets: number } }>(stack, 'GET', `/chats/${page1.chatId}`);
    expect(chat).toMatchObject({ state: 'connected' });
    await page2.desk.sendMessageToAgent({ input: { text: 'I am back' } });
  });

  test('what the customer had seen comes back first, as the host history: the flow, their words and the agent’s, not the summary', async () => {
    const page1 = await started();
    await page1.desk.sendMessageToAgent({ input: { text: 'My order is broken' } });
    await control(stack, 'POST', `/chats/${page1.chatId}/messages`, { body: 'Let me look' });
    await eventually(() => page1.cb.of('sendMessageToUser').some((a) => a[0] === 'Let me look'));
    leavePage(page1);
    await control(stack, 'POST', `/chats/${page1.chatId}/messages`, { body: 'during reload' });

    const cb = new RecordingCallback(page1.cb.state);
    const page2 = await makeDesk(stack, {}, cb, cb.historyHost());
    expect(await page2.desk.reconnect()).toBe(true);
    await eventually(() => cb.of('sendMessageToUser').some((a) => a[0] === 'during reload'));
    // Before the agent is announced again and before what was missed, once.
    expect(cb.names(noisy)).toEqual(['insertHistory', 'agentJoined', 'sendMessageToUser']);
    const [items] = cb.of('insertHistory')[0] as [HistoryItem[]];
    expect(items.map(historyText)).toEqual([
      'Thanks for contacting us. Finding an agent for you.',
      'My order is broken',
      'Let me look',
    ]);
    expect(
      items.map((i) => i.message.input?.agent_message_type ?? i.message.message_options?.response_user_profile),
    ).toEqual([undefined, 'from_user', profileOf(alex(), agentMemberId(page1.chatId))]);
    await page2.desk.endChat();
  });

  test('hosted watsonx web chat restores its own transcript: no history from the desk unless asked for', async () => {
    const page1 = await started();
    await control(stack, 'POST', `/chats/${page1.chatId}/messages`, { body: 'Let me look' });
    await eventually(() => page1.cb.of('sendMessageToUser').some((a) => a[0] === 'Let me look'));
    leavePage(page1);

    const plain = new RecordingCallback(page1.cb.state);
    const watsonx = await makeDesk(stack, { host: 'watsonx' }, plain, plain.historyHost());
    expect(await watsonx.desk.reconnect()).toBe(true);
    await plain.waitFor('agentJoined');
    leavePage(watsonx);
    const asked = new RecordingCallback(plain.state);
    const restoring = await makeDesk(
      stack,
      { host: 'watsonx', restoreEarlierMessages: true },
      asked,
      asked.historyHost(),
    );
    expect(await restoring.desk.reconnect()).toBe(true);
    await asked.waitFor('agentJoined');
    expect(plain.of('insertHistory')).toEqual([]);
    expect((asked.of('insertHistory')[0]![0] as HistoryItem[]).map(historyText)).toContain('Let me look');
    await restoring.desk.endChat();
  });

  test('a reload while the host is still showing a message: that message and the ones behind it come back once, the shown ones do not', async () => {
    // A host whose `sendMessageToUser` promise settles when the test says (Carbon's callbacks return promises).
    const gates = new Map<string, () => void>();
    class SlowHost extends RecordingCallback {
      override sendMessageToUser(message: string | object, agentID?: string) {
        const recorded = super.sendMessageToUser(message, agentID);
        if (typeof message !== 'string' || !message.startsWith('slow')) return recorded;
        return new Promise<void>((resolve) => gates.set(message, resolve));
      }
    }
    const cb1 = new SlowHost();
    const d = await started({}, true, cb1);
    const chatId = d.chatId;
    const session = () => sessionOf(d.desk);
    const persistedId = () => persistedIdOf(cb1);

    const one = await control<{ id: string }>(stack, 'POST', `/chats/${chatId}/messages`, { body: 'slow one' });
    await cb1.waitFor('sendMessageToUser');
    // 'slow two' reaches the client while the host is still busy with 'slow one'.
    const two = await control<{ id: string }>(stack, 'POST', `/chats/${chatId}/messages`, { body: 'slow two' });
    await eventually(() => session().lastMessageId === two.id);
    expect(persistedId()).not.toBe(two.id);
    gates.get('slow one')!();
    await cb1.waitFor('sendMessageToUser', 2);
    await sleep(50);
    // 'slow one' is shown, 'slow two' is not yet: the saved resume point is 'slow one'.
    expect(persistedId()).toBe(one.id);

    leavePage(d);
    const page2 = await makeDesk(stack, {}, new RecordingCallback(cb1.state));
    expect(await page2.desk.reconnect()).toBe(true);
    await eventually(() => page2.cb.of('sendMessageToUser').length >= 1);
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'after reload' });
    await eventually(() => page2.cb.of('sendMessageToUser').some((a) => a[0] === 'after reload'));
    expect(page2.cb.of('sendMessageToUser').map((a) => a[0])).toEqual(['slow two', 'after reload']);
    await eventually(() => (page2.cb.state['genesysChat'] as { lastMessageId?: string }).lastMessageId !== two.id);
    await page2.desk.endChat();
  });

  test('the resume point is written once per host call, not per message, and at once when the page hides', async () => {
    // Carbon serialises its whole session into sessionStorage on every updatePersistedState: count the writes.
    const gates = new Map<string, () => void>();
    class CountingHost extends RecordingCallback {
      writes = 0;
      override sendMessageToUser(message: string | object, agentID?: string) {
        const recorded = super.sendMessageToUser(message, agentID);
        if (message !== 'burst one') return recorded;
        return new Promise<void>((resolve) => gates.set(message, resolve));
      }
      override updatePersistedState(state: unknown, merge = true) {
        this.writes++;
        return super.updatePersistedState(state, merge);
      }
    }
    const cb = new CountingHost();
    const d = await started({}, true, cb);
    const chatId = d.chatId;
    const session = () => sessionOf(d.desk);
    const persistedId = () => persistedIdOf(cb);

    // The flow's notice came before the agent joined: count the messages from here.
    const shownBefore = cb.of('sendMessageToUser').length;
    // Two messages wait behind the first one's host promise, then are shown together, as one message (a burst).
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'burst one' });
    await cb.waitFor('sendMessageToUser', shownBefore + 1);
    await control(stack, 'POST', `/chats/${chatId}/messages`, { body: 'burst two' });
    const three = await control<{ id: string }>(stack, 'POST', `/chats/${chatId}/messages`, { body: 'burst three' });
    await eventually(() => session().lastMessageId === three.id);
    const before = cb.writes;
    gates.get('burst one')!();
    await cb.waitFor('sendMessageToUser', shownBefore + 2);
    await sleep(50);
    expect(
      cb
        .of('sendMessageToUser')
        .slice(shownBefore)
        .map((a) => a[0]),
    ).toEqual(['burst one', 'burst two\n\nburst three']);
    expect(persistedId()).toBe(three.id);
    // Written per host call at most (the first message, then the burst once the host has drawn it: whether the
    // deferred write runs in that pause is up to the event loop), never per message.
    expect(cb.writes - before).toBeGreaterThanOrEqual(1);
    expect(cb.writes - before).toBeLessThanOrEqual(2);

    // A message is shown and the page is hidden before the deferred write: it is written right then, once.
    const hidden = await control<{ id: string }>(stack, 'POST', `/chats/${chatId}/messages`, {
      body: 'then the tab is hidden',
    });
    await cb.waitFor('sendMessageToUser', shownBefore + 3);
    expect(persistedId()).toBe(three.id);
    d.page.dispatchEvent(new Event('visibilitychange'));
    expect(persistedId()).toBe(hidden.id);
    const afterHide = cb.writes;
    await sleep(50);
    expect(cb.writes).toBe(afterHide);

    // After the chat, the page's events write nothing any more.
    await d.desk.endChat();
    expect(cb.state['genesysChat']).toBeNull();
    const afterEnd = cb.writes;
    d.page.dispatchEvent(new Event('pagehide'));
    expect(cb.writes).toBe(afterEnd);
  });

  test('Genesys fails for a moment after the reload (503 on the member check and on the upgrade): retried, the chat goes on', async () => {
    const page1 = await started();
    leavePage(page1);
    await control(stack, 'POST', '/faults', {
      endpoint: 'GET /api/v2/webchat/guest/conversations/:conversationId/members/:memberId',
      status: 503,
      times: 1,
    });
    await control(stack, 'POST', '/faults', { endpoint: 'GET /chat/jwt/:token', status: 503, times: 2 });
    await control(stack, 'POST', `/chats/${page1.chatId}/messages`, { body: 'still here?' });

    const page2 = await makeDesk(stack, {}, new RecordingCallback(page1.cb.state));
    expect(await page2.desk.reconnect()).toBe(true);
    // Every injected failure was met.
    expect(await control(stack, 'GET', '/faults')).toEqual({ entities: [] });
    await eventually(() => page2.cb.of('sendMessageToUser').some((a) => a[0] === 'still here?'));
    await page2.desk.sendMessageToAgent({ input: { text: 'yes, back' } });
    const detail = await control<{ state: string; messages: Array<{ body: string }> }>(
      stack,
      'GET',
      `/chats/${page1.chatId}`,
    );
    expect(detail.state).toBe('connected');
    expect(detail.messages.map((m) => m.body)).toContain('yes, back');
    expect(page2.cb.state['genesysChat']).toBeTruthy();
    await page2.desk.endChat();
  });

  test("a message refused with 429 is sent again after the Retry-After and reaches the agent once (the transport's one rate-limit layer)", async () => {
    const { desk, chatId } = await started();
    await control(stack, 'POST', '/faults', {
      endpoint: 'POST /api/v2/webchat/guest/conversations/:conversationId/members/:memberId/messages',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    await desk.sendMessageToAgent({ input: { text: 'rate limited once' } });
    expect(await control(stack, 'GET', '/faults')).toEqual({ entities: [] });
    const detail = await control<{ messages: Array<{ body: string }> }>(stack, 'GET', `/chats/${chatId}`);
    expect(detail.messages.filter((m) => m.body === 'rate limited once')).toHaveLength(1);
    await desk.endChat();
  });

  test('reconnect answers false for an ended chat and with nothing persisted', async () => {
    const page1 = await started();
    leavePage(page1);
    await control(stack, 'POST', `/chats/${page1.chatId}/end`);
    const page2 = await makeDesk(stack, {}, new RecordingCallback(page1.cb.state));
    expect(await page2.desk.reconnect()).toBe(false);
    expect(page2.cb.state['genesysChat']).toBeNull();
    const fresh = await makeDesk(stack);
    expect(await fresh.desk.reconnect()).toBe(false);
  });
});

describe('sending', () => {
  test('a send Genesys fails for a moment (500) is sent again and arrives once, in order', async () => {
    const { desk, chatId } = await started();
    const endpoint = 'POST /api/v2/webchat/guest/conversations/:conversationId/members/:memberId/messages';
    await control(stack, 'POST', '/faults', { endpoint, status: 500, times: 1 });
    await expect(desk.sendMessageToAgent({ input: { text: 'after a 500' } })).resolves.toBeUndefined();
    const bodies = async () =>
      (await control<{ messages: Array<{ body: string }> }>(stack, 'GET', `/chats/${chatId}`)).messages.map(
        (m) => m.body,
      );
    expect((await bodies()).filter((b) => b === 'after a 500')).toHaveLength(1);

    await expect(desk.sendMessageToAgent({ input: { text: 'and the next' } })).resolves.toBeUndefined();
    expect((await bodies()).filter((b) => ['after a 500', 'and the next'].includes(b))).toEqual([
      'after a 500',
      'and the next',
    ]);
  });

  test('over 4,000 characters: split into parts that each fit (or refused, when configured)', async () => {
    const { desk, chatId } = await started();
    const long = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    await desk.sendMessageToAgent({ input: { text: long } });
    const detail = await control<{ messages: Array<{ body: string; senderRole: string; bodyType: string }> }>(
      stack,
      'GET',
      `/chats/${chatId}`,
    );
    const parts = detail.messages
      .filter((m) => m.senderRole === 'CUSTOMER' && m.bodyType === 'standard')
      .map((m) => m.body);
    expect(parts.length).toBe(Math.ceil(long.length / 4000));
    expect(parts.every((p) => p.length <= 4000)).toBe(true);
    expect(parts.join(' ')).toBe(long);

    const strict = await started({ longMessages: 'reject' });
    await expect(strict.desk.sendMessageToAgent({ input: { text: 'x'.repeat(4001) } })).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LONG',
    });
  });

  test('typing: at most one Genesys call per throttle window while the user types; stop sends nothing', async () => {
    const { desk } = await started({ typingThrottleMs: 10_000 });
    await control(stack, 'DELETE', '/requests');
    for (let i = 0; i < 10; i++) await desk.userTyping(true);
    await desk.userTyping(false);
    await sleep(100);
    const log = await control<{ counts: Record<string, number> }>(stack, 'GET', '/requests?endpoint=POST');
    expect(log.counts['POST /api/v2/webchat/guest/conversations/:conversationId/members/:memberId/typing']).toBe(1);
  });

  test('typing by default: at most one Genesys typing call per 5 s however fast the user types', async () => {
    const { desk } = await started();
    await control(stack, 'DELETE', '/requests');
    const typingCalls = async () =>
      (await control<{ counts: Record<string, number> }>(stack, 'GET', '/requests?endpoint=POST')).counts[
        'POST /api/v2/webchat/guest/conversations/:conversationId/members/:memberId/typing'
      ] ?? 0;
    // The user types at t0, t0 + 1 s, … t0 + 4.999 s, then at t0 + 5 s.
    await typeAt(desk, [
      { moments: [0, 1000, 2500, 4999], check: () => eventually(async () => (await typingCalls()) === 1) },
      { moments: [5000], check: () => eventually(async () => (await typingCalls()) === 2) },
    ]);
    await sleep(100);
    expect(await typingCalls()).toBe(2);
  });

  test('userReadMessages is a no-op that resolves', async () => {
    const { desk } = await makeDesk(stack);
    await expect(desk.userReadMessages()).resolves.toBeUndefined();
  });
});

describe('availability', () => {
  test('areAnyAgentsOnline: true with agents on queue, false with none, null when availability is off', async () => {
    const { desk } = await makeDesk(stack);
    expect(await desk.areAnyAgentsOnline()).toBe(true);
    for (const a of agents()) await control(stack, 'PATCH', `/agents/${a.id}`, { onQueue: false });
    await eventually(async () => (await desk.areAnyAgentsOnline()) === false);
    const off = await makeDesk(stack, { availability: false });
    expect(await off.desk.areAnyAgentsOnline()).toBeNull();
  });

  test('while waiting: position and wait refreshed (camelCase for Carbon); stops once the agent joins', async () => {
    const { cb, chatId } = await started({}, false);
    // The middleware's queue snapshot may predate this chat for an interval; the position follows.
    // In words, as a message (the hosts' own numbers read "Current wait time is 0 minutes").
    const says = (a: unknown) => (a as { message?: string }).message ?? '';
    await eventually(() => cb.of('updateAgentAvailability').some(([a]) => says(a).includes('in line')));
    const withPosition = cb.of('updateAgentAvailability').find(([a]) => says(a).includes('in line'))![0];
    expect(withPosition).toEqual({
      message: expect.stringMatching(/^You're number \*\*\d+\*\* in line\. Expected wait: (less than a minute|about)/),
    });
    await control(stack, 'POST', `/chats/${chatId}/accept`, { agentId: alex().id });
    await cb.waitFor('agentJoined');
    const n = cb.of('updateAgentAvailability').length;
    await sleep(400);
    expect(cb.of('updateAgentAvailability').length).toBe(n);
  });
});

describe('failures while starting', () => {
  test('Genesys refuses the create (400: the configured queue does not exist)', async () => {
    const bad = await startStack({}, { QUEUE_TARGET: 'No Such Queue', AVAILABILITY_QUEUES: 'No Such Queue' });
    try {
      const { desk, cb } = await makeDesk(bad);
      await desk.startChat(connectMessage(), {});
      failed(cb, /400/);
      expect(bad.emu.engine.conversations.size).toBe(0);
    } finally {
      await bad.close();
    }
  });

  test('Genesys unavailable (503 on create)', async () => {
    const { desk, cb } = await makeDesk(stack);
    await control(stack, 'POST', '/faults', {
      endpoint: 'POST /api/v2/webchat/guest/conversations',
      status: 503,
      times: 1,
    });
    await desk.startChat(connectMessage(), {});
    failed(cb, /503/);
  });

  test('the middleware is down', async () => {
    const factory = createGenesysServiceDeskFactory({
      serverBaseUrl: 'http://127.0.0.1:9',
      webSocketCtor: WebSocket as never,
      host: 'carbon',
      availability: true,
    });
    const cb = new RecordingCallback();
    const desk = await factory({ callback: cb });
    await desk.startChat(connectMessage(), {});
    failed(cb, /^MIDDLEWARE_UNAVAILABLE/);
    // Asked first, the desk says no agent can be reached rather than "unknown" (which hosts show as available).
    expect(await desk.areAnyAgentsOnline()).toBe(false);
  });

  test('the event stream cannot be opened: the conversation is left, not orphaned', async () => {
    class Unreachable extends WebSocket {
      constructor(_url: string) {
        super('ws://127.0.0.1:9/nothing');
      }
    }
    const { desk, cb, name } = await makeDesk(stack, { webSocketCtor: Unreachable as never });
    await desk.startChat(connectMessage(), {});
    failed(cb, /^SOCKET_FAILED/);
    expect(await chatOf(stack, name)).toMatchObject({ state: 'ended', endReason: 'guest' });
  });

  const SUMMARY_POST = 'POST /api/v2/webchat/guest/conversations/:conversationId/members/:memberId/messages';

  test('the summary for the agent fails for a moment (503): posted again, the agent reads it, the chat goes on', async () => {
    const { desk, cb, name } = await makeDesk(stack);
    await control(stack, 'POST', '/faults', { endpoint: SUMMARY_POST, status: 503, times: 1 });
    await desk.startChat(connectMessage(), {});
    const chat = await chatOf(stack, name);
    const detail = await control<{ messages: Array<{ body: string; bodyType: string }> }>(
      stack,
      'GET',
      `/chats/${chat.id}`,
    );
    expect(detail.messages.filter((m) => m.bodyType === 'notice').map((m) => m.body)).toContain(
      'Customer asked for an agent about a refund.\nOrder 1234 arrived damaged.',
    );
    expect(cb.of('setErrorStatus')).toEqual([]);
    expect(chat.state).not.toBe('ended');
    await desk.endChat();
  });

  test('the summary for the agent cannot be posted: the start fails for the customer and the conversation is ended', async () => {
    const { desk, cb, name } = await makeDesk(stack);
    await control(stack, 'POST', '/faults', { endpoint: SUMMARY_POST, status: 503 });
    await desk.startChat(connectMessage(), {});
    // The flow's greeting may have been shown meanwhile; the start ends with the customer told it failed.
    expect(cb.calls[cb.calls.length - 1]).toEqual([
      'setErrorStatus',
      {
        type: 1,
        logInfo: expect.stringMatching(/summary for the agent could not be posted: .*503/),
        messageToUser: expect.stringContaining("couldn't connect you"),
      },
    ]);
    expect(cb.names(['updateAgentAvailability', 'sendMessageToUser'])).toEqual(['setErrorStatus']);
    expect(await chatOf(stack, name)).toMatchObject({ state: 'ended', endReason: 'guest' });
  });

  test('the user cancels while connecting: the conversation is left, no error is shown, the cancel is told', async () => {
    const { desk, cb, name } = await makeDesk(stack);
    await control(stack, 'POST', '/faults', {
      endpoint: 'POST /api/v2/webchat/guest/conversations',
      latencyMs: 200,
      times: 1,
    });
    const start = desk.startChat(connectMessage(), {});
    await sleep(50);
    await desk.endChat();
    await expect(start).resolves.toBeUndefined();
    expect(cb.names()).toEqual(['sendMessageToUser']);
    expect(JSON.stringify(cb.calls[0])).toContain(DEFAULT_STRINGS.requestCancelled);
    expect(await chatOf(stack, name)).toMatchObject({ state: 'ended', endReason: 'guest' });
  });
});

describe('authenticated chat', () => {
  const identityToken = (claims: Record<string, unknown>) => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: IDENTITY.issuer, aud: IDENTITY.audience, iat: now, exp: now + 300, ...claims })}`;
    return `${body}.${createHmac('sha256', IDENTITY_SECRET).update(body).digest('base64url')}`;
  };

  async function authDesk(getIdentityToken: () => Promise<string>) {
    // The authenticated deployment of the emulator.
    const s = await startStack({}, { DEPLOYMENT_ID: DEMO.authDeploymentId });
    const d = await makeDesk(s, { authenticatedChat: true, getIdentityToken });
    return { s, ...d };
  }

  test('with a valid identity, the guest is an authenticated guest', async () => {
    const { s, desk, cb, name } = await authDesk(async () =>
      identityToken({ sub: 'user-42', name: 'Jane Verified', email: 'jane@example.com' }),
    );
    try {
      await desk.startChat(connectMessage(), {});
      expect(await chatOf(s, name)).toMatchObject({ guest: { authenticatedGuest: true } });
      expect(cb.of('setErrorStatus')).toEqual([]);
    } finally {
      await desk.endChat();
      await s.close();
    }
  });

  test('the customer signs out of the site (logOut), after a reload too: the authenticated chat ends for the agent and the customer is told', async () => {
    const { s, desk, cb, name, page } = await authDesk(async () =>
      identityToken({ sub: 'user-43', name: 'Jane Verified' }),
    );
    try {
      await desk.startChat(connectMessage(), {});
      const chat = await chatOf(s, name);
      expect(chat.guest.authenticatedGuest).toBe(true);
      await control(s, 'POST', `/chats/${chat.id}/accept`, { agentId: [...s.emu.engine.agents.values()][0]!.id });
      await cb.waitFor('agentJoined');
      // After a reload too: the reattached chat knows the customer is signed in to it.
      leavePage({ desk, cb, name, page });
      const again = await makeDesk(s, { authenticatedChat: true }, new RecordingCallback(cb.state));
      expect(await again.desk.reconnect()).toBe(true);
      await again.cb.waitFor('agentJoined');
      await again.desk.logOut();
      expect(again.cb.names(noisy).slice(-2)).toEqual(['sendMessageToUser', 'agentEndedChat']);
      expect(again.cb.of('sendMessageToUser').at(-1)![0]).toBe('You signed out, so the chat with the agent has ended.');
      expect(again.cb.state['genesysChat'] ?? null).toBeNull();
      expect(await chatOf(s, name)).toMatchObject({ state: 'ended', endReason: 'guest' });
    } finally {
      await s.close();
    }
  });

  test.each([
    ['a forged identity', async () => identityToken({ sub: 'x' }).slice(0, -3) + 'AAA'],
    ['an identity for another audience', async () => identityToken({ sub: 'x', aud: 'someone-else' })],
    ['no identity at all', async () => ''],
  ])('with %s, the chat is refused before anything is created', async (_name, token) => {
    const { s, desk, cb } = await authDesk(token);
    try {
      await desk.startChat(connectMessage(), {});
      failed(cb, /^(IDENTITY_UNAVAILABLE|IDENTITY_REJECTED|[A-Z_]+):/);
      expect(s.emu.engine.conversations.size).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('hosted watsonx web chat adapter', () => {
  test('sync factory, AgentProfile without user_type, snake_case availability, user id and session history key passed on', async () => {
    const factory = createGenesysServiceDeskFactory({
      serverBaseUrl: stack.middlewareUrl,
      webSocketCtor: WebSocket as never,
      host: 'watsonx',
      availability: true,
      availabilityRefreshMs: 100,
    });
    const cb = new RecordingCallback();
    const desk = factory({ callback: cb });
    expect(desk).not.toBeInstanceOf(Promise);
    const sync = desk as Exclude<typeof desk, Promise<unknown>>;
    sync.updateState({ userID: 'jane.customer@example.com' });
    await sync.startChat(connectMessage(), { agentAppInfo: { sessionHistoryKey: 'shk-123' } });
    const chat = await chatOf(stack, 'jane.customer@example.com');
    expect(chat.guest.customFields).toMatchObject({ sessionHistoryKey: 'shk-123', topic: 'refunds' });
    await eventually(() => cb.of('updateAgentAvailability').length > 0);
    for (const [a] of cb.of('updateAgentAvailability')) expect(Object.keys(a as object)).toEqual(['message']);
    await control(stack, 'POST', `/chats/${chat.id}/accept`, { agentId: alex().id });
    const [[profile]] = (await cb.waitFor('agentJoined')) as [[Record<string, unknown>]];
    expect(profile).toEqual({
      id: agentMemberId(chat.id),
      nickname: alex().name,
      profile_picture_url: alex().avatarImageUrl,
    });
    await sync.endChat({ endedByAgent: false });
  });

  test('an anonymous host user id is not shown to the agent', async () => {
    const factory = createGenesysServiceDeskFactory({
      serverBaseUrl: stack.middlewareUrl,
      webSocketCtor: WebSocket as never,
      host: 'watsonx',
    });
    const desk = factory({ callback: new RecordingCallback() }) as Exclude<
      ReturnType<typeof factory>,
      Promise<unknown>
    >;
    desk.updateState({ userID: 'anonymous_IBMuid-0a1b2c' });
    await desk.startChat(connectMessage(), {});
    expect(await chatOf(stack, 'Customer')).toMatchObject({ state: 'queued' });
    await desk.endChat();
  });
});

describe('the factory', () => {
  test('refuses missing or wrong options with a clear error', () => {
    expect(() => createGenesysServiceDeskFactory({} as never)).toThrow(/serverBaseUrl/);
    expect(() => createGenesysServiceDeskFactory({ serverBaseUrl: 'http://x', host: 'teams' as never })).toThrow(
      /host must be/,
    );
  });

  test('Carbon gets a Promise and a name of at most 40 characters', async () => {
    const factory = createGenesysServiceDeskFactory({ serverBaseUrl: stack.middlewareUrl });
    const p = factory({ callback: new RecordingCallback() });
    expect(p).toBeInstanceOf(Promise);
    expect((await p).getName().length).toBeLessThanOrEqual(40);
  });
});
