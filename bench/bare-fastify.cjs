'use strict';
/**
 * A second reference for benchmark (b): Fastify alone, as the middleware uses it but with none of its plugins —
 * the same body schema (validated by Fastify's Ajv), a response schema (fast-json-stringify), a pino logger at warn,
 * an async handler answering the same cached JSON. What is left between this and the middleware is the middleware's
 * own work (CORS, rate limit, security headers, the error handler, request ids, the cache lookup).
 *
 * Usage: node bench/bare-fastify.cjs <port> <json-body>   (run with fastify-server/ as the working directory)
 */
const Fastify = require('fastify');

const port = Number(process.argv[2]);
const answer = JSON.parse(process.argv[3] ?? '{}');
const app = Fastify({ logger: { level: 'warn' }, keepAliveTimeout: 65_000 });
const nullableInteger = { type: ['integer', 'null'] };
app.post(
  '/availability',
  {
    schema: {
      body: {
        type: 'object',
        properties: {
          queue_name: { type: 'string', minLength: 1, maxLength: 256 },
          conversation_id: { type: 'string', minLength: 1, maxLength: 64 },
        },
        required: ['queue_name'],
        additionalProperties: false,
      },
      response: {
        200: {
          type: 'object',
          properties: {
            estimatedWaitTime: nullableInteger,
            estimatedWaitSeconds: nullableInteger,
            positionInQueue: nullableInteger,
            waitingInQueue: { type: 'integer' },
            numberOfOnQueueAgents: { type: 'integer' },
            agentsOnline: { type: 'boolean' },
            updatedAt: { type: 'string' },
          },
        },
      },
    },
  },
  async () => answer,
);
app.listen({ port, host: '127.0.0.1' }).then(() => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
