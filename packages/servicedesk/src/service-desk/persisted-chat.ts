import type { HostCallback } from '../hosts/host-types';

/**
 * The desk's entry in the host's persisted state: the chat's saved state (what its connection gives, opaque here),
 * or null once the chat is over. Both hosts keep it across a page reload; `reconnect` reads it back.
 */
export const PERSIST_KEY = 'genesysChat';

const entry = (value: unknown) => ({ [PERSIST_KEY]: value }) satisfies Record<typeof PERSIST_KEY, unknown>;

export function writeSavedChat(cb: HostCallback, state: unknown): void {
  void cb.updatePersistedState?.(entry(state), true);
}

export function clearSavedChat(cb: HostCallback): void {
  void cb.updatePersistedState?.(entry(null), true);
}

/** The saved chat, if the host kept one. */
export function readSavedChat(cb: HostCallback): unknown {
  const state = cb.persistedState?.() as Record<string, unknown> | null | undefined;
  return state?.[PERSIST_KEY] ?? undefined;
}
