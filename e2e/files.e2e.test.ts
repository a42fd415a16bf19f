import { DEMO } from 'genesys-handoff-emulator';
import { AgentControl, eventually } from './pages';
import { saveScreenshot } from './readme-pictures';
import { e2eSuite } from './suite';

/**
 * Web Messaging only: guest chat has no files, quick replies or cards.
 *
 * Files both ways, quick replies and cards on Web Messaging, as the customer sees them in Carbon AI Chat: the agent's
 * image shows as an image and a document as a link named after it; the agent's quick replies show as buttons and the
 * choice shows as the customer's message and reaches the agent as their answer; a card shows its picture, words, link
 * and answer buttons; the customer's file reaches the agent, and a file over the deployment's limit is refused with
 * the limit named.
 */

const MAX_KB = 50;
const { flow, stack } = e2eSuite({
  channel: 'web-messaging',
  emulator: {
    messengerDeployments: [
      {
        id: DEMO.messengerDeploymentId,
        name: 'Demo Messenger',
        flow: { greeting: 'Hi, I am the virtual assistant. An agent will be with you shortly.', queue: DEMO.queueId },
        attachments: { maxFileSizeKB: MAX_KB, allowedTypes: ['image/png', 'application/pdf', 'text/plain'] },
      },
    ],
  },
});
const agents = () => new AgentControl(stack());

/** The smallest valid PNG (1×1, transparent). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

interface ChatMessage {
  body: string;
  senderRole: string;
  attachments?: Array<{ filename: string; mime: string }>;
  buttonResponse?: { type: string; text: string; payload: string };
}

async function messages(chatId: string): Promise<ChatMessage[]> {
  return (await agents().call<{ messages: ChatMessage[] }>('GET', `/chats/${chatId}`)).messages;
}

flow("the agent's image shows as an image, a document as a link named after it", async (f) => {
  const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
  await agents().call('POST', `/chats/${chat.id}/files`, {
    filename: 'receipt.png',
    mime: 'image/png',
    dataBase64: PNG.toString('base64'),
    text: 'Here is your receipt',
  });
  await customer.text('Here is your receipt').waitFor();
  const image = customer.panel.locator('img[src*="/api/v2/downloads/"]');
  await image.waitFor();
  expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  // The caption is a plain-text field: the file's name as it is, no Markdown escapes.
  await customer.text('receipt.png').waitFor();
  expect(await customer.text(/receipt\\\.png/).count()).toBe(0);

  await agents().call('POST', `/chats/${chat.id}/files`, {
    filename: 'terms.pdf',
    mime: 'application/pdf',
    dataBase64: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
  });
  const link = customer.panel.getByRole('link', { name: 'terms.pdf' });
  await link.waitFor();
  expect(await link.getAttribute('href')).toContain('/api/v2/downloads/');
  expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
});

flow(
  "the agent's quick replies show as buttons; the choice shows as the customer's and reaches the agent",
  async (f) => {
    const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
    await agents().call('POST', `/chats/${chat.id}/messages`, {
      body: 'How would you like to pay?',
      quickReplies: [
        { text: 'Card', payload: 'pay-card' },
        { text: 'Invoice', payload: 'pay-invoice' },
      ],
    });
    await customer.text('How would you like to pay?').waitFor();
    await customer.panel.getByRole('button', { name: 'Card' }).waitFor();
    await customer.panel.getByRole('button', { name: 'Invoice' }).click();
    // The choice shows as the customer's own message (text, not the button), and the assistant does not answer it.
    await customer.panel.locator('p', { hasText: /^Invoice$/ }).waitFor();
    await eventually(
      async () => (await messages(chat.id)).some((m) => m.buttonResponse?.payload === 'pay-invoice'),
      10_000,
      'the answer at the agent',
    );
    const answer = (await messages(chat.id)).find((m) => m.buttonResponse);
    expect(answer).toMatchObject({ senderRole: 'CUSTOMER', body: 'Invoice', buttonResponse: { text: 'Invoice' } });
    expect(await customer.panel.getByText("I'm only a tiny demo assistant", { exact: false }).count()).toBe(0);
  },
);

flow(
  "the agent's cards show their picture, words and buttons; a link opens safely, an answer reaches the agent",
  async (f) => {
    const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
    const picture = `${stack().emulator.url}/avatars/card-picture.svg`;
    const slug = (title: string) => title.toLowerCase().replace(/ /g, '-');
    const card = (title: string, description: string) => ({
      title,
      description,
      image: picture,
      actions: [
        { type: 'Link', text: `${title} details`, url: `https://shop.example.com/${slug(title)}` },
        { type: 'Postback', text: `I'll take the ${title}`, payload: `take-${slug(title)}` },
      ],
    });
    await agents().call('POST', `/chats/${chat.id}/messages`, {
      body: 'Two options for you:',
      cards: [card('Trail boots', 'Waterproof, sizes 36 to 47.'), card('City boots', 'Leather, sizes 38 to 46.')],
    });
    await customer.text('Two options for you:').waitFor();
    await customer.text('Trail boots').waitFor();
    await customer.text('Waterproof, sizes 36 to 47.').waitFor();
    await customer.text('City boots').waitFor();
    const image = customer.panel.locator(`img[src="${picture}"]`).first();
    await image.waitFor();
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const link = customer.panel.getByRole('link', { name: 'Trail boots details' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://shop.example.com/trail-boots');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    await image.scrollIntoViewIfNeeded();
    await saveScreenshot(customer, 'docs/agent-card.png', 'web-messaging');

    await customer.panel.getByRole('button', { name: "I'll take the City boots" }).click();
    await eventually(
      async () => (await messages(chat.id)).some((m) => m.buttonResponse?.payload === 'take-city-boots'),
      10_000,
      'the answer at the agent',
    );
    const answer = (await messages(chat.id)).find((m) => m.buttonResponse);
    expect(answer).toMatchObject({ senderRole: 'CUSTOMER', body: "I'll take the City boots" });
    expect(await customer.panel.getByText("I'm only a tiny demo assistant", { exact: false }).count()).toBe(0);
  },
);

flow('what Carbon cannot show (a date picker, a list picker) is told in words with its choices', async (f) => {
  const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
  await agents().call('POST', `/chats/${chat.id}/messages`, {
    body: 'When suits you?',
    content: [
      {
        contentType: 'DatePicker',
        datePicker: { title: 'Book a call', availableTimes: [{ dateTime: '2026-12-08T10:00:00Z', duration: 1800 }] },
      },
      {
        contentType: 'ListPicker',
        listPicker: { title: 'Pick a plan', sections: [{ items: [{ title: 'Basic' }, { title: 'Pro' }] }] },
      },
    ],
  });
  await customer.text('When suits you?').waitFor();
  const when = await customer.page.evaluate(() =>
    new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date('2026-12-08T10:00:00Z'),
    ),
  );
  await customer
    .text(
      `This message has a date picker that cannot be shown here: “Book a call”. The choices are: ${when}. Reply with yours.`,
    )
    .waitFor();
  await customer
    .text(
      'This message has a list to choose from that cannot be shown here: “Pick a plan”. The choices are: Basic · Pro. Reply with yours.',
    )
    .waitFor();
});

flow("the customer's file reaches the agent; one over the limit is refused with the limit named", async (f) => {
  const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
  const picker = customer.page.locator('input[type="file"]');
  await customer.page.getByRole('button', { name: 'Add files to upload' }).waitFor();

  await picker.setInputFiles({
    name: 'too-big.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.alloc(MAX_KB * 1024 + 1),
  });
  await customer.page.getByText(`This file is too large. The limit is ${MAX_KB} KB.`).first().waitFor();
  await customer.page.getByRole('button', { name: 'Remove file' }).first().click();

  await picker.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
  await customer.say('My photo');
  await eventually(
    async () => (await messages(chat.id)).some((m) => m.attachments?.some((a) => a.filename === 'photo.png')),
    15_000,
    'the file at the agent',
  );
  await customer.text('My photo').waitFor();
  expect(await customer.page.getByText("The file couldn't be sent", { exact: false }).count()).toBe(0);
});
