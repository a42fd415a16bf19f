import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { ResolvedOptions } from '../options';
import { MESSAGING_AUTH_ISSUER, MESSAGING_JWT_ISSUER, type TokenService } from '../tokens';
import { frame } from './frames';
import type { Identity } from './identity';
import type { Pushes } from './pushes';
import type { MessagingSession } from './session';
import type { Sessions } from './sessions';

/**
 * The REST side of a session: history with the `getJwt` JWT, and the tokens of authenticated messaging (the code
 * exchange, refresh, revoke).
 */
export class History {
  /** Refresh tokens of authenticated messaging: token -> who and for which deployment. */
  private readonly refreshTokens = new Map<string, { identity: Identity; deploymentId: string; expiresAt: number }>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly clock: Clock,
    private readonly tokens: TokenService,
    private readonly sessions: Sessions,
    private readonly push: Pushes,
  ) {}

  async historyFor(jwt: string): Promise<MessagingSession | 'expired' | 'invalid'> {
    const v = await this.tokens.verifyClaims(jwt, MESSAGING_JWT_ISSUER);
    if (!v.ok) return v.reason;
    const s = [...this.sessions.byToken.values()].find((x) => x.id === v.claims['sid']);
    return s ?? 'invalid';
  }

  /** The code exchange: a verified identity becomes a Genesys JWT and a refresh token. */
  async issueAuth(identity: Identity, deploymentId: string): Promise<{ jwt: string; refreshToken: string }> {
    const refreshToken = randomUUID() + randomUUID().replace(/-/g, '');
    this.refreshTokens.set(refreshToken, {
      identity,
      deploymentId,
      expiresAt: this.clock.now() + 30 * 24 * 3600_000,
    });
    return { jwt: await this.authJwt(identity, deploymentId), refreshToken };
  }

  async refresh(refreshToken: string): Promise<{ jwt: string } | null> {
    const r = this.refreshTokens.get(refreshToken);
    if (!r || r.expiresAt <= this.clock.now()) return null;
    return { jwt: await this.authJwt(r.identity, r.deploymentId) };
  }

  /** `DELETE /api/v2/webdeployments/token/revoke`: every session of that customer hears LogoutEvent. */
  async revoke(jwt: string): Promise<boolean> {
    const v = await this.tokens.verifyClaims(jwt, MESSAGING_AUTH_ISSUER);
    if (!v.ok) return false;
    for (const [t, r] of this.refreshTokens) if (r.identity.sub === v.claims['sub']) this.refreshTokens.delete(t);
    for (const s of [...this.sessions.byToken.values()]) {
      if (s.identity?.sub !== v.claims['sub'] || s.deployment.id !== v.claims['did']) continue;
      this.push.pushAll(s, frame('message', 'LogoutEvent', {}));
      this.sessions.forget(s);
    }
    return true;
  }

  private authJwt(identity: Identity, deploymentId: string): Promise<string> {
    return this.tokens.signClaims(
      { sub: identity.sub, did: deploymentId, identity: identity.claims },
      MESSAGING_AUTH_ISSUER,
      this.options.authJwtLifetimeSeconds,
    );
  }
}
