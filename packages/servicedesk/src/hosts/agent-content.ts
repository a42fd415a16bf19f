import type { ChatCard, ChatFile, MessageExtras, NotShownContent, QuickReply } from '../chat-event';
import { hostMarkdown } from './agent-markdown';
import { namedLink, hostText, httpUrl, plainText } from './agent-text';
import { safeContentUrl } from './avatar-url';

/**
 * Where a quick-reply choice travels in the host's request: both hosts send an option's `value.input` as the
 * customer's message, to the assistant (`customSendMessage`); the desk takes it from the host's `pre:send` event
 * (`hosts/quick-reply-choice.ts`). `agent_message_type: "from_user"` is the hosts' own mark of a message for the human
 * agent, which an assistant can use to leave it alone.
 */
export const QUICK_REPLY_INPUT_KEY = 'genesys_quick_reply';

/** How the host shows quick replies: as option buttons (the desk hears the choice), or as a line of text. */
export type QuickReplyDisplay = 'options' | 'text';

type GenericItem = Record<string, unknown>;

/**
 * A message from Genesys as the host is given it: a text alone as the Markdown string both hosts take (`textForHost`:
 * the agent's formatting when the text is Markdown, else exactly what was typed); with files,
 * quick replies or cards, a message response with one item each: the text, each image as an `image` item, every other
 * file as a link named after the file, each card as a few items (`cardItems`), and the quick replies as an `option`
 * item of buttons (or a line of text when the desk cannot hear the choice). A file whose URL is not safe to load
 * (docs/architecture.md, "Agent content in the page") is named, not linked.
 */
export function hostMessage(
  text: string,
  extras: MessageExtras,
  display: QuickReplyDisplay,
): string | { output: { generic: GenericItem[] } } {
  const files = extras.files ?? [];
  const replies = extras.quickReplies ?? [];
  const cards = extras.cards ?? [];
  const notShown = extras.notShown ?? [];
  if (files.length === 0 && replies.length === 0 && cards.length === 0 && notShown.length === 0)
    return textForHost(text, extras);
  const generic: GenericItem[] = [];
  if (text !== '') generic.push({ response_type: 'text', text: textForHost(text, extras) });
  for (const f of files) generic.push(fileItem(f));
  for (const c of cards) generic.push(...cardItems(c, display));
  for (const n of notShown) generic.push({ response_type: 'text', text: plainText(notShownText(n)) });
  if (replies.length > 0) generic.push(display === 'options' ? optionItem(replies) : quickRepliesText(replies));
  return { output: { generic } };
}

/** A message's text for the host's Markdown renderer: the agent's own Markdown (safe subset), or the text as typed. */
export function textForHost(text: string, extras: Pick<MessageExtras, 'markdown'>): string {
  return extras.markdown ? hostMarkdown(text) : hostText(text);
}

/**
 * A card as items both hosts show in an agent's message (a host's own card and carousel items are not drawn there):
 * its image when safe to load, its title in bold and its description, its link buttons as links to their `http(s)`
 * address, and its answer buttons as option buttons whose choice is heard like a quick reply's (or listed as text when
 * the desk cannot hear the choice). A carousel is its cards one after the other.
 */
function cardItems(c: ChatCard, display: QuickReplyDisplay): GenericItem[] {
  const items: GenericItem[] = [];
  const image = c.imageUrl ? safeContentUrl(c.imageUrl) : undefined;
  if (image) items.push({ response_type: 'image', source: image, alt_text: c.title });
  const words = [`**${plainText(c.title)}**`, ...(c.description ? [plainText(c.description)] : [])];
  const links: string[] = [];
  const answers: QuickReply[] = [];
  for (const a of c.actions) {
    if (a.kind === 'answer') answers.push({ text: a.text, payload: a.payload, fromCard: true });
    else {
      const url = httpUrl(a.url);
      if (url) links.push(namedLink(a.text, url));
    }
  }
  if (links.length > 0) words.push(links.join(' · '));
  items.push({ response_type: 'text', text: words.join('\n\n') });
  if (answers.length > 0) items.push(display === 'options' ? optionItem(answers) : quickRepliesText(answers));
  return items;
}

/** A choice as the host sends it on: the customer's message, marked for the desk to hear (`quickReplyOf`). */
function choiceInput(reply: QuickReply): Record<string, unknown> {
  return {
    text: reply.text,
    agent_message_type: 'from_user',
    [QUICK_REPLY_INPUT_KEY]: {
      text: reply.text,
      payload: reply.payload,
      ...(reply.fromCard ? { fromCard: true } : {}),
    },
  };
}

function fileItem(f: ChatFile): GenericItem {
  const url = safeContentUrl(f.url);
  if (!url) return { response_type: 'text', text: `${plainText(f.name)} (not shown: its address is not safe to open)` };
  if (f.kind === 'image') return { response_type: 'image', source: url, alt_text: f.name, title: f.name };
  return {
    response_type: 'text',
    text: `${namedLink(f.name, url)}${f.size !== undefined ? ` (${fileSize(f.size)})` : ''}`,
  };
}

function optionItem(replies: QuickReply[]): GenericItem {
  return {
    response_type: 'option',
    preference: 'button',
    options: replies.map((r) => ({ label: r.text, value: { input: choiceInput(r) } })),
  };
}

function quickRepliesText(replies: QuickReply[]): GenericItem {
  return { response_type: 'text', text: `Reply with: ${replies.map((r) => plainText(r.text)).join(' · ')}` };
}

/** What a kind of content is called to the customer. */
const KIND_NAMES: Record<string, string> = {
  DatePicker: 'a date picker',
  ListPicker: 'a list to choose from',
  Form: 'a form',
  GenericTemplate: 'a card',
};

/**
 * Content the host cannot show, in words: what it is, its title, and its choices, which the customer can answer in
 * their own words (a time in their own time zone's terms).
 */
export function notShownText(n: NotShownContent, locale?: string): string {
  const what = KIND_NAMES[n.kind] ?? `something (${n.kind})`;
  const title = n.title ? `: “${n.title}”` : '';
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const choices = n.options.map((o) => ('text' in o ? o.text : dates.format(new Date(o.time))));
  const answer =
    choices.length > 0 ? ` The choices are: ${choices.join(' · ')}. Reply with yours.` : ' Reply in your own words.';
  return `This message has ${what} that cannot be shown here${title}.${answer}`;
}

/** A size as a person reads it: bytes, KB or MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? Math.round(mb * 10) / 10 : Math.round(mb)} MB`;
}
