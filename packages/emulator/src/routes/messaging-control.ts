import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import { GenesysError, badRequest } from '../errors';
import type { MessagingSession } from '../messaging/session';
import { isObject } from '../params';

/**
 * The Web Messaging part of the control API (`/control/messaging`): sessions and the fault knobs of the guest
 * socket, identity tokens of the demo identity provider, and the files of conversations for the console.
 */
export function messagingControlRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { messaging } = ctx;
  const body = (b: unknown): Record<string, unknown> =>
    b === undefined || b === null ? {} : isObject(b) ? b : invalid('the body must be a JSON object');
  const session = (id: string): MessagingSession => {
    const s = messaging.find(id);
    if (!s) throw new GenesysError(404, 'not.found', `No messaging session ${id} (give its id or its token).`);
    return s;
  };
  type Id = { Params: { id: string } };

  app.get('/control/messaging/sessions', async () => ({
    entities: [...messaging.sessions.values()].map(sessionView),
  }));
  app.get<Id>('/control/messaging/sessions/:id', async (request) => sessionView(session(request.params.id)));

  app.post<Id>('/control/messaging/sessions/:id/expire', async (request) => {
    const s = session(request.params.id);
    messaging.expire(s);
    return sessionView(s);
  });

  app.post<Id>('/control/messaging/sessions/:id/connection-closed', async (request) => {
    const b = body(request.body);
    if (b['reason'] !== undefined && typeof b['reason'] !== 'string') invalid('reason must be a string');
    const closed = messaging.closeConnections(
      session(request.params.id),
      typeof b['reason'] === 'string' ? b['reason'] : undefined,
    );
    return { closed };
  });

  app.post<Id>('/control/messaging/sessions/:id/drop', async (request) => {
    const b = body(request.body);
    return { dropped: messaging.drop(session(request.params.id), b['closeFrame'] !== false) };
  });

  app.post<Id>('/control/messaging/sessions/:id/rate-limit', async (request) => {
    const b = body(request.body);
    const times = b['times'] ?? 1;
    const retryAfter = b['retryAfter'] ?? 3;
    if (typeof times !== 'number' || times < 1) invalid('times must be a positive number');
    if (typeof retryAfter !== 'number' || retryAfter < 0) invalid('retryAfter must be a number of seconds');
    const s = session(request.params.id);
    s.forcedRateLimit = { times: times as number, retryAfter: retryAfter as number };
    return sessionView(s);
  });

  app.post<Id>('/control/messaging/sessions/:id/fail-upload', async (request) => {
    const b = body(request.body);
    const errorCode = b['errorCode'] ?? 4003;
    const errorMessage = b['errorMessage'] ?? 'File content is invalid';
    if (typeof errorCode !== 'number') invalid('errorCode must be a number');
    if (typeof errorMessage !== 'string') invalid('errorMessage must be a string');
    const s = session(request.params.id);
    s.failNextUpload = { errorCode: errorCode as number, errorMessage: errorMessage as string };
    return sessionView(s);
  });

  app.post('/control/messaging/fail-text-messages', async (request) => {
    const times = body(request.body)['times'] ?? 1;
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) invalid('times must be a whole number');
    messaging.failTextMessages = times as number;
    return { failTextMessages: messaging.failTextMessages };
  });

  app.post('/control/messaging/identity-tokens', async (request) => {
    const b = body(request.body);
    if (typeof b['sub'] !== 'string' || b['sub'] === '') invalid('sub (the customer id at the provider) is required');
    for (const k of ['nonce', 'audience', 'issuer'] as const)
      if (b[k] !== undefined && typeof b[k] !== 'string') invalid(`${k} must be a string`);
    if (b['expiresInSeconds'] !== undefined && typeof b['expiresInSeconds'] !== 'number')
      invalid('expiresInSeconds must be a number');
    if (b['claims'] !== undefined && !isObject(b['claims'])) invalid('claims must be an object');
    const idToken = await ctx.identity.signDemoToken({
      sub: b['sub'] as string,
      ...(typeof b['nonce'] === 'string' ? { nonce: b['nonce'] } : {}),
      ...(typeof b['audience'] === 'string' ? { audience: b['audience'] } : {}),
      ...(typeof b['issuer'] === 'string' ? { issuer: b['issuer'] } : {}),
      ...(typeof b['expiresInSeconds'] === 'number' ? { expiresInSeconds: b['expiresInSeconds'] } : {}),
      ...(isObject(b['claims']) ? { claims: b['claims'] } : {}),
    });
    return { idToken, publicKeyJwk: ctx.identity.demoPublicJwk };
  });

  app.post('/control/messaging/authorization-codes', async (request) => {
    const b = body(request.body);
    if (typeof b['sub'] !== 'string' || b['sub'] === '') invalid('sub (the customer id at the provider) is required');
    if (typeof b['redirectUri'] !== 'string' || b['redirectUri'] === '') invalid('redirectUri is required');
    if (b['codeChallenge'] !== undefined && typeof b['codeChallenge'] !== 'string')
      invalid('codeChallenge must be a string (base64url of the SHA-256 of the verifier)');
    if (b['claims'] !== undefined && !isObject(b['claims'])) invalid('claims must be an object');
    const code = ctx.identity.issueDemoCode({
      sub: b['sub'] as string,
      redirectUri: b['redirectUri'] as string,
      ...(typeof b['codeChallenge'] === 'string' ? { codeChallenge: b['codeChallenge'] } : {}),
      ...(isObject(b['claims']) ? { claims: b['claims'] } : {}),
    });
    return { code };
  });

  // A deployment's settings that a person or a test changes while the emulator runs; clients read them from
  // config.json when they next load it.
  app.put<Id>('/control/messaging/deployments/:id/settings', async (request) => {
    const d = messaging.deployment(request.params.id);
    if (!d) throw new GenesysError(404, 'not.found', `No Messenger deployment ${request.params.id}.`);
    const b = body(request.body);
    if (b['markdown'] !== undefined && typeof b['markdown'] !== 'boolean') invalid('markdown must be true or false');
    if (typeof b['markdown'] === 'boolean') d.markdown = b['markdown'];
    return { id: d.id, markdown: d.markdown };
  });

  // The console shows the files of a conversation from here (the guest's download URLs expire).
  app.get<Id>('/control/messaging/files/:id', async (request, reply) => {
    const file = messaging.files.get(request.params.id);
    if (!file) throw new GenesysError(404, 'not.found', `No file ${request.params.id}.`);
    return reply.type(file.mime).header('cache-control', 'private, max-age=3600').send(file.bytes);
  });
}

export function sessionView(s: MessagingSession) {
  return {
    id: s.id,
    token: s.token,
    deploymentId: s.deployment.id,
    readOnly: s.readOnly,
    authenticated: s.identity !== null,
    sockets: s.sockets.size,
    conversationId: s.conversationId,
    expiresAt: new Date(s.expiresAt).toISOString(),
    customAttributes: s.customAttributes,
    requestLevelAttributes: s.requestLevelAttributes,
    messages: s.history.length,
  };
}

function invalid(message: string): never {
  throw badRequest('bad.request', message);
}
