/**
 * The demo site's "login" (DEMO ONLY: no password, anyone can be anyone). It stands in for a real site's sign-in so
 * that authenticated chat can be tried: `POST /demo-login` (served by the demo's Vite plugin) returns an identity
 * JWT signed with the secret the middleware verifies (`IDENTITY_JWT_SECRET`). The service desk sends that token to
 * the middleware's `/jwt`, which turns it into Genesys signed data, so the agent sees a verified customer.
 */

export interface DemoUser {
  name: string;
  email: string;
}

export interface DemoLoginReply {
  token: string;
  /** Expiry of `token`, epoch milliseconds. */
  expiresAt: number;
  user: DemoUser;
}

const STORAGE_KEY = 'genesys-handoff-demo.login';

export class DemoLogin {
  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly endpoint = '/demo-login',
  ) {}

  /** The logged-in user, or null. Kept in session storage: it survives a reload, not a closed tab. */
  get user(): DemoUser | null {
    try {
      const u = JSON.parse(this.storage.getItem(STORAGE_KEY) ?? 'null') as Partial<DemoUser> | null;
      return typeof u?.name === 'string' && typeof u.email === 'string' ? { name: u.name, email: u.email } : null;
    } catch {
      return null;
    }
  }

  /** Checks the details with the demo server (which signs a first token), then remembers the user. */
  async logIn(user: DemoUser): Promise<DemoUser> {
    const reply = await this.request(user);
    this.storage.setItem(STORAGE_KEY, JSON.stringify(reply.user));
    return reply.user;
  }

  logOut(): void {
    this.storage.removeItem(STORAGE_KEY);
  }

  /**
   * The service desk's `getIdentityToken`: a fresh identity token for the logged-in user, asked for when a chat
   * starts (a real site would hand out its session's token). Fresh each time, so a token never outlives the demo
   * server's secret (`pnpm dev` makes a new one per run). Rejects when nobody is logged in.
   */
  async identityToken(): Promise<string> {
    const user = this.user;
    if (!user) throw new Error('nobody is logged in on the demo site');
    return (await this.request(user)).token;
  }

  private async request(user: DemoUser): Promise<DemoLoginReply> {
    const res = await this.fetchImpl(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user.name.trim(), email: user.email.trim() }),
    });
    const body = (await res.json().catch(() => ({}))) as Partial<DemoLoginReply> & { error?: string };
    if (
      !res.ok ||
      typeof body.token !== 'string' ||
      typeof body.expiresAt !== 'number' ||
      typeof body.user?.name !== 'string'
    ) {
      throw new Error(body.error ?? `the demo login failed (${res.status})`);
    }
    return { token: body.token, expiresAt: body.expiresAt, user: body.user };
  }
}
