import { AgentControl, type CustomerPage } from './pages';
import { e2eSuite, forEachChannel } from './suite';

/**
 * Hostile agent content, as the customer's page shows it: a picture URL that could run script or track the customer
 * is never loaded (the agent's initial shows instead), and a link from the agent opens with
 * rel="noopener noreferrer" and shows where it really goes.
 */

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());

  /** The `src` of every picture in the message list and the agent banner. */
  async function pictureSources(customer: CustomerPage): Promise<string[]> {
    const panel = await customer.panel
      .locator('img')
      .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? ''));
    const banner = await customer.banner
      .locator('img')
      .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? ''));
    return [...panel, ...banner];
  }

  for (const [what, name, url] of [
    ['javascript:', 'Casey Script', 'javascript:alert(document.domain)'],
    ['data: SVG', 'Drew Svg', 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E'],
    ['off-site http:', 'Eli Tracker', 'http://tracker.example/pixel.gif'],
  ] as const) {
    flow(`an agent picture at ${what} is not loaded; the agent's initial shows`, async (f) => {
      const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'), {
        name,
        avatarImageUrl: url,
      });
      await agents().say(chat.id, `Hello from ${name}`);
      await customer.text(`Hello from ${name}`).waitFor();
      expect((await pictureSources(customer)).filter((src) => src === url)).toEqual([]);
      await customer.banner.getByText(name, { exact: true }).waitFor();
      await customer.panel
        .locator('.cds-aichat--response-user-avatar__letter', { hasText: name.charAt(0) })
        .first()
        .waitFor();
    });
  }

  flow('a link from the agent opens with rel="noopener noreferrer" and shows its real destination', async (f) => {
    const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
    await agents().say(chat.id, 'Log in at [your bank](https://evil.example/login) or see https://help.example/faq.');
    const bank = customer.panel.getByRole('link', { name: 'https://evil.example/login' });
    await bank.waitFor();
    expect(await bank.getAttribute('href')).toBe('https://evil.example/login');
    expect(await bank.getAttribute('rel')).toBe('noopener noreferrer');
    await customer.text('your bank', false).waitFor();
    const faq = customer.panel.getByRole('link', { name: 'https://help.example/faq' });
    expect(await faq.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await faq.getAttribute('href')).toBe('https://help.example/faq');
    // No link anywhere in the agent's message goes out without rel.
    const rels = await customer.panel
      .locator('a[target="_blank"]')
      .evaluateAll((as) => as.map((a) => `${a.getAttribute('href')} ${a.getAttribute('rel')}`));
    expect(rels.filter((r) => !r.endsWith(' noopener noreferrer'))).toEqual([]);
  });

  flow('HTML and Markdown an agent types are shown as typed', async (f) => {
    const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
    await agents().say(chat.id, '<b>bold?</b> **stars** {{target="_self"}}');
    await customer.text('<b>bold?</b> **stars** {{target="_self"}}').waitFor();
  });
});
