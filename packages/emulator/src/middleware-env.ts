import { DEMO } from './options';
import type { RunningEmulator } from './start-emulator';

/**
 * Middleware variables for the emulator's demo organisation (as in `fastify-server/.env-sample`). The channel follows
 * the deployment: a Messenger deployment is Web Messaging, a web chat deployment guest chat.
 */
export function emulatorMiddlewareEnv(
  emulator: RunningEmulator,
  deploymentId: string = DEMO.deploymentId,
): Record<string, string> {
  return {
    ORGANIZATION_ID: emulator.options.organizationId,
    DEPLOYMENT_ID: deploymentId,
    GENESYS_CHANNEL: emulator.options.messengerDeployments.some((d) => d.id === deploymentId)
      ? 'web-messaging'
      : 'guest-chat',
    QUEUE_TARGET: DEMO.queueName,
    GENESYS_CLIENT_ID: DEMO.clientId,
    GENESYS_CLIENT_SECRET: DEMO.clientSecret,
    GENESYS_API_BASE_URL: emulator.url,
  };
}
