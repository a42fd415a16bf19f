import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { AGENT_AVAILABLE_MESSAGE, AGENT_UNAVAILABLE_MESSAGE } from 'genesys-handoff-demo/assistant';
import { DEMO } from 'genesys-handoff-emulator';
import { AgentControl, CustomerPage, eventually } from './pages';
import { ARTIFACTS, ROOT } from './stack';
import { e2eSuite, forEachChannel } from './suite';

/**
 * The rest of the demo site: authenticated chat through the demo login, the agent console played by a person in a
 * second page, and the hosted watsonx web chat embed page.
 */

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());
  // The deployments the demo's two middlewares name: the normal one and the one that requires a signed-in customer.
  const [deploymentId, authDeploymentId] =
    channel === 'web-messaging'
      ? [DEMO.messengerDeploymentId, DEMO.messengerAuthDeploymentId]
      : [DEMO.deploymentId, DEMO.authDeploymentId];
  const CONNECT_FAILED = "Sorry, we couldn't connect you to an agent right now. Please try again in a moment.";

  /** Logs in on the demo page (the page reloads) and waits for the logged-in state. */
  async function logIn(customer: CustomerPage, name: string, email: string): Promise<void> {
    const form = customer.page.locator('#login-form');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Email').fill(email);
    await customer.page.getByRole('button', { name: 'Log in (demo)' }).click();
    await customer.page.getByText(`Logged in as ${name}`).waitFor();
  }

  flow('authenticated chat: a visitor logged in on the site is a verified customer in Genesys', async (f) => {
    const customer = new CustomerPage(await f.open('/', 'customer'));
    await customer.page.getByText('demo only', { exact: true }).waitFor();
    await logIn(customer, 'Jane Verified', 'jane.verified@example.com');
    expect(await customer.page.evaluate(() => window.__demo?.authenticated)).toBe(true);

    await customer.openChat();
    await customer.requestAgent('I need an agent about my account');
    const chat = await agents().queuedChatOf('Jane Verified');
    const detail = await agents().call<{
      deploymentId: string;
      guest: { authenticatedGuest: boolean; signedData: Record<string, unknown> | null };
    }>('GET', `/chats/${chat.id}`);
    expect(detail.deploymentId).toBe(authDeploymentId);
    expect(detail.guest.authenticatedGuest).toBe(true);
    // The agent sees what the site vouched for (the identity token's claims, signed by the middleware through Genesys).
    expect(detail.guest.signedData).toMatchObject({
      sub: 'demo:jane.verified@example.com',
      name: 'Jane Verified',
      email: 'jane.verified@example.com',
    });

    await agents().join(chat.id);
    await customer.text('Alex Agent connected.').waitFor();
    await customer.say('Hello from a verified customer');
    await eventually(
      async () => (await agents().guestMessages(chat.id)).includes('Hello from a verified customer'),
      10_000,
      'the message at the agent',
    );
    await customer.disconnect();
    await eventually(async () => (await agents().chat(chat.id)).state === 'ended', 10_000, 'the chat to end');

    // Logged out again: the normal deployment, not an authenticated guest.
    await customer.page.getByRole('button', { name: 'Log out' }).click();
    await customer.page.getByRole('button', { name: 'Log in (demo)' }).waitFor();
    expect(await customer.page.evaluate(() => window.__demo?.authenticated)).toBe(false);
    await customer.ensureChatOpen();
    await customer.requestAgent();
    const anonymous = await agents().queuedChatOf(await customer.guestName());
    const anonymousDetail = await agents().call<{ deploymentId: string; guest: { authenticatedGuest: boolean } }>(
      'GET',
      `/chats/${anonymous.id}`,
    );
    expect(anonymousDetail).toMatchObject({ deploymentId, guest: { authenticatedGuest: false } });
    await customer.cancelRequest();
    await eventually(
      async () => (await agents().chat(anonymous.id)).state === 'ended',
      10_000,
      'the request to be withdrawn',
    );
  });

  flow(
    'logging out of the site ends the signed-in agent chat and tells the customer; the agent loses the verified customer',
    async (f) => {
      const customer = new CustomerPage(await f.open('/', 'customer'));
      await logIn(customer, 'Jane Leaving', 'jane.leaving@example.com');
      await customer.openChat();
      await customer.requestAgent('I need an agent about my account');
      const chat = await agents().queuedChatOf('Jane Leaving');
      await agents().join(chat.id);
      await customer.text('Alex Agent connected.').waitFor();
      expect((await agents().chat(chat.id)).guest.authenticatedGuest).toBe(true);

      await customer.page.getByRole('button', { name: 'Log out' }).click();
      // The page reloads once the chat is over; the customer reads why it ended, and is logged out.
      await customer.page.getByRole('button', { name: 'Log in (demo)' }).waitFor();
      await customer.ensureChatOpen();
      await customer.text('You signed out, so the chat with the agent has ended.').waitFor();
      expect(await customer.count('You signed out, so the chat with the agent has ended.')).toBe(1);
      expect(await customer.page.evaluate(() => window.__demo?.authenticated)).toBe(false);
      // The agent's conversation with the verified customer is over: the customer left it.
      expect(await agents().chat(chat.id)).toMatchObject({ state: 'ended', endReason: 'guest' });
    },
  );

  flow(
    'authenticated chat with an identity that cannot be verified: refused, the customer is told, nothing reaches Genesys',
    async (f) => {
      const customer = new CustomerPage(await f.open('/', 'customer'));
      await logIn(customer, 'Jane Forged', 'jane.forged@example.com');

      // From now on the site hands out a token with a broken signature (as a misconfigured or tampered site would).
      const res = await fetch(`${stack().siteUrl}/demo-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Jane Forged', email: 'jane.forged@example.com' }),
      });
      const real = (await res.json()) as { token: string; expiresAt: number; user: unknown };
      const forged = `${real.token.slice(0, -6)}AAAAAA`;
      await customer.page.route('**/demo-login', (route) => route.fulfill({ json: { ...real, token: forged } }));

      // No unhandled rejection (the suite fails a flow on any page error): the desk reports the failure through the
      // host instead of rejecting, which Carbon's connect card would rethrow.
      await customer.openChat();
      await customer.say('agent please');
      await customer.panel.getByRole('button', { name: 'Connect to agent' }).click();
      await customer.text(CONNECT_FAILED).waitFor();
      expect((await agents().chats()).filter((c) => c.guest.displayName === 'Jane Forged')).toEqual([]);
      // The chat is back with the assistant, and a new request can be made.
      await customer.say('what can you do');
      await customer.text('I can tell you our opening hours', false).waitFor();
      await customer.say('agent again, please');
      const connect = customer.panel.getByRole('button', { name: 'Connect to agent' });
      await eventually(async () => (await connect.count()) === 2, 10_000, 'a second connect card');
      expect(await connect.last().isEnabled()).toBe(true);
    },
  );

  flow(
    'the agent console in a second page: a person accepts the chat and replies; the customer sees it live',
    async (f) => {
      // The page's clock starts at a fixed time (and then runs), so the screenshot shows the same timestamps every run.
      const fixedClock = async (page: Page) => page.clock.install({ time: new Date('2025-06-02T14:05:00Z') });
      const customer = new CustomerPage(await f.open('/', 'customer', { beforeLoad: fixedClock }));
      await customer.openChat();
      await customer.say('Hi');
      await customer.text('Hello! How can I help? Say "agent" any time to talk to a person.').waitFor();
      await customer.requestAgent('Can I talk to someone about my order?');
      const chat = await agents().queuedChatOf(await customer.guestName());

      const agentPage = (await f.open(stack().emulator.consoleUrl, 'agent-console')).page;
      const card = agentPage.locator(`[data-testid="queue-item"][data-chat-id="${chat.id}"]`);
      await card.waitFor();
      expect(await card.getByTestId('queue-item-fields').textContent()).toContain('topic: orders');
      await card.getByTestId('accept').click();
      // Guest chat tells the customer at once; Web Messaging with the agent's first message (the class comment of
      // AgentControl).
      if (channel === 'guest-chat') await customer.text('Alex Agent connected.').waitFor();

      const reply = agentPage.getByTestId('message-input');
      await reply.fill("Hi, I'm Alex. I can help with your order.");
      await reply.press('Enter');
      await customer.text("Hi, I'm Alex. I can help with your order.").waitFor();
      await customer.text('Alex Agent connected.').waitFor();

      await customer.say('It was due yesterday, order 1234.');
      await agentPage
        .locator('[data-testid="message"][data-role="CUSTOMER"]', { hasText: 'It was due yesterday, order 1234.' })
        .waitFor();
      await reply.fill('Thanks! It is on its way and arrives tomorrow morning.');
      await reply.press('Enter');
      await customer.text('Thanks! It is on its way and arrives tomorrow morning.').waitFor();
      await customer.banner.getByText('Alex Agent', { exact: true }).waitFor();

      // The README's picture: the customer mid-chat, the agent's name in view. Carbon scrolls the latest question to
      // the top of the list; scroll back a little so the hand-off itself is in the picture too.
      const joined = customer.text('Alex Agent connected.');
      await customer.page.mouse.move(1050, 500);
      await customer.page.mouse.wheel(0, -280);
      let lastY = -1;
      await eventually(
        async () => {
          const y = (await joined.boundingBox())?.y ?? -1;
          const settled = y > 330 && y === lastY;
          // The desk brings the newest agent line into view again a moment after it is drawn, which may undo a wheel
          // that came first: when the list has stopped short of the join line, scroll up again.
          if (y <= 330 && y === lastY) await customer.page.mouse.wheel(0, -280);
          lastY = y;
          return settled;
        },
        5000,
        'the join line to scroll into view and stop',
      );
      await customer.page.mouse.move(0, 0);
      const png = await customer.page.screenshot({ animations: 'disabled', caret: 'hide' });
      // Always kept with the run's artifacts; docs/screenshot.png (the README's) is written when missing or when
      // asked for, since a few anti-aliased pixels differ from run to run and the file would change every time.
      await mkdir(ARTIFACTS, { recursive: true });
      await writeFile(join(ARTIFACTS, 'demo-mid-chat.png'), png);
      const docs = join(ROOT, 'docs/screenshot.png');
      if (process.env['UPDATE_SCREENSHOT'] === 'true' || !existsSync(docs)) {
        await mkdir(dirname(docs), { recursive: true });
        await writeFile(docs, png);
      }
      expect(png.length).toBeLessThan(300_000);
    },
    90_000,
  );

  flow(
    'the hosted watsonx embed page loads servicedesk.bundle.js, wires it as serviceDeskFactory, and it makes a working service desk',
    async (f) => {
      const { page } = await f.open('/watsonx-embed.html', 'embed');
      await page.getByText('window.WebChatServiceDeskFactory is a function ✓').waitFor();
      await page.getByText('set to window.WebChatServiceDeskFactory ✓', { exact: false }).waitFor();
      const snippet = await page.locator('#snippet').textContent();
      expect(snippet).toContain('serviceDeskFactory: window.WebChatServiceDeskFactory,');
      expect(snippet).toContain(`serverBaseUrl: "${stack().middlewareUrl}"`);
      expect(snippet).toContain(`s.src = "${stack().siteUrl}/servicedesk.bundle.js"`);
      // The options are set before the bundle is loaded, and web chat is loaded only once the bundle has.
      expect(snippet!.indexOf('window.WebChatServiceDeskFactoryOptions =')).toBeLessThan(snippet!.indexOf('s.src ='));
      expect(snippet).toContain('s.onload = loadWebChat;');

      // What IBM's web chat would do with it: call the factory, ask for agents, start a chat (hosted-web-chat shapes).
      const online = await page.evaluate(async () => {
        const calls: unknown[][] = [];
        const callback = new Proxy(
          {},
          {
            get:
              (_t, name) =>
              (...args: unknown[]) => (calls.push([String(name), ...args]), Promise.resolve()),
          },
        );
        const factory = window.watsonAssistantChatOptions!['serviceDeskFactory'] as (
          p: unknown,
        ) => Record<string, (...a: unknown[]) => Promise<unknown>>;
        const desk = factory({ callback });
        (window as unknown as { __desk: unknown }).__desk = desk;
        const agentsOnline = await desk['areAnyAgentsOnline']!({});
        await desk['startChat']!(
          {
            output: { generic: [{ response_type: 'connect_to_agent', message_to_human_agent: 'From the embed page' }] },
          },
          { agentAppInfo: { sessionHistoryKey: 'embed-key' } },
        );
        return { agentsOnline, name: (desk['getName'] as unknown as () => string)() };
      });
      expect(online).toEqual({ agentsOnline: true, name: 'Genesys Cloud' });
      const chat = await agents().queuedChatOf('Customer');
      expect(chat.guest.customFields).toMatchObject({ sessionHistoryKey: 'embed-key' });
      await page.evaluate(() =>
        (window as unknown as { __desk: Record<string, (i: unknown) => Promise<void>> }).__desk['endChat']!({
          endedByAgent: false,
        }),
      );
      expect((await agents().chat(chat.id)).state).toBe('ended');
    },
  );

  flow(
    'the customer page, the embed page and the agent console load without a failed request, favicon included',
    async (f) => {
      for (const path of ['/', '/watsonx-embed.html', stack().emulator.consoleUrl]) {
        const failed: string[] = [];
        const icons: number[] = [];
        const tab = await f.open(path, `page ${path}`, {
          beforeLoad: async (page) => {
            page.on('response', (r) => {
              if (/\/favicon\.(ico|svg)$/.test(new URL(r.url()).pathname)) icons.push(r.status());
              if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
            });
            page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
          },
        });
        // The browser asks for the icon on its own once the page has loaded; it must be served.
        await eventually(() => icons.length > 0, 10_000, `the browser to fetch the icon of ${path}`);
        await tab.page.waitForLoadState('networkidle');
        expect({ path, icons, failed }).toEqual({ path, icons: [200], failed: [] });
      }
    },
  );

  flow(
    'the middleware is down: no agent is offered as available, and the chat goes on with the assistant',
    async (f) => {
      const customer = new CustomerPage(
        await f.open('/', 'customer', {
          beforeLoad: async (page) => {
            await page.route(`${stack().middlewareUrl}/**`, (route) => route.abort('connectionrefused'));
          },
        }),
      );
      await customer.openChat();
      await customer.say('I want to talk to someone');
      await customer.text(AGENT_UNAVAILABLE_MESSAGE).waitFor();
      expect(await customer.count(AGENT_AVAILABLE_MESSAGE)).toBe(0);
      expect(await customer.panel.getByRole('button', { name: 'Connect to agent' }).count()).toBe(0);
      await customer.say('what can you do');
      await customer.text('I can tell you our opening hours', false).waitFor();
    },
  );
});
