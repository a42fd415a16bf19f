import { boolParam, intParam, isObject } from '../params';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Conversation, type MediaRequestRecord, type MemberRecord } from '../conversation';
import { bearerToken, type EmulatorContext } from '../context';
import { GenesysError, badRequest, notFound } from '../errors';
import type { GuestClaims } from '../tokens';
import { createConversationRoute } from './create-route';
import {
  BASE,
  MAX_MESSAGE_LENGTH,
  conversationRef,
  guestBodyType,
  mediaRequestResponse,
  messageResponse,
  publicMember,
  type Params,
} from './rest-common';

/** The 11 guest chat endpoints (docs/guest-chat-protocol.md, "REST"), with the swagger's status and error codes. */

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function guestChatRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { engine, tokens } = ctx;

  /** Checks `Authorization: Bearer <jwt>` against the conversation in the path. */
  async function authorize(
    request: FastifyRequest<{ Params: Pick<Params, 'conversationId'> }>,
  ): Promise<{ conv: Conversation; claims: GuestClaims }> {
    const b = bearerToken(request.headers.authorization);
    if ('error' in b) {
      if (b.error === 'missing')
        throw new GenesysError(
          401,
          'authentication.required',
          'No authentication bearer token specified in authorization header.',
        );
      throw new GenesysError(
        401,
        'bad.credentials',
        'Invalid login credentials: the Authorization header is not of the form "Bearer <jwt>".',
      );
    }
    const v = await tokens.verifyGuestJwt(b.token);
    if (!v.ok) {
      if (v.reason === 'expired')
        throw new GenesysError(401, 'credentials.expired', 'The chat credentials have expired.');
      throw new GenesysError(401, 'bad.credentials', `Invalid login credentials: ${v.detail}.`);
    }
    const { conversationId } = request.params;
    const conv = engine.conversations.get(conversationId);
    // A token for another conversation gets the same 404 as an unknown id: it must not reveal which chats exist.
    if (!conv || v.claims.conv !== conversationId)
      throw notFound('not.found', `The conversation ${conversationId} was not found.`);
    return { conv, claims: v.claims };
  }

  function member(conv: Conversation, memberId: string): MemberRecord {
    const m = conv.members.get(memberId);
    if (!m) throw notFound('chat.error.not.found', 'The web chat conversation member was not found.');
    return m;
  }

  /** Operations 4, 5 and 6 act as the guest itself: the member in the path must be the token's `sub`. */
  function ownMember(conv: Conversation, claims: GuestClaims, memberId: string): MemberRecord {
    const m = member(conv, memberId);
    if (memberId !== claims.sub)
      throw new GenesysError(403, 'not.authorized', 'A guest may act only as its own member.');
    return m;
  }

  // 1. Create
  createConversationRoute(app, ctx);

  // 2. Members
  app.get<{ Params: Pick<Params, 'conversationId'>; Querystring: Record<string, string | undefined> }>(
    `${BASE}/:conversationId/members`,
    async (request) => {
      const { conv } = await authorize(request);
      const pageSize = intParam(request.query['pageSize'], 'pageSize', 25, 1, 100);
      const pageNumber = intParam(request.query['pageNumber'], 'pageNumber', 1, 1, 1_000_000);
      const exclude = boolParam(request.query['excludeDisconnectedMembers'], 'excludeDisconnectedMembers');
      const all = [...conv.members.values()].filter((m) => !exclude || m.state !== 'DISCONNECTED');
      const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
      const uri = (n: number) =>
        `${BASE}/${conv.id}/members?pageSize=${pageSize}&pageNumber=${n}${exclude ? '&excludeDisconnectedMembers=true' : ''}`;
      return {
        entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(publicMember),
        pageSize,
        pageNumber,
        total: all.length,
        firstUri: uri(1),
        selfUri: uri(pageNumber),
        ...(pageNumber > 1 ? { previousUri: uri(pageNumber - 1) } : {}),
        ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
        lastUri: uri(pageCount),
        pageCount,
      };
    },
  );

  // 3. One member (the only way to learn a member's role and name)
  app.get<{ Params: Pick<Params, 'conversationId' | 'memberId'> }>(
    `${BASE}/:conversationId/members/:memberId`,
    async (request) => {
      const { conv } = await authorize(request);
      return publicMember(member(conv, request.params.memberId));
    },
  );

  // 4. The guest leaves: the chat ends
  app.delete<{ Params: Pick<Params, 'conversationId' | 'memberId'> }>(
    `${BASE}/:conversationId/members/:memberId`,
    async (request, reply) => {
      const { conv, claims } = await authorize(request);
      const me = ownMember(conv, claims, request.params.memberId);
      if (me.state === 'DISCONNECTED')
        throw badRequest('chat.error.member.state', 'The member has already left the conversation.');
      engine.guestLeaves(conv);
      return reply.code(204).send();
    },
  );

  // 5. Post a message
  app.post<{ Params: Pick<Params, 'conversationId' | 'memberId'> }>(
    `${BASE}/:conversationId/members/:memberId/messages`,
    async (request, reply) => {
      const { conv, claims } = await authorize(request);
      ownMember(conv, claims, request.params.memberId);
      const b = request.body;
      const text = isObject(b) ? b['body'] : undefined;
      if (text === undefined || text === null) {
        throw badRequest(
          'chat.error.notnull.createconversationmessagerequest.body',
          'The message body is required.',
          'body',
        );
      }
      if (typeof text !== 'string') throw badRequest('invalid.value', 'The message body must be a string.', 'body');
      if (text.length > MAX_MESSAGE_LENGTH) {
        // Genesys documents the limit but not the answer; this follows its `chat.error.<constraint>.<class>.<field>` pattern.
        throw new GenesysError(
          400,
          'chat.error.size.createconversationmessagerequest.body',
          `The message body is limited to ${MAX_MESSAGE_LENGTH} characters; this one has ${text.length}.`,
          {
            messageParams: { max: String(MAX_MESSAGE_LENGTH), length: String(text.length) },
            details: [{ errorCode: 'size', fieldName: 'body' }],
          },
        );
      }
      const bodyType = guestBodyType(isObject(b) ? b['bodyType'] : undefined);
      const { message, echo } = engine.guestMessage(conv, text, bodyType);
      await sendWithEcho(reply, echo, messageResponse(conv.id, message));
    },
  );

  // 6. Typing (start only: there is no "stopped typing")
  app.post<{ Params: Pick<Params, 'conversationId' | 'memberId'> }>(
    `${BASE}/:conversationId/members/:memberId/typing`,
    async (request, reply) => {
      const { conv, claims } = await authorize(request);
      ownMember(conv, claims, request.params.memberId);
      const { typing, echo } = engine.guestTyping(conv);
      await sendWithEcho(reply, echo, {
        id: typing.id,
        conversation: conversationRef(conv.id),
        sender: { id: typing.senderId },
        timestamp: typing.timestamp,
      });
    },
  );

  // 7. Message history
  app.get<{ Params: Pick<Params, 'conversationId'>; Querystring: Record<string, string | undefined> }>(
    `${BASE}/:conversationId/messages`,
    async (request) => {
      const { conv } = await authorize(request);
      const { after, before } = request.query;
      // The SDK sends unset options as empty values (`sortOrder=`): empty means "default".
      const sortOrder = request.query['sortOrder'] || 'ascending';
      if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
        throw badRequest(
          'invalid.query.param.value',
          `sortOrder must be "ascending" or "descending", not "${sortOrder}".`,
          'sortOrder',
        );
      }
      // "max 100": larger values are capped, like the platform's page sizes.
      const maxResults = Math.min(
        100,
        intParam(request.query['maxResults'], 'maxResults', 100, 1, Number.MAX_SAFE_INTEGER),
      );
      const index = (id: string, name: string) => {
        const i = conv.messages.findIndex((m) => m.id === id);
        if (i < 0)
          throw badRequest('invalid.query.param.value', `${name} names no message of this conversation: ${id}.`, name);
        return i;
      };
      const lo = after ? index(after, 'after') + 1 : 0;
      const hi = before ? index(before, 'before') : conv.messages.length;
      const window = conv.messages.slice(lo, Math.max(lo, hi));
      // Ascending takes the oldest page of the window, descending the newest, each in its own order.
      const page = sortOrder === 'ascending' ? window.slice(0, maxResults) : window.slice(-maxResults).reverse();
      const chrono = sortOrder === 'ascending' ? page : [...page].reverse();
      const first = chrono[0];
      const last = chrono[chrono.length - 1];
      const self = `${BASE}/${conv.id}/messages`;
      const moreAfter = last !== undefined && conv.messages.indexOf(last) < hi - 1;
      const moreBefore = first !== undefined && conv.messages.indexOf(first) > lo;
      return {
        pageSize: page.length,
        entities: page.map((m) => messageResponse(conv.id, m)),
        ...(moreBefore && first
          ? { previousPage: `${self}?before=${first.id}&sortOrder=${sortOrder}&maxResults=${maxResults}` }
          : {}),
        ...(moreAfter && last
          ? { next: `${self}?after=${last.id}&sortOrder=${sortOrder}&maxResults=${maxResults}` }
          : {}),
        selfUri: self,
      };
    },
  );

  // 8. One message
  app.get<{ Params: Pick<Params, 'conversationId' | 'messageId'> }>(
    `${BASE}/:conversationId/messages/:messageId`,
    async (request) => {
      const { conv } = await authorize(request);
      const m = conv.messages.find((x) => x.id === request.params.messageId);
      if (!m) throw notFound('chat.error.not.found', 'The web chat conversation message was not found.');
      return messageResponse(conv.id, m);
    },
  );

  // 9–11. Media requests (legacy co-browse / screen share invitations)
  app.get<{ Params: Pick<Params, 'conversationId'> }>(`${BASE}/:conversationId/mediarequests`, async (request) => {
    const { conv } = await authorize(request);
    return { entities: conv.mediaRequests.map((r) => mediaRequestResponse(conv.id, r)) };
  });

  app.get<{ Params: Pick<Params, 'conversationId' | 'mediaRequestId'> }>(
    `${BASE}/:conversationId/mediarequests/:mediaRequestId`,
    async (request) => {
      const { conv } = await authorize(request);
      return mediaRequestResponse(conv.id, mediaRequest(conv, request.params.mediaRequestId));
    },
  );

  app.patch<{ Params: Pick<Params, 'conversationId' | 'mediaRequestId'> }>(
    `${BASE}/:conversationId/mediarequests/:mediaRequestId`,
    async (request) => {
      const { conv } = await authorize(request);
      const r = mediaRequest(conv, request.params.mediaRequestId);
      const b = request.body;
      const state = isObject(b) ? b['state'] : undefined;
      const types = isObject(b) ? b['types'] : undefined;
      if (state !== 'ACCEPTED' && state !== 'DECLINED' && state !== 'ERRORED') {
        throw badRequest('invalid.value', 'state is required and must be ACCEPTED, DECLINED or ERRORED.', 'state');
      }
      if (!Array.isArray(types) || types.length === 0 || types.some((t) => t !== 'COBROWSE' && t !== 'SCREENSHARE')) {
        throw badRequest('invalid.value', 'types is required: a list of COBROWSE and/or SCREENSHARE.', 'types');
      }
      if (conv.ended || r.state !== 'PENDING') {
        throw new GenesysError(400, 'chat.error.conversation.state', 'Conversation State', {
          messageParams: { message: conv.ended ? 'The conversation has ended' : `The media request is ${r.state}` },
        });
      }
      r.state = state;
      if (state === 'ACCEPTED') r.communicationId = randomUUID();
      engine.emit('change', conv.id);
      return mediaRequestResponse(conv.id, r);
    },
  );

  function mediaRequest(conv: Conversation, id: string): MediaRequestRecord {
    const r = conv.mediaRequests.find((x) => x.id === id);
    if (!r) throw notFound('chat.error.not.found', 'The media request was not found.');
    return r;
  }

  /** Sends the REST answer and the socket echo in the order the `echoBeforeResponse` knob asks for. */
  async function sendWithEcho(reply: FastifyReply, echo: () => void, payload: unknown): Promise<void> {
    if (engine.settings.echoBeforeResponse) {
      echo();
      await sleep(engine.settings.echoLeadMs);
      await reply.send(payload);
      return;
    }
    reply.raw.once('finish', echo);
    await reply.send(payload);
  }
}
