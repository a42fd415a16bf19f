import type { ChatProfile } from '../transports/chat-transport';

/** The customer as the site describes them (option `userProfile`). */
export interface UserProfile {
  displayName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  avatarImageUrl?: string;
}

/**
 * The profile the agent sees: the site's, named by the site, else by the host's user id, else "Customer". Hosted web
 * chat's anonymous user ids (`anonymous_…`) mean nothing to an agent and are not shown.
 */
export async function chatProfile(
  option: UserProfile | (() => Promise<UserProfile> | UserProfile) | undefined,
  hostUserId: string | undefined,
): Promise<ChatProfile> {
  const profile = (typeof option === 'function' ? await option() : option) ?? {};
  const fromHost = hostUserId && !/^anonymous_/i.test(hostUserId) ? hostUserId : undefined;
  return { ...profile, displayName: profile.displayName?.trim() || fromHost || 'Customer' };
}
