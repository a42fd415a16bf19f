/**
 * What a Web Messaging chat keeps for a page reload: the guest session token (the session is the token's), the
 * deployment it belongs to, the last message the host has shown, and for an authenticated session its refresh token.
 */
export interface WmSavedSession {
  channel: 'web-messaging';
  deploymentId: string;
  token: string;
  lastMessageId?: string;
  /** An authenticated session's refresh token: after a reload it fetches the JWT that signs the session in again. */
  refreshToken?: string;
  /** The id of the hand-off summary the chat began with: it is for the agent, never shown to the customer. */
  summaryId?: string;
  /**
   * Where the chat's socket connects and whether the deployment lets the customer end it (Presence Clear): after a
   * reload the socket opens at once with them, instead of after the deployment's configuration has been read again.
   */
  socketUrl?: string;
  clearEnabled?: boolean;
  /** The deployment's texts are Markdown: shown formatted after a reload as before it. */
  markdown?: boolean;
  /** One of the customer's own messages in the conversation: the middleware finds the place in line from it. */
  ownMessageId?: string;
}

/** What a session keeps besides its token and resume point. */
export interface SavedExtras {
  refreshToken?: string | undefined;
  summaryId?: string | undefined;
  socketUrl?: string | undefined;
  clearEnabled?: boolean | undefined;
  markdown?: boolean | undefined;
  ownMessageId?: string | undefined;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

export function savedSession(
  deploymentId: string,
  token: string,
  resumeAfter: string | undefined,
  { refreshToken, summaryId, socketUrl, clearEnabled, markdown, ownMessageId }: SavedExtras = {},
): WmSavedSession {
  return {
    channel: 'web-messaging',
    deploymentId,
    token,
    ...(resumeAfter ? { lastMessageId: resumeAfter } : {}),
    ...(refreshToken ? { refreshToken } : {}),
    ...(summaryId ? { summaryId } : {}),
    ...(socketUrl ? { socketUrl } : {}),
    ...(clearEnabled !== undefined ? { clearEnabled } : {}),
    ...(markdown ? { markdown } : {}),
    ...(ownMessageId ? { ownMessageId } : {}),
  };
}

/** A saved session read back from the host's persisted state, or undefined when it is not one of this deployment. */
export function parseSavedSession(saved: unknown, deploymentId: string): WmSavedSession | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as Partial<Record<keyof WmSavedSession, unknown>>;
  if (s.channel !== 'web-messaging' || s.deploymentId !== deploymentId || !isText(s.token)) return undefined;
  return savedSession(deploymentId, s.token, isText(s.lastMessageId) ? s.lastMessageId : undefined, {
    refreshToken: isText(s.refreshToken) ? s.refreshToken : undefined,
    summaryId: isText(s.summaryId) ? s.summaryId : undefined,
    // Only a ws(s) origin is taken: the saved state is the page's storage, not a place to be sent elsewhere from.
    socketUrl: isText(s.socketUrl) && /^wss?:\/\//.test(s.socketUrl) ? s.socketUrl : undefined,
    clearEnabled: typeof s.clearEnabled === 'boolean' ? s.clearEnabled : undefined,
    markdown: s.markdown === true,
    ownMessageId: isText(s.ownMessageId) ? s.ownMessageId : undefined,
  });
}
