import type { QueueSnapshot } from './availability-provider';

/** The `/availability` answer: the reference middleware's fields, computed correctly, plus explicit ones. */
export interface AvailabilityAnswer {
  /** Whole minutes, rounded up (a 10 s wait is "1 minute", not 0.17); null when unknown. */
  estimatedWaitTime: number | null;
  estimatedWaitSeconds: number | null;
  /** The asker's 1-based place among waiting chats, when its conversation is known and waiting; else null. */
  positionInQueue: number | null;
  /** Chats waiting in the queue (the chat media type only). */
  waitingInQueue: number;
  numberOfOnQueueAgents: number;
  agentsOnline: boolean;
  updatedAt: string;
}

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
