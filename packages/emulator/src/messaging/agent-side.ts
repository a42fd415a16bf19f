import { randomUUID } from 'node:crypto';
import type { ChatEngine } from '../chat-engine';
import type { Clock } from '../clock';
import type { CardRecord, Conversation, MessageRecord } from '../conversation';
import type { EventFrame, MessageFrame, TypingFrame } from '../guest-chat/frames';
import type { Attachments } from './attachments';
import type { DisconnectType } from './deployment';
import { serverId, type StructuredBody, type WmContent, type WmEvent } from './frames';
import type { Pushes } from './pushes';
import type { MessagingSession } from './session';
import type { Sessions } from './sessions';

const TYPING_DURATION_MS = 5000;

/**
 * The agent's side as the guest sees it: agent and bot messages as Outbound StructuredMessages, agent typing as a
 * Typing event, and the end of the conversation as a Presence Disconnect (read-only or not, as configured).
 */
export class AgentSide {
  /** How the next agent disconnect of a conversation reaches the guest, when the control API overrides the deployment. */
  private readonly disconnectOverride = new Map<string, DisconnectType | 'none'>();

  constructor(
    private readonly engine: ChatEngine,
    private readonly clock: Clock,
    private readonly sessions: Sessions,
    private readonly attachments: Attachments,
    private readonly push: Pushes,
  ) {
    engine.on('ended', (c) => this.onConversationEnded(c));
  }

  /** The agent ends a messaging conversation; `disconnect` overrides the deployment's setting for this once. */
  agentDisconnect(c: Conversation, disconnect?: DisconnectType | 'none'): void {
    if (disconnect) this.disconnectOverride.set(c.id, disconnect);
    try {
      this.engine.agentEnds(c);
    } finally {
      this.disconnectOverride.delete(c.id);
    }
  }

  /** A frame of the conversation: what the guest of Web Messaging sees of it (agent and bot messages, typing). */
  deliver(s: MessagingSession, c: Conversation, f: EventFrame): void {
    if (this.sessions.byToken.get(s.token) !== s) return;
    switch (f.metadata.type) {
      case 'message': {
        const e = (f as MessageFrame).eventBody;
        const sender = c.members.get(e.sender.id);
        if (!sender || sender === c.guest) return;
        if (e.bodyType !== 'standard' && e.bodyType !== 'notice') return;
        const m = findMessage(c, e.id);
        if (!m) return;
        const human = sender.role === 'AGENT';
        const content: WmContent[] = [
          ...(m.attachments ?? []).map((a) => this.attachments.attachmentContent(a, this.push.lastOrigin.http)),
          ...(m.quickReplies ?? []).map((q) => ({ contentType: 'QuickReply' as const, quickReply: q }) as WmContent),
          ...cardContent(m.cards ?? []),
          ...((m.content ?? []) as WmContent[]),
        ];
        this.push.pushOutbound(s, {
          ...(m.body !== '' ? { text: m.body } : {}),
          type: m.quickReplies || m.cards || m.content ? 'Structured' : 'Text',
          direction: 'Outbound',
          id: serverId(),
          // A bot without a persona has no `from` (real bot text); a named bot and agents carry their nickname.
          channel:
            human || sender.displayName !== ''
              ? {
                  time: this.clock.iso(),
                  type: 'Private',
                  from: {
                    nickname: sender.displayName,
                    ...(human && sender.avatarImageUrl ? { image: sender.avatarImageUrl } : {}),
                  },
                  to: {},
                }
              : { time: this.clock.iso(), type: 'Private' },
          ...(content.length > 0 ? { content } : {}),
          metadata: { correlationId: randomUUID() },
          originatingEntity: human ? 'Human' : 'Bot',
        });
        return;
      }
      case 'typing-indicator': {
        if ((f as TypingFrame).eventBody.sender.id === c.guest.id || !s.deployment.typing) return;
        this.push.pushOutbound(
          s,
          this.outboundEvent(
            { eventType: 'Typing', typing: { type: 'On', duration: TYPING_DURATION_MS } },
            {
              correlationId: randomUUID(),
            },
          ),
        );
        return;
      }
      case 'member-change':
        return;
      default:
        return;
    }
  }

  /** An Outbound event in the shape of the real typing and disconnect frames (`channel.messageId` = `id`). */
  private outboundEvent(event: WmEvent, metadata?: Record<string, string>): StructuredBody {
    const id = randomUUID();
    return {
      direction: 'Outbound',
      id,
      channel: { time: this.clock.iso(), messageId: id },
      type: 'Event',
      ...(metadata ? { metadata } : {}),
      events: [event],
    };
  }

  private onConversationEnded(c: Conversation): void {
    if (c.media !== 'message' || c.endReason === 'guest') return;
    const s = this.sessions.sessionOf(c);
    if (!s || this.sessions.byToken.get(s.token) !== s) return;
    const configured = s.deployment.conversationDisconnect;
    const mode = this.disconnectOverride.get(c.id) ?? (configured.enabled ? configured.type : 'none');
    if (mode === 'none') return;
    const agent = [...c.members.values()].reverse().find((m) => m.role === 'AGENT');
    if (mode === 'ReadOnly') {
      s.readOnly = true;
      // The real ReadOnly frame names who ended it and carries metadata.readOnly as a string.
      this.push.pushOutbound(s, {
        type: 'Event',
        direction: 'Outbound',
        id: serverId(),
        channel: {
          time: this.clock.iso(),
          type: 'Private',
          from: agent ? { nickname: agent.displayName } : {},
          to: {},
        },
        events: [{ eventType: 'Presence', presence: { type: 'Disconnect' } }],
        metadata: { readOnly: 'true' },
        originatingEntity: agent ? 'Human' : 'Bot',
      });
    } else {
      this.push.pushOutbound(s, this.outboundEvent({ eventType: 'Presence', presence: { type: 'Disconnect' } }));
    }
    this.engine.emit('change', c.id);
  }
}

function findMessage(c: Conversation, id: string): MessageRecord | undefined {
  for (let i = c.messages.length - 1; i >= 0; i -= 1) if (c.messages[i]!.id === id) return c.messages[i];
  return undefined;
}

/** One card is a `Card` item, several a `Carousel`. */
function cardContent(cards: readonly CardRecord[]): WmContent[] {
  if (cards.length === 0) return [];
  if (cards.length === 1) return [{ contentType: 'Card', card: cards[0]! }];
  return [{ contentType: 'Carousel', carousel: { cards: [...cards] } }];
}
