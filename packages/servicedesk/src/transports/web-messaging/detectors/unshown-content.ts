import type { UnshownContent } from '../frames';
import { isRecord, str } from '../../parse-json';

/** Content types the client draws, or that are the customer's own (`ButtonResponse`, in echoes of their choices). */
const DRAWN = new Set(['Text', 'QuickReply', 'Attachment', 'Card', 'Carousel', 'ButtonResponse']);

/** A content item of a type the client does not draw: a picker, a form, or one it does not know. */
export function isUnshown(item: Record<string, unknown>): boolean {
  const type = item['contentType'];
  return typeof type === 'string' && type !== '' && !DRAWN.has(type);
}

/** At most this many choices are told: a long list in words helps no one. */
const MAX_OPTIONS = 20;

/**
 * What can be told in words of an item the client does not draw. Its fields are read under the type's own key
 * (`datePicker` for `DatePicker`); its title, and as choices every item of the lists inside it that has a title, a
 * text or a label, or a time (`dateTime`, a date picker's available time).
 */
export function unshownContent(item: Record<string, unknown>): UnshownContent {
  const type = item['contentType'] as string;
  const body = item[type.charAt(0).toLowerCase() + type.slice(1)];
  const options: Array<{ text: string } | { time: string }> = [];
  const collect = (v: unknown, depth: number): void => {
    if (depth > 3 || !isRecord(v)) return;
    for (const value of Object.values(v)) {
      if (!Array.isArray(value)) continue;
      for (const entry of value) {
        if (options.length >= MAX_OPTIONS || !isRecord(entry)) continue;
        const label = str(entry['title']) ?? str(entry['text']) ?? str(entry['label']);
        const time = str(entry['dateTime']);
        if (label) options.push({ text: label });
        else if (time && !Number.isNaN(Date.parse(time))) options.push({ time });
        collect(entry, depth + 1);
      }
    }
  };
  collect(body, 0);
  const title = isRecord(body) ? (str(body['title']) ?? str(body['text'])) : undefined;
  return { contentType: type, ...(title ? { title } : {}), options };
}
