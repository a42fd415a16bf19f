import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { BodyType, EventFrame, MemberRole, MemberState } from './guest-chat/frames';

export type ChatPhase = 'created' | 'workflow' | 'queued' | 'alerting' | 'connected' | 'ended';
export type EndReason = 'guest' | 'agent' | 'inactivity' | 'system';

/** A member as `GET /members/{id}` shows it (`WebChatMemberInfo`), plus the emulator's own link to an agent. */
export interface MemberRecord {
  id: string;
  role: MemberRole;
  displayName: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phoneNumber?: string;
  avatarImageUrl?: string;
  state: MemberState;
  joinDate: string;
  leaveDate?: string;
  authenticatedGuest?: boolean;
  customFields?: Record<string, string>;
  /** The emulator agent behind an AGENT member. */
  agentId?: string;
}

/** A file in a Web Messaging message (the guest's upload, or one an agent sent). */
export interface AttachmentRecord {
  id: string;
  filename: string;
  mime: string;
  fileSize: number;
  mediaType: 'Image' | 'Video' | 'Audio' | 'File';
  /** Where the emulator serves the bytes (the console shows images from it). */
  url: string;
}

/** A card as Genesys sends it: a title, a description and an image, with buttons that open a link or answer. */
export interface CardRecord {
  title: string;
  description?: string;
  image?: string;
  actions: Array<{ type: 'Link'; text: string; url: string } | { type: 'Postback'; text: string; payload: string }>;
}

export interface MessageRecord {
  id: string;
  senderId: string;
  body: string;
  bodyType: BodyType;
  timestamp: string;
  /** Web Messaging only: quick replies offered with an outbound message. */
  quickReplies?: Array<{ text: string; payload: string }>;
  /** Web Messaging only: cards sent with an outbound message (one is a Card, several a Carousel). */
  cards?: CardRecord[];
  /**
   * Web Messaging only: other structured content items sent as given (a date picker, a list picker, a form): what a
   * flow can send that a client may not draw.
   */
  content?: Array<{ contentType: string } & Record<string, unknown>>;
  /** Web Messaging only: the files of the message. */
  attachments?: AttachmentRecord[];
  /** Web Messaging only: the guest answered a quick reply or a button (the body is the button's text). */
  buttonResponse?: { type: string; text: string; payload: string };
}

/** The channel a conversation came through: legacy guest chat, or Web Messaging (analytics media type `message`). */
export type ConversationMedia = 'chat' | 'message';

export type MediaRequestState = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'TIMEDOUT' | 'CANCELLED' | 'ERRORED';
export type MediaType = 'COBROWSE' | 'SCREENSHARE';

export interface MediaRequestRecord {
  id: string;
  name: string;
  types: MediaType[];
  state: MediaRequestState;
  communicationId?: string;
  securityKey: string;
}

/** One guest chat conversation: its members, messages and attached guest sockets. */
export class Conversation {
  readonly id = randomUUID();
  readonly members = new Map<string, MemberRecord>();
  readonly messages: MessageRecord[] = [];
  readonly mediaRequests: MediaRequestRecord[] = [];
  readonly sockets = new Set<WebSocket>();
  phase: ChatPhase = 'created';
  /** Set once the first socket attached: routing starts then and only then (docs/guest-chat-protocol.md, "Event stream"). */
  attachedOnce = false;
  /** Typing notices the guest sent (either channel), for the agent side's view and tests. */
  guestTypingNotices = 0;
  queuedAt?: string;
  connectedAt?: string;
  endedAt?: string;
  endReason?: EndReason;
  /** The AGENT member currently ALERTING or CONNECTED. */
  agentMemberId?: string;
  /** The ACD member while the chat waits in queue. */
  acdMemberId?: string;
  /** Frames emitted while no socket was attached; replayed only when `replayOnReconnect` is on. */
  missedFrames: EventFrame[] = [];
  jwt = '';
  media: ConversationMedia = 'chat';
  /**
   * Web Messaging: receives every frame instead of guest chat sockets, and turns what the guest should see into
   * Web Messaging pushes. Absent for guest chat.
   */
  deliver?: (frame: EventFrame) => void;

  constructor(
    readonly deploymentId: string,
    /** The queue the chat waits in; null when create accepted a queue name the org does not have. */
    public queueId: string | null,
    readonly guest: MemberRecord,
    readonly createdAt: string,
    /** The claims of a verified `memberAuthToken`, shown to the agent. */
    readonly signedData: Record<string, unknown> | null,
  ) {
    this.members.set(guest.id, guest);
  }

  get ended(): boolean {
    return this.phase === 'ended';
  }

  get agentMember(): MemberRecord | undefined {
    return this.agentMemberId ? this.members.get(this.agentMemberId) : undefined;
  }

  addMember(m: Omit<MemberRecord, 'id'>): MemberRecord {
    const member: MemberRecord = { id: randomUUID(), ...m };
    this.members.set(member.id, member);
    return member;
  }
}
