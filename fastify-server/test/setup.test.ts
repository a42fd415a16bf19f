import type { FastifyInstance } from 'fastify';
import { DEMO, IDENTITY, startTestEmulator, testApp, upstreamCounts, type RunningEmulator } from './helpers';

/** `GET /setup` and `GET /healthz`: no Genesys call, exact fields. */

let emu: RunningEmulator;
let app: FastifyInstance;

beforeAll(async () => {
  emu = await startTestEmulator();
  app = await testApp(emu, { GENESYS_ENVIRONMENT: 'mypurecloud.ie' });
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

describe('GET /setup', () => {
  it('answers exactly the fields the browser client needs, cacheable, without calling Genesys', async () => {
    const res = await app.inject({ method: 'GET', url: '/setup' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.json()).toEqual({
      org_id: DEMO.organizationId,
      deployment_id: DEMO.deploymentId,
      queue_target: DEMO.queueName,
      channel: 'guest-chat',
      environment: 'mypurecloud.ie',
      guest_api_base_url: emu.url,
      features: { authenticated_chat: false, availability: true },
    });
    expect(await upstreamCounts(emu)).toEqual({});
  });

  it('reports the guest API override, features, and null when the client should derive the region URL', async () => {
    const configured = await testApp(emu, {
      GENESYS_GUEST_API_BASE_URL: 'https://guest.example.com',
      IDENTITY_JWT_SECRET: IDENTITY.secret,
      IDENTITY_JWT_ISSUER: IDENTITY.issuer,
      IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
      AVAILABILITY_ENABLED: 'false',
    });
    expect((await configured.inject({ method: 'GET', url: '/setup' })).json()).toMatchObject({
      guest_api_base_url: 'https://guest.example.com',
      features: { authenticated_chat: true, availability: false },
    });
    await configured.close();
    // Pointed at the real region (no base URL): null. The app never calls Genesys to answer /setup.
    const region = await testApp(emu, { GENESYS_API_BASE_URL: undefined });
    expect((await region.inject({ method: 'GET', url: '/setup' })).json().guest_api_base_url).toBeNull();
    await region.close();
  });

  it('names the channel GENESYS_CHANNEL chooses, Web Messaging by default', async () => {
    const wm = await testApp(emu, { GENESYS_CHANNEL: undefined, DEPLOYMENT_ID: DEMO.messengerDeploymentId });
    expect((await wm.inject({ method: 'GET', url: '/setup' })).json()).toMatchObject({
      channel: 'web-messaging',
      deployment_id: DEMO.messengerDeploymentId,
    });
    await wm.close();
  });
});

describe('GET /healthz', () => {
  it('says the process is alive without touching Genesys', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(await upstreamCounts(emu)).toEqual({});
  });
});

describe('unknown routes', () => {
  it('answer 404 ROUTE_NOT_FOUND as JSON', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      statusCode: 404,
      code: 'ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: 'There is no route GET /admin',
    });
  });
});
