import type { Static } from 'typebox';
import type { AvailabilityReply } from '../routes/availability';
import type { QueueSnapshot } from './availability-provider';

/**
 * The `/availability` answer, as its route schema declares it (`AvailabilityReply`): the reference middleware's
 * fields, computed correctly, plus explicit ones. `estimatedWaitTime` is whole minutes, rounded up (a 10 s wait is
 * "1 minute", not 0.17); `positionInQueue` is the asker's 1-based place among waiting chats when its conversation is
 * known and waiting; `waitingInQueue` counts chats of the chat media type only.
 */
export type AvailabilityAnswer = Static<typeof AvailabilityReply>;

/** @param conversationId the asker's conversation; null when it asked for its place but the conversation is unknown */
export function toAvailabilityAnswer(snapshot: QueueSnapshot, conversationId?: string | null): AvailabilityAnswer {
  const { observations, waitSeconds } = snapshot;
  return {
    estimatedWaitTime: waitSeconds === null ? null : Math.ceil(waitSeconds / 60),
    estimatedWaitSeconds: waitSeconds,
    positionInQueue: conversationId == null ? null : (observations.positions.get(conversationId) ?? null),
    waitingInQueue: observations.waiting,
    numberOfOnQueueAgents: observations.onQueueAgents,
    agentsOnline: observations.onQueueAgents > 0,
    updatedAt: new Date(snapshot.updatedAt).toISOString(),
  };
}
