import { GenesysApiError } from '../../errors';
import { isRecord } from '../parse-json';

/** What the client takes from a Messenger deployment's `config.json` (docs/web-messaging-protocol.md). */
export interface DeploymentConfig {
  active: boolean;
  /** The socket origin the deployment names (`messenger.apps.conversations.messagingEndpoint`), when it names one. */
  messagingEndpoint: string | undefined;
  /** Presence Clear allowed: the customer's way to end the conversation. */
  clearEnabled: boolean;
  /** Authenticated messaging is on (`auth.enabled`). */
  authEnabled: boolean;
  /** Agents' and the flow's texts are Markdown, shown formatted (`markdown.enabled`); off: plain text. */
  markdown: boolean;
}

const at = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), v);

/** `GET {base}/webdeployments/v1/deployments/{id}/config.json` (no authentication), read at the edge. */
export async function fetchDeploymentConfig(
  baseUrl: string,
  deploymentId: string,
  fetchImpl: typeof fetch,
): Promise<DeploymentConfig> {
  const url = `${baseUrl.replace(/\/+$/, '')}/webdeployments/v1/deployments/${encodeURIComponent(deploymentId)}/config.json`;
  let res: Response;
  try {
    res = await fetchImpl(url, { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new GenesysApiError('deployment configuration', { cause: e });
  }
  if (!res.ok) throw new GenesysApiError('deployment configuration', { status: res.status });
  let json: unknown;
  try {
    json = await res.json();
  } catch (e) {
    throw new GenesysApiError('deployment configuration', { status: res.status, detail: 'not JSON', cause: e });
  }
  const conversations = at(json, 'messenger', 'apps', 'conversations');
  const endpoint = at(conversations, 'messagingEndpoint');
  return {
    active: at(json, 'status') === 'Active',
    messagingEndpoint: typeof endpoint === 'string' && endpoint !== '' ? endpoint : undefined,
    clearEnabled: at(conversations, 'conversationClear', 'enabled') === true,
    authEnabled: at(json, 'auth', 'enabled') === true,
    markdown: at(conversations, 'markdown', 'enabled') === true,
  };
}
