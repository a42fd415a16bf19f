import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyError } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { attachAutoAgent } from './auto-agent';
import { ChatEngine } from './chat-engine';
import { Clock } from './clock';
import type { EmulatorContext } from './context';
import { GenesysError } from './errors';
import { FaultInjector, defaultFaultCode } from './faults';
import { REQUEST_BODY_LIMIT } from './limits';
import { localAccess } from './local-access';
import { resolveOptions, type EmulatorOptions, type ResolvedOptions } from './options';
import { RequestLog } from './request-log';
import { avatarRoutes } from './routes/avatars';
import { consoleRoutes } from './routes/console';
import { controlRoutes } from './routes/control';
import { messagingControlRoutes } from './routes/messaging-control';
import { eventStreamRoutes } from './guest-chat/event-stream';
import { guestChatRoutes } from './guest-chat/rest-routes';
import { IdentityProviders } from './messaging/identity';
import { MessagingService } from './messaging/messaging-service';
import { platformRoutes } from './routes/platform';
import { webMessagingRestRoutes } from './routes/web-messaging-rest';
import { webMessagingSocketRoutes } from './routes/web-messaging';
import { certificateNames, tlsFiles } from './tls';
import { TokenService } from './tokens';

export interface RunningEmulator {
  /** Origin of everything: the Web Messaging and guest chat APIs (`genesysApiBaseUrl`), the Platform API gateway, the control API. */
  url: string;
  port: number;
  host: string;
  /** The agent console page. */
  consoleUrl: string;
  /** Base of the control API (`<url>/control`). */
  controlUrl: string;
  /** The resolved configuration (ids of the organisation, deployments, queues, agents, OAuth clients). */
  options: ResolvedOptions;
  /** With TLS: the certificate the server presents (PEM), for clients to trust. */
  tls?: { cert: string };
  /** In-process access for tests that need more than the control API. */
  engine: ChatEngine;
  /** Web Messaging sessions (in-process access for tests). */
  messaging: MessagingService;
  log: RequestLog;
  close(): Promise<void>;
}

/** Paths browsers call cross-origin: guest chat, Web Messaging history, tokens, config, uploads and downloads. */
const GUEST_PATHS =
  /^\/(api\/v2\/(webchat|webmessaging|webdeployments|downloads)\/|webdeployments\/v1\/|uploads\/v2\/)/;

/** Paths that are the emulator's own (not "Genesys"): not logged as upstream traffic, no faults. */
const OWN_PATHS = /^\/(control|console|avatars)(\/|$)|^\/$/;

/** Starts the emulator on loopback. `port: 0` picks a free port. */
export async function startEmulator(input: EmulatorOptions = {}): Promise<RunningEmulator> {
  const options = resolveOptions(input);
  const clock = new Clock();
  const tokens = await TokenService.create(clock);
  let url = '';
  const engine = new ChatEngine(options, clock, (agentId) => `${url}/avatars/${agentId}.svg`);
  const log = new RequestLog();
  const faults = new FaultInjector();
  const messaging = new MessagingService(options, engine, clock, tokens);
  const identity = await IdentityProviders.create(clock);
  const ctx: EmulatorContext = { options, engine, tokens, clock, log, faults, messaging, identity };

  const tls = input.tls ? await tlsFiles(input.tls, certificateNames(options.host, options.allowedHosts)) : undefined;
  const app = Fastify({
    // An https server in place of Fastify's http one; everything above the socket (routes, upgrades) is the same.
    ...(tls
      ? {
          serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
            createHttpsServer({ cert: tls.cert, key: tls.key }, handler) as unknown as Server,
        }
      : {}),
    logger: options.logger
      ? {
          level: 'info',
          serializers: {
            req: (req: { method: string; url: string }) => ({
              method: req.method,
              url: req.url.replace(/\/chat\/jwt\/[^/?]+/, '/chat/jwt/[REDACTED]'),
            }),
          },
        }
      : false,
    // The event stream path carries a whole JWT.
    routerOptions: { maxParamLength: 8192 },
    bodyLimit: REQUEST_BODY_LIMIT,
    genReqId: () => randomUUID(),
    // Closing the emulator ends every connection at once. With Fastify's default ('idle'), a keep-alive connection
    // caught between a response and idle kept close() waiting for the 72 s keep-alive timeout (a test stack's
    // teardown took 70 s under load).
    forceCloseConnections: true,
  });

  await app.register(websocket, { options: { maxPayload: options.maxFrameBytes } });
  // After the WebSocket plugin: its own onRequest hook marks upgrades, so that a refused one has its socket closed.
  localAccess(app, {
    allowedHosts: options.allowedHosts,
    controlOrigins: options.controlOrigins,
    listenHost: options.host,
  });
  await app.register(formbody);
  // The real guest APIs are called cross-origin from web pages; the emulator's own control API is not.
  await app.register(cors, {
    delegator: (req, cb) =>
      cb(null, {
        origin: GUEST_PATHS.test(req.url ?? ''),
        // DELETE (leave the chat, delete a token) and PATCH (media requests) are guest operations too; PUT uploads.
        methods: ['GET', 'POST', 'DELETE', 'PATCH', 'PUT'],
        // x-amz-tagging: the header a presigned upload URL requires.
        allowedHeaders: ['authorization', 'content-type', 'x-amz-tagging'],
        exposedHeaders: ['inin-correlation-id'],
      }),
  });

  // Empty JSON bodies (typing, signed data without data) are "no body", not a parse error.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    defaultJson(request, body as string, done);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('inin-correlation-id', request.id);
    reply.header('cache-control', 'no-cache, no-store, must-revalidate');
    const path = request.url.split('?')[0] ?? '';
    if (OWN_PATHS.test(path) || request.method === 'OPTIONS') return;
    const { latencyMs, failure } = faults.take(`${request.method} ${request.routeOptions.url ?? path}`, path);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const endpoint = `${request.method} ${request.routeOptions.url ?? path}`;
    if (failure?.reset) {
      // Logged here: a hijacked request never reaches onResponse.
      log.record({ at: new Date().toISOString(), endpoint, url: request.url, status: 0, durationMs: 0 });
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (failure?.body !== undefined)
      return reply
        .code(failure.status ?? 200)
        .type(failure.contentType ?? 'application/json')
        .send(failure.body);
    if (failure?.status !== undefined) {
      const status = failure.status;
      const retry = failure.retryAfter ?? String(failure.retryAfterSeconds ?? 1);
      throw new GenesysError(
        status,
        failure.code ?? defaultFaultCode(status),
        status === 429
          ? `Rate limit exceeded the maximum. Retry the request in [${retry}] seconds`
          : `Injected fault: ${status}`,
        status === 429 ? { headers: { 'retry-after': retry } } : {},
      );
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (OWN_PATHS.test(path) || request.method === 'OPTIONS' || path.startsWith('/chat/jwt/')) return;
    log.record({
      at: new Date().toISOString(),
      endpoint: `${request.method} ${request.routeOptions.url ?? path}`,
      url: request.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
    });
  });

  app.setErrorHandler((error: FastifyError | GenesysError, request, reply) => {
    let e: GenesysError;
    if (error instanceof GenesysError) e = error;
    else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      e = new GenesysError(
        413,
        'request.entity.too.large',
        `The request is larger than ${request.routeOptions.bodyLimit ?? REQUEST_BODY_LIMIT} bytes.`,
      );
    else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      e = new GenesysError(
        415,
        'unsupported.media.type',
        `Unsupported Content-Type: ${request.headers['content-type'] ?? 'none'}.`,
      );
    else if (error.statusCode === 400)
      e = new GenesysError(400, 'bad.request', `The request could not be read: ${error.message}`);
    else {
      request.log.error(error);
      e = new GenesysError(500, 'internal.server.error', 'The emulator failed to handle the request.');
    }
    void reply.code(e.status).headers(e.headers).type('application/json').send(e.toBody(request.id));
  });

  app.setNotFoundHandler((request, reply) => {
    const e = new GenesysError(404, 'not.found', `No operation ${request.method} ${request.url.split('?')[0]}.`);
    void reply.code(404).send(e.toBody(request.id));
  });

  guestChatRoutes(app, ctx);
  eventStreamRoutes(app, ctx);
  await platformRoutes(app, ctx);
  webMessagingSocketRoutes(app, ctx);
  webMessagingRestRoutes(app, ctx);
  controlRoutes(app, ctx);
  messagingControlRoutes(app, ctx);
  consoleRoutes(app);
  avatarRoutes(app, engine);
  attachAutoAgent(engine);

  await app.listen({ port: options.port, host: options.host });
  const port = (app.server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  for (const a of options.agents) engine.addAgent(a);

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    host: options.host,
    consoleUrl: `${url}/console/`,
    controlUrl: `${url}/control`,
    ...(tls ? { tls: { cert: tls.cert } } : {}),
    options,
    engine,
    messaging,
    log,
    close: () => {
      closing ??= (async () => {
        messaging.close();
        engine.close();
        await app.close();
      })();
      return closing;
    },
  };
}
