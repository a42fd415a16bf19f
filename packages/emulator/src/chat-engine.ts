import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Clock } from './clock';
import {
  Conversation,
  type ConversationMedia,
  type EndReason,
  type MemberRecord,
  type MessageRecord,
} from './conversation';
import { GenesysError, conversationStateError } from './errors';
import {
  HEARTBEAT_FRAME,
  memberChangeFrame,
  messageFrame,
  typingFrame,
  type BodyType,
  type EventFrame,
  type MemberState,
} from './guest-chat/frames';
import type {
  AgentConfig,
  QueueConfig,
  ResolvedOptions,
  RoutingStatus,
  RuntimeSettings,
  TransferOrder,
} from './options';

/** Close code and reason Genesys uses when a chat has ended (docs/guest-chat-protocol.md, "Errors, close codes and tokens"). */
export const CLOSE_ENDED = { code: 1001, reason: 'The conversation is ended' } as const;

export interface AgentState {
  id: string;
  name: string;
  avatarImageUrl: string;
  queueIds: string[];
  onQueue: boolean;
  /** Set through the control API to report a status the emulator cannot derive (e.g. NOT_RESPONDING). */
  statusOverride?: RoutingStatus;
  /** Conversations in which this agent is ALERTING or CONNECTED. */
  conversations: Set<string>;
}

export interface EngineEvents {
  /** Something a console should redraw changed. */
  change: [conversationId: string | null];
  /** A frame was sent (or would have been sent) to a conversation's guest sockets. */
  frame: [conversationId: string, frame: EventFrame];
  /** A chat entered the queue (for the automatic agent). */
  queued: [conversation: Conversation];
  /** A chat got a connected agent (for the automatic agent). */
  connected: [conversation: Conversation];
  /** The guest posted a message (for the automatic agent). */
  guestMessage: [conversation: Conversation, message: MessageRecord];
  /** A conversation ended (Web Messaging tells its guest, if the deployment says so). */
  ended: [conversation: Conversation];
}

/** An inbound flow: a WORKFLOW member that may post a notice (with quick replies on Web Messaging), then leaves. */
export interface InboundFlow {
  displayName: string;
  notice?: string;
  quickReplies?: MessageRecord['quickReplies'];
}

export interface TransferRequest {
  /** Agent to transfer to; absent with `toQueueId` for a transfer back to a queue. */
  toAgentId?: string;
  toQueueId?: string;
  order?: TransferOrder;
  /** Connect the new agent after alerting. @default true */
  connect?: boolean;
}

/**
 * The emulated contact centre: conversations, their life as docs/guest-chat-protocol.md describes it, agents and queues.
 * Routes call into it; it writes frames to the guest sockets and tells listeners what changed.
 */
export class ChatEngine extends EventEmitter<EngineEvents> {
  readonly conversations = new Map<string, Conversation>();
  readonly agents = new Map<string, AgentState>();
  readonly queues: QueueConfig[];
  readonly settings: RuntimeSettings;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly heartbeats = new Map<WebSocket, NodeJS.Timeout>();
  private readonly inactivity = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: Clock,
    private readonly avatarUrl: (agentId: string) => string,
  ) {
    super();
    this.queues = options.queues;
    const {
      autoAgent,
      heartbeatIntervalMs,
      guestInactivityMs,
      transferOrder,
      closeSocketOnEnd,
      replayOnReconnect,
      duplicateEvents,
      echoBeforeResponse,
      echoLeadMs,
      alertingMs,
      unknownQueue,
      messagingOutOfOrderWindowMs,
      messagingDuplicateEchoes,
    } = options;
    this.settings = {
      autoAgent: { ...autoAgent },
      heartbeatIntervalMs,
      guestInactivityMs,
      transferOrder,
      closeSocketOnEnd,
      replayOnReconnect,
      duplicateEvents,
      echoBeforeResponse,
      echoLeadMs,
      alertingMs,
      unknownQueue,
      messagingOutOfOrderWindowMs,
      messagingDuplicateEchoes,
    };
    // Agents are added by the server once it listens: their default avatar URL needs its address.
  }

  // ---------------------------------------------------------------- agents and queues

  addAgent(a: AgentConfig): AgentState {
    if (this.agents.has(a.id))
      throw new GenesysError(409, 'request.conflict', `An agent with id ${a.id} exists already.`);
    const state: AgentState = {
      id: a.id,
      name: a.name,
      avatarImageUrl: a.avatarImageUrl ?? this.avatarUrl(a.id),
      queueIds: a.queueIds ?? this.queues.map((q) => q.id),
      onQueue: a.onQueue ?? true,
      conversations: new Set(),
    };
    this.agents.set(a.id, state);
    this.emit('change', null);
    return state;
  }

  routingStatus(agent: AgentState): RoutingStatus {
    if (!agent.onQueue) return 'OFF_QUEUE';
    if (agent.statusOverride) return agent.statusOverride;
    const convs = [...agent.conversations].map((id) => this.conversations.get(id));
    if (convs.some((c) => c?.agentMember?.agentId === agent.id && c.agentMember.state === 'CONNECTED'))
      return 'INTERACTING';
    if (convs.length > 0) return 'COMMUNICATING';
    return 'IDLE';
  }

  findQueueByName(name: string): QueueConfig | undefined {
    return this.queues.find((q) => q.name === name);
  }

  queue(id: string): QueueConfig | undefined {
    return this.queues.find((q) => q.id === id);
  }

  agent(id: string): AgentState {
    const a = this.agents.get(id);
    if (!a) throw new GenesysError(404, 'not.found', `No agent with id ${id}.`);
    return a;
  }

  setAgent(id: string, patch: { onQueue?: boolean; routingStatus?: RoutingStatus | null }): AgentState {
    const a = this.agent(id);
    if (patch.onQueue !== undefined) a.onQueue = patch.onQueue;
    if (patch.routingStatus !== undefined) {
      if (patch.routingStatus === null) delete a.statusOverride;
      else a.statusOverride = patch.routingStatus;
    }
    this.emit('change', null);
    return a;
  }

  /** Conversations waiting in a queue (queued or alerting), oldest first; of one media type, or of every one. */
  waiting(queueId: string, media?: ConversationMedia): Conversation[] {
    return [...this.conversations.values()]
      .filter(
        (c) =>
          c.queueId === queueId &&
          (c.phase === 'queued' || c.phase === 'alerting') &&
          (media === undefined || c.media === media),
      )
      .sort((a, b) => (a.queuedAt ?? '').localeCompare(b.queuedAt ?? ''));
  }

  interacting(queueId: string, media?: ConversationMedia): Conversation[] {
    return [...this.conversations.values()].filter(
      (c) => c.queueId === queueId && c.phase === 'connected' && (media === undefined || c.media === media),
    );
  }

  // ---------------------------------------------------------------- conversations

  register(c: Conversation): void {
    this.conversations.set(c.id, c);
    this.emit('change', c.id);
  }

  get(conversationId: string): Conversation {
    const c = this.conversations.get(conversationId);
    if (!c) throw new GenesysError(404, 'not.found', `The conversation ${conversationId} was not found.`);
    return c;
  }

  /** A guest socket attached. The first attach starts routing; later ones are reconnects (no replay unless asked). */
  attachSocket(c: Conversation, ws: WebSocket): void {
    c.sockets.add(ws);
    this.startHeartbeat(ws);
    ws.on('close', () => {
      c.sockets.delete(ws);
      this.stopHeartbeat(ws);
      this.emit('change', c.id);
    });
    if (!c.attachedOnce) {
      c.attachedOnce = true;
      this.startRouting(c);
    } else if (this.settings.replayOnReconnect && c.missedFrames.length > 0) {
      for (const f of c.missedFrames) this.send(ws, f);
    }
    c.missedFrames = [];
    this.emit('change', c.id);
  }

  private startRouting(c: Conversation): void {
    this.runInboundFlow(c, this.options.deployments.find((d) => d.id === c.deploymentId)?.workflow ?? null);
  }

  /**
   * A Web Messaging conversation starts: the guest joins, `first` records what started it (the first message), then
   * the inbound message flow runs (a bot greeting, with quick replies if any) and routes it to its queue.
   */
  startMessaging(c: Conversation, flow: InboundFlow | null, first?: () => void): void {
    c.attachedOnce = true;
    this.register(c);
    this.runInboundFlow(c, flow, first);
  }

  private runInboundFlow(c: Conversation, workflow: InboundFlow | null, first?: () => void): void {
    this.memberState(c, c.guest, 'CONNECTED');
    this.memberMessage(c, c.guest, 'member-join');
    first?.();
    if (c.queueId === null) return; // accepted with an unknown queue: it never routes
    if (workflow) {
      c.phase = 'workflow';
      const wf = c.addMember({
        role: 'WORKFLOW',
        displayName: workflow.displayName,
        state: 'CONNECTED',
        joinDate: this.clock.iso(),
      });
      this.frame(c, memberChangeFrame(c.id, wf.id, 'CONNECTED', this.clock.iso()));
      this.memberMessage(c, wf, 'member-join');
      if (workflow.notice)
        this.addMessage(c, wf.id, workflow.notice, 'notice', { quickReplies: workflow.quickReplies });
      this.memberState(c, wf, 'DISCONNECTED');
      this.memberMessage(c, wf, 'member-leave');
    }
    this.enqueue(c, c.queueId);
  }

  private enqueue(c: Conversation, queueId: string): void {
    const queue = this.queue(queueId);
    c.queueId = queueId;
    c.phase = 'queued';
    c.queuedAt = this.clock.iso();
    const acd = c.addMember({
      role: 'ACD',
      displayName: queue?.name ?? 'ACD',
      state: 'CONNECTED',
      joinDate: this.clock.iso(),
    });
    c.acdMemberId = acd.id;
    this.frame(c, memberChangeFrame(c.id, acd.id, 'CONNECTED', this.clock.iso()));
    this.memberMessage(c, acd, 'member-join');
    this.stopInactivity(c);
    this.emit('change', c.id);
    this.emit('queued', c);
  }

  /** Guest POST message. Returns the stored message; the caller decides when the echo goes out (see `echoBeforeResponse`). */
  guestMessage(c: Conversation, body: string, bodyType: BodyType): { message: MessageRecord; echo: () => void } {
    this.requireActive(c);
    const message: MessageRecord = {
      id: randomUUID(),
      senderId: c.guest.id,
      body,
      bodyType,
      timestamp: this.clock.iso(),
    };
    c.messages.push(message);
    if (c.phase === 'connected') this.startInactivity(c);
    return {
      message,
      echo: () => {
        if (c.ended) return;
        this.frame(c, messageFrame(c.id, message));
        this.emit('guestMessage', c, message);
      },
    };
  }

  guestTyping(c: Conversation): { typing: { id: string; senderId: string; timestamp: string }; echo: () => void } {
    this.requireActive(c);
    c.guestTypingNotices += 1;
    const typing = { id: randomUUID(), senderId: c.guest.id, timestamp: this.clock.iso() };
    return { typing, echo: () => c.ended || this.frame(c, typingFrame(c.id, typing)) };
  }

  /** The guest can post once its socket attached and until the chat ends (docs/guest-chat-protocol.md, "Errors, close codes and tokens"). */
  requireActive(c: Conversation): void {
    if (c.ended) throw conversationEnded();
    if (!c.attachedOnce || c.queueId === null) {
      throw conversationStateError('The conversation is not active');
    }
  }

  /** Agent side: accept a queued chat as the given agent (ALERTING, then CONNECTED after `alertingMs`). */
  accept(c: Conversation, agentId: string, opts: { connect?: boolean } = {}): MemberRecord {
    if (c.phase !== 'queued') throw conflict(`The chat is ${c.phase}; only a queued chat can be accepted.`);
    const agent = this.agent(agentId);
    const member = this.alertAgent(c, agent);
    if (opts.connect !== false) this.later(this.settings.alertingMs, () => this.connectAgent(c));
    return member;
  }

  /** Connect the ALERTING agent (after `accept` or `transfer` with `connect: false`). */
  connectAgent(c: Conversation): MemberRecord {
    const member = c.agentMember;
    if (c.ended || !member || member.state !== 'ALERTING') throw conflict('No agent is alerting in this chat.');
    this.memberState(c, member, 'CONNECTED');
    this.memberMessage(c, member, 'member-join');
    const acd = c.acdMemberId ? c.members.get(c.acdMemberId) : undefined;
    if (acd && acd.state !== 'DISCONNECTED') {
      this.memberState(c, acd, 'DISCONNECTED');
      this.memberMessage(c, acd, 'member-leave');
    }
    delete c.acdMemberId;
    c.phase = 'connected';
    c.connectedAt ??= this.clock.iso();
    this.startInactivity(c);
    this.emit('change', c.id);
    this.emit('connected', c);
    return member;
  }

  private alertAgent(c: Conversation, agent: AgentState): MemberRecord {
    const member = c.addMember({
      role: 'AGENT',
      displayName: agent.name,
      avatarImageUrl: agent.avatarImageUrl,
      state: 'ALERTING',
      joinDate: this.clock.iso(),
      agentId: agent.id,
    });
    c.agentMemberId = member.id;
    c.phase = 'alerting';
    agent.conversations.add(c.id);
    this.frame(c, memberChangeFrame(c.id, member.id, 'ALERTING', this.clock.iso()));
    this.emit('change', c.id);
    return member;
  }

  /** The agent switches focus or holds: Genesys repeats CONNECTED with a new CorrelationId (docs/guest-chat-protocol.md, "Repeated CONNECTED"). */
  focus(c: Conversation): void {
    const member = this.requireConnectedAgent(c);
    this.frame(c, memberChangeFrame(c.id, member.id, 'CONNECTED', this.clock.iso()));
  }

  agentMessage(
    c: Conversation,
    body: string,
    bodyType: 'standard' | 'notice',
    from: 'agent' | 'acd' | 'workflow' = 'agent',
    extra: Pick<MessageRecord, 'quickReplies' | 'attachments' | 'cards' | 'content'> = {},
  ): MessageRecord {
    if (c.ended) throw conversationEnded();
    let sender: MemberRecord | undefined;
    if (from === 'agent') sender = this.requireConnectedAgent(c);
    else if (from === 'acd') sender = c.acdMemberId ? c.members.get(c.acdMemberId) : undefined;
    else sender = [...c.members.values()].find((m) => m.role === 'WORKFLOW');
    if (!sender) throw conflict(`The chat has no ${from} member to send from.`);
    if ((extra.quickReplies || extra.attachments || extra.cards || extra.content) && c.media !== 'message')
      throw conflict('Quick replies, cards and files are Web Messaging features; this is a guest chat.');
    return this.addMessage(c, sender.id, body, bodyType, extra);
  }

  agentTyping(c: Conversation): void {
    const member = this.requireConnectedAgent(c);
    this.frame(c, typingFrame(c.id, { id: randomUUID(), senderId: member.id, timestamp: this.clock.iso() }));
  }

  /** Transfer to another agent or back to a queue (docs/guest-chat-protocol.md, "Transfers"); the guest stays CONNECTED throughout. */
  transfer(c: Conversation, t: TransferRequest): void {
    const old = this.requireConnectedAgent(c);
    const order = t.order ?? this.settings.transferOrder;
    if (t.toAgentId) {
      const target = this.agent(t.toAgentId);
      if (target.id === old.agentId) throw conflict('The chat is already with that agent.');
      if (order === 'alert-first') {
        this.alertAgent(c, target);
        this.agentLeaves(c, old);
      } else {
        this.agentLeaves(c, old);
        this.alertAgent(c, target);
      }
      if (t.connect !== false) this.later(this.settings.alertingMs, () => this.connectAgent(c));
      return;
    }
    const queueId = t.toQueueId ?? c.queueId;
    if (!queueId || !this.queue(queueId)) throw new GenesysError(404, 'not.found', `No queue ${String(t.toQueueId)}.`);
    this.agentLeaves(c, old);
    delete c.agentMemberId;
    this.enqueue(c, queueId);
  }

  private agentLeaves(c: Conversation, member: MemberRecord): void {
    this.memberState(c, member, 'DISCONNECTED');
    this.memberMessage(c, member, 'member-leave');
    if (member.agentId) this.agents.get(member.agentId)?.conversations.delete(c.id);
  }

  /** The agent ends the chat: agent leaves, then the guest is disconnected. */
  agentEnds(c: Conversation): void {
    const member = c.agentMember;
    if (c.ended) throw conversationEnded();
    if (!member) throw conflict('No agent is in this chat.');
    this.end(c, 'agent');
  }

  /** The guest DELETEs its own member. */
  guestLeaves(c: Conversation): void {
    if (c.ended) throw conversationEnded();
    this.end(c, 'guest');
  }

  /** Ends a chat. Order of frames: who ends leaves first; every other member follows; sockets close with 1001. */
  end(c: Conversation, reason: EndReason): void {
    if (c.ended) return;
    this.stopInactivity(c);
    const others = [...c.members.values()].filter((m) => m !== c.guest && m.state !== 'DISCONNECTED');
    const guestLeaves = () => {
      if (c.guest.state === 'DISCONNECTED') return;
      this.memberState(c, c.guest, 'DISCONNECTED');
      this.memberMessage(c, c.guest, 'member-leave');
    };
    if (reason === 'agent') {
      for (const m of others) this.leave(c, m);
      guestLeaves();
    } else {
      guestLeaves();
      for (const m of others) this.leave(c, m);
    }
    c.phase = 'ended';
    c.endReason = reason;
    c.endedAt = this.clock.iso();
    delete c.acdMemberId;
    if (this.settings.closeSocketOnEnd) {
      for (const ws of c.sockets) ws.close(CLOSE_ENDED.code, CLOSE_ENDED.reason);
    }
    this.emit('ended', c);
    this.emit('change', c.id);
  }

  private leave(c: Conversation, m: MemberRecord): void {
    if (m.role === 'AGENT') this.agentLeaves(c, m);
    else {
      this.memberState(c, m, 'DISCONNECTED');
      this.memberMessage(c, m, 'member-leave');
    }
  }

  /** Drop every guest socket: with a close frame (code, reason) or by destroying the TCP connection. */
  dropSockets(c: Conversation, how: { closeFrame: boolean; code?: number; reason?: string }): number {
    const n = c.sockets.size;
    for (const ws of c.sockets) {
      if (how.closeFrame) ws.close(how.code ?? 1011, how.reason ?? 'Connection reset by the emulator');
      else ws.terminate();
    }
    return n;
  }

  /** An agent invites the guest to co-browse or share a screen (legacy media request). */
  createMediaRequest(c: Conversation, types: Array<'COBROWSE' | 'SCREENSHARE'>): string {
    const member = this.requireConnectedAgent(c);
    const id = randomUUID();
    c.mediaRequests.push({
      id,
      name: types.join('+').toLowerCase(),
      types,
      state: 'PENDING',
      securityKey: randomUUID().slice(0, 8),
    });
    this.addMessage(c, member.id, id, 'media-request');
    return id;
  }

  // ---------------------------------------------------------------- frames and timers

  private requireConnectedAgent(c: Conversation): MemberRecord {
    if (c.ended) throw conversationEnded();
    const m = c.agentMember;
    if (!m || m.state !== 'CONNECTED') throw conflict('No agent is connected to this chat.');
    return m;
  }

  private addMessage(
    c: Conversation,
    senderId: string,
    body: string,
    bodyType: BodyType,
    extra: Pick<MessageRecord, 'quickReplies' | 'attachments' | 'cards' | 'content'> = {},
  ): MessageRecord {
    const message: MessageRecord = { id: randomUUID(), senderId, body, bodyType, timestamp: this.clock.iso() };
    if (extra.quickReplies && extra.quickReplies.length > 0) message.quickReplies = extra.quickReplies;
    if (extra.cards && extra.cards.length > 0) message.cards = extra.cards;
    if (extra.content && extra.content.length > 0) message.content = extra.content;
    if (extra.attachments && extra.attachments.length > 0) message.attachments = extra.attachments;
    c.messages.push(message);
    this.frame(c, messageFrame(c.id, message));
    return message;
  }

  /** member-join / member-leave messages: body unknown in the sources; the emulator sends an empty body. */
  private memberMessage(c: Conversation, m: MemberRecord, bodyType: 'member-join' | 'member-leave'): void {
    this.addMessage(c, m.id, '', bodyType);
  }

  private memberState(c: Conversation, m: MemberRecord, state: MemberState): void {
    m.state = state;
    if (state === 'DISCONNECTED') m.leaveDate = this.clock.iso();
    this.frame(c, memberChangeFrame(c.id, m.id, state, this.clock.iso()));
  }

  private frame(c: Conversation, f: EventFrame): void {
    if (c.deliver) {
      c.deliver(f);
      this.emit('frame', c.id, f);
      return;
    }
    if (c.sockets.size === 0 && c.attachedOnce) c.missedFrames.push(f);
    for (const ws of c.sockets) {
      this.send(ws, f);
      if (this.settings.duplicateEvents) this.send(ws, f);
    }
    this.emit('frame', c.id, f);
  }

  private send(ws: WebSocket, f: EventFrame | string): void {
    if (ws.readyState === ws.OPEN) ws.send(typeof f === 'string' ? f : JSON.stringify(f));
  }

  private startHeartbeat(ws: WebSocket): void {
    const t = setInterval(() => this.send(ws, HEARTBEAT_FRAME), this.settings.heartbeatIntervalMs);
    t.unref();
    this.heartbeats.set(ws, t);
  }

  private stopHeartbeat(ws: WebSocket): void {
    const t = this.heartbeats.get(ws);
    if (t) clearInterval(t);
    this.heartbeats.delete(ws);
  }

  /** Guest inactivity: runs only while an agent is connected, restarted by each guest message (docs/guest-chat-protocol.md, "How a chat ends"). */
  private startInactivity(c: Conversation): void {
    this.stopInactivity(c);
    // Messaging is asynchronous: a quiet customer does not end the conversation.
    if (c.media === 'message') return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.inactivity.delete(c.id);
      this.end(c, 'inactivity');
    }, this.settings.guestInactivityMs);
    this.timers.add(t);
    this.inactivity.set(c.id, t);
  }

  private stopInactivity(c: Conversation): void {
    const t = this.inactivity.get(c.id);
    if (t) {
      clearTimeout(t);
      this.timers.delete(t);
      this.inactivity.delete(c.id);
    }
  }

  /** Run `fn` after `ms`, swallowing the conflict it may meet if the chat moved on meanwhile. */
  later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      try {
        fn();
      } catch (e) {
        if (!(e instanceof GenesysError)) throw e;
      }
    }, ms);
    this.timers.add(t);
  }

  /** Stop every timer and close every guest socket. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.heartbeats.values()) clearInterval(t);
    this.heartbeats.clear();
    for (const c of this.conversations.values()) for (const ws of c.sockets) ws.terminate();
    this.removeAllListeners();
  }
}

function conflict(message: string): GenesysError {
  return new GenesysError(409, 'request.conflict', message);
}

function conversationEnded(): GenesysError {
  return conversationStateError('The conversation has ended');
}
