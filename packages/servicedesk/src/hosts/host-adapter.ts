import type { AgentInfo } from '../chat-event';
import { safeAvatarUrl } from './avatar-url';

/** The differences between the two hosts, and nothing else. */
export interface HostAdapter {
  readonly host: 'watsonx' | 'carbon';
  /** The agent profile the host wants in `agentJoined` / `beginTransferToAnotherAgent`. */
  profile(agent: AgentInfo): object;
  /** The availability object of `updateAgentAvailability`. */
  availability(a: { positionInQueue?: number; estimatedWaitTime?: number; message?: string }): object;
  /** Whether `endChat(info)` reports that the agent ended the chat. */
  endedByAgent(info: unknown): boolean;
}

/** Hosted watsonx Assistant web chat: snake_case availability, `AgentProfile`, `endedByAgent`. */
export const watsonxAdapter: HostAdapter = {
  host: 'watsonx',
  profile: (a) => withPicture({ id: a.id, nickname: a.nickname }, a),
  availability: (a) => ({
    ...(a.positionInQueue !== undefined ? { position_in_queue: a.positionInQueue } : {}),
    ...(a.estimatedWaitTime !== undefined ? { estimated_wait_time: a.estimatedWaitTime } : {}),
    ...(a.message !== undefined ? { message: a.message } : {}),
  }),
  endedByAgent: (info) => Boolean((info as { endedByAgent?: unknown } | undefined)?.endedByAgent),
};

/** Carbon AI Chat: camelCase availability (snake_case is silently ignored there), `user_type`, `endedByHumanAgent`. */
export const carbonAdapter: HostAdapter = {
  host: 'carbon',
  profile: (a) => withPicture({ id: a.id, nickname: a.nickname, user_type: 'human' }, a),
  availability: (a) => ({
    ...(a.positionInQueue !== undefined ? { positionInQueue: a.positionInQueue } : {}),
    ...(a.estimatedWaitTime !== undefined ? { estimatedWaitTime: a.estimatedWaitTime } : {}),
    ...(a.message !== undefined ? { message: a.message } : {}),
  }),
  endedByAgent: (info) => Boolean((info as { endedByHumanAgent?: unknown } | undefined)?.endedByHumanAgent),
};

/** The agent's picture only when it is safe to load (else the host shows the initial). */
function withPicture<P extends object>(profile: P, a: AgentInfo): P & { profile_picture_url?: string } {
  const url = safeAvatarUrl(a.avatarUrl);
  return url ? { ...profile, profile_picture_url: url } : profile;
}
