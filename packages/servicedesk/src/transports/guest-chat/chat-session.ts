/** What identifies a live guest chat across page reloads: the state the connection gives the desk to keep. */
export interface ChatSession {
  conversationId: string;
  memberId: string;
  jwt: string;
  eventStreamUri: string;
  /** The last message seen, so a reattached chat shows only what was missed. */
  lastMessageId?: string;
  /** The guest is an authenticated guest (the chat was created with a member auth token). */
  authenticated?: boolean;
}

/** What is kept for a reload: the session, with the resume point in place of the last message seen. */
export function savedSession(session: ChatSession, resumeAfter: string | undefined): ChatSession {
  const { conversationId, memberId, jwt, eventStreamUri, authenticated } = session;
  return {
    conversationId,
    memberId,
    jwt,
    eventStreamUri,
    ...(resumeAfter ? { lastMessageId: resumeAfter } : {}),
    ...(authenticated ? { authenticated } : {}),
  };
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** A saved session read back from the host's persisted state, or undefined when it is not one. */
export function parseSavedSession(saved: unknown): ChatSession | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as Partial<Record<keyof ChatSession, unknown>>;
  if (!isText(s.conversationId) || !isText(s.memberId) || !isText(s.jwt) || !isText(s.eventStreamUri)) return undefined;
  return savedSession(
    {
      conversationId: s.conversationId,
      memberId: s.memberId,
      jwt: s.jwt,
      eventStreamUri: s.eventStreamUri,
      ...(s.authenticated === true ? { authenticated: true } : {}),
    },
    isText(s.lastMessageId) ? s.lastMessageId : undefined,
  );
}
