import guestChat from 'purecloud-guest-chat-client';
import { GenesysApiError } from '../../errors';
import type { MemberInfo } from './detectors/types';
import type { MessageFrame } from './frames';

/**
 * The guest chat REST API through the official `purecloud-guest-chat-client`, one SDK client per chat (the SDK's
 * export is a process-wide singleton whose JWT would otherwise be shared by every chat on the page).
 */

type SdkClient = typeof guestChat.ApiClient & { defaultHeaders?: Record<string, string> };
type SdkApi = InstanceType<typeof guestChat.WebChatApi>;

/**
 * In Node the SDK polls a config file in the home folder (`fs.watchFile`) for every client it makes, its process-wide
 * default client included, and never lets go; the poll calls back once even when the file is missing, seconds later.
 * Nothing here reads that file, so the polling is stopped (in a browser there is none).
 */
function stopConfigPolling(client: SdkClient): void {
  client.config.live_reload_config = false;
  const fs = (
    globalThis as {
      process?: { getBuiltinModule?: (id: string) => { unwatchFile?: (p: string) => void } | undefined };
    }
  ).process?.getBuiltinModule?.('node:fs');
  if (client.config.configPath) fs?.unwatchFile?.(client.config.configPath);
}
stopConfigPolling(guestChat.ApiClient as SdkClient);

export interface CreateChatRequest {
  organizationId: string;
  deploymentId: string;
  routingTarget: { targetType: 'QUEUE'; targetAddress: string };
  memberInfo: {
    displayName: string;
    avatarImageUrl?: string;
    firstName?: string;
    lastName?: string;
    email?: string;
    customFields?: Record<string, string>;
  };
  memberAuthToken?: string;
}

export interface CreatedChat {
  conversationId: string;
  memberId: string;
  jwt: string;
  eventStreamUri: string;
}

/** Maps whatever the SDK rejected with (an ErrorBody, an axios error, a fetch response) to one error type. */
export function toGenesysError(operation: string, e: unknown): GenesysApiError {
  const r = (e ?? {}) as Record<string, unknown>;
  const response = r['response'] as Record<string, unknown> | undefined;
  const body = (
    typeof r['code'] === 'string' && typeof r['status'] === 'number' ? r : (response?.['data'] ?? r['data'])
  ) as Record<string, unknown> | undefined;
  const status =
    typeof r['status'] === 'number'
      ? r['status']
      : typeof response?.['status'] === 'number'
        ? (response['status'] as number)
        : undefined;
  const genesysCode = body && typeof body['code'] === 'string' ? body['code'] : undefined;
  const params = body?.['messageParams'] as Record<string, string> | undefined;
  const detail =
    params?.['message'] ??
    (typeof body?.['message'] === 'string' ? body['message'] : e instanceof Error ? e.message : undefined);
  const retryAfter = Number((response?.['headers'] as Record<string, unknown> | undefined)?.['retry-after']);
  return new GenesysApiError(operation, {
    ...(status !== undefined ? { status } : {}),
    ...(status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    ...(genesysCode ? { genesysCode } : {}),
    ...(detail ? { detail } : {}),
    cause: e,
  });
}

export class GuestApi {
  private readonly client: SdkClient;
  private readonly api: SdkApi;

  constructor(baseUrl: string) {
    const Ctor = (guestChat.ApiClient as unknown as { constructor: new () => SdkClient }).constructor;
    this.client = new Ctor();
    stopConfigPolling(this.client);
    // setEnvironment() always builds https://api.<env>; an explicit origin (a proxy, the emulator) is set directly.
    this.client.config.basePath = baseUrl.replace(/\/+$/, '');
    // The SDK's redacted header (docs/guest-chat-protocol.md): after the unauthenticated create call, its logger writes
    // "[REDACTED]" into the client's shared default headers, and every later call sends that as Authorization.
    // Giving each call a default-header object of its own keeps the redaction on a throwaway copy.
    Object.defineProperty(this.client, 'defaultHeaders', { get: () => ({}), set: () => undefined, configurable: true });
    const WebChatApi = guestChat.WebChatApi as unknown as new (c: SdkClient) => SdkApi;
    this.api = new WebChatApi(this.client);
  }

  setJwt(jwt: string): void {
    this.client.setJwt(jwt);
  }

  create(request: CreateChatRequest): Promise<CreatedChat> {
    return call('create chat', async () => {
      const r = await this.api.postWebchatGuestConversations(request as never);
      if (!r.id || !r.jwt || !r.eventStreamUri || !r.member?.id)
        throw new Error('the create response lacks id, jwt, eventStreamUri or member.id');
      this.setJwt(r.jwt);
      return { conversationId: r.id, memberId: r.member.id, jwt: r.jwt, eventStreamUri: r.eventStreamUri };
    });
  }

  sendMessage(
    conversationId: string,
    memberId: string,
    body: string,
    bodyType: 'standard' | 'notice' = 'standard',
  ): Promise<{ id: string }> {
    return call('send message', async () => {
      const r = await this.api.postWebchatGuestConversationMemberMessages(conversationId, memberId, { body, bodyType });
      return { id: r.id ?? '' };
    });
  }

  typing(conversationId: string, memberId: string): Promise<void> {
    return call('typing', async () => {
      await this.api.postWebchatGuestConversationMemberTyping(conversationId, memberId);
    });
  }

  getMember(conversationId: string, memberId: string): Promise<MemberInfo & { state?: string }> {
    return call('get member', async () =>
      memberInfo(memberId, await this.api.getWebchatGuestConversationMember(conversationId, memberId)),
    );
  }

  /** Every member, across pages. */
  getMembers(conversationId: string): Promise<Array<MemberInfo & { state?: string }>> {
    return call('get members', async () => {
      const out: Array<MemberInfo & { state?: string }> = [];
      for (let page = 1; page <= 20; page++) {
        const r = await this.api.getWebchatGuestConversationMembers(conversationId, { pageSize: 25, pageNumber: page });
        for (const m of r.entities ?? []) if (m.id) out.push(memberInfo(m.id, m));
        if (!r.pageCount || page >= r.pageCount) break;
      }
      return out;
    });
  }

  /** Messages after `afterId` (all of them when absent), oldest first, as event frames. */
  getMessagesAfter(conversationId: string, afterId: string | undefined): Promise<MessageFrame[]> {
    return call('get messages', async () => {
      const out: MessageFrame[] = [];
      let after = afterId;
      for (let page = 0; page < 50; page++) {
        const r = await this.api.getWebchatGuestConversationMessages(conversationId, {
          ...(after ? { after } : {}),
          sortOrder: 'ascending',
          maxResults: 100,
        });
        const entities = r.entities ?? [];
        for (const m of entities) {
          if (!m.id || !m.sender?.id || !m.timestamp) continue;
          out.push({
            kind: 'message',
            conversationId,
            id: m.id,
            senderId: m.sender.id,
            body: m.body ?? '',
            bodyType: (m.bodyType ?? 'standard') as MessageFrame['bodyType'],
            timestamp: m.timestamp,
          });
        }
        const last = entities[entities.length - 1];
        if (!r.next || !last?.id) break;
        after = last.id;
      }
      return out;
    });
  }

  leave(conversationId: string, memberId: string): Promise<void> {
    return call('leave chat', async () => {
      await this.api.deleteWebchatGuestConversationMember(conversationId, memberId);
    });
  }
}

/** Runs one SDK operation; whatever it fails with becomes a GenesysApiError naming the operation. */
async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toGenesysError(operation, e);
  }
}

function memberInfo(
  id: string,
  m: { role?: string; displayName?: string; avatarImageUrl?: string; state?: string },
): MemberInfo & { state?: string } {
  const role =
    m.role === 'AGENT' || m.role === 'CUSTOMER' || m.role === 'ACD' || m.role === 'WORKFLOW' ? m.role : 'UNKNOWN';
  return {
    id,
    role,
    ...(m.displayName ? { displayName: m.displayName } : {}),
    ...(m.avatarImageUrl ? { avatarImageUrl: m.avatarImageUrl } : {}),
    ...(m.state ? { state: m.state } : {}),
  };
}
