import type { WmMessage } from '../../../src/transports/web-messaging/frames';
import type { Incoming, Resolved } from '../../../src/transports/web-messaging/detectors/types';

export { testScheduler } from '../../marbles';

/** Builders of Web Messaging messages for marble tests (the shapes `parseMessage` gives). */
export const wmMessage = (id: string, over: Partial<WmMessage>): Incoming => ({
  id,
  direction: 'Outbound',
  type: 'Text',
  text: '',
  time: undefined,
  originatingEntity: '',
  from: undefined,
  events: [],
  quickReplies: [],
  attachments: [],
  cards: [],
  unshown: [],
  readOnly: false,
  ...over,
});

export const wm = {
  echo: (id: string, text = 'hi', time?: string) =>
    wmMessage(id, { direction: 'Inbound', text, ...(time ? { time } : {}) }),
  bot: (id: string, text: string, time?: string) =>
    wmMessage(id, { originatingEntity: 'Bot', text, ...(time ? { time } : {}) }),
  agent: (id: string, text: string, from?: { nickname?: string; image?: string }, time?: string) =>
    wmMessage(id, { originatingEntity: 'Human', text, ...(from ? { from } : {}), ...(time ? { time } : {}) }),
  typing: (id: string, durationMs = 5000) =>
    wmMessage(id, { type: 'Event', events: [{ eventType: 'Typing', durationMs }] }),
  disconnect: (id: string, by: 'Human' | 'Bot' | '' = 'Human', readOnly = true) =>
    wmMessage(id, {
      type: 'Event',
      originatingEntity: by,
      events: [{ eventType: 'Presence', presence: 'Disconnect' }],
      readOnly,
    }),
  replayed: (m: Incoming, replayed: 'more' | 'last'): Incoming => ({ ...m, replayed }),
};

export const jane = { id: 'Jane', nickname: 'Jane', avatarUrl: 'https://x/jane.png' };
export const bob = { id: 'Bob', nickname: 'Bob' };
export const fallback = { id: 'Agent', nickname: 'Agent' };

export const resolved = (
  message: Incoming,
  agent?: typeof jane | typeof bob,
  change?: Resolved['change'],
): Resolved => ({
  message,
  agent,
  change,
});
