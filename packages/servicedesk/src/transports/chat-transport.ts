import type { Observable } from 'rxjs';
import type { ChatEvent, QuickReply } from '../chat-event';

/**
 * The seam between the service desk and a Genesys channel. The desk and the host adapters see only these types; each
 * channel (`transports/guest-chat/`, later `transports/web-messaging/`) implements them in its own folder and turns
 * its wire protocol into `ChatEvent`s. See docs/architecture.md, "Transports".
 */

/** A WebSocket constructor: the browser's, or `ws` in Node. */
export type WebSocketCtor = new (url: string, protocols?: string | string[]) => WebSocket;

/** The customer as the agent sees them. */
export interface ChatProfile {
  displayName: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  avatarImageUrl?: string;
}

/**
 * What the site gives for an identity-verified chat (`getIdentityToken`): its identity token (a JWT; for Web
 * Messaging an OpenID Connect ID token whose `nonce` claim is the nonce it was requested with), or, for Web Messaging,
 * the ID token and its nonce, or an authorization code to redeem at Genesys.
 */
export type IdentityCredential =
  string | { idToken: string; nonce: string } | { code: string; redirectUri: string; codeVerifier?: string };

/** What a new chat starts from, in no channel's terms. */
export interface ChatStartRequest {
  profile: ChatProfile;
  /** Extra facts for the agent and the routing (string values; empty when there are none). */
  customFields: Record<string, string>;
  /** What the agent reads first (why the customer asked, the assistant's summary); absent when there is nothing. */
  summaryForAgent?: string;
  /** The site's identity, for an identity-verified chat: the transport turns it into its channel's credentials. */
  identityToken?: IdentityCredential;
}

/** Starts and resumes chats on one channel. */
export interface ChatTransport {
  /** Creates the chat. Its event stream opens when the connection's `events$` is subscribed. */
  start(request: ChatStartRequest): Promise<ChatConnection>;
  /**
   * Reattaches to a chat after a page reload, from a state an earlier connection gave (`savedState`). Null when that
   * state is not one this transport understands or the chat is over.
   */
  resume(saved: unknown): Promise<ChatConnection | null>;
}

/** One chat's connection: its events, its commands, its teardown. Nothing is shared between chats. */
export interface ChatConnection {
  /** The chat's events. Cold: subscribing opens the event stream; it completes after `chatEnded`. Subscribe once. */
  readonly events$: Observable<ChatEvent>;
  /**
   * Resolves when the event stream first opened and the chat is ready for the customer (a new chat's summary for the
   * agent has been posted, transient failures retried); rejects if the stream could not be opened or the summary
   * could not be delivered (the desk then leaves the chat).
   */
  readonly opened: Promise<void>;
  /** The longest text `sendMessage` takes, in characters. */
  readonly maxMessageLength: number;
  /** The conversation's id at Genesys, for the middleware's queue position (where the channel tells the guest). */
  readonly conversationId: string | undefined;
  /**
   * The id of one of the customer's own messages in this chat, for the middleware's queue position on a channel that
   * never tells the guest its conversation's id (Web Messaging): the middleware finds the conversation from it.
   */
  readonly ownMessageId: string | undefined;
  /**
   * The channel tells the guest when the chat goes back to a queue after an agent (a `queued` event). Without it (Web
   * Messaging), the desk keeps asking for the place in line while an agent has the chat: a place means it waits again.
   */
  readonly hearsRequeue: boolean;
  /**
   * The last message the event stream has passed on, whether or not it showed anything (the customer's own echoes
   * count): once every event so far has been handled, the chat can resume after it.
   */
  readonly lastMessageId: string | undefined;
  /**
   * Resolves once the channel accepted the text (a channel that acknowledges on its event stream resolves then); rejects
   * with a `ServiceDeskError` otherwise: a transient one (`isTransient`) while the connection is away. `id` is the same
   * for every attempt at one message: a channel that can find a message again by an id of ours (Web Messaging) does
   * not send it twice when an attempt reached Genesys but its answer was lost with the connection.
   */
  sendMessage(text: string, id?: string): Promise<void>;
  /**
   * Sends the customer's file. Resolves once the channel accepted it; rejects with a `ServiceDeskError`: `FILE_REFUSED`
   * (type, size or name), `UPLOAD_FAILED`, or what `sendMessage` rejects with. A channel without uploads (guest chat)
   * always rejects with `UPLOAD_FAILED`; its chats never send an `uploadPolicy`.
   */
  sendFile(file: Blob, name: string): Promise<void>;
  /** Sends the customer's choice of a quick reply (a channel without quick replies sends its text). */
  sendQuickReply(reply: QuickReply): Promise<void>;
  /** Tells the agent the customer is typing (the channel has no "stopped typing"). */
  sendTyping(): Promise<void>;
  /** The customer leaves the chat, then the connection is disposed. A chat already over counts as left. */
  end(): Promise<void>;
  /** The customer is signed in to this chat (an identity-verified chat). */
  readonly authenticated: boolean;
  /**
   * The customer signed out of the site: the chat is left as `end` leaves it, and the channel's sign-in of the
   * customer is ended too where it has one, so the agent no longer has a verified customer in front of them.
   */
  signOut(): Promise<void>;
  /** Closes the event stream and stops every timer of this chat, without leaving it. */
  dispose(): void;
  /**
   * What to keep for a reload, resuming after `resumeAfter` (the last message the host has shown). Plain JSON, opaque
   * to the desk: only this transport's `resume` reads it.
   */
  savedState(resumeAfter: string | undefined): unknown;
}
