import type { CardAction, ChatCard, ChatFile, MessageExtras } from '../../../chat-event';
import type { Attachment, Card, WmMessage } from '../frames';

const KINDS: Record<string, ChatFile['kind']> = { Image: 'image', Video: 'video', Audio: 'audio' };

function chatFile(a: Attachment): ChatFile {
  return {
    name: a.filename,
    url: a.url,
    kind: KINDS[a.mediaType] ?? 'file',
    ...(a.mime ? { mime: a.mime } : {}),
    ...(a.fileSize !== undefined ? { size: a.fileSize } : {}),
  };
}

function chatCard(c: Card): ChatCard {
  return {
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    ...(c.image ? { imageUrl: c.image } : {}),
    actions: c.actions.map((a): CardAction =>
      a.type === 'Link'
        ? { kind: 'link', text: a.text, url: a.url }
        : { kind: 'answer', text: a.text, payload: a.payload },
    ),
  };
}

const NO_EXTRAS: MessageExtras = Object.freeze({});

/** A message's cards, files and quick replies, as the chat event carries them (absent when it has none). */
export function messageExtras(m: WmMessage): MessageExtras {
  if (m.attachments.length === 0 && m.quickReplies.length === 0 && m.cards.length === 0 && m.unshown.length === 0)
    return NO_EXTRAS;
  return {
    ...(m.cards.length > 0 ? { cards: m.cards.map(chatCard) } : {}),
    ...(m.attachments.length > 0 ? { files: m.attachments.map(chatFile) } : {}),
    ...(m.quickReplies.length > 0 ? { quickReplies: m.quickReplies.map((q) => ({ ...q })) } : {}),
    ...(m.unshown.length > 0
      ? {
          notShown: m.unshown.map((u) => ({
            kind: u.contentType,
            ...(u.title ? { title: u.title } : {}),
            options: [...u.options],
          })),
        }
      : {}),
  };
}

/** Whether a message shows the customer anything: text, a file, quick replies, a card, or words for what is not drawn. */
export const showsSomething = (m: WmMessage) =>
  m.text !== '' || m.attachments.length > 0 || m.quickReplies.length > 0 || m.cards.length > 0 || m.unshown.length > 0;
