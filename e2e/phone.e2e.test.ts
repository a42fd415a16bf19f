import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { devices, type Locator, type Page } from 'playwright-core';
import { AgentControl, CustomerPage, PLACE_IN_LINE_TIMEOUT_MS } from './pages';
import { ARTIFACTS, ROOT } from './stack';
import { e2eSuite, forEachChannel, type OpenOptions } from './suite';

/**
 * Phone-sized screens (360–390 px wide): the demo's chat panel and the hosted web chat embed page must fit, whether
 * Carbon recognises a phone by its user agent (and goes full screen) or the window is just narrow.
 */

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());

  const NARROW_WINDOW: OpenOptions = { viewport: { width: 360, height: 740 } };
  const IPHONE = devices['iPhone 12'];
  const PHONE: OpenOptions = {
    viewport: IPHONE.viewport,
    device: {
      userAgent: IPHONE.userAgent,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: IPHONE.deviceScaleFactor,
    },
  };

  /** The element lies entirely inside the window (nothing of it cut off at either side). */
  async function expectInView(page: Page, what: string, locator: Locator): Promise<void> {
    const box = await locator.boundingBox();
    const { width, height } = page.viewportSize()!;
    const seen = box && {
      left: box.x >= 0,
      right: box.x + box.width <= width + 0.5,
      top: box.y >= 0,
      bottom: box.y + box.height <= height + 0.5,
    };
    expect({ what, seen }).toEqual({ what, seen: { left: true, right: true, top: true, bottom: true } });
  }

  async function chatOnPhone(
    customer: CustomerPage,
    label: string,
    whileWaiting: () => Promise<void> = async () => undefined,
  ): Promise<void> {
    const { page } = customer;
    await customer.openChat();
    await expectInView(page, `${label}: the chat panel`, page.getByTestId('chat_widget'));
    await expectInView(page, `${label}: the title`, page.getByText('Customer support', { exact: true }).first());
    await expectInView(page, `${label}: the input`, customer.input);

    await customer.say('I want to talk to someone');
    const connect = customer.panel.getByRole('button', { name: 'Connect to agent' });
    await connect.click();
    await customer.page.getByText('Request for agent sent...').first().waitFor();
    const chat = await agents().queuedChatOf(await customer.guestName());
    const place = customer.banner.getByText(/You're number \d+ in line\. Expected wait: /);
    await place.waitFor({ timeout: PLACE_IN_LINE_TIMEOUT_MS });
    await expectInView(page, `${label}: the place in line`, place);
    await whileWaiting();
    await agents().join(chat.id);
    await customer.text('Alex Agent connected.').waitFor();
    await expectInView(page, `${label}: the agent banner`, customer.banner.getByText('Alex Agent', { exact: true }));
    await customer.say('My parcel did not arrive');
    await agents().say(chat.id, 'Sorry to hear that. Let me check.');
    const reply = customer.text('Sorry to hear that. Let me check.');
    await reply.waitFor();
    await expectInView(page, `${label}: the agent's reply`, reply);
    await expectInView(page, `${label}: the input`, customer.input);
  }

  flow('a narrow window (360 px, no phone user agent): the chat panel fits and a whole hand-off works', async (f) => {
    const customer = new CustomerPage(await f.open('/', 'customer', NARROW_WINDOW));
    expect(await customer.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // The README's phone picture: a customer waiting, with the place in line, on the default channel (Web Messaging).
    await chatOnPhone(customer, '360 px', async () => {
      await customer.page.mouse.move(0, 0);
      const png = await customer.page.screenshot({ animations: 'disabled', caret: 'hide' });
      await mkdir(ARTIFACTS, { recursive: true });
      await writeFile(join(ARTIFACTS, `${channel}-demo-phone.png`), png);
      const docs = join(ROOT, 'docs/phone.png');
      if (channel !== 'web-messaging') return;
      if (process.env['UPDATE_SCREENSHOT'] === 'true' || !existsSync(docs)) await writeFile(docs, png);
    });
  });

  flow('a phone (iPhone user agent, 390 px): Carbon goes full screen and a whole hand-off works', async (f) => {
    const customer = new CustomerPage(await f.open('/', 'customer', PHONE));
    await chatOnPhone(customer, 'iPhone');
  });

  flow('the hosted web chat embed page fits a 360 px screen', async (f) => {
    const { page } = await f.open('/watsonx-embed.html', 'embed', NARROW_WINDOW);
    await page.getByText('window.WebChatServiceDeskFactory is a function ✓').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectInView(page, 'the heading', page.getByRole('heading', { level: 1 }));
  });
});
