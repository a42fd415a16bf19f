import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { bearerToken, callerOrigin, requireBearer, type EmulatorContext } from '../context';
import { GenesysError, badRequest, notFound } from '../errors';
import { deploymentConfigJson } from '../messaging/deployment';
import { uploadBodyLimit } from '../limits';
import { intParam, isObject } from '../params';

/**
 * The REST side of Web Messaging: deployment configuration (a CDN file at Genesys), history with the `getJwt`
 * JWT, the presigned upload target and signed downloads, and the token endpoints of authenticated messaging.
 */
export function webMessagingRestRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { messaging, clock } = ctx;

  app.get<{ Params: { id: string } }>('/webdeployments/v1/deployments/:id/config.json', async (request) => {
    const d = messaging.deployment(request.params.id);
    if (!d) throw notFound('not.found', `No deployment ${request.params.id}.`);
    return deploymentConfigJson(d, callerOrigin(request));
  });

  app.get<{ Querystring: { pageSize?: string; pageNumber?: string } }>(
    '/api/v2/webmessaging/messages',
    async (request) => {
      const s = await messaging.historyFor(requireBearer(request.headers.authorization));
      if (s === 'expired') throw new GenesysError(401, 'credentials.expired', 'The token has expired.');
      if (s === 'invalid') throw new GenesysError(401, 'bad.credentials', 'Invalid login credentials.');
      const pageSize = intParam(request.query.pageSize, 'pageSize', 25, 1, 100);
      const pageNumber = intParam(request.query.pageNumber, 'pageNumber', 1, 1, 1_000_000);
      // Newest first, as clients expect (they reverse each page).
      const all = [...s.history].reverse();
      return {
        entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
        pageSize,
        pageNumber,
        total: all.length,
        pageCount: Math.ceil(all.length / pageSize),
      };
    },
  );

  // The presigned upload target stands for S3: it answers like S3 (XML errors), not like the Platform API.
  const uploadLimit = uploadBodyLimit(ctx.options.messengerDeployments);
  void app.register(async (uploads) => {
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: uploadLimit }, (_request, body, done) =>
      done(null, body),
    );
    // A body over the limit is refused as S3 refuses one over its policy, before it is read.
    uploads.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
      return s3ErrorReply(
        reply,
        request.id,
        400,
        'EntityTooLarge',
        `Your proposed upload exceeds the maximum allowed size of ${uploadLimit} bytes.`,
      );
    });
    uploads.put<{
      Params: { attachmentId: string; fileName: string };
      Querystring: { 'X-Amz-Date'?: string; 'X-Amz-Expires'?: string; 'X-Amz-Signature'?: string };
    }>('/uploads/v2/:attachmentId/:fileName', { bodyLimit: uploadLimit }, async (request, reply) => {
      const s3Error = (status: number, code: string, message: string) =>
        s3ErrorReply(reply, request.id, status, code, message);
      const check = messaging.files.checkUpload(
        request.params.attachmentId,
        {
          date: request.query['X-Amz-Date'],
          expires: request.query['X-Amz-Expires'],
          signature: request.query['X-Amz-Signature'],
        },
        clock.now(),
      );
      if (check === 'bad-signature')
        return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match.');
      if (check === 'expired') return s3Error(403, 'AccessDenied', 'Request has expired');
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const r = messaging.upload(request.params.attachmentId, request.headers, bytes);
      if (r.error) return s3Error(r.status, r.error.code, r.error.message);
      return reply.code(200).send();
    });
  });

  app.get<{ Params: { fileId: string }; Querystring: { expires?: string; signature?: string } }>(
    '/api/v2/downloads/:fileId',
    async (request, reply) => {
      const check = messaging.files.checkDownload(
        request.params.fileId,
        request.query.expires,
        request.query.signature,
        clock.now(),
      );
      if (check !== 'ok')
        throw new GenesysError(
          403,
          'download.url.invalid',
          check === 'expired' ? 'The download URL has expired.' : 'The download URL is not valid.',
        );
      const file = messaging.files.get(request.params.fileId);
      if (!file) throw notFound('not.found', 'The file no longer exists.');
      return reply
        .type(file.mime)
        .header('content-disposition', `inline; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`)
        .send(file.bytes);
    },
  );

  app.post('/api/v2/webdeployments/token/oauthcodegrantjwtexchange', async (request) => {
    const body = isObject(request.body) ? request.body : {};
    const deploymentId = body['deploymentId'];
    if (typeof deploymentId !== 'string' || deploymentId === '')
      throw badRequest('bad.request', 'deploymentId is required.', 'deploymentId');
    const d = messaging.deployment(deploymentId);
    if (!d) throw badRequest('bad.request', `Deployment ${deploymentId} not found.`, 'deploymentId');
    if (!d.authentication)
      throw badRequest('bad.request', 'Authentication is not enabled on this deployment.', 'deploymentId');
    const oauth = body['oauth'];
    if (!isObject(oauth)) throw badRequest('bad.request', 'oauth is required.', 'oauth');
    const code = oauth['code'];
    if (typeof code === 'string' && code !== '') {
      const redirectUri = oauth['redirectUri'];
      if (typeof redirectUri !== 'string' || redirectUri === '')
        throw badRequest('bad.request', 'oauth.redirectUri is required with a code.', 'oauth.redirectUri');
      const verifier = typeof oauth['codeVerifier'] === 'string' ? oauth['codeVerifier'] : undefined;
      const r = ctx.identity.redeem(d.authentication.identityProvider, code, redirectUri, verifier);
      if (!r.ok) throw new GenesysError(401, 'bad.credentials', `Invalid authorization code: ${r.reason}.`);
      return messaging.issueAuth(r.identity, d.id);
    }
    if (typeof oauth['idToken'] !== 'string' || oauth['idToken'] === '')
      throw badRequest('bad.request', 'oauth.idToken (with oauth.nonce) or oauth.code is required.', 'oauth.idToken');
    if (typeof oauth['nonce'] !== 'string' || oauth['nonce'] === '')
      throw badRequest('bad.request', 'oauth.nonce is required with an idToken.', 'oauth.nonce');
    const v = await ctx.identity.verify(d.authentication.identityProvider, oauth['idToken'], oauth['nonce']);
    if (!v.ok) throw new GenesysError(401, 'bad.credentials', `Invalid identity token: ${v.reason}.`);
    return messaging.issueAuth(v.identity, d.id);
  });

  app.post('/api/v2/webdeployments/token/refresh', async (request) => {
    const body = isObject(request.body) ? request.body : {};
    const refreshToken = body['refreshToken'];
    if (typeof refreshToken !== 'string' || refreshToken === '')
      throw badRequest('bad.request', 'refreshToken is required.', 'refreshToken');
    const r = await messaging.refresh(refreshToken);
    if (!r) throw new GenesysError(401, 'bad.credentials', 'Invalid or expired refresh token.');
    return r;
  });

  app.delete('/api/v2/webdeployments/token/revoke', async (request, reply) => {
    const b = bearerToken(request.headers.authorization);
    if ('error' in b || !(await messaging.revoke(b.token)))
      throw new GenesysError(401, 'bad.credentials', 'Invalid login credentials.');
    return reply.code(204).send();
  });
}

/** An S3 error answer (the upload target stands for S3). */
function s3ErrorReply(reply: FastifyReply, requestId: string, status: number, code: string, message: string) {
  return reply
    .code(status)
    .type('application/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, '')}</Message><RequestId>${requestId}</RequestId></Error>`,
    );
}
