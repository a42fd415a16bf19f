export { startEmulator, type RunningEmulator } from './start-emulator';
export { callControl } from './control-client';
export { emulatorMiddlewareEnv } from './middleware-env';
export {
  DEMO,
  type EmulatorOptions,
  type DeploymentConfig,
  type QueueConfig,
  type AgentConfig,
  type OAuthClientConfig,
  type RuntimeSettings,
  type AutoAgentSettings,
} from './options';
export type { FaultRule, FaultInput } from './faults';
export type { RequestLogEntry } from './request-log';
