import { Type } from 'typebox';

/** Response schema of every error answer (see plugins/error-handler.ts). */
export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});

/** The error part of a route's response schemas. */
export const errorResponses = { '4xx': ErrorReply, '5xx': ErrorReply } as const;
