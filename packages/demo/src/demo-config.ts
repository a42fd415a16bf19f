/** What the demo page needs to know at run time, served as `/demo-config.json` by the demo's Vite plugin. */
export interface DemoConfig {
  /** The middleware for anonymous chats (its `DEPLOYMENT_ID` is the normal deployment). */
  serverBaseUrl: string;
  /** The middleware for identity-verified chats (its deployment requires authentication); null: no demo login. */
  authServerBaseUrl: string | null;
  /** The emulator's agent console, when the demo runs against the emulator. */
  agentConsoleUrl: string | null;
  /** Whether `POST /demo-login` is served (needs `DEMO_IDENTITY_JWT_SECRET` and `authServerBaseUrl`). */
  login: boolean;
}

export async function loadDemoConfig(fetchImpl: typeof fetch = (...args) => fetch(...args)): Promise<DemoConfig> {
  const res = await fetchImpl('/demo-config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/demo-config.json answered ${res.status}`);
  return (await res.json()) as DemoConfig;
}
