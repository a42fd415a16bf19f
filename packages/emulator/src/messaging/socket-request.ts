import type { WebSocket } from 'ws';
import { isObject } from '../params';
import type { MessengerDeployment } from './deployment';
import type { MessagingSession } from './session';

/** A socket of the guest API: the deployment of its URL, the origin it used, and the session it is bound to. */
export interface SocketState {
  deployment: MessengerDeployment;
  origin: { http: string; ws: string };
  session: MessagingSession | null;
  /** When this connection's last `echo` was answered (emulator clock), for the once-per-30-s limit. */
  lastEchoAt?: number;
}

/** One request of a guest socket, as every action handler gets it. */
export interface SocketRequest {
  ws: WebSocket;
  state: SocketState;
  r: Record<string, unknown>;
  tracingId: string | undefined;
}

/** Thrown when the answer was already sent (429, GenerateUrlError): the request is over, nothing more to say. */
export class Answered extends Error {}

/** Thrown by `session()` when it notices the expiry: the caller answers SessionExpiredEvent. */
export class ExpiredNow extends Error {
  constructor(readonly tracingId: string | undefined) {
    super('session expired');
  }
}

/** The string values of a map (a request's `metadata`); anything else is left out. */
export function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
