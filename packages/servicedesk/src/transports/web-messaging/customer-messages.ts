import type { SchedulerLike } from 'rxjs';
import type { QuickReply } from '../../chat-event';
import { retryRateLimited } from '../rate-limit';
import type { Incoming } from './detectors/types';
import type { WmFrame } from './frames';
import type { Uploads } from './uploads';
import { refusal } from './wm-errors';

export interface CustomerMessagesConfig {
  /** Sends a request on the chat's socket and resolves with its answer. */
  request: (request: Record<string, unknown>, what: string) => Promise<WmFrame>;
  uploads: Uploads;
  /** Throws when the session takes no message now (over, or reconnecting). */
  assertSendable: () => void;
  /** The history backfill under way, if one is. */
  backfilling: () => Promise<void> | undefined;
  /** A send met 409: the session takes no more messages. */
  onReadOnly: () => void;
  /** A reattached chat's own message id, as saved. */
  ownMessageId: string | undefined;
  scheduler: SchedulerLike;
}

/**
 * What the customer sends on Web Messaging: each an `onMessage`, acknowledged by its Inbound echo (the echo carries
 * the message's id and is never shown) or refused with Genesys' error as ours (`wm-errors.ts`); a 429 is sent again
 * after its `retryAfter` (`../rate-limit.ts`); a 409 makes the session read-only. Keeps which of the customer's
 * messages Genesys has, and the id of the customer's first.
 */
export class CustomerMessages {
  /** The customer's messages Genesys has, by the id this client gave them (`metadata.customMessageId`). */
  private readonly delivered = new Set<string>();
  private own: string | undefined;
  /** `own` is a text's (a Join's echo stands in until the first text is echoed). */
  private ownIsText: boolean;

  constructor(private readonly c: CustomerMessagesConfig) {
    this.own = c.ownMessageId;
    this.ownIsText = c.ownMessageId !== undefined;
  }

  /** The id of the customer's first message as Genesys echoed it. */
  get ownMessageId(): string | undefined {
    return this.own;
  }

  /** A message of the conversation, live or from the history: Genesys has the customer's message it carries. */
  seen(m: Incoming): void {
    if (m.customMessageId) this.delivered.add(m.customMessageId);
  }

  /**
   * `id` travels as the message's `metadata.customMessageId`, which Genesys keeps with the message: a message already
   * in the conversation under that id (its echo came, or the history after a reconnect holds it although the socket
   * dropped before the echo) is not sent again. A history backfill under way is waited for, so that it has been read.
   */
  async text(text: string, id?: string): Promise<string | undefined> {
    await this.c.backfilling();
    if (id !== undefined && this.delivered.has(id)) return undefined;
    this.c.assertSendable();
    return this.send({ type: 'Text', text, ...(id !== undefined ? { metadata: { customMessageId: id } } : {}) });
  }

  /** A file (`uploads.ts`), then a message that carries it. */
  async file(file: Blob, name: string): Promise<void> {
    this.c.assertSendable();
    const attachmentId = await this.c.uploads.upload(file, name);
    await this.send({ type: 'Text', content: [{ contentType: 'Attachment', attachment: { id: attachmentId } }] });
  }

  /**
   * The customer's choice of a quick reply or of a card's answer button, as Genesys' own Messenger sends it: a
   * Structured `ButtonResponse` (type `QuickReply` or `Button`).
   */
  async quickReply(reply: QuickReply): Promise<void> {
    this.c.assertSendable();
    await this.send({
      type: 'Structured',
      text: reply.text,
      content: [
        {
          contentType: 'ButtonResponse',
          buttonResponse: { type: reply.fromCard ? 'Button' : 'QuickReply', text: reply.text, payload: reply.payload },
        },
      ],
    });
  }

  /** An `onMessage` of any kind (the Join too): resolves with the id its echo carries. */
  send(message: Record<string, unknown>): Promise<string | undefined> {
    return retryRateLimited(async () => {
      const f = await this.c.request({ action: 'onMessage', message }, 'a message');
      this.noteOwn(f);
      if (f.kind === 'error') {
        if (f.code === 409) this.c.onReadOnly();
        throw refusal(f);
      }
      return f.kind === 'message' ? f.message.id : undefined;
    }, this.c.scheduler);
  }

  /**
   * Keeps the id of the customer's first message as Genesys echoed it. A text's is preferred to the Join's: a text is
   * a message of the conversation beyond doubt, where Genesys documents nothing about looking up a presence event.
   */
  private noteOwn(f: WmFrame): void {
    if (f.kind !== 'message' || f.message.direction !== 'Inbound' || this.ownIsText) return;
    this.own = f.message.id;
    this.ownIsText = f.message.type === 'Text';
  }
}
