import fp from 'fastify-plugin';
import type { AppConfig } from '../config';
import { SharedState } from '../fleet/shared-state';

declare module 'fastify' {
  interface FastifyInstance {
    /** Redis, when `REDIS_URL` is set; null: this instance keeps everything in its own memory. */
    sharedState: SharedState | null;
  }
}

export interface SharedStatePluginOptions {
  config: AppConfig;
  /** Longest wait for Redis at start; after it the instance starts anyway and shares once Redis answers. @default 2000 */
  connectWaitMs?: number;
}

/** The Redis connection (see `fleet/shared-state.ts`), closed with the app. */
export default fp<SharedStatePluginOptions>(
  async (app, { config, connectWaitMs }) => {
    if (config.redis === null) {
      app.decorate('sharedState', null);
      return;
    }
    const shared = new SharedState({
      ...config.redis,
      namespace: config.organizationId,
      logger: app.log.child({ component: 'redis' }),
      metrics: app.metrics,
    });
    app.decorate('sharedState', shared);
    app.addHook('onClose', async () => {
      await shared.close();
    });
    await shared.connect(connectWaitMs ?? 2000);
  },
  { name: 'shared-state', dependencies: ['metrics'] },
);
