import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { DEMO, startEmulator, type RunningEmulator } from '../src';
import { control } from './helpers';
import { PNG_1X1, TEST_ORIGIN, WmGuest, keys } from './web-messaging-helpers';
import { R11_PRESIGNED, R12_UPLOAD_SUCCESS, R17_SIGNED_IN, R21_LOGOUT } from './web-messaging-samples';

/**
 * The REST side of Web Messaging over real HTTP: history with the getJwt JWT, the presigned upload and the
 * download it announces, and authenticated messaging (identity token exchange, refresh, revoke, the socket's
 * configureAuthenticatedSession).
 */

const OWN_IDP = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const NO_UPGRADE = '6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e';
const OWN_ISSUER = 'https://login.shop.example.com';
const OWN_AUDIENCE = 'shop-messenger';

let emu: RunningEmulator;
let ownKey: CryptoKey;
const guests: WmGuest[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  ownKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), alg: 'ES256' };
  emu = await startEmulator({
    port: 0,
    messengerDeployments: [
      { id: DEMO.messengerDeploymentId, flow: { botName: 'Bot', greeting: 'Hi', queue: DEMO.queueId } },
      {
        id: DEMO.messengerAuthDeploymentId,
        authentication: {
          enabled: true,
          identityProvider: { issuer: DEMO.identityIssuer, audience: DEMO.identityAudience },
        },
      },
      {
        id: OWN_IDP,
        authentication: {
          enabled: true,
          identityProvider: { issuer: OWN_ISSUER, audience: OWN_AUDIENCE, publicKeyJwk: jwk },
        },
      },
      {
        id: NO_UPGRADE,
        authentication: {
          enabled: true,
          allowSessionUpgrade: false,
          identityProvider: { issuer: DEMO.identityIssuer, audience: DEMO.identityAudience },
        },
      },
    ],
  });
});
afterAll(async () => {
  for (const g of guests) g.close();
  await emu.close();
});

async function guest(deploymentId: string = DEMO.messengerDeploymentId, token?: string): Promise<WmGuest> {
  const g = await WmGuest.open(emu, { deploymentId, ...(token ? { token } : {}) });
  guests.push(g);
  return g;
}

const nextSecond = () => control(emu, 'POST', '/clock', { advanceMs: 1000 });

async function json(r: Response): Promise<Record<string, unknown>> {
  const text = await r.text();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

describe('history: GET /api/v2/webmessaging/messages', () => {
  const history = (jwt: string | null, query = '') =>
    fetch(`${emu.url}/api/v2/webmessaging/messages${query}`, {
      headers: { origin: TEST_ORIGIN, ...(jwt === null ? {} : { authorization: `Bearer ${jwt}` }) },
    });

  test('with the JWT of getJwt: newest first, paged, every message the guest saw (echoes and events too)', async () => {
    const g = await guest();
    await g.configure();
    await g.join();
    await g.waitFor((f) => f.body.text === 'Hi');
    await nextSecond();
    await g.text('one');
    await g.text('two');
    const jwt = (await g.request({ action: 'getJwt' })).body['jwt'] as string;
    const r = await history(jwt, '?pageSize=2&pageNumber=1');
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    const page = await json(r);
    expect(keys(page)).toEqual(['entities', 'pageCount', 'pageNumber', 'pageSize', 'total']);
    expect(page).toEqual(expect.objectContaining({ pageSize: 2, pageNumber: 1, total: 4, pageCount: 2 }));
    const texts = (p: Record<string, unknown>) =>
      (p['entities'] as Array<Record<string, unknown>>).map((e) => e['text'] ?? (e['events'] as unknown[])[0]);
    expect(texts(page)).toEqual(['two', 'one']);
    const second = await json(await history(jwt, '?pageSize=2&pageNumber=2'));
    expect(texts(second)).toEqual(['Hi', { eventType: 'Presence', presence: { type: 'Join' } }]);
    // Entities are StructuredMessage bodies without the envelope.
    const [newest] = page['entities'] as Array<Record<string, unknown>>;
    expect(newest).toEqual(expect.objectContaining({ direction: 'Inbound', type: 'Text', originatingEntity: '' }));
    expect(newest).not.toHaveProperty('tracingId');
  });

  test('401 without a bearer token, with a bad one, and after the JWT expired', async () => {
    expect((await json(await history(null)))['code']).toBe('authentication.required');
    const bad = await history('a.b.c');
    expect(bad.status).toBe(401);
    expect((await json(bad))['code']).toBe('bad.credentials');
    const g = await guest();
    await g.configure();
    const jwt = (await g.request({ action: 'getJwt' })).body['jwt'] as string;
    await control(emu, 'POST', '/clock', { advanceMs: 3601_000 });
    const expired = await history(jwt);
    expect(expired.status).toBe(401);
    expect((await json(expired))['code']).toBe('credentials.expired');
  });
});

describe('attachments: presigned upload, UploadSuccessEvent, download', () => {
  test('the whole round: R11 → PUT with the handed-out headers → R12 → the download URL serves the bytes → the message carries it', async () => {
    const g = await guest();
    await g.configure();
    const attachmentId = randomUUID();
    const presigned = await g.request({
      action: 'onAttachment',
      attachmentId,
      fileName: 'foo.png',
      fileType: 'image/png',
      fileSize: PNG_1X1.length,
      errorsAsJson: true,
    });
    expect({ ...presigned, tracingId: undefined }).toEqual({
      ...R11_PRESIGNED,
      body: {
        attachmentId,
        headers: { 'x-amz-tagging': expect.stringContaining('originPlatform=PureCloud') },
        url: expect.any(String),
      },
      tracingId: undefined,
    });
    expect(keys(presigned.body)).toEqual(keys(R11_PRESIGNED.body));
    const url = presigned.body['url'] as string;
    const headers = presigned.body['headers'] as Record<string, string>;
    // As S3 presigns: the signing time and a lifetime in seconds (15 minutes).
    const query = new URL(url).searchParams;
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-Date')).toMatch(/^\d{8}T\d{6}Z$/);

    // The upload target checks what it handed out: the tagging header and the Content-Type.
    const missing = await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG_1X1 });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const wrongType = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'image/gif' },
      body: PNG_1X1,
    });
    expect(wrongType.status).toBe(403);
    const forged = await fetch(url.replace(/X-Amz-Signature=\w+/, 'X-Amz-Signature=0000'), {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'image/png' },
      body: PNG_1X1,
    });
    expect(forged.status).toBe(403);

    // A browser preflights the PUT.
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: TEST_ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-amz-tagging',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-amz-tagging');

    const put = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'image/png' },
      body: PNG_1X1,
    });
    expect(put.status).toBe(200);
    const [success] = await g.waitFor((f) => f.class === 'UploadSuccessEvent');
    expect(keys(success)).toEqual(keys(R12_UPLOAD_SUCCESS));
    expect(success).toEqual({
      type: 'message',
      class: 'UploadSuccessEvent',
      code: 200,
      body: { attachmentId, downloadUrl: expect.stringContaining('/api/v2/downloads/'), timestamp: expect.any(String) },
    });
    const download = await fetch(success!.body['downloadUrl'] as string);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG_1X1)).toBe(true);

    // getAttachment: a fresh URL, empty headers, fileSize set.
    const refreshed = await g.request({ action: 'getAttachment', attachmentId });
    expect(refreshed).toEqual(
      expect.objectContaining({
        type: 'response',
        class: 'PresignedUrlResponse',
        body: {
          attachmentId,
          headers: {},
          url: expect.any(String),
          fileName: 'foo.png',
          fileSize: PNG_1X1.length,
          fileType: 'image/png',
        },
      }),
    );

    const echo = await g.text('my screenshot', {
      content: [{ contentType: 'Attachment', attachment: { id: attachmentId } }],
    });
    expect(echo.body.content).toEqual([
      {
        contentType: 'Attachment',
        attachment: {
          id: attachmentId,
          filename: 'foo.png',
          mediaType: 'Image',
          fileSize: PNG_1X1.length,
          mime: 'image/png',
          url: expect.stringContaining('/api/v2/downloads/'),
        },
      },
    ]);
    const s = (await control<{ conversationId: string }>(emu, 'GET', `/messaging/sessions/${g.token}`)).body;
    const c = (
      await control<{ messages: Array<{ body: string; attachments?: Array<{ url: string }> }> }>(
        emu,
        'GET',
        `/chats/${s.conversationId}`,
      )
    ).body;
    const withFile = c.messages.find((m) => m.body === 'my screenshot')!;
    expect(withFile.attachments).toEqual([
      expect.objectContaining({ filename: 'foo.png', mime: 'image/png', mediaType: 'Image' }),
    ]);
    // The console reads the file from the control API.
    const forConsole = await fetch(`${emu.url}${withFile.attachments![0]!.url}`);
    expect(Buffer.from(await forConsole.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    // A sent file cannot be deleted any more.
    expect((await g.request({ action: 'deleteAttachment', attachmentId })).code).toBe(4009);
  });

  test('an upload URL is good for X-Amz-Expires seconds from X-Amz-Date: a PUT after that is S3\'s 403 "Request has expired"', async () => {
    const g = await guest();
    await g.configure();
    const presigned = await g.request({
      action: 'onAttachment',
      attachmentId: randomUUID(),
      fileName: 'late.png',
      fileType: 'image/png',
      fileSize: PNG_1X1.length,
    });
    const url = presigned.body['url'] as string;
    const headers = { ...(presigned.body['headers'] as Record<string, string>), 'content-type': 'image/png' };
    await control(emu, 'POST', '/clock', { advanceMs: 901_000 });
    const late = await fetch(url, { method: 'PUT', headers, body: PNG_1X1 });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Message>Request has expired</Message>');
    // A longer lifetime written into the URL breaks its signature.
    const stretched = await fetch(url.replace('X-Amz-Expires=900', 'X-Amz-Expires=9000'), {
      method: 'PUT',
      headers,
      body: PNG_1X1,
    });
    expect(await stretched.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  test('content that is not what it claims: UploadFailureEvent 4003; deleteAttachment of an unsent upload; an expired download URL is 403', async () => {
    const g = await guest();
    await g.configure();
    const presigned = await g.request({
      action: 'onAttachment',
      attachmentId: randomUUID(),
      fileName: 'x.png',
      fileType: 'image/png',
      fileSize: 4,
    });
    const id = presigned.body['attachmentId'] as string;
    await fetch(presigned.body['url'] as string, {
      method: 'PUT',
      headers: { ...(presigned.body['headers'] as Record<string, string>), 'content-type': 'image/png' },
      body: Buffer.from('nope'),
    });
    const [failure] = await g.waitFor((f) => f.class === 'UploadFailureEvent');
    expect(failure).toEqual({
      type: 'message',
      class: 'UploadFailureEvent',
      code: 200,
      body: {
        attachmentId: id,
        errorCode: 4003,
        errorMessage: 'File content is invalid',
        timestamp: expect.any(String),
      },
    });
    const other = await g.request({
      action: 'onAttachment',
      attachmentId: randomUUID(),
      fileName: 'y.txt',
      fileType: 'text/plain',
      fileSize: 2,
    });
    const otherId = other.body['attachmentId'] as string;
    const deleted = await g.request({ action: 'deleteAttachment', attachmentId: otherId });
    expect(deleted).toEqual({
      type: 'message',
      class: 'AttachmentDeletedResponse',
      code: 200,
      body: { attachmentId: otherId },
      tracingId: expect.any(String),
    });
    expect((await g.request({ action: 'getAttachment', attachmentId: otherId })).code).toBe(4009);

    const ok = await g.request({
      action: 'onAttachment',
      attachmentId: randomUUID(),
      fileName: 'z.txt',
      fileType: 'text/plain',
      fileSize: 2,
    });
    await fetch(ok.body['url'] as string, {
      method: 'PUT',
      headers: { ...(ok.body['headers'] as Record<string, string>), 'content-type': 'text/plain' },
      body: 'hi',
    });
    const [done] = await g.waitFor((f) => f.class === 'UploadSuccessEvent');
    await control(emu, 'POST', '/clock', { advanceMs: 11 * 60_000 });
    expect((await fetch(done!.body['downloadUrl'] as string)).status).toBe(403);
  });
});

describe('authenticated messaging', () => {
  const exchange = (body: unknown) =>
    fetch(`${emu.url}/api/v2/webdeployments/token/oauthcodegrantjwtexchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
      body: JSON.stringify(body),
    });
  const demoToken = async (input: Record<string, unknown>) =>
    (await control<{ idToken: string }>(emu, 'POST', '/messaging/identity-tokens', input)).body.idToken;

  async function signIn(sub: string, deploymentId: string = DEMO.messengerAuthDeploymentId) {
    const nonce = randomUUID();
    const idToken = await demoToken({
      sub,
      nonce,
      claims: { name: 'Casey Customer', given_name: 'Casey', family_name: 'Customer' },
    });
    const r = await exchange({ deploymentId, oauth: { idToken, nonce } });
    expect(r.status).toBe(200);
    return (await json(r)) as { jwt: string; refreshToken: string };
  }

  test('the exchange checks the identity token: signature, issuer, audience, expiry, nonce (once)', async () => {
    const nonce = randomUUID();
    const good = await demoToken({ sub: 'u1', nonce });
    const deploymentId = DEMO.messengerAuthDeploymentId;
    const cases: Array<[string, unknown]> = [
      ['no nonce', { deploymentId, oauth: { idToken: good } }],
      ['another nonce', { deploymentId, oauth: { idToken: good, nonce: 'other' } }],
      [
        'issuer',
        { deploymentId, oauth: { idToken: await demoToken({ sub: 'u1', nonce, issuer: 'https://evil' }), nonce } },
      ],
      [
        'audience',
        { deploymentId, oauth: { idToken: await demoToken({ sub: 'u1', nonce, audience: 'someone-else' }), nonce } },
      ],
      [
        'expired',
        { deploymentId, oauth: { idToken: await demoToken({ sub: 'u1', nonce, expiresInSeconds: -10 }), nonce } },
      ],
      ['signature', { deploymentId: OWN_IDP, oauth: { idToken: good, nonce } }],
      ['an unauthenticated deployment', { deploymentId: DEMO.messengerDeploymentId, oauth: { idToken: good, nonce } }],
      [
        'an authorization code never issued',
        { deploymentId, oauth: { code: 'abc', redirectUri: 'https://x', codeVerifier: 'v' } },
      ],
    ];
    for (const [what, body] of cases) {
      const r = await exchange(body);
      expect({ what, status: r.status }).toEqual({ what, status: expect.any(Number) });
      expect({ what, ok: r.ok }).toEqual({ what, ok: false });
      const e = await json(r);
      expect({ what, status: e['status'] }).toEqual({ what, status: r.status });
    }
    const r = await exchange({ deploymentId, oauth: { idToken: good, nonce } });
    expect(r.status).toBe(200);
    const body = await json(r);
    expect(keys(body)).toEqual(['jwt', 'refreshToken']);
    // The same nonce again is a replay.
    expect((await exchange({ deploymentId, oauth: { idToken: good, nonce } })).status).toBe(401);
  });

  test('an authorization code (PKCE) is redeemed once, for its redirect URI and with its verifier', async () => {
    const deploymentId = DEMO.messengerAuthDeploymentId;
    const verifier = randomUUID() + randomUUID();
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'https://shop.example.com/signed-in';
    const issue = async () =>
      (
        await control<{ code: string }>(emu, 'POST', '/messaging/authorization-codes', {
          sub: 'code-user',
          redirectUri,
          codeChallenge: challenge,
          claims: { name: 'Cody Code' },
        })
      ).body.code;
    const refused = async (oauth: Record<string, unknown>) => {
      const r = await exchange({ deploymentId, oauth });
      expect(r.status).toBe(401);
      return String((await json(r))['message']);
    };
    // Each refusal spends the code, as a provider does: a fresh one for each.
    expect(
      await refused({ code: await issue(), redirectUri: 'https://elsewhere.example.com/', codeVerifier: verifier }),
    ).toMatch(/redirect URI/);
    expect(await refused({ code: await issue(), redirectUri })).toMatch(/verifier is missing/);
    expect(await refused({ code: await issue(), redirectUri, codeVerifier: 'not-the-verifier' })).toMatch(
      /does not match/,
    );
    const missing = await exchange({ deploymentId, oauth: { code: await issue() } });
    expect(missing.status).toBe(400);
    const code = await issue();
    const ok = await exchange({ deploymentId, oauth: { code, redirectUri, codeVerifier: verifier } });
    expect(ok.status).toBe(200);
    expect(keys(await json(ok))).toEqual(['jwt', 'refreshToken']);
    expect(await refused({ code, redirectUri, codeVerifier: verifier })).toMatch(/used already/);
  });

  test("a deployment with the identity provider's own key accepts its tokens", async () => {
    const nonce = randomUUID();
    // Times on the emulator's clock, which earlier tests moved forward.
    const now = Math.floor(emu.engine.clock.now() / 1000);
    const idToken = await new SignJWT({ nonce })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(OWN_ISSUER)
      .setAudience(OWN_AUDIENCE)
      .setSubject('shopper-7')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(ownKey);
    const r = await exchange({ deploymentId: OWN_IDP, oauth: { idToken, nonce } });
    expect(r.status).toBe(200);
  });

  test('configureAuthenticatedSession with the JWT; refresh; 401 after expiry; 403 for a forged token; 4017 on downgrade', async () => {
    const { jwt, refreshToken } = await signIn('casey');
    const g = await guest(DEMO.messengerAuthDeploymentId);
    const f = await g.request({
      action: 'configureAuthenticatedSession',
      deploymentId: g.deploymentId,
      startNew: false,
      journeyContext: { customer: { id: g.token, idType: 'cookie' }, customerSession: { id: '', type: 'web' } },
      data: { code: jwt },
    });
    expect(f.class).toBe('SessionResponse');
    expect(f.body).toEqual(
      expect.objectContaining({ connected: true, newSession: true, clearedExistingSession: false }),
    );
    // The agent sees who it is.
    await g.join();
    const s = (
      await control<{ conversationId: string; authenticated: boolean }>(emu, 'GET', `/messaging/sessions/${g.token}`)
    ).body;
    expect(s.authenticated).toBe(true);
    const chat = (
      await control<{
        guest: { authenticatedGuest: boolean; signedData: Record<string, unknown>; displayName: string };
      }>(emu, 'GET', `/chats/${s.conversationId}`)
    ).body;
    expect(chat.guest.authenticatedGuest).toBe(true);
    expect(chat.guest.displayName).toBe('Casey Customer');
    expect(chat.guest.signedData).toEqual(expect.objectContaining({ sub: 'casey', name: 'Casey Customer' }));
    // Messages of an authenticated session say so.
    await nextSecond();
    expect((await g.text('hi')).body.metadata).toEqual(expect.objectContaining({ authenticated: 'true' }));

    // Downgrade refused.
    const plain = await guest(DEMO.messengerAuthDeploymentId, g.token);
    expect(await plain.configure()).toEqual(expect.objectContaining({ code: 4017, class: 'string' }));

    // Refresh gives a new JWT; a bad refresh token is 401.
    const refresh = await fetch(`${emu.url}/api/v2/webdeployments/token/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(refresh.status).toBe(200);
    expect(keys(await json(refresh))).toEqual(['jwt']);
    const badRefresh = await fetch(`${emu.url}/api/v2/webdeployments/token/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: 'nope' }),
    });
    expect(badRefresh.status).toBe(401);

    const forged = await guest(DEMO.messengerAuthDeploymentId);
    const refused = await forged.request({
      action: 'configureAuthenticatedSession',
      deploymentId: forged.deploymentId,
      data: { code: 'x.y.z' },
    });
    expect(refused).toEqual(
      expect.objectContaining({
        class: 'string',
        code: 403,
        body: expect.stringMatching(/^Session authentication failed/),
      }),
    );
    const noCode = await forged.request({
      action: 'configureAuthenticatedSession',
      deploymentId: forged.deploymentId,
      data: {},
    });
    expect(noCode).toEqual(expect.objectContaining({ code: 4020, body: 'Missing parameter: data.code' }));

    await control(emu, 'POST', '/clock', { advanceMs: 3601_000 });
    const late = await guest(DEMO.messengerAuthDeploymentId);
    const expired = await late.request({
      action: 'configureAuthenticatedSession',
      deploymentId: late.deploymentId,
      data: { code: jwt },
    });
    expect({ ...expired, tracingId: undefined }).toEqual({
      type: 'response',
      class: 'string',
      code: 401,
      body: 'User is unauthorized',
      tracingId: undefined,
    });

    // On a deployment without authentication: 403.
    const open = await guest(DEMO.messengerDeploymentId);
    expect(
      (
        await open.request({
          action: 'configureAuthenticatedSession',
          deploymentId: open.deploymentId,
          data: { code: jwt },
        })
      ).code,
    ).toBe(403);
  });

  test("step-up: a guest session becomes authenticated (Inbound SignIn); the customer's other session gets ConnectionClosedEvent signedIn (R17)", async () => {
    const first = await signIn('dana');
    const elsewhere = await guest(DEMO.messengerAuthDeploymentId);
    await elsewhere.request({
      action: 'configureAuthenticatedSession',
      deploymentId: elsewhere.deploymentId,
      data: { code: first.jwt },
    });

    const g = await guest(DEMO.messengerAuthDeploymentId);
    expect((await g.configure()).body['newSession']).toBe(true);
    const second = await signIn('dana');
    const f = await g.request({
      action: 'configureAuthenticatedSession',
      deploymentId: g.deploymentId,
      data: { code: second.jwt },
    });
    expect(f.body).toEqual(
      expect.objectContaining({ connected: true, newSession: false, clearedExistingSession: true }),
    );
    const [signInEvent] = await g.waitFor((x) =>
      (x.body.events ?? []).some((e) => (e['presence'] as { type?: string } | undefined)?.type === 'SignIn'),
    );
    expect(signInEvent!.body).toEqual(
      expect.objectContaining({
        direction: 'Inbound',
        type: 'Event',
        channel: expect.objectContaining({ from: { firstName: 'Casey', lastName: 'Customer' } }),
      }),
    );
    await elsewhere.closed;
    expect(elsewhere.frames.at(-1)).toEqual(R17_SIGNED_IN);

    // Revoke: every session of the customer hears LogoutEvent.
    const revoke = await fetch(`${emu.url}/api/v2/webdeployments/token/revoke`, {
      method: 'DELETE',
      headers: { authorization: `bearer ${second.jwt}` },
    });
    expect(revoke.status).toBe(204);
    const [logout] = await g.waitFor((x) => x.class === 'LogoutEvent');
    expect(logout).toEqual(R21_LOGOUT);
  });

  test('a deployment that does not allow the upgrade refuses a step-up with 403', async () => {
    const g = await guest(NO_UPGRADE);
    await g.configure();
    const { jwt } = await signIn('erin', NO_UPGRADE);
    expect(
      (await g.request({ action: 'configureAuthenticatedSession', deploymentId: NO_UPGRADE, data: { code: jwt } }))
        .code,
    ).toBe(403);
  });
});

describe("authenticated messaging with the site's own identity provider", () => {
  test('messengerIdentityProvider: the default authenticated deployment signs in with the site’s HS256 identity tokens', async () => {
    const secret = 'a-site-secret-of-at-least-32-bytes-0123456789';
    const site = await startEmulator({
      port: 0,
      messengerIdentityProvider: {
        issuer: 'https://shop.example',
        audience: 'genesys-chat',
        publicKeyJwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url'), alg: 'HS256' },
      },
    });
    try {
      const nonce = randomUUID();
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({ name: 'Site Customer', nonce })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('site:customer@example.com')
        .setIssuer('https://shop.example')
        .setAudience('genesys-chat')
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(new TextEncoder().encode(secret));
      const exchange = (token: string, nonce: string) =>
        fetch(`${site.url}/api/v2/webdeployments/token/oauthcodegrantjwtexchange`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ deploymentId: DEMO.messengerAuthDeploymentId, oauth: { idToken: token, nonce } }),
        });
      const ok = await exchange(idToken, nonce);
      expect(ok.status).toBe(200);
      expect(await json(ok)).toMatchObject({ jwt: expect.any(String), refreshToken: expect.any(String) });
      // The demo provider's tokens are no longer trusted there.
      const demoNonce = randomUUID();
      const demo = (
        await control<{ idToken: string }>(site, 'POST', '/messaging/identity-tokens', { sub: 'x', nonce: demoNonce })
      ).body.idToken;
      expect((await exchange(demo, demoNonce)).status).toBe(401);
    } finally {
      await site.close();
    }
  });
});
