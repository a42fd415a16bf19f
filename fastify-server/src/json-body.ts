import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { Errors } from './errors';

/**
 * Request bodies: JSON in UTF-8, sent as they are. Fastify's own JSON parser reads any declared charset as UTF-8,
 * ignores `Content-Encoding`, and reports a `__proto__` key as "not valid JSON"; this one refuses the first two
 * (415, saying what was sent) and names the third. The `__proto__` / `constructor.prototype` check is
 * secure-json-parse's, the library Fastify itself uses.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const refused = refusedEncoding(request);
    if (refused) return done(refused, undefined);
    if (body === '') return done(new Errors.BadRequest('the body is empty; send a JSON object'), undefined);
    try {
      done(null, secureJson.parse(body as string, null, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      const forbidden = e instanceof SyntaxError && /forbidden prototype property/.test(e.message);
      done(
        forbidden
          ? new Errors.ForbiddenJsonKey()
          : new Errors.BadRequest('the body is not valid JSON (send a JSON object as application/json)'),
        undefined,
      );
    }
  });
}

function refusedEncoding(request: FastifyRequest): Error | undefined {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return new Errors.ContentEncodingRefused(encoding);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return new Errors.CharsetRefused(charset);
  return undefined;
}
