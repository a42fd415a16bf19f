import { intParam, isObject } from '../params';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireBearer, type EmulatorContext } from '../context';
import { GenesysError, badRequest, notFound } from '../errors';
import type { ConversationMedia } from '../conversation';
import type { QueueConfig, RoutingStatus } from '../options';
import { TokenService } from '../tokens';
import { collectPredicates, list, nameMatcher, queueEntity, single, splitOnce, type Query } from './platform-params';

/**
 * The Platform API subset a chat middleware uses (docs/platform-api.md): client-credentials OAuth, queues,
 * estimated wait time, queue observations, message details, signed data and tokens/me, with per-token rate limits.
 */

interface AccessToken {
  clientId: string;
  expiresAt: number;
}

const ROUTING_STATUSES: RoutingStatus[] = ['IDLE', 'INTERACTING', 'COMMUNICATING', 'NOT_RESPONDING'];
const OBSERVATION_METRICS = new Set([
  'oActiveUsers',
  'oAlerting',
  'oInteracting',
  'oMemberUsers',
  'oOffQueueUsers',
  'oOnQueueUsers',
  'oUserPresences',
  'oUserRoutingStatuses',
  'oWaiting',
]);
const USER_METRICS = new Set([
  'oActiveUsers',
  'oMemberUsers',
  'oOffQueueUsers',
  'oOnQueueUsers',
  'oUserPresences',
  'oUserRoutingStatuses',
]);

export async function platformRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { options, engine, clock } = ctx;
  const accessTokens = new Map<string, AccessToken>();

  // ---------------------------------------------------------------- OAuth (login host)
  app.post('/oauth/token', async (request, reply) => {
    const body = request.body;
    const grant = isObject(body) ? body['grant_type'] : undefined;
    const basic = /^basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const [id, secret] = basic?.[1]
      ? splitOnce(Buffer.from(basic[1], 'base64').toString('utf8'), ':')
      : [undefined, undefined];
    const client = options.oauthClients.find((c) => c.clientId === id && c.clientSecret === secret);
    if (!client) {
      // The login service answers in OAuth's own error format, not the Platform ErrorBody.
      return reply.code(401).send({
        error: 'invalid_client',
        description: 'client not found or bad client secret',
        error_description: 'client not found or bad client secret',
      });
    }
    if (grant !== 'client_credentials') {
      return reply.code(400).send({
        error: 'unsupported_grant_type',
        description: `grant_type must be client_credentials, got ${String(grant)}`,
        error_description: 'unsupported grant type',
      });
    }
    const token = TokenService.opaqueToken();
    const lifetime = options.accessTokenLifetimeSeconds;
    accessTokens.set(token, { clientId: client.clientId, expiresAt: clock.now() + lifetime * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: lifetime };
  });

  // ---------------------------------------------------------------- API (bearer token + rate limit)
  await app.register(async (api) => {
    api.decorateRequest('accessToken', '');
    api.addHook('onRequest', async (request: FastifyRequest) => {
      const token = requireBearer(request.headers.authorization);
      const t = accessTokens.get(token);
      if (!t || t.expiresAt <= clock.now()) {
        if (t) accessTokens.delete(token);
        throw new GenesysError(401, 'bad.credentials', 'Invalid login credentials.');
      }
      (request as FastifyRequest & { accessToken: string }).accessToken = token;
    });
    // Genesys counts requests per token and answers 429 with Retry-After (docs/platform-api.md, "Limits and 429").
    await api.register(rateLimit, {
      max: options.platformRateLimitPerMinute,
      timeWindow: 60_000,
      hook: 'preHandler',
      keyGenerator: (request) => (request as FastifyRequest & { accessToken: string }).accessToken,
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
      addHeaders: {
        'x-ratelimit-limit': false,
        'x-ratelimit-remaining': false,
        'x-ratelimit-reset': false,
        'retry-after': true,
      },
      errorResponseBuilder: (_request, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new GenesysError(
          429,
          'too.many.requests.retry.after',
          `Rate limit exceeded the maximum. Retry the request in [${seconds}] seconds`,
          {
            messageParams: { retryAfter: String(seconds) },
          },
        );
      },
    });

    api.get<{ Querystring: Query }>('/api/v2/routing/queues', async (request) => {
      const q = request.query;
      const pageSize = intParam(single(q, 'pageSize'), 'pageSize', 25, 1, 500);
      const pageNumber = intParam(single(q, 'pageNumber'), 'pageNumber', 1, 1, 1_000_000);
      const sortOrder = single(q, 'sortOrder') ?? 'asc';
      if (sortOrder !== 'asc' && sortOrder !== 'desc')
        throw badRequest(
          'invalid.query.param.value',
          `sortOrder must be asc or desc, not "${sortOrder}".`,
          'sortOrder',
        );
      const idList = list(q, 'id');
      const ids = idList.length > 0 ? new Set(idList) : null;
      const name = single(q, 'name');
      const nameMatch = name ? nameMatcher(name) : () => true;
      const all = engine.queues
        .filter((x) => nameMatch(x.name) && (!ids || ids.has(x.id)))
        .sort((a, b) => a.name.localeCompare(b.name) * (sortOrder === 'asc' ? 1 : -1));
      const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
      const base = '/api/v2/routing/queues';
      // The paging links keep every filter, so following nextUri continues the same listing.
      const filters = `${q['sortOrder'] ? `&sortOrder=${sortOrder}` : ''}${name ? `&name=${encodeURIComponent(name)}` : ''}${ids ? `&id=${idList.map(encodeURIComponent).join(',')}` : ''}`;
      const uri = (n: number) => `${base}?pageSize=${pageSize}&pageNumber=${n}${filters}`;
      return {
        entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(queueEntity),
        pageSize,
        pageNumber,
        total: all.length,
        pageCount,
        firstUri: uri(1),
        selfUri: uri(pageNumber),
        lastUri: uri(pageCount),
        ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
        ...(pageNumber > 1 ? { previousUri: uri(pageNumber - 1) } : {}),
      };
    });

    // Each media type has its own prediction: CHAT for guest chat, MESSAGE for Web Messaging. With a conversation
    // id, the prediction for that conversation's media type alone.
    api.get<{ Params: { queueId: string }; Querystring: { conversationId?: string } }>(
      '/api/v2/routing/queues/:queueId/estimatedwaittime',
      async (request) => {
        const queue = engine.queue(request.params.queueId);
        if (!queue) throw notFound('not.found', `The queue ${request.params.queueId} was not found.`);
        const id = request.query.conversationId;
        const conversation = id ? engine.conversations.get(id) : undefined;
        const media: ConversationMedia[] = conversation ? [conversation.media] : ['chat', 'message'];
        return { results: media.map((m) => prediction(queue, m, id)) };
      },
    );

    api.get<{ Params: { queueId: string; mediaType: string }; Querystring: { conversationId?: string } }>(
      '/api/v2/routing/queues/:queueId/mediatypes/:mediaType/estimatedwaittime',
      async (request) => {
        const queue = engine.queue(request.params.queueId);
        if (!queue) throw notFound('not.found', `The queue ${request.params.queueId} was not found.`);
        const mediaType = request.params.mediaType.toLowerCase();
        if (mediaType !== 'chat' && mediaType !== 'message')
          throw badRequest(
            'invalid.path.param.value',
            `The emulator predicts chat and message only, not "${request.params.mediaType}".`,
            'mediaType',
          );
        return { results: [prediction(queue, mediaType, request.query.conversationId)] };
      },
    );

    api.post('/api/v2/analytics/queues/observations/query', async (request) => observations(request.body));

    // A Web Messaging message by its id (the id the guest sees on its messages and their echoes), with the
    // conversation it belongs to (`MessageData`; docs/platform-api.md, "Message details").
    api.get<{ Params: { messageId: string } }>('/api/v2/conversations/messages/:messageId/details', async (request) => {
      const found = ctx.messaging.message(request.params.messageId);
      if (!found) throw notFound('not.found', `The message ${request.params.messageId} was not found.`);
      const { conversationId, body } = found;
      const inbound = body.direction === 'Inbound';
      return {
        id: body.id,
        conversationId,
        timestamp: body.channel.time,
        direction: inbound ? 'inbound' : 'outbound',
        messengerType: 'webmessaging',
        status: inbound ? 'received' : 'sent',
        ...(body.text !== undefined ? { textBody: body.text } : {}),
        normalizedMessage: {
          id: body.id,
          type: body.type,
          ...(body.text !== undefined ? { text: body.text } : {}),
          ...(body.events ? { events: body.events } : {}),
          direction: body.direction,
        },
        selfUri: `/api/v2/conversations/messages/${conversationId}/messages/${body.id}`,
      };
    });

    api.post('/api/v2/signeddata', async (request) => {
      if (!isObject(request.body))
        throw badRequest('bad.request', 'The request body must be a JSON object of the data to sign.');
      return {
        jwt: await ctx.tokens.signData(request.body, options.organizationId, options.signedDataLifetimeSeconds),
      };
    });

    api.get('/api/v2/tokens/me', async (request) => {
      const t = accessTokens.get((request as FastifyRequest & { accessToken: string }).accessToken);
      const client = options.oauthClients.find((c) => c.clientId === t?.clientId);
      const org = {
        id: options.organizationId,
        name: options.organizationName,
        selfUri: `/api/v2/organizations/${options.organizationId}`,
      };
      return {
        organization: org,
        homeOrganization: org,
        authorizedScope: [],
        OAuthClient: {
          id: client?.clientId,
          name: client?.name ?? client?.clientId,
          organization: { id: options.organizationId },
        },
      };
    });
  });

  function prediction(queue: QueueConfig, media: ConversationMedia, conversationId?: string) {
    return {
      intent: media === 'chat' ? 'CHAT' : 'MESSAGE',
      formula: 'BEST',
      estimatedWaitTimeSeconds: estimatedWaitSeconds(queue, media, conversationId),
    };
  }

  /** EWT from live state: conversations of the media type ahead of the asker times handle time over on-queue agents (longest wait with none). */
  function estimatedWaitSeconds(queue: QueueConfig, media: ConversationMedia, conversationId?: string): number {
    const waiting = engine.waiting(queue.id, media);
    const agents = [...engine.agents.values()].filter(
      (a) => a.queueIds.includes(queue.id) && engine.routingStatus(a) !== 'OFF_QUEUE',
    ).length;
    const aht = queue.averageHandleSeconds ?? 120;
    if (agents === 0) {
      const oldest = waiting[0]?.queuedAt;
      return oldest ? Math.round((clock.now() - Date.parse(oldest)) / 1000) : 0;
    }
    const mine = conversationId ? waiting.findIndex((c) => c.id === conversationId) : -1;
    const ahead = mine >= 0 ? mine : waiting.length;
    return Math.round((ahead * aht) / agents);
  }

  function observations(body: unknown) {
    if (!isObject(body)) throw badRequest('bad.request', 'The request body must be a QueueObservationQuery object.');
    const filter = body['filter'];
    if (!isObject(filter) || (filter['type'] !== 'and' && filter['type'] !== 'or')) {
      throw badRequest('bad.request', 'filter is required and filter.type must be "and" or "or".', 'filter');
    }
    const metrics = body['metrics'];
    if (
      !Array.isArray(metrics) ||
      metrics.length === 0 ||
      metrics.some((m) => typeof m !== 'string' || !OBSERVATION_METRICS.has(m))
    ) {
      throw badRequest(
        'bad.request',
        `metrics is required: a list of ${[...OBSERVATION_METRICS].join(', ')}.`,
        'metrics',
      );
    }
    const detailMetrics = body['detailMetrics'];
    if (
      detailMetrics !== undefined &&
      (!Array.isArray(detailMetrics) || detailMetrics.some((m) => typeof m !== 'string' || !OBSERVATION_METRICS.has(m)))
    ) {
      throw badRequest(
        'bad.request',
        `detailMetrics must list metrics of ${[...OBSERVATION_METRICS].join(', ')}.`,
        'detailMetrics',
      );
    }
    const detail = new Set((detailMetrics ?? []) as string[]);
    const queueIds = new Set<string>();
    const mediaTypes = new Set<string>();
    collectPredicates(filter, queueIds, mediaTypes);
    if (queueIds.size === 0) throw badRequest('bad.request', 'The filter must name at least one queueId.', 'filter');

    const results: Array<{ group: Record<string, string>; data: unknown[] }> = [];
    for (const queueId of queueIds) {
      const queue = engine.queue(queueId);
      if (!queue) continue;
      // User metrics: one group without mediaType, one entry per routing status that has anyone (docs/platform-api.md, "Queue observations").
      const userMetrics = (metrics as string[]).filter((m) => USER_METRICS.has(m));
      if (userMetrics.length > 0) {
        const members = [...engine.agents.values()].filter((a) => a.queueIds.includes(queueId));
        const data: unknown[] = [];
        for (const metric of userMetrics) {
          if (metric === 'oOnQueueUsers') {
            for (const status of ROUTING_STATUSES) {
              const count = members.filter((a) => engine.routingStatus(a) === status).length;
              if (count > 0) data.push({ metric, qualifier: status, stats: { count } });
            }
          } else if (metric === 'oOffQueueUsers') {
            data.push({ metric, stats: { count: members.filter((a) => !a.onQueue).length } });
          } else if (metric === 'oMemberUsers' || metric === 'oActiveUsers') {
            data.push({ metric, stats: { count: members.length } });
          }
        }
        results.push({ group: { queueId }, data });
      }
      // Conversation metrics: one group per media type.
      const convMetrics = (metrics as string[]).filter((m) => !USER_METRICS.has(m));
      if (convMetrics.length === 0) continue;
      // Live guest chats and Web Messaging conversations each under their own media type; configured traffic of
      // other media (and extra `message` load) beside them.
      const live = (m: ConversationMedia) => ({
        waiting: engine.waiting(queueId, m).length,
        interacting: engine.interacting(queueId, m).length,
        alerting: engine.waiting(queueId, m).filter((c) => c.phase === 'alerting').length,
      });
      const media: Record<string, { waiting: number; interacting: number; alerting: number }> = {
        chat: live('chat'),
        message: live('message'),
      };
      for (const [type, load] of Object.entries(queue.otherMedia ?? {})) {
        const base = media[type] ?? { waiting: 0, interacting: 0, alerting: 0 };
        media[type] = {
          waiting: base.waiting + (load.waiting ?? 0),
          interacting: base.interacting + (load.interacting ?? 0),
          alerting: base.alerting,
        };
      }
      for (const [mediaType, counts] of Object.entries(media)) {
        if (mediaTypes.size > 0 && !mediaTypes.has(mediaType)) continue;
        const data = convMetrics.map((metric) => {
          const count =
            metric === 'oWaiting' ? counts.waiting : metric === 'oInteracting' ? counts.interacting : counts.alerting;
          const entry: Record<string, unknown> = { metric, stats: { count } };
          if (metric === 'oWaiting' && detail.has('oWaiting') && (mediaType === 'chat' || mediaType === 'message')) {
            entry['observations'] = engine.waiting(queueId, mediaType).map((c) => ({
              observationDate: c.queuedAt,
              conversationId: c.id,
              participantName: c.guest.displayName,
              direction: 'inbound',
              routingPriority: 0,
              requestedRoutingSkillIds: [],
            }));
            entry['truncated'] = false;
          }
          return entry;
        });
        results.push({ group: { queueId, mediaType }, data });
      }
    }
    return { results };
  }
}
