import type { WebSocket } from 'ws';
import type { ChatEngine } from '../chat-engine';
import type { Conversation } from '../conversation';
import { HEARTBEAT_FRAME, memberChangeFrame } from '../guest-chat/frames';
import { stopInactivity } from './ending';
import { addMessage, frame, memberMessage, memberState, send } from './guest-frames';
import type { InboundFlow } from './types';

/** A guest socket attached. The first attach starts routing; later ones are reconnects (no replay unless asked). */
export function attachSocket(engine: ChatEngine, c: Conversation, ws: WebSocket): void {
  c.sockets.add(ws);
  engine.timers.every(ws, engine.settings.heartbeatIntervalMs, () => send(ws, HEARTBEAT_FRAME));
  ws.on('close', () => {
    c.sockets.delete(ws);
    engine.timers.stopEvery(ws);
    engine.emit('change', c.id);
  });
  if (!c.attachedOnce) {
    c.attachedOnce = true;
    runInboundFlow(engine, c, engine.options.deployments.find((d) => d.id === c.deploymentId)?.workflow ?? null);
  } else if (engine.settings.replayOnReconnect && c.missedFrames.length > 0) {
    for (const f of c.missedFrames) send(ws, f);
  }
  c.missedFrames = [];
  engine.emit('change', c.id);
}

/**
 * A Web Messaging conversation starts: the guest joins, `first` records what started it (the first message), then
 * the inbound message flow runs (a bot greeting, with quick replies if any) and routes it to its queue.
 */
export function startMessaging(
  engine: ChatEngine,
  c: Conversation,
  flow: InboundFlow | null,
  first?: () => void,
): void {
  c.attachedOnce = true;
  engine.register(c);
  runInboundFlow(engine, c, flow, first);
}

function runInboundFlow(engine: ChatEngine, c: Conversation, workflow: InboundFlow | null, first?: () => void): void {
  memberState(engine, c, c.guest, 'CONNECTED');
  memberMessage(engine, c, c.guest, 'member-join');
  first?.();
  if (c.queueId === null) return; // accepted with an unknown queue: it never routes
  if (workflow) {
    c.phase = 'workflow';
    const wf = c.addMember({
      role: 'WORKFLOW',
      displayName: workflow.displayName,
      state: 'CONNECTED',
      joinDate: engine.clock.iso(),
    });
    frame(engine, c, memberChangeFrame(c.id, wf.id, 'CONNECTED', engine.clock.iso()));
    memberMessage(engine, c, wf, 'member-join');
    if (workflow.notice)
      addMessage(engine, c, wf.id, workflow.notice, 'notice', { quickReplies: workflow.quickReplies });
    memberState(engine, c, wf, 'DISCONNECTED');
    memberMessage(engine, c, wf, 'member-leave');
  }
  enqueue(engine, c, c.queueId);
}

/** The chat enters a queue: an ACD member joins and the chat waits for an agent. */
export function enqueue(engine: ChatEngine, c: Conversation, queueId: string): void {
  const queue = engine.queue(queueId);
  c.queueId = queueId;
  c.phase = 'queued';
  c.queuedAt = engine.clock.iso();
  const acd = c.addMember({
    role: 'ACD',
    displayName: queue?.name ?? 'ACD',
    state: 'CONNECTED',
    joinDate: engine.clock.iso(),
  });
  c.acdMemberId = acd.id;
  frame(engine, c, memberChangeFrame(c.id, acd.id, 'CONNECTED', engine.clock.iso()));
  memberMessage(engine, c, acd, 'member-join');
  stopInactivity(engine, c);
  engine.emit('change', c.id);
  engine.emit('queued', c);
}
