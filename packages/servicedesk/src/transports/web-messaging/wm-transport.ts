import { ServiceDeskError } from '../../errors';
import type { ChatConnection, ChatStartRequest, ChatTransport } from '../chat-transport';
import { retryTransient } from '../retry-transient';
import { AuthenticatedSession } from './authenticated-session';
import { attributesFor } from './custom-attributes';
import { fetchDeploymentConfig, type DeploymentConfig } from './deployment-config';
import { newId } from '../new-id';
import { parseSavedSession } from './saved-session';
import { MAX_MESSAGE_LENGTH, WebMessagingConnection, type WebMessagingConnectionConfig } from './wm-connection';

export interface WebMessagingTransportConfig extends Omit<
  WebMessagingConnectionConfig,
  'socketUrl' | 'clearEnabled' | 'markdown'
> {
  /** The socket origin; absent: the one the deployment's configuration names, else `wss://webmessaging.<environment>`. */
  socketUrl: string | undefined;
  /** Where `config.json` is served (`https://api-cdn.<environment>` at Genesys). */
  configBaseUrl: string;
  environment: string;
}

/**
 * Per factory: the page's guest token while no chat holds its session. A next chat takes it and reuses it with
 * `startNew`, which makes a new session for it (and is the way out of a session the agent ended read-only); the chat
 * gives it back when its session is over. Two chats of one page at once never share a token: `startNew` on a live
 * chat's token would make that chat's session unreachable.
 */
export interface TokenMemory {
  token?: string;
}

/** What a connection takes from the deployment's configuration. */
type ConnectionSettings = Pick<DeploymentConfig, 'messagingEndpoint' | 'clearEnabled' | 'markdown'>;

/** The Web Messaging transport: the deployment's configuration once, then one connection per chat. */
export class WebMessagingTransport implements ChatTransport {
  private deployment: Promise<DeploymentConfig> | undefined;

  constructor(
    private readonly config: WebMessagingTransportConfig,
    private readonly memory: TokenMemory = {},
  ) {}

  /** Refuses an inactive deployment before any socket is opened. */
  async start(request: ChatStartRequest): Promise<ChatConnection> {
    const d = await this.deploymentConfig();
    const common = {
      resuming: false,
      attributes: attributesFor(request),
      summary: request.summaryForAgent?.slice(0, MAX_MESSAGE_LENGTH),
    };
    if (request.identityToken !== undefined) {
      if (!d.authEnabled) {
        throw new ServiceDeskError(
          'IDENTITY_UNAVAILABLE',
          `the Messenger deployment ${this.config.deploymentId} does not have authentication on`,
        );
      }
      // A signed-in chat gets a session of its own: a guest token reused for it could not serve an anonymous chat
      // afterwards (Genesys refuses to downgrade a session).
      const auth = await AuthenticatedSession.exchange(this.authEndpoints(), request.identityToken);
      return new WebMessagingConnection(this.connectionConfig(d), { ...common, token: newId(), startNew: false, auth });
    }
    const reused = this.memory.token;
    this.memory.token = undefined;
    const token = reused ?? newId();
    return new WebMessagingConnection(this.connectionConfig(d), {
      ...common,
      token,
      startNew: reused !== undefined,
      onSessionOver: this.giveBack(token),
    });
  }

  /** Reattaches after a reload with the saved token. Null when the state is not a Web Messaging session of this deployment. */
  async resume(saved: unknown): Promise<ChatConnection | null> {
    const session = parseSavedSession(saved, this.config.deploymentId);
    if (!session) return null;
    // A chat saved with its socket origin reconnects at once (an inactive deployment refuses the upgrade with 403,
    // which ends it); an older saved chat reads the configuration first. A chat in progress is not given up for a
    // moment's failure: the socket retries the same way.
    const d: ConnectionSettings =
      session.socketUrl !== undefined && session.clearEnabled !== undefined
        ? {
            messagingEndpoint: session.socketUrl,
            clearEnabled: session.clearEnabled,
            markdown: session.markdown === true,
          }
        : await retryTransient(() => this.deploymentConfig(), {
            backoff: this.config.backoff,
            scheduler: this.config.scheduler,
          });
    const auth = session.refreshToken
      ? AuthenticatedSession.restore(this.authEndpoints(), session.refreshToken)
      : undefined;
    return new WebMessagingConnection(this.connectionConfig(d), {
      token: session.token,
      onSessionOver: auth ? undefined : this.giveBack(session.token),
      startNew: false,
      resuming: true,
      resumeAfter: session.lastMessageId,
      summaryId: session.summaryId,
      ownMessageId: session.ownMessageId,
      auth,
    });
  }

  /** The page's token back in memory once its chat's session is over (once: a later chat may hold it by then). */
  private giveBack(token: string): () => void {
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.memory.token ??= token;
    };
  }

  private authEndpoints() {
    const c = this.config;
    return { apiBaseUrl: c.apiBaseUrl, deploymentId: c.deploymentId, fetch: c.fetch };
  }

  private connectionConfig(d: ConnectionSettings): WebMessagingConnectionConfig {
    const c = this.config;
    return {
      ...c,
      socketUrl: c.socketUrl ?? d.messagingEndpoint ?? `wss://webmessaging.${c.environment}`,
      clearEnabled: d.clearEnabled,
      markdown: d.markdown,
    };
  }

  /** `config.json` once per transport (a failure is not kept: the next chat asks again). */
  private async deploymentConfig(): Promise<DeploymentConfig> {
    const c = this.config;
    this.deployment ??= fetchDeploymentConfig(c.configBaseUrl, c.deploymentId, c.fetch);
    let d: DeploymentConfig;
    try {
      d = await this.deployment;
    } catch (e) {
      this.deployment = undefined;
      throw e;
    }
    if (!d.active) {
      throw new ServiceDeskError('GENESYS_REFUSED', `the Messenger deployment ${c.deploymentId} is not active`);
    }
    return d;
  }
}
