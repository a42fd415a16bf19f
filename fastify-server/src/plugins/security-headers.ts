import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * Security headers from `helmet`, configured for a JSON-only API (nothing may be framed, scripted or embedded):
 * the set the OWASP REST Security Cheat Sheet lists for APIs (Content-Security-Policy, Strict-Transport-Security,
 * X-Content-Type-Options, X-Frame-Options: DENY; Cache-Control: no-store is set by the routes that need it), plus
 * Cross-Origin-Resource-Policy so other sites cannot embed the JSON with no-cors requests.
 *
 * Why not `@fastify/helmet`: it calls `helmet(options)` (parsing the options and building the CSP) on every
 * request, which halved this server's throughput in `bench/availability.ts`. The middleware is built once here.
 */
export default fp(
  async (app) => {
    const apply = helmet({
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
    });
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      apply(request.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
    });
  },
  { name: 'security-headers' },
);
