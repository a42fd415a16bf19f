import { ServiceDeskError } from './errors';
import type { Availability, AvailabilityRequest, ErrorAnswer, JwtAnswer, SetupValues } from './middleware-wire';

/** The middleware (fastify-server) as the browser sees it; its wire shapes are in `middleware-wire.ts`. */

export type { Availability, SetupValues };

/**
 * Which chat asks for its place in line: its conversation's id where the channel tells it (guest chat), else the id of
 * one of its own messages (Web Messaging), from which the middleware finds the conversation.
 */
export interface QueueRef {
  conversationId?: string | undefined;
  messageId?: string | undefined;
}

type Fetch = typeof fetch;

export class MiddlewareClient {
  private setup: Promise<SetupValues> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: Fetch = (...args) => fetch(...args),
    private readonly timeoutMs = 10_000,
  ) {}

  /** `GET /setup`, once per page: a failure is not cached, so the next chat asks again. */
  getSetup(): Promise<SetupValues> {
    if (!this.setup) {
      const p = this.call<SetupValues>('GET', '/setup').then((s) => {
        if (
          !s ||
          typeof s.org_id !== 'string' ||
          typeof s.deployment_id !== 'string' ||
          typeof s.queue_target !== 'string'
        ) {
          throw new ServiceDeskError(
            'MIDDLEWARE_REFUSED',
            'the middleware /setup answer lacks org_id, deployment_id or queue_target',
          );
        }
        return s;
      });
      this.setup = p;
      p.catch(() => {
        if (this.setup === p) this.setup = undefined;
      });
    }
    return this.setup;
  }

  /** `POST /jwt` with the site's identity token: the signed data for an authenticated chat. */
  async getMemberAuthToken(identityToken: string): Promise<string> {
    // Checked, not trusted: a proxy in front of the middleware may answer anything.
    const r = await this.call<Partial<Record<keyof JwtAnswer, unknown>>>(
      'POST',
      '/jwt',
      {},
      { authorization: `Bearer ${identityToken}` },
    );
    if (typeof r.jwt !== 'string' || r.jwt === '')
      throw new ServiceDeskError('MIDDLEWARE_REFUSED', 'the middleware /jwt answer has no jwt');
    return r.jwt;
  }

  /** `POST /availability` for the queue (and the customer's place in it when `chat` names the chat). */
  async getAvailability(queueName: string, chat: QueueRef = {}): Promise<Availability> {
    const { conversationId, messageId } = chat;
    const request: AvailabilityRequest = {
      queue_name: queueName,
      ...(conversationId ? { conversation_id: conversationId } : messageId ? { message_id: messageId } : {}),
    };
    return this.call<Availability>('POST', '/availability', request);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ServiceDeskError('MIDDLEWARE_UNAVAILABLE', `the middleware did not answer ${method} ${path}`, {
        cause: e,
      });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const reason =
        json &&
        typeof json === 'object' &&
        typeof (json as Partial<Record<keyof ErrorAnswer, unknown>>).message === 'string'
          ? (json as Pick<ErrorAnswer, 'message'>).message
          : res.statusText;
      throw new ServiceDeskError(
        res.status >= 500 ? 'MIDDLEWARE_UNAVAILABLE' : 'MIDDLEWARE_REFUSED',
        `the middleware answered ${method} ${path} with ${res.status}: ${reason}`,
        { status: res.status },
      );
    }
    if (json === undefined)
      throw new ServiceDeskError('MIDDLEWARE_REFUSED', `the middleware answered ${method} ${path} with no JSON`, {
        status: res.status,
      });
    return json as T;
  }
}
