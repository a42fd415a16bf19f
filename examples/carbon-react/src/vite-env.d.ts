/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The genesys-handoff-server origin, set at build time (`VITE_HANDOFF_SERVER_URL=https://… npm run build`). */
  readonly VITE_HANDOFF_SERVER_URL?: string;
}
