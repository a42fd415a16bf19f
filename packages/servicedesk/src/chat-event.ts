/**
 * The transport-neutral events the ServiceDesk consumes. Every transport turns its channel's frames into this union;
 * a channel that can say more (files, quick replies) adds members here, and the desk and its host adapters handle
 * them in one place each.
 */

export interface AgentInfo {
  /** The agent's member id in this conversation. */
  id: string;
  nickname: string;
  avatarUrl?: string;
}

export type ChatEndReason = 'agent' | 'guest' | 'system';

/** A file in a message from Genesys (Web Messaging): shown as an image, or as a link to it. */
export interface ChatFile {
  name: string;
  /** Where the file is downloaded from (a signed Genesys link that expires). */
  url: string;
  kind: 'image' | 'video' | 'audio' | 'file';
  mime?: string;
  /** Bytes, when Genesys gave it. */
  size?: number;
}

/** An answer the agent or the flow offers (Web Messaging quick replies): the customer picks one. */
export interface QuickReply {
  /** What the customer sees and, once chosen, what the conversation shows. */
  text: string;
  /** What goes back to Genesys with the choice. */
  payload: string;
  /** A card's answer button rather than a quick reply: Genesys is told which (`ButtonResponse` type). */
  fromCard?: boolean;
}

/** A button of a card: it opens a link, or answers (the answer goes to the agent as a quick reply's does). */
export type CardAction =
  { kind: 'link'; text: string; url: string } | { kind: 'answer'; text: string; payload: string };

/** A card from the agent (Web Messaging): a title, a description and an image, with buttons. */
export interface ChatCard {
  title: string;
  description?: string;
  imageUrl?: string;
  actions: CardAction[];
}

/**
 * Something in a message the hosts cannot show (a date picker, a list picker, a form, a content type the client does
 * not know): told in words instead, with its choices, so that nothing is dropped without a word.
 */
export interface NotShownContent {
  /** Genesys' content type, e.g. `DatePicker`. */
  kind: string;
  title?: string;
  /** Its choices: texts, or times (ISO-8601) as a date picker offers them. */
  options: ReadonlyArray<{ text: string } | { time: string }>;
}

/** What the customer may upload in this chat (Web Messaging's `allowedMedia`). */
export interface UploadPolicy {
  /** MIME types or patterns such as `image/png` or `image/*` (a type of `*` matches any file). */
  types: string[];
  maxBytes: number;
  /** File name endings that are refused (`.exe`), lower case. */
  blockedExtensions: string[];
}

/** What a message may carry besides its text (Web Messaging only; guest chat messages are text). */
export interface MessageExtras {
  files?: ChatFile[];
  quickReplies?: QuickReply[];
  /** One card, or several side by side (a carousel). */
  cards?: ChatCard[];
  /** What the message has that the hosts cannot show, told in words. */
  notShown?: NotShownContent[];
  /**
   * The text is Markdown, to be shown formatted (Web Messaging, when the deployment's Markdown setting is on); absent:
   * plain text, shown exactly as typed.
   */
  markdown?: true;
}

/**
 * A message the customer had seen before a page reload, as the conversation's history at Genesys has it: their own
 * words, an agent's, or the flow's. The channel's notes for the agent (the hand-off summary) are never among them.
 */
export type EarlierMessage =
  | ({ from: 'customer'; id: string; text: string; timestamp: string } & Pick<MessageExtras, 'files'>)
  | ({ from: 'agent'; id: string; agent: AgentInfo; text: string; timestamp: string } & MessageExtras)
  | ({ from: 'system'; id: string; text: string; timestamp: string } & MessageExtras);

export type ChatEvent =
  /** The chat waits in a queue (first routing, or again after a transfer back to the queue). */
  | { type: 'queued' }
  /** An agent connected (once per agent member, however often Genesys repeats CONNECTED). */
  | { type: 'agentJoined'; agent: AgentInfo }
  /** A transfer started: the previous agent left while the guest stays, and a new agent or the queue takes over. */
  | { type: 'transferStarted'; to?: AgentInfo }
  /** An agent left without ending the chat. */
  | { type: 'agentLeft'; agent: AgentInfo }
  /** `text` is empty when the message is only files or quick replies. */
  | ({ type: 'agentMessage'; id: string; agent: AgentInfo; text: string; timestamp: string } & MessageExtras)
  /** A notice or message from the flow or the queue (e.g. "Finding an agent for you"). */
  | ({ type: 'systemMessage'; id: string; role: 'WORKFLOW' | 'ACD'; text: string; timestamp: string } & MessageExtras)
  /**
   * What the customer may upload, each time the channel says (Web Messaging: every session response); `undefined`
   * policy: no uploads. A channel that never sends it has no uploads.
   */
  | { type: 'uploadPolicy'; policy: UploadPolicy | undefined }
  /**
   * After a reload, before anything else: what the customer had seen of the conversation, oldest first (the reloaded
   * page shows nothing of it by itself). Everything after it arrives as the usual events.
   */
  | { type: 'earlierMessages'; messages: EarlierMessage[] }
  | { type: 'agentTyping'; agent: AgentInfo; typing: boolean }
  | { type: 'chatEnded'; by: ChatEndReason }
  /** The event stream was lost (`disconnected`) or is back (`connected`); only after the first connection. */
  | { type: 'connection'; state: 'disconnected' | 'connected' };

export type ChatEventOf<T extends ChatEvent['type']> = Extract<ChatEvent, { type: T }>;
