import { badRequest } from '../errors';
import { isObject } from '../params';

/** The content types with a field of their own in the control API: they are not taken as raw content. */
const OWN_FIELDS = ['Text', 'QuickReply', 'Card', 'Carousel', 'Attachment'];

/**
 * `content` of `POST /control/chats/{id}/messages`: structured content items the agent or the flow sends as given (a
 * date picker, a list picker, a form, any type), so a test or a person can send what a client may not draw: `[{contentType: 'DatePicker', datePicker: {…}}]`.
 */
export function parseContent(v: unknown): Array<{ contentType: string } & Record<string, unknown>> | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) invalid('content must be a non-empty list of content items');
  return (v as unknown[]).map((item) => {
    if (!isObject(item) || typeof item['contentType'] !== 'string' || item['contentType'] === '')
      invalid('each content item is an object with a contentType');
    if (OWN_FIELDS.includes(item['contentType'] as string))
      invalid(
        `a ${item['contentType'] as string} goes in its own field (body, quickReplies, cards, or the files route)`,
      );
    return item as { contentType: string } & Record<string, unknown>;
  });
}

function invalid(message: string): never {
  throw badRequest('bad.request', message);
}
