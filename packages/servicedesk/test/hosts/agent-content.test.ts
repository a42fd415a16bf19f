import { fileSize, hostMessage, notShownText } from '../../src/hosts/agent-content';
import { quickReplyOf, watchQuickReplyChoices } from '../../src/hosts/quick-reply-choice';
import { uploadCapabilities, uploadRefusal } from '../../src/service-desk/upload-check';
import { DEFAULT_STRINGS } from '../../src/service-desk/strings';

/**
 * Files and quick replies as the host is given them: images as images and documents as links only at addresses safe
 * to load (the avatar rule), names shown as typed, quick replies as option buttons whose choice the desk recognises.
 */

const items = (m: ReturnType<typeof hostMessage>) => (typeof m === 'string' ? m : m.output.generic);

describe('hostMessage', () => {
  test('text alone stays the Markdown string both hosts take', () => {
    expect(hostMessage('Hello', {}, 'options')).toBe('Hello');
  });

  test("a Markdown text keeps the agent's formatting; a plain one is shown as typed, with files too", () => {
    expect(hostMessage('**Hi** <b>', { markdown: true }, 'options')).toBe('**Hi** \\<b\\>');
    expect(hostMessage('**Hi** <b>', {}, 'options')).toBe('\\*\\*Hi\\*\\* \\<b\\>');
    const withFile = items(
      hostMessage(
        '**Hi**',
        { markdown: true, files: [{ name: 'a.png', url: 'https://dl.example/a', kind: 'image' }] },
        'text',
      ),
    );
    expect(withFile[0]).toEqual({ response_type: 'text', text: '**Hi**' });
  });

  test('what the host cannot show is told in words, with its choices, never dropped', () => {
    const picker = { kind: 'DatePicker', title: 'Book a call', options: [{ time: '2026-12-08T10:00:00Z' }] };
    const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date('2026-12-08T10:00:00Z'),
    );
    expect(notShownText(picker, 'en-GB')).toBe(
      `This message has a date picker that cannot be shown here: “Book a call”. The choices are: ${when}. Reply with yours.`,
    );
    expect(notShownText({ kind: 'Hologram', options: [] })).toBe(
      'This message has something (Hologram) that cannot be shown here. Reply in your own words.',
    );
    const shown = items(
      hostMessage('', { notShown: [{ kind: 'ListPicker', options: [{ text: '<b>Pro</b>' }] }] }, 'options'),
    );
    expect(shown).toEqual([
      {
        response_type: 'text',
        text: 'This message has a list to choose from that cannot be shown here. The choices are\\: \\<b\\>Pro\\</b\\>. Reply with yours.',
      },
    ]);
  });

  test('an image is an image item, a document a link named after it with its size', () => {
    expect(
      items(
        hostMessage(
          'Here',
          {
            files: [
              { name: 'receipt.png', url: 'https://dl.example/r.png', kind: 'image' },
              { name: 'terms.pdf', url: 'https://dl.example/t.pdf?sig=1', kind: 'file', size: 2048 },
            ],
          },
          'options',
        ),
      ),
    ).toEqual([
      { response_type: 'text', text: 'Here' },
      { response_type: 'image', source: 'https://dl.example/r.png', alt_text: 'receipt.png', title: 'receipt.png' },
      {
        response_type: 'text',
        text: '[terms\\.pdf](<https://dl.example/t.pdf?sig=1>){{rel="noopener noreferrer"}} (2 KB)',
      },
    ]);
  });

  test.each([
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:image/svg+xml,<svg/>'],
    ['off-site http:', 'http://tracker.example/x.png'],
    ['unparsable', 'not a url'],
  ])('a file at a %s address is named, never loaded or linked', (_what, url) => {
    for (const kind of ['image', 'file'] as const) {
      expect(items(hostMessage('', { files: [{ name: 'x.png', url, kind }] }, 'options'))).toEqual([
        { response_type: 'text', text: 'x\\.png (not shown: its address is not safe to open)' },
      ]);
    }
  });

  test('a file name with Markdown or HTML is shown as typed, not as markup', () => {
    const [item] = items(
      hostMessage(
        '',
        { files: [{ name: '<img src=x>[a](b).pdf', url: 'https://dl.example/f', kind: 'file' }] },
        'text',
      ),
    ) as Array<{ text: string }>;
    expect(item!.text).toBe('[\\<img src=x\\>\\[a\\](b).pdf](<https://dl.example/f>){{rel="noopener noreferrer"}}');
  });

  test('quick replies are option buttons whose choice carries the payload; without a way to hear it, a line of text', () => {
    const quickReplies = [
      { text: 'Yes', payload: 'y' },
      { text: 'No *really*', payload: 'n' },
    ];
    const [options] = items(hostMessage('', { quickReplies }, 'options')) as Array<{
      options: Array<{ label: string; value: unknown }>;
    }>;
    expect(options).toMatchObject({ response_type: 'option', preference: 'button' });
    expect(options!.options.map((o) => [o.label, quickReplyOf(o.value)])).toEqual([
      ['Yes', { text: 'Yes', payload: 'y' }],
      ['No *really*', { text: 'No *really*', payload: 'n' }],
    ]);
    expect(items(hostMessage('Pick', { quickReplies }, 'text'))).toEqual([
      { response_type: 'text', text: 'Pick' },
      { response_type: 'text', text: 'Reply with: Yes · No \\*really\\*' },
    ]);
  });

  test('a card: its safe image, its title and description as typed, links to http(s) only, answer buttons heard as choices', () => {
    const card = {
      title: 'Boots *sale*',
      description: '<b>50%</b> off',
      imageUrl: 'javascript:alert(1)',
      actions: [
        { kind: 'link' as const, text: 'Open', url: 'https://shop.example.com/boots' },
        { kind: 'link' as const, text: 'Evil', url: 'javascript:alert(1)' },
        { kind: 'answer' as const, text: 'Buy', payload: 'buy-boots' },
      ],
    };
    const [words, options] = items(hostMessage('', { cards: [card] }, 'options')) as [
      { text: string },
      { response_type: string; options: Array<{ label: string; value: unknown }> },
    ];
    // No image: its address is not one the page may load; the javascript: button is not a link.
    expect(words).toEqual({
      response_type: 'text',
      text: '**Boots \\*sale\\***\n\n\\<b\\>50%\\</b\\> off\n\n[Open](<https://shop.example.com/boots>){{rel="noopener noreferrer"}}',
    });
    expect(options.response_type).toBe('option');
    expect(options.options.map((o) => [o.label, quickReplyOf(o.value)])).toEqual([
      ['Buy', { text: 'Buy', payload: 'buy-boots', fromCard: true }],
    ]);
    // Two cards are shown one after the other; where the desk cannot hear a choice, the answers are listed as text.
    const shown = items(
      hostMessage(
        '',
        {
          cards: [
            { ...card, imageUrl: 'https://img.example/b.png' },
            { title: 'Hat', actions: [] },
          ],
        },
        'text',
      ),
    );
    expect(shown).toEqual([
      { response_type: 'image', source: 'https://img.example/b.png', alt_text: 'Boots *sale*' },
      expect.objectContaining({ response_type: 'text' }),
      { response_type: 'text', text: 'Reply with: Buy' },
      { response_type: 'text', text: '**Hat**' },
    ]);
  });

  test("the desk hears choices on the host's pre:send, and only choices; without an instance it cannot", () => {
    const listeners: Array<{ type: string; handler: (event: { data?: unknown }) => unknown }> = [];
    const chosen: unknown[] = [];
    expect(watchQuickReplyChoices(undefined, (r) => chosen.push(r))).toBe(false);
    expect(
      watchQuickReplyChoices({ on: (l: (typeof listeners)[number]) => listeners.push(l) }, (r) => chosen.push(r)),
    ).toBe(true);
    expect(listeners.map((l) => l.type)).toEqual(['pre:send']);
    listeners[0]!.handler({ data: { input: { text: 'typed by the customer' } } });
    listeners[0]!.handler({ data: { input: { text: 'Yes', genesys_quick_reply: { text: 'Yes', payload: 'y' } } } });
    expect(chosen).toEqual([{ text: 'Yes', payload: 'y' }]);
  });

  test('a request that is not a quick-reply choice is none', () => {
    expect(quickReplyOf({ input: { text: 'hello' } })).toBeUndefined();
    expect(quickReplyOf(undefined)).toBeUndefined();
    expect(quickReplyOf({ input: { genesys_quick_reply: { text: '' } } })).toBeUndefined();
  });

  test('sizes read as a person reads them', () => {
    expect([fileSize(12), fileSize(50 * 1024), fileSize(1536 * 1024), fileSize(20 * 1024 * 1024)]).toEqual([
      '12 B',
      '50 KB',
      '1.5 MB',
      '20 MB',
    ]);
  });
});

describe('the upload policy', () => {
  const policy = { types: ['image/*', 'application/pdf'], maxBytes: 10 * 1024, blockedExtensions: ['.exe'] };

  test('capabilities: off without a policy; any type offers every file', () => {
    expect(uploadCapabilities(undefined)).toEqual({ allowFileUploads: false });
    expect(uploadCapabilities({ ...policy, types: ['*/*', 'video/3gpp'] })).toMatchObject({
      allowFileUploads: true,
      allowedFileUploadTypes: '',
    });
  });

  test.each([
    [{ name: 'a.png', type: 'image/png', size: 10 * 1024 }, undefined],
    [{ name: 'a.PDF', type: 'application/pdf', size: 1 }, undefined],
    [{ name: 'a.bin', type: '', size: 1 }, DEFAULT_STRINGS.fileTypeRefused],
    [{ name: 'a.png', type: 'image/png', size: 10 * 1024 + 1 }, 'This file is too large. The limit is 10 KB.'],
    [{ name: 'run.exe', type: 'image/png', size: 1 }, DEFAULT_STRINGS.fileNameRefused],
  ])('%o → %s', (file, why) => {
    expect(uploadRefusal(file, policy, DEFAULT_STRINGS)).toBe(why);
  });
});
