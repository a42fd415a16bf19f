import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { Clock } from './clock';
import type { Conversation, ConversationMedia, EndReason, MemberRecord, MessageRecord } from './conversation';
import { GenesysError } from './errors';
import type { BodyType } from './guest-chat/frames';
import type { AgentConfig, QueueConfig, ResolvedOptions, RoutingStatus, RuntimeSettings } from './options';
import * as agentActions from './engine/agent-actions';
import * as agents from './engine/agents';
import * as ending from './engine/ending';
import * as guestActions from './engine/guest-actions';
import * as routing from './engine/routing';
import { EngineTimers } from './engine/timers';
import type { AgentState, EngineEvents, InboundFlow, MessageExtras, TransferRequest } from './engine/types';

/**
 * The emulated contact centre: conversations, their life as docs/guest-chat-protocol.md describes it, agents and queues.
 * Routes call into it; it writes frames to the guest sockets and tells listeners what changed. The state lives here;
 * each concern's logic lives in `engine/` (agents and presence, routing, guest and agent actions, ending, timers).
 */
export class ChatEngine extends EventEmitter<EngineEvents> {
  readonly conversations = new Map<string, Conversation>();
  readonly agents = new Map<string, AgentState>();
  readonly queues: QueueConfig[];
  readonly settings: RuntimeSettings;
  readonly timers = new EngineTimers();

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: Clock,
    /** The default avatar of an agent added without one. */
    readonly avatarUrl: (agentId: string) => string,
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
    return agents.addAgent(this, a);
  }

  routingStatus(agent: AgentState): RoutingStatus {
    return agents.routingStatus(this, agent);
  }

  findQueueByName(name: string): QueueConfig | undefined {
    return this.queues.find((q) => q.name === name);
  }

  queue(id: string): QueueConfig | undefined {
    return this.queues.find((q) => q.id === id);
  }

  agent(id: string): AgentState {
    return agents.findAgent(this, id);
  }

  setAgent(id: string, patch: { onQueue?: boolean; routingStatus?: RoutingStatus | null }): AgentState {
    return agents.setAgent(this, id, patch);
  }

  waiting(queueId: string, media?: ConversationMedia): Conversation[] {
    return agents.waiting(this, queueId, media);
  }

  interacting(queueId: string, media?: ConversationMedia): Conversation[] {
    return agents.interacting(this, queueId, media);
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

  attachSocket(c: Conversation, ws: WebSocket): void {
    routing.attachSocket(this, c, ws);
  }

  startMessaging(c: Conversation, flow: InboundFlow | null, first?: () => void): void {
    routing.startMessaging(this, c, flow, first);
  }

  // ---------------------------------------------------------------- the guest

  guestMessage(c: Conversation, body: string, bodyType: BodyType): { message: MessageRecord; echo: () => void } {
    return guestActions.guestMessage(this, c, body, bodyType);
  }

  guestTyping(c: Conversation): ReturnType<typeof guestActions.guestTyping> {
    return guestActions.guestTyping(this, c);
  }

  requireActive(c: Conversation): void {
    guestActions.requireActive(c);
  }

  guestLeaves(c: Conversation): void {
    guestActions.guestLeaves(this, c);
  }

  // ---------------------------------------------------------------- the agent

  accept(c: Conversation, agentId: string, opts: { connect?: boolean } = {}): MemberRecord {
    return agentActions.accept(this, c, agentId, opts);
  }

  connectAgent(c: Conversation): MemberRecord {
    return agentActions.connectAgent(this, c);
  }

  focus(c: Conversation): void {
    agentActions.focus(this, c);
  }

  agentMessage(
    c: Conversation,
    body: string,
    bodyType: 'standard' | 'notice',
    from: 'agent' | 'acd' | 'workflow' = 'agent',
    extra: MessageExtras = {},
  ): MessageRecord {
    return agentActions.agentMessage(this, c, body, bodyType, from, extra);
  }

  agentTyping(c: Conversation): void {
    agentActions.agentTyping(this, c);
  }

  transfer(c: Conversation, t: TransferRequest): void {
    agentActions.transfer(this, c, t);
  }

  agentEnds(c: Conversation): void {
    agentActions.agentEnds(this, c);
  }

  createMediaRequest(c: Conversation, types: Array<'COBROWSE' | 'SCREENSHARE'>): string {
    return agentActions.createMediaRequest(this, c, types);
  }

  // ---------------------------------------------------------------- ending, timers

  end(c: Conversation, reason: EndReason): void {
    ending.end(this, c, reason);
  }

  dropSockets(c: Conversation, how: { closeFrame: boolean; code?: number; reason?: string }): number {
    return ending.dropSockets(c, how);
  }

  /** Run `fn` after `ms`, swallowing the conflict it may meet if the chat moved on meanwhile. */
  later(ms: number, fn: () => void): void {
    this.timers.later(ms, fn);
  }

  /** Stop every timer and close every guest socket. */
  close(): void {
    this.timers.close();
    for (const c of this.conversations.values()) for (const ws of c.sockets) ws.terminate();
    this.removeAllListeners();
  }
}
