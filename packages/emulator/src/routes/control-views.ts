import type { ChatEngine } from '../chat-engine';
import type { AgentState } from '../engine/types';
import type { Conversation } from '../conversation';
import type { EmulatorContext } from '../context';
import { publicMember } from '../guest-chat/rest-common';

/** What the control API and its event feed answer: chats, agents and the state snapshot, as JSON. */

export function agentView(engine: ChatEngine, a: AgentState) {
  return {
    id: a.id,
    name: a.name,
    avatarImageUrl: a.avatarImageUrl,
    queueIds: a.queueIds,
    onQueue: a.onQueue,
    routingStatus: engine.routingStatus(a),
    chats: [...a.conversations],
  };
}

export function chatSummary(ctx: EmulatorContext, c: Conversation) {
  const engine = ctx.engine;
  const agent = c.agentMember;
  const session = c.media === 'message' ? ctx.messaging.sessionOf(c) : undefined;
  return {
    id: c.id,
    /** `chat` (guest chat) or `message` (Web Messaging). */
    media: c.media,
    state: c.phase,
    deploymentId: c.deploymentId,
    queueId: c.queueId,
    queueName: c.queueId ? (engine.queue(c.queueId)?.name ?? null) : null,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt ?? null,
    connectedAt: c.connectedAt ?? null,
    endedAt: c.endedAt ?? null,
    endReason: c.endReason ?? null,
    guest: {
      memberId: c.guest.id,
      displayName: c.guest.displayName,
      state: c.guest.state,
      authenticatedGuest: c.guest.authenticatedGuest ?? false,
      customFields: c.guest.customFields ?? {},
      signedData: c.signedData,
      sockets: session ? session.sockets.size : c.sockets.size,
      /** Typing notices the guest sent (guest chat: typing requests; Web Messaging: Typing events). */
      typingNotices: c.guestTypingNotices,
    },
    messaging: session
      ? {
          sessionId: session.id,
          readOnly: session.readOnly,
          authenticated: session.identity !== null,
          disconnect: session.deployment.conversationDisconnect.enabled
            ? session.deployment.conversationDisconnect.type
            : 'none',
          messengerDeploymentId: session.deployment.id,
          markdown: session.deployment.markdown,
        }
      : null,
    agent: agent
      ? { memberId: agent.id, agentId: agent.agentId ?? null, name: agent.displayName, state: agent.state }
      : null,
  };
}

export function chatDetail(ctx: EmulatorContext, c: Conversation) {
  return {
    ...chatSummary(ctx, c),
    members: [...c.members.values()].map(publicMember),
    messages: c.messages.map((m) => {
      const sender = c.members.get(m.senderId);
      return { ...m, senderRole: sender?.role ?? null, senderName: sender?.displayName ?? null };
    }),
    mediaRequests: c.mediaRequests,
  };
}

export function snapshot(ctx: EmulatorContext) {
  const engine = ctx.engine;
  return {
    /** The emulator's clock (moved by `POST /control/clock`), for wait times. */
    now: ctx.clock.iso(),
    clockOffsetMs: ctx.clock.offset,
    organizationId: engine.options.organizationId,
    deployments: engine.options.deployments,
    messengerDeployments: engine.options.messengerDeployments.map((d) => ({
      id: d.id,
      name: d.name,
      status: d.status,
      authenticated: d.authentication !== null,
      markdown: d.markdown,
    })),
    queues: engine.queues.map((q) => ({
      id: q.id,
      name: q.name,
      waiting: engine.waiting(q.id).length,
      interacting: engine.interacting(q.id).length,
    })),
    agents: [...engine.agents.values()].map((a) => agentView(engine, a)),
    chats: [...engine.conversations.values()].map((c) => chatSummary(ctx, c)),
    settings: engine.settings,
  };
}
