import type { SchedulerLike } from 'rxjs';
import type { Logger } from '../../logger';
import type { BackoffConfig } from '../../streams/backoff';
import type { WebSocketCtor } from '../chat-transport';
import type { NetworkSignals } from '../resilient-socket';
import type { AuthenticatedSession } from './authenticated-session';

/** Genesys documents no limit; the emulator refuses more than 4,096 characters (4011). */
export const MAX_MESSAGE_LENGTH = 4000;

export interface WebMessagingConnectionConfig {
  /** The socket origin, e.g. `wss://webmessaging.mypurecloud.ie` or the emulator's `ws://127.0.0.1:…`. */
  socketUrl: string;
  /** The REST origin for history, e.g. `https://api.mypurecloud.ie`. */
  apiBaseUrl: string;
  deploymentId: string;
  /** Presence Clear is allowed (the deployment's `conversationClear`): how the customer ends the conversation. */
  clearEnabled: boolean;
  /** Agents' and the flow's texts are Markdown (the deployment's `markdown` setting). @default false */
  markdown?: boolean | undefined;
  webSocketCtor?: WebSocketCtor | undefined;
  fetch: typeof fetch;
  /** Between two heartbeat `echo`s (at least 30 s). @default `HEARTBEATS['web-messaging'].beatMs` (resilient-socket.ts) */
  heartbeatIntervalMs?: number | undefined;
  /** No frame for this long: the socket is dead. @default `HEARTBEATS['web-messaging'].timeoutMs` (resilient-socket.ts) */
  heartbeatTimeoutMs?: number | undefined;
  /** The browser's `offline`/`online`: a drop noticed at once. @default none */
  network?: NetworkSignals | undefined;
  backoff?: BackoffConfig | undefined;
  /** Reconnect attempts in a row before the chat is given up. @default 20 */
  maxReconnectAttempts?: number | undefined;
  /** The ordering buffer's window. @default 300 */
  orderWindowMs?: number | undefined;
  /** How long a typing notice not sent yet still describes the customer's typing. @default 5000 */
  typingRelevantMs?: number | undefined;
  scheduler?: SchedulerLike | undefined;
  logger?: Logger | undefined;
}

export interface ConnectionStart {
  token: string;
  /** Start a new session for a token used before (the way out of an ended, read-only session). */
  startNew: boolean;
  /** A reattached chat (after a reload): the session must still be there, and the history is replayed to the resume point. */
  resuming: boolean;
  resumeAfter?: string | undefined;
  /** A reattached chat's `ownMessageId`, as saved. */
  ownMessageId?: string | undefined;
  /** A new chat's custom attributes, sent with its Join. */
  attributes?: Record<string, string> | undefined;
  /** A new chat's summary for the agent: the conversation's first message (the customer never sees their own echoes). */
  summary?: string | undefined;
  /** A reattached chat's summary message (its id): never shown to the customer with what they had seen. */
  summaryId?: string | undefined;
  /** Told when the session can take no more messages (so a next chat starts a new one). */
  onSessionOver?: (() => void) | undefined;
  /** An authenticated chat's credentials: every open signs the session in with `configureAuthenticatedSession`. */
  auth?: AuthenticatedSession | undefined;
}
