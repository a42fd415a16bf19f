import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Conversation, type MemberRecord } from '../conversation';
import { callerOrigin, type EmulatorContext } from '../context';
import { GenesysError, badRequest } from '../errors';
import { isObject } from '../params';
import { BASE, UUID } from './rest-common';

/** Operation 1 of the guest chat API: create a chat (its validation in the swagger's order and error codes). */
export function createConversationRoute(app: FastifyInstance, ctx: EmulatorContext): void {
  const { engine, tokens, options } = ctx;
  app.post(BASE, async (request, reply) => {
    const body = request.body;
    if (!isObject(body)) throw badRequest('chat.error.bad.request', 'The request body must be a JSON object.');
    const { organizationId, deploymentId, routingTarget, memberInfo, memberAuthToken, journeyContext } = body;

    if (typeof organizationId !== 'string' || organizationId === '') {
      throw badRequest('chat.error.bad.request', 'organizationId is required.', 'organizationId');
    }
    if (typeof deploymentId !== 'string' || !UUID.test(deploymentId)) {
      throw badRequest(
        'chat.error.pattern.createconversationrequest.deploymentid',
        'deploymentId is missing or is not a valid id.',
        'deploymentId',
      );
    }
    if (organizationId !== options.organizationId) {
      throw badRequest('chat.error.bad.request', `Organization ${organizationId} does not exist.`, 'organizationId');
    }
    const deployment = options.deployments.find((d) => d.id === deploymentId);
    if (!deployment)
      throw badRequest(
        'chat.error.bad.request',
        `Deployment ${deploymentId} does not exist in this organization.`,
        'deploymentId',
      );
    if (deployment.disabled) throw badRequest('chat.deployment.disabled', 'The chat deployment is disabled.');
    const origin = request.headers.origin;
    // Node and server-side callers send no Origin; only a browser's create from a foreign origin is refused.
    if (
      origin &&
      deployment.allowedOrigins &&
      deployment.allowedOrigins.length > 0 &&
      !deployment.allowedOrigins.includes(origin)
    ) {
      throw new GenesysError(
        403,
        'origin.not.allowed',
        'Not allowed to create an ACD chat conversation from an external customer.',
        {
          messageParams: { origin },
        },
      );
    }

    if (routingTarget === undefined || routingTarget === null) {
      throw badRequest(
        'chat.error.notnull.createconversationrequest.routingtarget',
        'routingTarget is required.',
        'routingTarget',
      );
    }
    if (
      !isObject(routingTarget) ||
      typeof routingTarget['targetType'] !== 'string' ||
      routingTarget['targetType'].toUpperCase() !== 'QUEUE' ||
      typeof routingTarget['targetAddress'] !== 'string' ||
      routingTarget['targetAddress'].trim() === ''
    ) {
      throw badRequest(
        'chat.error.createconversationrequest.routingtarget',
        'routingTarget must have targetType "QUEUE" and a targetAddress naming the queue.',
        'routingTarget',
      );
    }
    const queueName = routingTarget['targetAddress'];
    const queue = engine.findQueueByName(queueName);
    if (!queue && engine.settings.unknownQueue === 'reject') {
      throw badRequest(
        'chat.error.invalid.queue',
        `No queue is named "${queueName}" (targetAddress is the queue name, not its id).`,
        'routingTarget.targetAddress',
      );
    }

    if (
      !isObject(memberInfo) ||
      typeof memberInfo['displayName'] !== 'string' ||
      memberInfo['displayName'].trim() === ''
    ) {
      throw badRequest(
        'chat.error.notnull.createconversationrequest.memberinfo.displayname',
        'memberInfo.displayName is required.',
        'memberInfo.displayName',
      );
    }
    const customFields = memberInfo['customFields'];
    if (
      customFields !== undefined &&
      (!isObject(customFields) || Object.values(customFields).some((v) => typeof v !== 'string'))
    ) {
      throw badRequest(
        'invalid.value',
        'memberInfo.customFields must be an object of string values.',
        'memberInfo.customFields',
      );
    }
    for (const f of ['firstName', 'lastName', 'email', 'phoneNumber', 'avatarImageUrl'] as const) {
      if (memberInfo[f] !== undefined && typeof memberInfo[f] !== 'string')
        throw badRequest('invalid.value', `memberInfo.${f} must be a string.`, `memberInfo.${f}`);
    }
    if (journeyContext !== undefined) validateJourneyContext(journeyContext);

    let signedData: Record<string, unknown> | null = null;
    if (memberAuthToken !== undefined && memberAuthToken !== null) {
      const v = typeof memberAuthToken === 'string' ? await tokens.verifySignedData(memberAuthToken) : null;
      if (!v || !v.ok || v.claims.org !== options.organizationId) {
        throw badRequest(
          'chat.deployment.bad.auth',
          `The memberAuthToken failed verification${v && !v.ok ? `: ${v.detail}` : ''}.`,
          'memberAuthToken',
        );
      }
      signedData = v.claims.data;
    } else if (deployment.requireAuth) {
      throw badRequest(
        'chat.deployment.require.auth',
        'The deployment requires authentication: memberAuthToken is missing.',
        'memberAuthToken',
      );
    }

    const str = (k: string) => (typeof memberInfo[k] === 'string' ? (memberInfo[k] as string) : undefined);
    const guest: MemberRecord = {
      id: randomUUID(),
      role: 'CUSTOMER',
      displayName: memberInfo['displayName'],
      state: 'CONNECTED',
      joinDate: ctx.clock.iso(),
      authenticatedGuest: signedData !== null,
    };
    for (const k of ['firstName', 'lastName', 'email', 'phoneNumber', 'avatarImageUrl'] as const) {
      const v = str(k);
      if (v !== undefined) guest[k] = v;
    }
    if (customFields) guest.customFields = customFields as Record<string, string>;
    const conv = new Conversation(deployment.id, queue?.id ?? null, guest, ctx.clock.iso(), signedData);
    conv.jwt = await tokens.mintGuestJwt({
      conv: conv.id,
      did: deployment.id,
      sub: guest.id,
      org: options.organizationId,
      lifetimeSeconds: options.guestJwtLifetimeSeconds,
    });
    engine.register(conv);
    // Real responses carry only the member id, no role.
    return reply.send({
      id: conv.id,
      jwt: conv.jwt,
      eventStreamUri: `${callerOrigin(request).ws}/chat/jwt/${conv.jwt}`,
      member: { id: guest.id },
    });
  });
}

function validateJourneyContext(j: unknown): void {
  const code = (f: string) => `chat.error.notnull.createconversationrequest.journeycontext.${f}`;
  if (!isObject(j)) throw badRequest('invalid.value', 'journeyContext must be an object.', 'journeyContext');
  const customer = j['customer'];
  if (!isObject(customer))
    throw badRequest(code('customer'), 'journeyContext.customer is required.', 'journeyContext.customer');
  if (typeof customer['id'] !== 'string')
    throw badRequest(code('customer.id'), 'journeyContext.customer.id is required.', 'journeyContext.customer.id');
  if (typeof customer['idType'] !== 'string')
    throw badRequest(
      code('customer.idtype'),
      'journeyContext.customer.idType is required.',
      'journeyContext.customer.idType',
    );
}
