import { randomUUID } from 'node:crypto';
import type { ChatEngine } from '../chat-engine';
import type { Conversation, MessageRecord } from '../conversation';
import { conversationEnded, conversationStateError } from '../errors';
import { messageFrame, typingFrame, type BodyType } from '../guest-chat/frames';
import { end, startInactivity } from './ending';
import { frame } from './guest-frames';

/** The guest can post once its socket attached and until the chat ends (docs/guest-chat-protocol.md, "Errors, close codes and tokens"). */
export function requireActive(c: Conversation): void {
  if (c.ended) throw conversationEnded();
  if (!c.attachedOnce || c.queueId === null) {
    throw conversationStateError('The conversation is not active');
  }
}

/** Guest POST message. Returns the stored message; the caller decides when the echo goes out (see `echoBeforeResponse`). */
export function guestMessage(
  engine: ChatEngine,
  c: Conversation,
  body: string,
  bodyType: BodyType,
): { message: MessageRecord; echo: () => void } {
  requireActive(c);
  const message: MessageRecord = {
    id: randomUUID(),
    senderId: c.guest.id,
    body,
    bodyType,
    timestamp: engine.clock.iso(),
  };
  c.messages.push(message);
  if (c.phase === 'connected') startInactivity(engine, c);
  return {
    message,
    echo: () => {
      if (c.ended) return;
      frame(engine, c, messageFrame(c.id, message));
      engine.emit('guestMessage', c, message);
    },
  };
}

export function guestTyping(
  engine: ChatEngine,
  c: Conversation,
): { typing: { id: string; senderId: string; timestamp: string }; echo: () => void } {
  requireActive(c);
  c.guestTypingNotices += 1;
  const typing = { id: randomUUID(), senderId: c.guest.id, timestamp: engine.clock.iso() };
  return { typing, echo: () => c.ended || frame(engine, c, typingFrame(c.id, typing)) };
}

/** The guest DELETEs its own member. */
export function guestLeaves(engine: ChatEngine, c: Conversation): void {
  if (c.ended) throw conversationEnded();
  end(engine, c, 'guest');
}
