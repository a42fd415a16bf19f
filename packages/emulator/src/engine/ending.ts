import type { ChatEngine } from '../chat-engine';
import type { Conversation, EndReason } from '../conversation';
import { memberLeaves } from './guest-frames';
import { CLOSE_ENDED } from './types';

/** Ends a chat. Order of frames: who ends leaves first; every other member follows; sockets close with 1001. */
export function end(engine: ChatEngine, c: Conversation, reason: EndReason): void {
  if (c.ended) return;
  stopInactivity(engine, c);
  const others = [...c.members.values()].filter((m) => m !== c.guest && m.state !== 'DISCONNECTED');
  const guestLeaves = () => {
    if (c.guest.state !== 'DISCONNECTED') memberLeaves(engine, c, c.guest);
  };
  if (reason === 'agent') {
    for (const m of others) memberLeaves(engine, c, m);
    guestLeaves();
  } else {
    guestLeaves();
    for (const m of others) memberLeaves(engine, c, m);
  }
  c.phase = 'ended';
  c.endReason = reason;
  c.endedAt = engine.clock.iso();
  delete c.acdMemberId;
  if (engine.settings.closeSocketOnEnd) {
    for (const ws of c.sockets) ws.close(CLOSE_ENDED.code, CLOSE_ENDED.reason);
  }
  engine.emit('ended', c);
  engine.emit('change', c.id);
}

/**
 * Guest inactivity: runs only while an agent is connected, restarted by each guest message (docs/guest-chat-protocol.md,
 * "How a chat ends").
 */
export function startInactivity(engine: ChatEngine, c: Conversation): void {
  stopInactivity(engine, c);
  // Messaging is asynchronous: a quiet customer does not end the conversation.
  if (c.media === 'message') return;
  engine.timers.restart(c.id, engine.settings.guestInactivityMs, () => end(engine, c, 'inactivity'));
}

export function stopInactivity(engine: ChatEngine, c: Conversation): void {
  engine.timers.cancel(c.id);
}

/** Drop every guest socket: with a close frame (code, reason) or by destroying the TCP connection. */
export function dropSockets(c: Conversation, how: { closeFrame: boolean; code?: number; reason?: string }): number {
  const n = c.sockets.size;
  for (const ws of c.sockets) {
    if (how.closeFrame) ws.close(how.code ?? 1011, how.reason ?? 'Connection reset by the emulator');
    else ws.terminate();
  }
  return n;
}
