import type { AgentInfo } from '../../../chat-event';
import type { MemberInfo } from './types';

/** The host-facing agent profile of a member; a failed lookup still gives a usable name. */
export function agentInfo(m: MemberInfo, fallbackName = 'Agent'): AgentInfo {
  const nickname = m.displayName?.trim() || fallbackName;
  return m.avatarImageUrl ? { id: m.id, nickname, avatarUrl: m.avatarImageUrl } : { id: m.id, nickname };
}
