import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Security headers from `helmet`, configured for a JSON-only API (nothing may be framed, scripted or embedded):
 * the set the OWASP REST Security Cheat Sheet lists for APIs (Content-Security-Policy, Strict-Transport-Security,
 * X-Content-Type-Options, X-Frame-Options: DENY; Cache-Control: no-store is set by the routes that need it), plus
 * Cross-Origin-Resource-Policy so other sites cannot embed the JSON with no-cors requests.
 *
 * Why not `@fastify/helmet`: it calls `helmet(options)` (parsing the options and building the CSP) on every
 * request, which halved this server's throughput in `bench/availability.ts`. Here helmet runs once, at start-up,
 * and every answer gets the headers it set (`headersOf`).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = headersOf(
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    // Headers that only matter for HTML documents, legacy browsers or plug-ins are left out: they would add a
    // third to every answer's size on the hottest route (measurable in bench/availability.ts) for no protection
    // of JSON.
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    xFrameOptions: { action: 'deny' },
  }) as unknown as Middleware,
);

export default fp(
  async (app) => {
    app.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      void reply.headers(SECURITY_HEADERS);
      done();
    });
  },
  { name: 'security-headers' },
);

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * The headers helmet sets with these options, taken once at start-up. With no nonces and no per-request options they
 * are the same on every answer, and running helmet's eleven middlewares for each request (each one a `setHeader` with
 * its validation) was a tenth of this server's time per request in `bench/availability.ts`. Helmet stays the source of
 * the values: change the options above, not the list.
 */
export function headersOf(middleware: Middleware): Readonly<Record<string, string>> {
  const set: Record<string, string> = {};
  let finished = false;
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return this;
    },
    // X-Powered-By: Fastify never sets it, so there is nothing to remove on the real answers.
    removeHeader(_name: string) {},
  };
  const req = { method: 'GET', url: '/', headers: {} };
  middleware(req as unknown as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously: its headers cannot be taken once');
  return Object.freeze(set);
}
