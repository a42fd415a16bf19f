import { randomUUID } from 'node:crypto';
import type { ChatEngine } from '../chat-engine';
import type { Conversation, MemberRecord, MessageRecord } from '../conversation';
import { GenesysError, conflict, conversationEnded } from '../errors';
import { memberChangeFrame, typingFrame } from '../guest-chat/frames';
import { findAgent } from './agents';
import { end, startInactivity } from './ending';
import { addMessage, frame, memberLeaves, memberMessage, memberState } from './guest-frames';
import { enqueue } from './routing';
import type { AgentState, MessageExtras, TransferRequest } from './types';

/** What a person (or the automatic agent) does as an agent: accept, talk, transfer, end. */

/** Accept a queued chat as the given agent (ALERTING, then CONNECTED after `alertingMs`). */
export function accept(
  engine: ChatEngine,
  c: Conversation,
  agentId: string,
  opts: { connect?: boolean } = {},
): MemberRecord {
  if (c.phase !== 'queued') throw conflict(`The chat is ${c.phase}; only a queued chat can be accepted.`);
  const agent = findAgent(engine, agentId);
  const member = alertAgent(engine, c, agent);
  if (opts.connect !== false) engine.later(engine.settings.alertingMs, () => connectAgent(engine, c));
  return member;
}

/** Connect the ALERTING agent (after `accept` or `transfer` with `connect: false`). */
export function connectAgent(engine: ChatEngine, c: Conversation): MemberRecord {
  const member = c.agentMember;
  if (c.ended || !member || member.state !== 'ALERTING') throw conflict('No agent is alerting in this chat.');
  memberState(engine, c, member, 'CONNECTED');
  memberMessage(engine, c, member, 'member-join');
  const acd = c.acdMemberId ? c.members.get(c.acdMemberId) : undefined;
  if (acd && acd.state !== 'DISCONNECTED') memberLeaves(engine, c, acd);
  delete c.acdMemberId;
  c.phase = 'connected';
  c.connectedAt ??= engine.clock.iso();
  startInactivity(engine, c);
  engine.emit('change', c.id);
  engine.emit('connected', c);
  return member;
}

function alertAgent(engine: ChatEngine, c: Conversation, agent: AgentState): MemberRecord {
  const member = c.addMember({
    role: 'AGENT',
    displayName: agent.name,
    avatarImageUrl: agent.avatarImageUrl,
    state: 'ALERTING',
    joinDate: engine.clock.iso(),
    agentId: agent.id,
  });
  c.agentMemberId = member.id;
  c.phase = 'alerting';
  agent.conversations.add(c.id);
  frame(engine, c, memberChangeFrame(c.id, member.id, 'ALERTING', engine.clock.iso()));
  engine.emit('change', c.id);
  return member;
}

function requireConnectedAgent(c: Conversation): MemberRecord {
  if (c.ended) throw conversationEnded();
  const m = c.agentMember;
  if (!m || m.state !== 'CONNECTED') throw conflict('No agent is connected to this chat.');
  return m;
}

/** The agent switches focus or holds: Genesys repeats CONNECTED with a new CorrelationId (docs/guest-chat-protocol.md, "Repeated CONNECTED"). */
export function focus(engine: ChatEngine, c: Conversation): void {
  const member = requireConnectedAgent(c);
  frame(engine, c, memberChangeFrame(c.id, member.id, 'CONNECTED', engine.clock.iso()));
}

/** A message from the agent, or from the chat's ACD or WORKFLOW member. */
export function agentMessage(
  engine: ChatEngine,
  c: Conversation,
  body: string,
  bodyType: 'standard' | 'notice',
  from: 'agent' | 'acd' | 'workflow' = 'agent',
  extra: MessageExtras = {},
): MessageRecord {
  if (c.ended) throw conversationEnded();
  let sender: MemberRecord | undefined;
  if (from === 'agent') sender = requireConnectedAgent(c);
  else if (from === 'acd') sender = c.acdMemberId ? c.members.get(c.acdMemberId) : undefined;
  else sender = [...c.members.values()].find((m) => m.role === 'WORKFLOW');
  if (!sender) throw conflict(`The chat has no ${from} member to send from.`);
  if ((extra.quickReplies || extra.attachments || extra.cards || extra.content) && c.media !== 'message')
    throw conflict('Quick replies, cards and files are Web Messaging features; this is a guest chat.');
  return addMessage(engine, c, sender.id, body, bodyType, extra);
}

export function agentTyping(engine: ChatEngine, c: Conversation): void {
  const member = requireConnectedAgent(c);
  frame(engine, c, typingFrame(c.id, { id: randomUUID(), senderId: member.id, timestamp: engine.clock.iso() }));
}

/** Transfer to another agent or back to a queue (docs/guest-chat-protocol.md, "Transfers"); the guest stays CONNECTED throughout. */
export function transfer(engine: ChatEngine, c: Conversation, t: TransferRequest): void {
  const old = requireConnectedAgent(c);
  const order = t.order ?? engine.settings.transferOrder;
  if (t.toAgentId) {
    const target = findAgent(engine, t.toAgentId);
    if (target.id === old.agentId) throw conflict('The chat is already with that agent.');
    if (order === 'alert-first') {
      alertAgent(engine, c, target);
      memberLeaves(engine, c, old);
    } else {
      memberLeaves(engine, c, old);
      alertAgent(engine, c, target);
    }
    if (t.connect !== false) engine.later(engine.settings.alertingMs, () => connectAgent(engine, c));
    return;
  }
  const queueId = t.toQueueId ?? c.queueId;
  if (!queueId || !engine.queue(queueId)) throw new GenesysError(404, 'not.found', `No queue ${String(t.toQueueId)}.`);
  memberLeaves(engine, c, old);
  delete c.agentMemberId;
  enqueue(engine, c, queueId);
}

/** The agent ends the chat: agent leaves, then the guest is disconnected. */
export function agentEnds(engine: ChatEngine, c: Conversation): void {
  const member = c.agentMember;
  if (c.ended) throw conversationEnded();
  if (!member) throw conflict('No agent is in this chat.');
  end(engine, c, 'agent');
}

/** An agent invites the guest to co-browse or share a screen (legacy media request). */
export function createMediaRequest(
  engine: ChatEngine,
  c: Conversation,
  types: Array<'COBROWSE' | 'SCREENSHARE'>,
): string {
  const member = requireConnectedAgent(c);
  const id = randomUUID();
  c.mediaRequests.push({
    id,
    name: types.join('+').toLowerCase(),
    types,
    state: 'PENDING',
    securityKey: randomUUID().slice(0, 8),
  });
  addMessage(engine, c, member.id, id, 'media-request');
  return id;
}
