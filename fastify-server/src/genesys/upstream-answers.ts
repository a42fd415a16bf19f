import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';

/**
 * The shape of every Genesys answer the middleware reads, checked before anything is taken from it. The SDK's
 * types describe what Genesys should send, not what arrives: a gateway in front of it may answer a 200 with an
 * HTML page, truncated JSON or `null`, which the SDK hands over as a string or null. Such an answer is an upstream
 * fault (`malformed`), never "no such queue" or "no agents". Each schema holds only the fields read, with the types
 * they are read as; other fields may be anything.
 */

const Count = Type.Object({ count: Type.Optional(Type.Number()) });

export const QueueListingAnswer = Type.Object({
  entities: Type.Array(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })),
  pageCount: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const ObservationsAnswer = Type.Object({
  results: Type.Array(
    Type.Object({
      group: Type.Optional(Type.Record(Type.String(), Type.String())),
      data: Type.Optional(
        Type.Array(
          Type.Object({
            metric: Type.String(),
            qualifier: Type.Optional(Type.String()),
            stats: Type.Optional(Count),
            truncated: Type.Optional(Type.Boolean()),
            observations: Type.Optional(
              Type.Array(
                Type.Object({
                  conversationId: Type.Optional(Type.String()),
                  observationDate: Type.Optional(Type.String()),
                  routingPriority: Type.Optional(Type.Number()),
                }),
              ),
            ),
          }),
        ),
      ),
    }),
  ),
});

export const WaitTimeAnswer = Type.Object({
  results: Type.Array(
    Type.Object({ intent: Type.Optional(Type.String()), estimatedWaitTimeSeconds: Type.Optional(Type.Number()) }),
  ),
});

export const MessageDetailsAnswer = Type.Object({ conversationId: Type.String({ minLength: 1 }) });

export const SignedDataAnswer = Type.Object({ jwt: Type.String({ minLength: 1 }) });

/** `GET /api/v2/tokens/me`: readiness reads nothing from it, but an answer that is not an object is not Genesys. */
export const TokenInfoAnswer = Type.Object({});

/** What the SDK's client-credentials login resolves with (built from the token response). */
export const LoginAnswer = Type.Object({
  accessToken: Type.String({ minLength: 1 }),
  tokenExpiryTime: Type.Number(),
});

/** A check of one answer shape: true when `value` has it. */
export type AnswerCheck = (value: unknown) => boolean;

/** Compiles `schema` once into a check (TypeBox's compiler, as Fastify uses it for request bodies). */
export function answerCheck(schema: TSchema): AnswerCheck {
  const validate = TypeBoxValidatorCompiler({ schema, method: 'GET', url: '', httpPart: 'body' });
  return (value) => !('error' in (validate(value) as object));
}
