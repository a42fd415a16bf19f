/**
 * The middleware as a library (`genesys-handoff-server`): build the Fastify app from a configuration, to embed it or
 * test it. Running it is `npx genesys-handoff-server` (start.cjs, then `server.ts`).
 */
export { buildApp, type AppDeps } from './app';
export { loadConfig, ConfigError, type AppConfig, type LoadConfigOptions } from './config';
