import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ChatEngine } from '../chat-engine';
import type { Conversation, MemberRecord, MessageRecord } from '../conversation';
import {
  memberChangeFrame,
  messageFrame,
  type BodyType,
  type EventFrame,
  type MemberState,
} from '../guest-chat/frames';
import type { MessageExtras } from './types';

/**
 * Everything a conversation's guest is told goes out through `frame`: to the Web Messaging session (`deliver`) or to
 * the guest chat sockets, kept for replay while no socket is attached.
 */
export function frame(engine: ChatEngine, c: Conversation, f: EventFrame): void {
  if (c.deliver) {
    c.deliver(f);
    engine.emit('frame', c.id, f);
    return;
  }
  if (c.sockets.size === 0 && c.attachedOnce) c.missedFrames.push(f);
  for (const ws of c.sockets) {
    send(ws, f);
    if (engine.settings.duplicateEvents) send(ws, f);
  }
  engine.emit('frame', c.id, f);
}

export function send(ws: WebSocket, f: EventFrame | string): void {
  if (ws.readyState === ws.OPEN) ws.send(typeof f === 'string' ? f : JSON.stringify(f));
}

/** Stores a message in the transcript and sends it. */
export function addMessage(
  engine: ChatEngine,
  c: Conversation,
  senderId: string,
  body: string,
  bodyType: BodyType,
  extra: MessageExtras = {},
): MessageRecord {
  const message: MessageRecord = { id: randomUUID(), senderId, body, bodyType, timestamp: engine.clock.iso() };
  if (extra.quickReplies && extra.quickReplies.length > 0) message.quickReplies = extra.quickReplies;
  if (extra.cards && extra.cards.length > 0) message.cards = extra.cards;
  if (extra.content && extra.content.length > 0) message.content = extra.content;
  if (extra.attachments && extra.attachments.length > 0) message.attachments = extra.attachments;
  c.messages.push(message);
  frame(engine, c, messageFrame(c.id, message));
  return message;
}

/** member-join / member-leave messages: body unknown in the sources; the emulator sends an empty body. */
export function memberMessage(
  engine: ChatEngine,
  c: Conversation,
  m: MemberRecord,
  bodyType: 'member-join' | 'member-leave',
): void {
  addMessage(engine, c, m.id, '', bodyType);
}

export function memberState(engine: ChatEngine, c: Conversation, m: MemberRecord, state: MemberState): void {
  m.state = state;
  if (state === 'DISCONNECTED') m.leaveDate = engine.clock.iso();
  frame(engine, c, memberChangeFrame(c.id, m.id, state, engine.clock.iso()));
}

/** A member leaves: DISCONNECTED, then member-leave; an agent also stops counting the chat as theirs. */
export function memberLeaves(engine: ChatEngine, c: Conversation, m: MemberRecord): void {
  memberState(engine, c, m, 'DISCONNECTED');
  memberMessage(engine, c, m, 'member-leave');
  if (m.role === 'AGENT' && m.agentId) engine.agents.get(m.agentId)?.conversations.delete(c.id);
}
