import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toAvailabilityAnswer, type AvailabilityAnswer } from '../availability/availability-answer';
import type { QueueSnapshot } from '../availability/availability-provider';
import type { AppConfig } from '../config';
import { Errors } from '../errors';
import { errorResponses } from './error-reply';

export const AvailabilityBody = Type.Object(
  {
    queue_name: Type.String({ minLength: 1, maxLength: 256 }),
    /** The asker's conversation, for its place in the queue. */
    conversation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' })),
  },
  { additionalProperties: false },
);

/**
 * `integer | null` as a type list, not `anyOf`: fast-json-stringify serializes a type list directly but runs a
 * validator per value for `anyOf`, which is measurable on this hot route.
 */
const NullableInteger = (minimum: number) => Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum });

export const AvailabilityReply = Type.Object({
  estimatedWaitTime: NullableInteger(0),
  estimatedWaitSeconds: NullableInteger(0),
  positionInQueue: NullableInteger(1),
  waitingInQueue: Type.Integer({ minimum: 0 }),
  numberOfOnQueueAgents: Type.Integer({ minimum: 0 }),
  agentsOnline: Type.Boolean(),
  updatedAt: Type.String(),
});

/**
 * `POST /availability` (`queue_name` in the body, as the reference): agents on queue, chats waiting, wait time and
 * the asker's place, from the shared coalesced cache, for allow-listed queues only.
 */
export const availabilityRoute: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (app, { config }) => {
  const allowed = new Set(config.availability.queues);
  // Every caller without a conversation id gets the same answer for a given snapshot: build it once.
  const shared = new WeakMap<QueueSnapshot, AvailabilityAnswer>();
  app.post(
    '/availability',
    { schema: { body: AvailabilityBody, response: { 200: AvailabilityReply, ...errorResponses } } },
    async (request, reply) => {
      if (!config.availability.enabled) throw new Errors.AvailabilityDisabled();
      const { queue_name: queueName, conversation_id: conversationId } = request.body;
      // Unknown names never reach Genesys, and answer exactly like a queue Genesys does not have.
      if (!allowed.has(queueName)) throw new Errors.QueueNotFound();
      const snapshot = await app.availability.snapshot(queueName);
      void reply.header('cache-control', 'no-store');
      if (conversationId !== undefined) return toAvailabilityAnswer(snapshot, conversationId);
      let answer = shared.get(snapshot);
      if (answer === undefined) {
        answer = toAvailabilityAnswer(snapshot);
        shared.set(snapshot, answer);
      }
      return answer;
    },
  );
};
