import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type Page, type WebSocketRoute } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../src';
import { isMemberChange, isMessageFrom, queuedChat, type Frame } from './guest-chat-helpers';
import { control, launchChromium } from './helpers';

/**
 * The agent console in a real browser (Debian's Chromium through playwright-core), driven as a person would, with
 * the customer side played by the real guest chat SDK against the same in-process emulator.
 */

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
/** Locator waits fail well before Jest's own timeout, so a failure names the element it waited for. */
const UI_TIMEOUT_MS = 5000;

interface ChatView {
  id: string;
  state: string;
  endReason: string | null;
  agent: { memberId: string; agentId: string | null; name: string; state: string } | null;
}
interface ControlState {
  agents: Array<{ id: string; name: string; onQueue: boolean; routingStatus: string }>;
  chats: ChatView[];
}

let emu: RunningEmulator;
let browser: Browser;
type Guest = Awaited<ReturnType<typeof queuedChat>>;
const guests: Guest[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const g of guests) g.stream.close();
  await browser?.close();
  await emu?.close();
});

async function guestChat(overrides: Record<string, unknown> = {}): Promise<Guest> {
  const g = await queuedChat(emu, overrides);
  guests.push(g);
  return g;
}

async function state(): Promise<ControlState> {
  const r = await control<ControlState>(emu, 'GET', '/state');
  expect(r.status).toBe(200);
  return r.body;
}

async function chatView(id: string): Promise<ChatView> {
  const c = (await state()).chats.find((x) => x.id === id);
  if (!c) throw new Error(`no chat ${id} in /control/state`);
  return c;
}

const agentsOf = (e: RunningEmulator) => {
  const [alex, blair] = e.options.agents;
  if (!alex || !blair) throw new Error('the demo setup has two agents');
  return { alex, blair };
};

interface Tab {
  page: Page;
  /** Uncaught exceptions in the page: a test fails on any. */
  errors: Error[];
}

type OpenTab = (opts?: { beforeLoad?: (page: Page) => Promise<void> }) => Promise<Tab>;

/**
 * A browser test with its own contexts ("tabs"). On failure every open tab is saved as a screenshot under
 * `test-artifacts/`; the contexts are always closed.
 */
function uiTest(name: string, fn: (open: OpenTab) => Promise<void>, timeoutMs?: number): void {
  test(
    name,
    async () => {
      const tabs: Tab[] = [];
      const open: OpenTab = async (opts = {}) => {
        const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
        context.setDefaultTimeout(UI_TIMEOUT_MS);
        const page = await context.newPage();
        const tab: Tab = { page, errors: [] };
        page.on('pageerror', (e) => tab.errors.push(e));
        tabs.push(tab);
        await opts.beforeLoad?.(page);
        await page.goto(emu.consoleUrl);
        await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
        return tab;
      };
      try {
        await fn(open);
        for (const t of tabs) expect(t.errors).toEqual([]);
      } catch (e) {
        await mkdir(ARTIFACTS, { recursive: true });
        const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
        for (const [i, t] of tabs.entries()) {
          await t.page.screenshot({ path: join(ARTIFACTS, `${slug}-${i}.png`), fullPage: true }).catch(() => undefined);
        }
        throw e;
      } finally {
        for (const t of tabs) await t.page.context().close();
      }
    },
    timeoutMs,
  );
}

const agentFramesOfType = (frames: Frame[], memberId: string, type: string) =>
  frames.filter((f) => f.metadata?.type === type && f.eventBody.sender?.id === memberId);

uiTest(
  'a person accepts, chats, transfers, takes an agent off queue and ends the chat',
  async (open) => {
    const { alex, blair } = agentsOf(emu);
    const guest = await guestChat();
    const { api, conversationId, memberId, stream } = guest;
    const { page } = await open();

    // The waiting chat, with who, where, for how long and what the guest told us.
    const card = page.locator(`[data-testid="queue-item"][data-chat-id="${conversationId}"]`);
    await card.waitFor();
    expect(await card.getByTestId('queue-item-name').textContent()).toBe('Jane Guest');
    expect(await card.getByTestId('queue-item-queue').textContent()).toBe('Chat Queue');
    expect(await card.getByTestId('queue-item-waiting').textContent()).toMatch(/^\d+:\d\d$/);
    expect(await card.getByTestId('queue-item-fields').textContent()).toContain('topic: billing');

    // Accept as Alex.
    await page.getByTestId('agent-select').selectOption(alex.id);
    await card.getByTestId('accept').click();
    await page.locator('[data-testid="conv-state"][data-state="connected"]').waitFor();
    expect(await page.getByTestId('conv-state').textContent()).toContain('Connected with Alex Agent');
    await card.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="chat-item"][data-chat-id="${conversationId}"][aria-current="true"]`).waitFor();
    const accepted = await chatView(conversationId);
    expect(accepted.agent?.agentId).toBe(alex.id);
    const alexMember = accepted.agent!.memberId;
    await stream.waitFor(isMemberChange(alexMember, 'CONNECTED'));
    // The transcript so far: system lines for joins, the inbound flow's notice.
    await page.locator('[data-testid="system-line"]', { hasText: 'Alex Agent joined' }).waitFor();
    await page.locator('[data-testid="notice"]', { hasText: 'Finding an agent for you' }).waitFor();

    // The guest writes; it appears live.
    await api.postWebchatGuestConversationMemberMessages(conversationId, memberId, { body: 'Hi, my invoice is wrong' });
    await page
      .locator('[data-testid="message"][data-role="CUSTOMER"]', { hasText: 'Hi, my invoice is wrong' })
      .waitFor();

    // Typing shows, and the guest's next message clears it (well before the 4 s expiry).
    const typing = page.getByTestId('typing-indicator');
    await api.postWebchatGuestConversationMemberTyping(conversationId, memberId);
    await typing.waitFor({ state: 'visible' });
    expect(await typing.textContent()).toContain('Jane Guest is typing');
    const typedAt = Date.now();
    await api.postWebchatGuestConversationMemberMessages(conversationId, memberId, { body: 'It charges me twice' });
    await page.locator('[data-testid="message"][data-role="CUSTOMER"]', { hasText: 'It charges me twice' }).waitFor();
    await typing.waitFor({ state: 'hidden', timeout: 2000 });
    expect(Date.now() - typedAt).toBeLessThan(3000);

    // Without a message, the indicator goes away by itself after about 4 s.
    await api.postWebchatGuestConversationMemberTyping(conversationId, memberId);
    await typing.waitFor({ state: 'visible' });
    const shownAt = Date.now();
    await typing.waitFor({ state: 'hidden', timeout: 8000 });
    const shownFor = Date.now() - shownAt;
    expect(shownFor).toBeGreaterThan(3000);
    expect(shownFor).toBeLessThan(6000);

    // The person replies: typing goes out once (throttled), Enter sends, the guest's socket gets the message.
    const input = page.getByTestId('message-input');
    await input.click();
    await input.pressSequentially('Let me check that for you.', { delay: 15 });
    await input.press('Enter');
    await stream.waitFor((f) => isMessageFrom(alexMember)(f) && f.eventBody.body === 'Let me check that for you.');
    expect(agentFramesOfType(stream.frames, alexMember, 'typing-indicator')).toHaveLength(1);
    await page
      .locator('[data-testid="message"][data-role="AGENT"]', { hasText: 'Let me check that for you.' })
      .waitFor();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="message-input"]') as HTMLTextAreaElement).value === '',
    );

    // A look at the console mid-chat (kept as an artifact; guest typing shown).
    await api.postWebchatGuestConversationMemberTyping(conversationId, memberId);
    await typing.waitFor({ state: 'visible' });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console-mid-chat.png') });

    // Transfer to Blair: the guest sees Alex leave and Blair connect.
    await page.getByTestId('transfer-target').selectOption(`agent:${blair.id}`);
    await page.getByTestId('transfer').click();
    await page.locator('[data-testid="conv-state"][data-state="connected"]', { hasText: 'Blair Expert' }).waitFor();
    const transferred = await chatView(conversationId);
    expect(transferred.agent?.agentId).toBe(blair.id);
    const blairMember = transferred.agent!.memberId;
    await stream.waitFor(isMemberChange(blairMember, 'CONNECTED'));
    const events = stream.events();
    const left = events.findIndex(isMemberChange(alexMember, 'DISCONNECTED'));
    const joined = events.findIndex(isMemberChange(blairMember, 'CONNECTED'));
    expect(left).toBeGreaterThanOrEqual(0);
    expect(joined).toBeGreaterThan(left);
    await page.locator('[data-testid="system-line"]', { hasText: 'Alex Agent left' }).waitFor();
    await page.locator('[data-testid="system-line"]', { hasText: 'Blair Expert joined' }).waitFor();

    // Alex goes off queue; the switch follows the server's state, and so does /control/state.
    const alexSwitch = page.locator(`[data-testid="agent-toggle"][data-agent-id="${alex.id}"]`);
    expect(await alexSwitch.getAttribute('aria-checked')).toBe('true');
    await alexSwitch.click();
    await page.locator(`[data-testid="agent-toggle"][data-agent-id="${alex.id}"][aria-checked="false"]`).waitFor();
    const alexNow = (await state()).agents.find((a) => a.id === alex.id);
    expect(alexNow).toMatchObject({ onQueue: false, routingStatus: 'OFF_QUEUE' });
    expect(
      await page
        .locator(`[data-testid="agent-item"][data-agent-id="${alex.id}"]`)
        .getByTestId('agent-status')
        .textContent(),
    ).toContain('Off queue');

    // The chat is Blair's now: Alex (acted as here) only reads it until the person acts as Blair.
    expect(await page.getByTestId('composer-hint').innerText()).toContain('Blair Expert has this chat');
    await page.getByTestId('composer-hint').getByRole('button', { name: 'Act as Blair Expert' }).click();

    // End the chat: asked first; the guest socket closes with 1001 and the console shows why it ended.
    await page.getByTestId('end-chat').click();
    await page.getByRole('dialog', { name: 'End the chat with Jane Guest?' }).waitFor();
    await page.getByTestId('end-chat-confirm').click();
    expect((await stream.closed).code).toBe(1001);
    await page.locator('[data-testid="conv-state"][data-state="ended"]', { hasText: 'Agent ended the chat' }).waitFor();
    await page
      .locator(`[data-testid="ended-item"][data-chat-id="${conversationId}"]`, { hasText: 'Agent ended the chat' })
      .waitFor();
    expect(await input.isDisabled()).toBe(true);
    expect((await chatView(conversationId)).endReason).toBe('agent');
    expect(await page.getByTestId('error').isHidden()).toBe(true);
  },
  40_000,
);

uiTest('an error from the control API is shown: accepting a chat another tab already accepted', async (open) => {
  const { alex, blair } = agentsOf(emu);
  const { conversationId } = await guestChat({ memberInfo: { displayName: 'Sam Stale' } });

  // This tab's live feed stalls after the first look (a slow link), so it still shows the chat as waiting.
  let frozen = false;
  const stale = await open({
    beforeLoad: (page) =>
      page.routeWebSocket(/\/control\/events$/, (ws: WebSocketRoute) => {
        const server = ws.connectToServer();
        server.onMessage((m) => {
          if (!frozen) ws.send(m);
        });
      }),
  });
  const staleCard = stale.page.locator(`[data-testid="queue-item"][data-chat-id="${conversationId}"]`);
  await staleCard.waitFor();
  frozen = true;

  const other = await open();
  await other.page.getByTestId('agent-select').selectOption(blair.id);
  await other.page
    .locator(`[data-testid="queue-item"][data-chat-id="${conversationId}"]`)
    .getByTestId('accept')
    .click();
  await other.page.locator('[data-testid="conv-state"][data-state="connected"]').waitFor();

  await stale.page.getByTestId('agent-select').selectOption(alex.id);
  await staleCard.getByTestId('accept').click();
  const error = stale.page.getByTestId('error');
  await error.waitFor({ state: 'visible' });
  const text = await stale.page.getByTestId('error-text').textContent();
  expect(text).toContain('Could not accept the chat');
  expect(text).toContain('only a queued chat can be accepted');
  expect(text).toContain('request.conflict, 409');
  expect(await other.page.getByTestId('error').isHidden()).toBe(true);
  expect((await chatView(conversationId)).agent?.agentId).toBe(blair.id);

  await stale.page.getByRole('button', { name: 'Dismiss the error' }).click();
  await error.waitFor({ state: 'hidden' });

  await control(emu, 'POST', `/chats/${conversationId}/end`);
});

uiTest('a new agent takes a chat, sends it back to the queue, takes it again; the guest leaves', async (open) => {
  const { api, conversationId, memberId, stream } = await guestChat({
    memberInfo: { displayName: 'Lee Leaving', customFields: { orderId: 'A-1042' } },
  });
  const { page } = await open();

  // A person who is none of the configured agents types a name and acts as that new agent.
  await page.getByTestId('new-agent-name').fill('Casey New');
  await page.getByTestId('new-agent-add').click();
  await page.locator('[data-testid="agent-item"]', { hasText: 'Casey New' }).waitFor();
  const casey = (await state()).agents.find((a) => a.name === 'Casey New');
  expect(casey).toBeDefined();
  expect(await page.getByTestId('agent-select').inputValue()).toBe(casey!.id);

  const card = page.locator(`[data-testid="queue-item"][data-chat-id="${conversationId}"]`);
  await card.getByTestId('accept').click();
  await page.locator('[data-testid="conv-state"][data-state="connected"]', { hasText: 'Casey New' }).waitFor();
  expect(await page.getByTestId('conv-fields').textContent()).toContain('A-1042');
  const caseyMember = (await chatView(conversationId)).agent!.memberId;

  // Back to the queue: Casey leaves, the chat waits again and can be accepted from the conversation header.
  await page.getByTestId('transfer-target').selectOption('queue:Chat Queue');
  await page.getByTestId('transfer').click();
  await stream.waitFor(isMemberChange(caseyMember, 'DISCONNECTED'));
  await page.locator('[data-testid="conv-state"][data-state="queued"]').waitFor();
  await card.waitFor();
  expect(await page.getByTestId('message-input').isDisabled()).toBe(true);
  await page.getByTestId('conv-accept').click();
  await page.locator('[data-testid="conv-state"][data-state="connected"]', { hasText: 'Casey New' }).waitFor();
  const again = await chatView(conversationId);
  expect(again.agent?.agentId).toBe(casey!.id);
  expect(again.agent?.memberId).not.toBe(caseyMember);

  // The guest leaves.
  await api.deleteWebchatGuestConversationMember(conversationId, memberId);
  expect((await stream.closed).code).toBe(1001);
  await page.locator('[data-testid="conv-state"][data-state="ended"]', { hasText: 'Customer left' }).waitFor();
  await page
    .locator(`[data-testid="ended-item"][data-chat-id="${conversationId}"]`, { hasText: 'Customer left' })
    .waitFor();
  await page.locator('[data-testid="system-line"]', { hasText: 'Lee Leaving left' }).waitFor();
  expect((await chatView(conversationId)).endReason).toBe('guest');
});

uiTest('the console reconnects its live feed after it drops', async (open) => {
  const routes: WebSocketRoute[] = [];
  const { page } = await open({
    beforeLoad: (p) =>
      p.routeWebSocket(/\/control\/events$/, (ws: WebSocketRoute) => {
        routes.push(ws);
        ws.connectToServer();
      }),
  });
  expect(routes).toHaveLength(1);
  await routes[0]!.close({ code: 1011, reason: 'dropped by the test' });
  await page.locator('[data-testid="connection"][data-state="reconnecting"]').waitFor();
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  expect(routes).toHaveLength(2);

  // Live again: a new guest shows up without a reload.
  const { conversationId } = await guestChat({ memberInfo: { displayName: 'Rae Reconnect' } });
  await page
    .locator(`[data-testid="queue-item"][data-chat-id="${conversationId}"]`, { hasText: 'Rae Reconnect' })
    .waitFor();
  await control(emu, 'POST', `/chats/${conversationId}/accept`, { agentId: agentsOf(emu).blair.id });
  await control(emu, 'POST', `/chats/${conversationId}/end`);
});

uiTest(
  'acting as another agent: their chat is read-only, with a way to act as its agent; long names are whole; ending asks first',
  async (open) => {
    const { alex } = agentsOf(emu);
    const longName = 'Maximilian Alexander-Richardson of Customer Care';
    const { conversationId, stream } = await guestChat({ memberInfo: { displayName: 'Robin Readonly' } });
    const { page } = await open();

    // A person with a long name joins and acts as that agent; Alex takes the chat (from another console).
    await page.getByTestId('new-agent-name').fill(longName);
    await page.getByTestId('new-agent-add').click();
    const me = page.locator('[data-testid="agent-item"]', { hasText: longName });
    await me.waitFor();
    await control(emu, 'POST', `/chats/${conversationId}/accept`, { agentId: alex.id });
    const alexMember = (await chatView(conversationId)).agent!.memberId;
    await stream.waitFor(isMemberChange(alexMember, 'CONNECTED'));

    // The agent list shows the whole name and "(you)", on more than one line if it must.
    expect(await me.locator('.agent-name').innerText()).toBe(`${longName} (you)`);
    const nameBox = me.locator('.agent-name');
    expect(await nameBox.evaluate((n) => n.scrollWidth <= n.clientWidth)).toBe(true);

    // Alex's chat, seen by someone else: no reply box, no transfer, no end; it says whose chat it is.
    await page.locator(`[data-testid="chat-item"][data-chat-id="${conversationId}"]`).click();
    await page.locator('[data-testid="conv-state"][data-state="connected"]').waitFor();
    const hint = page.getByTestId('composer-hint');
    await hint.waitFor({ state: 'visible' });
    expect(await hint.innerText()).toContain(`Alex Agent has this chat; you act as ${longName}.`);
    expect(await page.getByTestId('message-input').isDisabled()).toBe(true);
    expect(await page.getByTestId('end-chat').isHidden()).toBe(true);
    expect(await page.getByTestId('transfer').isHidden()).toBe(true);

    // The control API refuses it as well: nothing goes out under Alex's name on someone else's behalf.
    const mine = (await state()).agents.find((a) => a.name === longName)!;
    const refused = await control<{ message: string }>(emu, 'POST', `/chats/${conversationId}/messages`, {
      body: 'Not mine to send',
      agentId: mine.id,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(`The chat is with Alex Agent; ${longName} cannot write in it.`);

    // "Act as Alex Agent": now the reply goes out, as Alex.
    await hint.getByRole('button', { name: 'Act as Alex Agent' }).click();
    expect(await page.getByTestId('agent-select').inputValue()).toBe(alex.id);
    const input = page.getByTestId('message-input');
    await input.fill('Alex here.');
    await input.press('Enter');
    await stream.waitFor((f) => isMessageFrom(alexMember)(f) && f.eventBody.body === 'Alex here.');
    expect(stream.frames.some((f) => f.eventBody.body === 'Not mine to send')).toBe(false);

    // Ending asks first; "Keep chatting" keeps it.
    await page.getByTestId('end-chat').click();
    const dialog = page.getByRole('dialog', { name: 'End the chat with Robin Readonly?' });
    await dialog.getByRole('button', { name: 'Keep chatting' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await chatView(conversationId)).state).toBe('connected');
    await page.getByTestId('end-chat').click();
    await dialog.getByRole('button', { name: 'End chat' }).click();
    expect((await stream.closed).code).toBe(1001);
    await page.locator('[data-testid="conv-state"][data-state="ended"]', { hasText: 'Agent ended the chat' }).waitFor();
  },
  30_000,
);
