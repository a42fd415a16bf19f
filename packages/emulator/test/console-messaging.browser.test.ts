import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../src';
import { control, launchChromium } from './helpers';
import { PNG_1X1, WmGuest, isEvent, isOutboundText } from './web-messaging-helpers';

/**
 * The agent console with a Web Messaging conversation, in a real browser (Debian's Chromium through
 * playwright-core), the customer played by a raw `ws` guest socket against the same in-process emulator: from the
 * queue to the disconnect, with the customer's file shown as an image and the agent's quick replies and file.
 */

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
const UI_TIMEOUT_MS = 5000;

let emu: RunningEmulator;
let browser: Browser;
const guests: WmGuest[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const g of guests) g.close();
  await browser?.close();
  await emu?.close();
});

async function openConsole(): Promise<{ page: Page; errors: Error[] }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(emu.consoleUrl);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
  return { page, errors };
}

/** Waits (bounded) until `read` gives `want`, then checks it. */
async function settles<T>(read: () => Promise<T>, want: T): Promise<void> {
  for (let i = 0; i < 50 && (await read()) !== want; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await read()).toBe(want);
}

const nextSecond = () => control(emu, 'POST', '/clock', { advanceMs: 1000 });

test("a person handles a messaging conversation: accept, read the customer's image, reply with quick replies, send a file, transfer, disconnect", async () => {
  const { page, errors } = await openConsole();
  try {
    const [alex, blair] = emu.options.agents;
    const g = await WmGuest.open(emu);
    guests.push(g);
    await g.configure();
    await g.join({ channel: { metadata: { customAttributes: { name: 'Morgan Messenger', topic: 'refund' } } } });
    await g.waitFor((f) => f.body.originatingEntity === 'Bot');
    const chatId = (await control<{ conversationId: string }>(emu, 'GET', `/messaging/sessions/${g.token}`)).body
      .conversationId;

    // In the queue beside chats, marked as messaging, with what the customer told us.
    const card = page.locator(`[data-testid="queue-item"][data-chat-id="${chatId}"]`);
    await card.waitFor();
    expect(await card.getByTestId('queue-item-name').textContent()).toBe('Morgan Messenger');
    expect(await card.getByTestId('media-badge').textContent()).toBe('Messaging');
    expect(await card.getByTestId('queue-item-fields').textContent()).toContain('topic: refund');

    await page.getByTestId('agent-select').selectOption(alex!.id);
    await card.getByTestId('accept').click();
    await page.locator('[data-testid="conv-state"][data-state="connected"]').waitFor();
    expect(await page.getByTestId('conv-state').textContent()).toContain('Connected with Alex Agent');
    await page.locator('[data-testid="notice"]', { hasText: 'virtual assistant' }).waitFor();

    // The customer writes, types, and sends a picture.
    await nextSecond();
    await g.text('My order arrived broken');
    await page
      .locator('[data-testid="message"][data-role="CUSTOMER"]', { hasText: 'My order arrived broken' })
      .waitFor();
    g.send({
      token: g.token,
      action: 'onMessage',
      message: { type: 'Event', events: [{ eventType: 'Typing', typing: { type: 'On' } }] },
    });
    await page.getByTestId('typing-indicator').waitFor({ state: 'visible' });
    expect(await page.getByTestId('typing-indicator').textContent()).toContain('Morgan Messenger is typing');

    const presigned = await g.request({
      action: 'onAttachment',
      attachmentId: randomUUID(),
      fileName: 'broken.png',
      fileType: 'image/png',
      fileSize: PNG_1X1.length,
    });
    await fetch(presigned.body['url'] as string, {
      method: 'PUT',
      headers: { ...(presigned.body['headers'] as Record<string, string>), 'content-type': 'image/png' },
      body: PNG_1X1,
    });
    await g.waitFor((f) => f.class === 'UploadSuccessEvent');
    await nextSecond();
    await g.text('See the photo', {
      content: [{ contentType: 'Attachment', attachment: { id: presigned.body['attachmentId'] } }],
    });
    const image = page.getByTestId('attachment-image');
    await image.waitFor();
    expect(await image.getAttribute('alt')).toBe('broken.png');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="attachment-image"]') as HTMLImageElement | null)?.naturalWidth === 1,
    );

    // A reply with quick replies.
    await page.getByTestId('quick-replies-input').fill('Refund, Replacement');
    const input = page.getByTestId('message-input');
    await input.fill('Sorry about that. What would you prefer?');
    await input.press('Enter');
    const [offer] = await g.waitFor(isOutboundText('Sorry about that. What would you prefer?'));
    expect(offer!.body.originatingEntity).toBe('Human');
    expect(offer!.body.channel).toEqual(
      expect.objectContaining({ from: expect.objectContaining({ nickname: 'Alex Agent' }) }),
    );
    expect(offer!.body.content).toEqual([
      { contentType: 'QuickReply', quickReply: { text: 'Refund', payload: 'Refund' } },
      { contentType: 'QuickReply', quickReply: { text: 'Replacement', payload: 'Replacement' } },
    ]);
    await page.locator('[data-testid="quick-replies"]', { hasText: 'Replacement' }).waitFor();
    // The agent's typing reached the customer as a Typing event.
    expect(g.frames.some(isEvent('Typing', 'On'))).toBe(true);

    // A file from the agent.
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'label.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    const [file] = await g.waitFor((f) =>
      (f.body.content ?? []).some(
        (c) => (c['attachment'] as { filename?: string } | undefined)?.filename === 'label.pdf',
      ),
    );
    expect(file!.body.content![0]).toEqual({
      contentType: 'Attachment',
      attachment: expect.objectContaining({ filename: 'label.pdf', mime: 'application/pdf', mediaType: 'File' }),
    });
    await page.locator('[data-testid="attachment"][data-media-type="File"]', { hasText: 'label.pdf' }).waitFor();

    // Transfer to Blair, who then answers under their own name.
    await page.getByTestId('transfer-target').selectOption(`agent:${blair!.id}`);
    await page.getByTestId('transfer').click();
    await page.locator('[data-testid="conv-state"]', { hasText: 'Blair Expert' }).waitFor();
    await page.getByTestId('agent-select').selectOption(blair!.id);
    await input.fill('Blair here, I will arrange the replacement.');
    await input.press('Enter');
    const [fromBlair] = await g.waitFor(isOutboundText('Blair here, I will arrange the replacement.'));
    expect(fromBlair!.body.channel).toEqual(
      expect.objectContaining({ from: expect.objectContaining({ nickname: 'Blair Expert' }) }),
    );

    // Disconnect: the deployment's read-only mode is offered first.
    await page.getByTestId('end-chat').click();
    expect(await page.getByTestId('disconnect-type').inputValue()).toBe('ReadOnly');
    await page.getByTestId('end-chat-confirm').click();
    const [disconnect] = await g.waitFor(isEvent('Presence', 'Disconnect'));
    expect(disconnect!.body.metadata).toEqual({ readOnly: 'true' });
    await page.locator('[data-testid="conv-state"][data-state="ended"]').waitFor();
    await nextSecond();
    expect((await g.text('hello?')).code).toBe(409);
    expect(errors).toEqual([]);
  } catch (e) {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console-messaging.png'), fullPage: true }).catch(() => undefined);
    throw e;
  } finally {
    await page.context().close();
  }
});

test("a person sends a carousel and a date picker, and turns the deployment's Markdown on and off", async () => {
  const { page, errors } = await openConsole();
  try {
    const [alex] = emu.options.agents;
    const g = await WmGuest.open(emu);
    guests.push(g);
    await g.configure();
    await g.join({ channel: { metadata: { customAttributes: { name: 'Riley Rich' } } } });
    await g.waitFor((f) => f.body.originatingEntity === 'Bot');
    const chatId = (await control<{ conversationId: string }>(emu, 'GET', `/messaging/sessions/${g.token}`)).body
      .conversationId;
    await page.getByTestId('agent-select').selectOption(alex!.id);
    await page.locator(`[data-testid="queue-item"][data-chat-id="${chatId}"]`).getByTestId('accept').click();
    await page.locator('[data-testid="conv-state"][data-state="connected"]').waitFor();

    const input = page.getByTestId('message-input');
    await page.getByTestId('rich-content').selectOption('carousel');
    await input.fill('Two options for you:');
    await input.press('Enter');
    const [boots] = await g.waitFor(isOutboundText('Two options for you:'));
    expect(boots!.body.type).toBe('Structured');
    const carousel = boots!.body.content![0] as { contentType: string; carousel: { cards: Array<{ title: string }> } };
    expect(carousel.contentType).toBe('Carousel');
    expect(carousel.carousel.cards.map((c) => c.title)).toEqual(['Trail boots', 'City boots']);
    // The choice is for one message only: the console clears it once the control API has answered, which may come
    // after the guest has the message.
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="rich-content"]') as HTMLSelectElement | null)?.value === '',
    );

    await nextSecond();
    await page.getByTestId('rich-content').selectOption('date-picker');
    await input.fill('When suits you?');
    await input.press('Enter');
    const [when] = await g.waitFor(isOutboundText('When suits you?'));
    expect(when!.body.content![0]).toEqual(
      expect.objectContaining({
        contentType: 'DatePicker',
        datePicker: expect.objectContaining({ title: 'Book a call' }),
      }),
    );

    const markdownOf = async () =>
      (
        (await (await fetch(`${emu.url}/webdeployments/v1/deployments/${g.deploymentId}/config.json`)).json()) as {
          messenger: { apps: { conversations: { markdown: { enabled: boolean } } } };
        }
      ).messenger.apps.conversations.markdown.enabled;
    const toggle = page.getByTestId('markdown-toggle');
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await settles(markdownOf, true);
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await settles(markdownOf, false);
    expect(errors).toEqual([]);
  } catch (e) {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console-messaging-rich.png') });
    throw e;
  } finally {
    await page.context().close();
  }
});
