import fp from 'fastify-plugin';
import type { AppConfig } from '../config';
import { AvailabilityProvider } from '../availability/availability-provider';
import { MessageConversations } from '../availability/message-conversations';
import { QueueDirectory } from '../availability/queue-directory';
import { createGenesysPlatform, type GenesysPlatform } from '../genesys/platform-client';
import { ReadinessProbe } from '../genesys/readiness-probe';
import { redisAvailabilityLease } from '../fleet/availability-lease';
import { redisLoginPace } from '../fleet/shared-login-pace';
import { redisTokenStore } from '../fleet/shared-token';

declare module 'fastify' {
  interface FastifyInstance {
    genesys: GenesysPlatform;
    availability: AvailabilityProvider;
    /** Message id → conversation id, for the place in line of a Web Messaging chat. */
    messageConversations: MessageConversations;
    readiness: ReadinessProbe;
  }
}

export interface GenesysPluginOptions {
  config: AppConfig;
  /** Clock for token expiry and cache ages (tests move it). @default Date.now */
  now?: () => number;
}

/** The Genesys Cloud side: one platform client (token, retries), the queue directory and the availability cache. */
export default fp<GenesysPluginOptions>(
  async (app, { config, now }) => {
    const logger = app.log.child({ component: 'genesys' });
    const clock = now ?? Date.now;
    const platform = createGenesysPlatform({
      ...config.genesys,
      responseDeadlineMs: config.server.responseDeadlineMs,
      logger,
      now: clock,
      metrics: app.metrics,
      ...(app.sharedState
        ? {
            sharedToken: redisTokenStore(app.sharedState, config.genesys.clientId),
            sharedLoginPace: redisLoginPace(app.sharedState, config.genesys.clientId),
          }
        : {}),
    });
    const directory = new QueueDirectory({ platform, ttlMs: config.availability.queueIdCacheTtlMs, now: clock });
    app.decorate('genesys', platform);
    app.decorate(
      'availability',
      new AvailabilityProvider({
        platform,
        directory,
        mediaType: config.genesys.mediaType,
        refreshIntervalMs: config.availability.refreshIntervalMs,
        maxStalenessMs: config.availability.maxStalenessMs,
        logger,
        now: clock,
        ...(app.sharedState
          ? {
              // Kept in Redis longer than any value may be served, then dropped by Redis itself.
              lease: redisAvailabilityLease(
                app.sharedState,
                config.availability.maxStalenessMs + 3 * config.availability.refreshIntervalMs + 60_000,
                // An attempt's calls fit in a minute's budget of at least 3 (one interval each), and a 429 pauses at
                // most the cap: a gate further ahead was not set by these rules.
                Math.max(60_000, 3 * config.availability.refreshIntervalMs, config.genesys.retryAfterCapMs) +
                  config.availability.refreshIntervalMs,
              ),
              leaseWaitMs: config.genesys.requestTimeoutMs + config.availability.refreshIntervalMs,
            }
          : {}),
      }),
    );
    app.decorate('messageConversations', new MessageConversations({ platform, logger, now: clock }));
    app.metrics.cacheAgeSource = () => app.availability.cacheAges();
    app.metrics.loginPauseSource = () => platform.tokens.pace.local.waitMs(clock()) / 1000;
    app.decorate('readiness', new ReadinessProbe(platform, config.readinessCacheMs, clock));
    // A refresh started by the last requests finishes (it is bounded by the request timeout) before we exit.
    app.addHook('onClose', async () => {
      await app.availability.idle();
    });
  },
  { name: 'genesys', dependencies: ['metrics', 'shared-state'] },
);
