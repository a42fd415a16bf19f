import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { MessengerDeployment } from './deployment';
import type { StructuredBody, WmFrame } from './frames';
import type { Identity } from './identity';

/** A file the guest announced with `onAttachment`: pending until its upload lands, then uploaded (or failed). */
export interface GuestAttachment {
  id: string;
  fileName: string;
  fileType: string;
  fileSize: number;
  /** The headers the presigned URL requires, exactly as handed out. */
  headers: Record<string, string>;
  status: 'pending' | 'uploaded' | 'failed';
  /** When `onAttachment` was answered (emulator clock, ms). */
  createdAt: number;
  /** Set once an `onMessage` referenced it; sent files cannot be deleted. */
  sent: boolean;
}

/**
 * One guest session, keyed by the client-generated token. Several sockets (tabs, devices) may share it; it outlives
 * them and every conversation it holds, until it expires after `sessionTtlSeconds` without a message in or out.
 */
export class MessagingSession {
  readonly id = randomUUID();
  readonly sockets = new Set<WebSocket>();
  /** What the guest sees in history, oldest first (StructuredMessage bodies, echoes included). */
  readonly history: StructuredBody[] = [];
  readonly attachments = new Map<string, GuestAttachment>();
  readOnly = false;
  identity: Identity | null = null;
  /** Emulator-clock ms after which the session is expired unless a message extends it. */
  expiresAt: number;
  /** Set once the guest was told the session expired (SessionExpiredEvent); later requests get 4006. */
  expiryNotified = false;
  /** The conversation the session's messages go to; a new one starts after it ended. */
  conversationId: string | null = null;
  customAttributes: Record<string, string> = {};
  /** The client sent custom attributes in a request-level `channel` (not `message.channel`) at least once. */
  requestLevelAttributes = false;
  /** When the last `onMessage` requests were accepted (ms), for the 2-per-second limit. */
  recentSends: number[] = [];
  /** Test knob: the next `times` onMessage requests are refused with 429. */
  forcedRateLimit: { times: number; retryAfter: number } | null = null;
  /** Test knob: the next upload is stored, then reported failed. */
  failNextUpload: { errorCode: number; errorMessage: string } | null = null;
  /** Pushes held back while the out-of-order window is open. */
  held: WmFrame[] = [];
  heldTimer: NodeJS.Timeout | null = null;
  readonly createdAt: number;

  constructor(
    readonly token: string,
    readonly deployment: MessengerDeployment,
    now: number,
  ) {
    this.createdAt = now;
    this.expiresAt = now + deployment.sessionTtlSeconds * 1000;
  }

  extend(now: number): void {
    this.expiresAt = now + this.deployment.sessionTtlSeconds * 1000;
  }

  expired(now: number): boolean {
    return now >= this.expiresAt;
  }

  /** `durationSeconds` / `expirationDate` (epoch seconds) as SessionResponse and the echo carry them. */
  duration(): { durationSeconds: number; expirationDate: number } {
    return {
      durationSeconds: this.deployment.sessionTtlSeconds,
      expirationDate: Math.floor(this.expiresAt / 1000),
    };
  }
}
