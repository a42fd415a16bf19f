import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { BodyType, EventFrame, MemberRole, MemberState } from './frames';

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

export interface MessageRecord {
  id: string;
  senderId: string;
  body: string;
  bodyType: BodyType;
  timestamp: string;
}

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
  /** Set once the first socket attached: routing starts then and only then (protocol pitfall 1). */
  attachedOnce = false;
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
