import type { Channel } from './stack';

/**
 * Which browser flows run on which channel. Every flow runs on Web Messaging, the live channel. A flow runs on guest
 * chat (the legacy channel) too only where the channel changes what the customer sees or what goes on the wire: those
 * flows are named in `ALSO_ON_GUEST_CHAT`, each with the reason; the rest of guest chat is covered by the client's unit
 * and integration tests.
 */

export const CHANNELS: readonly Channel[] = ['web-messaging', 'guest-chat'];

/** The channel every flow runs on. */
export const LIVE_CHANNEL: Channel = 'web-messaging';

/**
 * The flows that run on guest chat as well as on Web Messaging, by test file (its name without `.e2e.test.ts`), then by
 * flow name, each with what the channel changes in it. A name here that its file does not declare fails the file
 * (`e2e/suite.ts`) and `e2e/channels.test.ts`.
 */
export const ALSO_ON_GUEST_CHAT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'agent-chat': {
    'the connect card, the request, and the waiting banner with the wait; Cancel leaves the queue':
      'the start is a REST create and an event stream, not configureSession and a first message; Cancel DELETEs the member',
    'messages both ways, each shown once and in order':
      "the customer's messages are REST posts echoed on the event stream; the agent's come as member-addressed frames",
    'the customer typing reaches Genesys (throttled), before anything is sent':
      'typing is a REST call, not a socket event',
    'a transfer: the customer is told, then sees the new agent by name':
      'guest chat shows the new agent from member-change frames, Web Messaging when the new agent writes',
    'the agent ends the chat: the customer is told and is back with the assistant':
      "the end is the agent's member leaving, then the guest's, not a read-only presence event",
    'the customer ends the chat with Disconnect: the guest leaves the Genesys conversation':
      'the guest leaves by DELETEing its member',
    'back to the queue after a transfer: the customer is told who left and the next agent is named':
      'only guest chat tells the customer that an agent left for the queue',
  },
  'customer-view': {
    'the agent ends the chat: the customer reads that the agent ended it, and not that they left':
      'who ended the chat is read from the order of member-change frames',
    'waiting: the place in line and the wait in words, refreshed as the line moves':
      "the middleware finds a guest chat by its conversation id, a Web Messaging chat from a customer's message",
    'back to a queue: the customer waits again, with the place in line':
      'guest chat tells the customer that the agent left before the place in line shows',
  },
  endings: {
    'Genesys loses the chat (emulator restart): the customer reads that the chat closed, once, and nothing else':
      "a lost guest chat shows as the event stream's close code and REST errors, not a refused session",
  },
  offline: {
    'written while offline: kept, shown as not sent yet, and sent to the agent in order once the customer is back':
      'guest chat sends each message as a REST post, which fails at once while offline',
    'the network goes and nothing closes the socket: the customer is told within seconds, and what they write then reaches the agent once':
      "the socket that must notice is guest chat's event stream, and the message a REST post",
  },
  recovery: {
    'reload mid-chat: the earlier messages stay on screen, each once and in order, and the chat goes on':
      'the earlier messages come from the REST message history and member look-ups, not the session history',
    'socket dropped: the customer is told, the chat recovers, and nothing is lost or doubled':
      'the event stream reconnects with its JWT and backfills over REST',
  },
  site: {
    'authenticated chat: a visitor logged in on the site is a verified customer in Genesys':
      "the verified customer is a memberAuthToken in guest chat's create request, not a signed-in session",
  },
};

/** The channels `E2E_CHANNELS` (comma-separated) names, all of them when it is unset; an unknown name throws. */
export function chosenChannels(wanted = process.env['E2E_CHANNELS']): readonly Channel[] {
  if (!wanted) return CHANNELS;
  const names = wanted.split(',').map((c) => c.trim());
  const unknown = names.filter((c) => !CHANNELS.includes(c as Channel));
  if (unknown.length > 0)
    throw new Error(`E2E_CHANNELS names no channel: ${unknown.join(', ')} (${CHANNELS.join(', ')})`);
  return CHANNELS.filter((c) => names.includes(c));
}

/** Whether `channel` runs the flow `name` of `file`: the live channel runs every flow, guest chat the named ones. */
export function runsOn(channel: Channel, file: string, name: string): boolean {
  return channel === LIVE_CHANNEL || ALSO_ON_GUEST_CHAT[file]?.[name] !== undefined;
}
