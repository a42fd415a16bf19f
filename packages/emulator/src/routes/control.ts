import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Conversation } from '../conversation';
import type { EmulatorContext } from '../context';
import type { FaultInput } from '../faults';
import type { RoutingStatus, RuntimeSettings } from '../options';
import { isObject } from '../params';
import { parseContent } from './structured-content';
import { agentFor, invalid, parseCards, parseQuickReplies, requireActingAgent } from './control-input';
import { agentView, chatDetail, chatSummary, snapshot } from './control-views';

/**
 * The agent side and test hooks, as JSON under `/control` (documented in the package README), plus a WebSocket
 * `/control/events` that pushes a state snapshot after every change and mirrors every guest frame.
 */

const ROUTING_STATUSES: RoutingStatus[] = ['OFF_QUEUE', 'IDLE', 'INTERACTING', 'COMMUNICATING', 'NOT_RESPONDING'];

type Id = { Params: { id: string } };

export function controlRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { engine } = ctx;
  const body = (b: unknown): Record<string, unknown> =>
    b === undefined || b === null ? {} : isObject(b) ? b : invalid('the body must be a JSON object');
  const chat = (id: string): Conversation => engine.get(id);

  app.get('/control/state', async () => snapshot(ctx));

  app.get<{ Querystring: { state?: string } }>('/control/chats', async (request) => {
    const want = request.query.state;
    const all = [...engine.conversations.values()].map((c) => chatSummary(ctx, c));
    return {
      entities: want
        ? all.filter(
            (c) => c.state === want || (want === 'waiting' && (c.state === 'queued' || c.state === 'alerting')),
          )
        : all,
    };
  });

  app.get<Id>('/control/chats/:id', async (request) => chatDetail(ctx, chat(request.params.id)));

  app.post<Id>('/control/chats/:id/accept', async (request) => {
    const b = body(request.body);
    const c = chat(request.params.id);
    const agentId = agentFor(engine, b);
    engine.accept(c, agentId, { connect: b['connect'] !== false });
    return chatDetail(ctx, c);
  });

  app.post<Id>('/control/chats/:id/connect', async (request) => {
    const c = chat(request.params.id);
    engine.connectAgent(c);
    return chatDetail(ctx, c);
  });

  app.post<Id>('/control/chats/:id/messages', async (request) => {
    const b = body(request.body);
    const text = b['body'];
    if (typeof text !== 'string' || text === '') invalid('body (the message text) is required');
    const bodyType = b['bodyType'] ?? 'standard';
    if (bodyType !== 'standard' && bodyType !== 'notice') invalid('bodyType must be standard or notice');
    const from = b['from'] ?? 'agent';
    if (from !== 'agent' && from !== 'acd' && from !== 'workflow') invalid('from must be agent, acd or workflow');
    const c = chat(request.params.id);
    if (from === 'agent') requireActingAgent(engine, c, b, 'write in it');
    const quickReplies = parseQuickReplies(b['quickReplies']);
    const cards = parseCards(b['cards']);
    const content = parseContent(b['content']);
    const m = engine.agentMessage(c, text as string, bodyType, from, {
      ...(quickReplies ? { quickReplies } : {}),
      ...(cards ? { cards } : {}),
      ...(content ? { content } : {}),
    });
    return { id: m.id, timestamp: m.timestamp };
  });

  // An agent sends a file (Web Messaging): JSON with the bytes in base64, so the console needs no multipart.
  app.post<Id>('/control/chats/:id/files', { bodyLimit: 16 * 1024 * 1024 }, async (request) => {
    const b = body(request.body);
    const c = chat(request.params.id);
    if (c.media !== 'message') invalid('files are a Web Messaging feature; this is a guest chat');
    requireActingAgent(engine, c, b, 'send a file in it');
    if (typeof b['filename'] !== 'string' || b['filename'].trim() === '') invalid('filename is required');
    if (typeof b['mime'] !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(b['mime'])) invalid('mime must be a MIME type');
    if (typeof b['dataBase64'] !== 'string' || b['dataBase64'] === '') invalid('dataBase64 (the file) is required');
    if (b['text'] !== undefined && typeof b['text'] !== 'string') invalid('text must be a string');
    const bytes = Buffer.from(b['dataBase64'] as string, 'base64');
    const m = ctx.messaging.agentFile(
      c,
      { filename: b['filename'] as string, mime: b['mime'] as string, bytes },
      (b['text'] as string | undefined) ?? '',
    );
    return { id: m.id, timestamp: m.timestamp, attachments: m.attachments };
  });

  app.post<Id>('/control/chats/:id/typing', async (request) => {
    const c = chat(request.params.id);
    requireActingAgent(engine, c, body(request.body), 'type in it');
    engine.agentTyping(c);
    return { ok: true };
  });

  app.post<Id>('/control/chats/:id/focus', async (request) => {
    engine.focus(chat(request.params.id));
    return { ok: true };
  });

  app.post<Id>('/control/chats/:id/transfer', async (request) => {
    const b = body(request.body);
    const c = chat(request.params.id);
    const order = b['order'];
    if (order !== undefined && order !== 'leave-first' && order !== 'alert-first')
      invalid('order must be leave-first or alert-first');
    let toQueueId: string | undefined;
    if (b['toQueue'] !== undefined) {
      const q =
        typeof b['toQueue'] === 'string'
          ? (engine.findQueueByName(b['toQueue']) ?? engine.queue(b['toQueue']))
          : undefined;
      if (!q) invalid(`toQueue names no queue: ${String(b['toQueue'])}`);
      toQueueId = q!.id;
    }
    const toAgentId =
      b['toAgentId'] !== undefined || b['toAgentName'] !== undefined
        ? agentFor(engine, { agentId: b['toAgentId'], name: b['toAgentName'] })
        : undefined;
    if (!toAgentId && !toQueueId && b['toQueue'] === undefined) {
      // Neither named: back to the chat's own queue.
      toQueueId = c.queueId ?? undefined;
    }
    engine.transfer(c, {
      ...(toAgentId ? { toAgentId } : { toQueueId }),
      ...(order ? { order: order as 'leave-first' | 'alert-first' } : {}),
      connect: b['connect'] !== false,
    });
    return chatDetail(ctx, c);
  });

  app.post<Id>('/control/chats/:id/end', async (request) => {
    const b = body(request.body);
    const c = chat(request.params.id);
    requireActingAgent(engine, c, b, 'end it');
    const disconnect = b['disconnect'];
    if (disconnect !== undefined) {
      if (c.media !== 'message') invalid('disconnect applies to Web Messaging conversations only');
      if (disconnect !== 'ReadOnly' && disconnect !== 'Send' && disconnect !== 'none')
        invalid('disconnect must be ReadOnly, Send or none');
    }
    if (c.media === 'message') ctx.messaging.agentDisconnect(c, disconnect as 'ReadOnly' | 'Send' | 'none' | undefined);
    else engine.agentEnds(c);
    return chatDetail(ctx, c);
  });

  app.post<Id>('/control/chats/:id/drop-socket', async (request) => {
    const b = body(request.body);
    const code = b['code'];
    if (
      code !== undefined &&
      (typeof code !== 'number' ||
        !(
          code === 1000 ||
          (code >= 1001 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
          (code >= 3000 && code <= 4999)
        ))
    ) {
      invalid('code must be a close code a server may send (1000-1014 but 1004-1006, or 3000-4999)');
    }
    const c = chat(request.params.id);
    const session = c.media === 'message' ? ctx.messaging.sessionOf(c) : undefined;
    if (session) return { dropped: ctx.messaging.drop(session, b['closeFrame'] !== false) };
    const dropped = engine.dropSockets(c, {
      closeFrame: b['closeFrame'] !== false,
      ...(typeof code === 'number' ? { code } : {}),
      ...(typeof b['reason'] === 'string' ? { reason: b['reason'] } : {}),
    });
    return { dropped };
  });

  app.post<Id>('/control/chats/:id/media-requests', async (request) => {
    const b = body(request.body);
    const types = b['types'] ?? ['COBROWSE'];
    if (!Array.isArray(types) || types.length === 0 || types.some((t) => t !== 'COBROWSE' && t !== 'SCREENSHARE'))
      invalid('types must list COBROWSE and/or SCREENSHARE');
    return { id: engine.createMediaRequest(chat(request.params.id), types as Array<'COBROWSE' | 'SCREENSHARE'>) };
  });

  // ---------------------------------------------------------------- agents
  app.get('/control/agents', async () => ({ entities: [...engine.agents.values()].map((a) => agentView(engine, a)) }));

  app.post('/control/agents', async (request, reply) => {
    const b = body(request.body);
    if (typeof b['name'] !== 'string' || b['name'].trim() === '') invalid('name is required');
    const queueIds = b['queueIds'];
    if (
      queueIds !== undefined &&
      (!Array.isArray(queueIds) || queueIds.some((q) => typeof q !== 'string' || !engine.queue(q)))
    )
      invalid('queueIds must list existing queue ids');
    const a = engine.addAgent({
      id: typeof b['id'] === 'string' ? b['id'] : randomUUID(),
      name: b['name'] as string,
      ...(typeof b['avatarImageUrl'] === 'string' ? { avatarImageUrl: b['avatarImageUrl'] } : {}),
      ...(queueIds ? { queueIds: queueIds as string[] } : {}),
      onQueue: b['onQueue'] !== false,
    });
    return reply.code(201).send(agentView(engine, a));
  });

  app.patch<Id>('/control/agents/:id', async (request) => {
    const b = body(request.body);
    const patch: { onQueue?: boolean; routingStatus?: RoutingStatus | null } = {};
    if (b['onQueue'] !== undefined) {
      if (typeof b['onQueue'] !== 'boolean') invalid('onQueue must be true or false');
      patch.onQueue = b['onQueue'] as boolean;
    }
    if (b['routingStatus'] !== undefined) {
      const s = b['routingStatus'];
      if (s !== null && !ROUTING_STATUSES.includes(s as RoutingStatus))
        invalid(`routingStatus must be null or one of ${ROUTING_STATUSES.join(', ')}`);
      patch.routingStatus = s as RoutingStatus | null;
    }
    return agentView(engine, engine.setAgent(request.params.id, patch));
  });

  // ---------------------------------------------------------------- settings, faults, clock, request log
  app.get('/control/settings', async () => engine.settings);

  app.put('/control/settings', async (request) => {
    const b = body(request.body);
    const s = engine.settings;
    const next: RuntimeSettings = { ...s, autoAgent: { ...s.autoAgent } };
    for (const [k, v] of Object.entries(b)) {
      switch (k) {
        case 'heartbeatIntervalMs':
        case 'guestInactivityMs':
        case 'echoLeadMs':
        case 'alertingMs':
          if (typeof v !== 'number' || !Number.isFinite(v) || v < (k === 'heartbeatIntervalMs' ? 10 : 0))
            invalid(`${k} must be a number of milliseconds`);
          next[k] = v as number;
          break;
        case 'messagingOutOfOrderWindowMs':
          if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalid(`${k} must be a number of milliseconds`);
          next[k] = v as number;
          break;
        case 'closeSocketOnEnd':
        case 'replayOnReconnect':
        case 'duplicateEvents':
        case 'echoBeforeResponse':
        case 'messagingDuplicateEchoes':
          if (typeof v !== 'boolean') invalid(`${k} must be true or false`);
          next[k] = v as boolean;
          break;
        case 'transferOrder':
          if (v !== 'leave-first' && v !== 'alert-first') invalid('transferOrder must be leave-first or alert-first');
          next.transferOrder = v as 'leave-first' | 'alert-first';
          break;
        case 'unknownQueue':
          if (v !== 'reject' && v !== 'accept-never-route')
            invalid('unknownQueue must be reject or accept-never-route');
          next.unknownQueue = v as 'reject' | 'accept-never-route';
          break;
        case 'autoAgent': {
          if (!isObject(v)) invalid('autoAgent must be an object');
          const a = v as Record<string, unknown>;
          if (a['enabled'] !== undefined && typeof a['enabled'] !== 'boolean')
            invalid('autoAgent.enabled must be true or false');
          if (a['agentId'] !== undefined) engine.agent(String(a['agentId']));
          for (const n of ['acceptDelayMs', 'replyDelayMs'] as const) {
            if (a[n] !== undefined && (typeof a[n] !== 'number' || (a[n] as number) < 0))
              invalid(`autoAgent.${n} must be a number of milliseconds`);
          }
          Object.assign(next.autoAgent, a);
          break;
        }
        default:
          invalid(`unknown setting "${k}"`);
      }
    }
    Object.assign(s, next);
    engine.emit('change', null);
    return s;
  });

  app.get('/control/faults', async () => ({ entities: ctx.faults.list() }));
  app.post('/control/faults', async (request, reply) => {
    const b = body(request.body);
    const input: FaultInput = {};
    if (b['endpoint'] !== undefined) {
      if (typeof b['endpoint'] !== 'string') invalid('endpoint must be a string');
      input.endpoint = b['endpoint'] as string;
    }
    for (const k of ['latencyMs', 'status', 'retryAfterSeconds', 'times'] as const) {
      if (b[k] === undefined) continue;
      if (typeof b[k] !== 'number' || (b[k] as number) < 0) invalid(`${k} must be a non-negative number`);
      input[k] = b[k] as number;
    }
    if (b['code'] !== undefined) input.code = String(b['code']);
    for (const k of ['retryAfter', 'body', 'contentType'] as const) {
      if (b[k] === undefined) continue;
      if (typeof b[k] !== 'string') invalid(`${k} must be a string`);
      input[k] = b[k] as string;
    }
    if (b['reset'] !== undefined) {
      if (typeof b['reset'] !== 'boolean') invalid('reset must be true or false');
      input.reset = b['reset'] as boolean;
    }
    try {
      return reply.code(201).send(ctx.faults.add(input));
    } catch (e) {
      if (e instanceof RangeError) invalid(e.message);
      throw e;
    }
  });
  app.delete<{ Querystring: { id?: string } }>('/control/faults', async (request, reply) => {
    ctx.faults.remove(request.query.id);
    return reply.code(204).send();
  });

  app.post('/control/clock', async (request) => {
    const b = body(request.body);
    if (typeof b['advanceMs'] !== 'number' || b['advanceMs'] < 0) invalid('advanceMs must be a non-negative number');
    ctx.clock.advance(b['advanceMs'] as number);
    engine.emit('change', null);
    return { now: ctx.clock.iso(), offsetMs: ctx.clock.offset };
  });

  app.get<{ Querystring: { endpoint?: string; limit?: string } }>('/control/requests', async (request) => {
    const limit = request.query.limit ? Number(request.query.limit) : undefined;
    return ctx.log.query({
      ...(request.query.endpoint ? { endpoint: request.query.endpoint } : {}),
      ...(limit && limit > 0 ? { limit } : {}),
    });
  });
  app.delete('/control/requests', async (_request, reply) => {
    ctx.log.clear();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- live feed for the console
  app.get('/control/events', { websocket: true }, (socket: WebSocket) => {
    const send = (m: unknown) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
    let pending: NodeJS.Timeout | undefined;
    // Snapshots are coalesced: a burst of changes (e.g. the end of a chat) sends one.
    const onChange = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        send({ type: 'snapshot', state: snapshot(ctx) });
      }, 20);
    };
    const onFrame = (conversationId: string, frame: unknown) => send({ type: 'frame', conversationId, frame });
    engine.on('change', onChange);
    engine.on('frame', onFrame);
    send({ type: 'snapshot', state: snapshot(ctx) });
    // A half-open console socket is noticed: ping every 30 s, drop it when no pong came back.
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, 30_000);
    keepAlive.unref();
    socket.on('close', () => {
      clearInterval(keepAlive);
      if (pending) clearTimeout(pending);
      engine.off('change', onChange);
      engine.off('frame', onFrame);
    });
  });
}
