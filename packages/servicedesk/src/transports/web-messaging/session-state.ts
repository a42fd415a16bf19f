/**
 * A Web Messaging session as the connection sees it: one state at a time, changed only by {@link nextSession}.
 * - `configuring`: no session is bound to the socket (it is opening, or reconnecting after a drop).
 * - `open`: the socket is bound to the session (its SessionResponse came); messages can go.
 * - `read-only`: Genesys takes no more messages (the agent ended the chat read-only, or a send met 409); what comes in
 *   is still shown. `bound` while the socket is bound.
 * - `ending`: the customer left; nothing more is sent but the Presence Clear.
 * - `ended`: the chat is over (Genesys closed the connection, cleared the session, the customer signed out, or the
 *   session refused the chat).
 * - `expired`: the session is gone (expired, not found, or a new one was made while the connection was away).
 */
export type SessionState =
  | { readonly kind: 'configuring' }
  | { readonly kind: 'open' }
  | { readonly kind: 'read-only'; readonly bound: boolean }
  | { readonly kind: 'ending' }
  | { readonly kind: 'ended' }
  | { readonly kind: 'expired' };

/** What happens to a session. */
export type SessionEvent =
  /** A SessionResponse bound the socket to the session. */
  | 'bound'
  /** The socket closed or dropped. */
  | 'dropped'
  /** Genesys takes no more messages in this session. */
  | 'read-only'
  /** The customer leaves. */
  | 'leave'
  /** The chat cannot go on. */
  | 'finished'
  /** The session is gone. */
  | 'expired';

export const INITIAL_SESSION: SessionState = { kind: 'configuring' };

/** The state after `event`: the whole table of a session's transitions (tested as one). */
export function nextSession(s: SessionState, event: SessionEvent): SessionState {
  switch (s.kind) {
    case 'ended':
    case 'expired':
      return s;
    case 'ending':
      return event === 'finished' || event === 'expired' ? { kind: 'ended' } : s;
    case 'configuring':
    case 'open':
    case 'read-only':
      break;
  }
  switch (event) {
    case 'leave':
      return { kind: 'ending' };
    case 'finished':
      return { kind: 'ended' };
    case 'expired':
      return { kind: 'expired' };
    case 'read-only':
      return { kind: 'read-only', bound: isBound(s) };
    case 'bound':
      if (s.kind === 'read-only') return { kind: 'read-only', bound: true };
      return { kind: 'open' };
    case 'dropped':
      if (s.kind === 'read-only') return { kind: 'read-only', bound: false };
      return { kind: 'configuring' };
  }
}

/** Requests can go on the socket (a backfill's JWT, the heartbeat). */
export function isBound(s: SessionState): boolean {
  return s.kind === 'open' || (s.kind === 'read-only' && s.bound);
}

/** Nothing more comes in or goes out. */
export function isOver(s: SessionState): boolean {
  return s.kind === 'ended' || s.kind === 'expired';
}

/** The customer's messages can still reach the agent in this session (now or after a reconnect). */
export function takesMessages(s: SessionState): boolean {
  return s.kind === 'configuring' || s.kind === 'open';
}
