import type { FastifyRequest } from 'fastify';
import { GenesysError } from './errors';
import type { ChatEngine } from './chat-engine';
import type { Clock } from './clock';
import type { FaultInjector } from './faults';
import type { IdentityProviders } from './messaging/identity';
import type { MessagingService } from './messaging/messaging-service';
import type { ResolvedOptions } from './options';
import type { RequestLog } from './request-log';
import type { TokenService } from './tokens';

/** What every route module of the emulator shares. */
export interface EmulatorContext {
  options: ResolvedOptions;
  engine: ChatEngine;
  tokens: TokenService;
  clock: Clock;
  log: RequestLog;
  faults: FaultInjector;
  /** Web Messaging sessions and their bridge to the engine. */
  messaging: MessagingService;
  /** Identity providers of authenticated messaging (and the built-in demo provider). */
  identity: IdentityProviders;
}

/**
 * The origin the caller used to reach the emulator, its scheme included (so `eventStreamUri` and file URLs work for
 * `localhost` and `127.0.0.1`, over TLS or not, alike).
 */
export function callerOrigin(request: FastifyRequest): { http: string; ws: string } {
  const host = request.headers.host ?? `${request.socket.localAddress}:${request.socket.localPort}`;
  const secure = request.protocol === 'https';
  return { http: `${secure ? 'https' : 'http'}://${host}`, ws: `${secure ? 'wss' : 'ws'}://${host}` };
}

/** The bearer token of an `Authorization` header (scheme case-insensitive), or why there is none. */
export function bearerToken(header: string | undefined): { token: string } | { error: 'missing' | 'malformed' } {
  if (header === undefined || header === '') return { error: 'missing' };
  const m = /^bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ? { token: m[1] } : { error: 'malformed' };
}

/** The Platform API's bearer token, or 401 `authentication.required` when the header carries none. */
export function requireBearer(header: string | undefined): string {
  const b = bearerToken(header);
  if ('error' in b)
    throw new GenesysError(
      401,
      'authentication.required',
      'No authentication bearer token specified in authorization header.',
    );
  return b.token;
}
