import type { WebSocketSubject } from 'rxjs/webSocket';
import { messageOf } from '../../errors';
import { newId } from '../new-id';
import type { AuthenticatedSession } from './authenticated-session';
import type { ErrorFrame } from './frames';

/** A 401 to the sign-in is an expired JWT: renewed and tried again this many times in a row at most. */
const AUTH_RENEWALS = 3;

export interface SessionBindingConfig {
  token: string;
  deploymentId: string;
  /** Start a new session for a token used before (on the first open only). */
  startNew: boolean;
  /** A signed-in customer's credentials: every open signs the session in with `configureAuthenticatedSession`. */
  auth: AuthenticatedSession | undefined;
  /** The socket the chat uses now (a sign-in answered after a reconnect goes nowhere). */
  current: () => WebSocketSubject<unknown> | undefined;
  /** The sign-in failed for good. */
  fail: (reason: string) => void;
}

/**
 * Binds each socket to the session, on every open: `configureSession`, or for a signed-in customer
 * `configureAuthenticatedSession` with a current JWT, renewed with the refresh token when Genesys refuses it as expired.
 */
export class SessionBinding {
  /** The sign-in (configure request) last sent. */
  private configureId: string | undefined;
  /** 401s in a row. */
  private renewals = 0;

  constructor(private readonly c: SessionBindingConfig) {}

  configure(socket: WebSocketSubject<unknown>, first: boolean): void {
    const request = {
      token: this.c.token,
      deploymentId: this.c.deploymentId,
      ...(this.c.startNew && first ? { startNew: true } : {}),
    };
    const auth = this.c.auth;
    if (!auth) return socket.next({ action: 'configureSession', ...request, tracingId: newId() });
    auth.currentJwt().then(
      (code) => {
        if (this.c.current() !== socket) return;
        this.configureId = newId();
        socket.next({
          action: 'configureAuthenticatedSession',
          ...request,
          data: { code },
          tracingId: this.configureId,
        });
      },
      (e: unknown) => this.c.fail(`the sign-in could not be renewed (${messageOf(e)})`),
    );
  }

  /** The socket is bound. */
  bound(): void {
    this.renewals = 0;
  }

  /**
   * An error frame: true when it refused the sign-in. An expired JWT is renewed and the sign-in sent again on the
   * same socket; anything else fails the sign-in.
   */
  refused(f: ErrorFrame, first: boolean): boolean {
    if (f.tracingId === undefined || f.tracingId !== this.configureId) return false;
    const socket = this.c.current();
    const auth = this.c.auth;
    if (f.code !== 401 || this.renewals >= AUTH_RENEWALS || !socket || !auth) {
      this.c.fail(`Genesys refused the sign-in (${f.code} ${f.text})`);
      return true;
    }
    this.renewals += 1;
    auth.refresh().then(
      () => this.configure(socket, first),
      (e: unknown) => this.c.fail(`the sign-in could not be renewed (${messageOf(e)})`),
    );
    return true;
  }
}
