import { DEMO } from 'genesys-handoff-emulator';
import type { Locator } from 'playwright-core';
import { AgentControl, type CustomerPage } from './pages';
import { saveScreenshot } from './readme-pictures';
import { e2eSuite, forEachChannel } from './suite';

/**
 * An agent's Markdown as the customer reads it in Carbon AI Chat. On Web Messaging with the deployment's Markdown
 * setting on, the agent's formatting shows (bold, italics, strikethrough, code, lists, links that open safely) and
 * everything else an agent can type stays inert text: no element with an event handler, no `javascript:` link, no
 * picture loaded, no dialog. With the setting off, and always on guest chat, the customer reads exactly what was typed.
 */

const FORMATTED = [
  '**Bold words** and _italic words_ and ~~struck words~~ and `inline code`',
  '',
  '- first bullet',
  '- second bullet',
  '',
  '1. first step',
  '2. second step',
  '',
  'See [our help page](https://help.example/faq).',
  '',
  '```',
  'if (a < b) { go(); }',
  '```',
].join('\n');

const HOSTILE = [
  'Hostile: <img src="x" onerror="window.__hostile=1"> <b onclick="window.__hostile=1">bold?</b>',
  '[run](javascript:window.__hostile=1) ![pixel](https://tracker.example/p.gif) **x**{{onclick="alert(1)"}}',
  '<script>window.__hostile=1</script> www.evil.example',
].join('\n');

/** The newest agent message's text area (where Carbon draws its Markdown). */
function lastAgentMessage(customer: CustomerPage, containing: string): Locator {
  return customer.panel.locator('.cds-aichat--received--from-human', { hasText: containing }).last();
}

/** What could run script or load a tracker inside an element: event-handler attributes, script links, pictures. */
async function activeParts(area: Locator): Promise<string[]> {
  return area.evaluate((root) => {
    const found: string[] = [];
    for (const el of root.querySelectorAll('*')) {
      for (const a of el.getAttributeNames()) if (a.toLowerCase().startsWith('on')) found.push(`${el.tagName} ${a}`);
      const href = el.getAttribute('href');
      if (href && !/^https?:/i.test(href)) found.push(`${el.tagName} href=${href}`);
      if (el.tagName === 'IMG' || el.tagName === 'SCRIPT') found.push(el.tagName);
    }
    return found;
  });
}

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({
    channel,
    emulator:
      channel === 'web-messaging'
        ? {
            messengerDeployments: [
              {
                id: DEMO.messengerDeploymentId,
                name: 'Demo Messenger',
                markdown: true,
                flow: { greeting: 'Hi, I am the virtual assistant.', queue: DEMO.queueId },
              },
            ],
          }
        : {},
  });
  const agents = () => new AgentControl(stack());
  const markdownOn = channel === 'web-messaging';

  flow(
    markdownOn
      ? "the agent's Markdown shows formatted: bold, italics, strikethrough, code, lists and a link that opens safely"
      : "the agent's Markdown shows as typed (guest chat is plain text)",
    async (f) => {
      const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
      await agents().say(chat.id, FORMATTED);
      if (!markdownOn) {
        await customer.text('**Bold words** and _italic words_', false).waitFor();
        expect(await customer.panel.locator('strong, em, s, code, pre, cds-list-item').count()).toBe(0);
        return;
      }
      const message = lastAgentMessage(customer, 'Bold words');
      await message.locator('strong', { hasText: 'Bold words' }).waitFor();
      expect(await message.locator('em').innerText()).toBe('italic words');
      expect(await message.locator('s').innerText()).toBe('struck words');
      expect(await message.locator('code', { hasText: 'inline code' }).count()).toBe(1);
      expect(await message.locator('cds-unordered-list > cds-list-item').allInnerTexts()).toEqual([
        'first bullet',
        'second bullet',
      ]);
      expect(await message.locator('cds-ordered-list > cds-list-item').allInnerTexts()).toEqual([
        'first step',
        'second step',
      ]);
      const link = message.getByRole('link', { name: 'our help page' });
      expect(await link.getAttribute('href')).toBe('https://help.example/faq');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await link.getAttribute('target')).toBe('_blank');
      await message.getByText('if (a < b) { go(); }').first().waitFor();
      // No syntax is left for the customer to read.
      expect(await message.innerText()).not.toMatch(/\*\*|~~|\[our help page\]/);
      await saveScreenshot(customer, 'docs/agent-markdown.png', channel);
    },
  );

  flow("hostile content in the agent's message stays inert text", async (f) => {
    const tab = await f.open('/', 'customer');
    let dialogs = 0;
    tab.page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const { customer, chat } = await agents().connectCustomer(tab);
    await agents().say(chat.id, HOSTILE);
    const message = lastAgentMessage(customer, 'Hostile:');
    await message.getByText('<img src="x" onerror="window.__hostile=1">', { exact: false }).waitFor();
    await message.getByText('<script>window.__hostile=1</script>', { exact: false }).waitFor();
    expect(await activeParts(message)).toEqual([]);
    expect(await message.getByRole('link', { name: 'www.evil.example' }).count()).toBe(0);
    // The picture is not loaded; on Web Messaging its address is offered as a link that opens safely.
    if (markdownOn) {
      expect(await message.getByRole('link', { name: 'pixel' }).getAttribute('rel')).toBe('noopener noreferrer');
    }
    await customer.page.getByRole('textbox', { name: 'Message to send' }).click();
    expect(await tab.page.evaluate(() => (window as { __hostile?: unknown }).__hostile)).toBeUndefined();
    expect(dialogs).toBe(0);
  });

  if (markdownOn) {
    flow("with the deployment's Markdown setting off, the same message shows as typed", async (f) => {
      const settings = `/messaging/deployments/${DEMO.messengerDeploymentId}/settings`;
      await agents().call('PUT', settings, { markdown: false });
      try {
        const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
        await agents().say(chat.id, FORMATTED);
        await customer.text('**Bold words** and _italic words_', false).waitFor();
        expect(await customer.panel.locator('strong, em, s, pre, cds-list-item').count()).toBe(0);
      } finally {
        await agents().call('PUT', settings, { markdown: true });
      }
    });
  }
});
