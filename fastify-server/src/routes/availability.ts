import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toAvailabilityAnswer, type AvailabilityAnswer } from '../availability/availability-answer';
import type { QueueSnapshot } from '../availability/availability-provider';
import type { AppConfig } from '../config';
import { Errors } from '../errors';
import { errorResponses } from './error-reply';

/** Genesys ids (UUIDs, hex message ids): nothing else is ever passed on to Genesys. */
const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });

export const AvailabilityBody = Type.Object(
  {
    queue_name: Type.String({ minLength: 1, maxLength: 256 }),
    /** The asker's conversation, for its place in the queue (guest chat: the guest knows it). */
    conversation_id: Type.Optional(Id),
    /**
     * A message of the asker's conversation, for its place in the queue when the guest does not know the conversation
     * (Web Messaging): the middleware looks its conversation up at Genesys.
     */
    message_id: Type.Optional(Id),
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
      const { queue_name: queueName, conversation_id: givenId, message_id: messageId } = request.body;
      // Unknown names never reach Genesys, and answer exactly like a queue Genesys does not have.
      if (!allowed.has(queueName)) throw new Errors.QueueNotFound();
      if (givenId !== undefined && messageId !== undefined)
        throw new Errors.ValidationFailed('give conversation_id or message_id, not both');
      // A message nobody has, or one whose lookup failed, is "no place known": the answer says nothing more.
      const [snapshot, conversationId] = await Promise.all([
        app.availability.snapshot(queueName, request.deadline),
        messageId === undefined ? givenId : app.messageConversations.conversationOf(messageId, request.deadline),
      ]);
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
