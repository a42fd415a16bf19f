import { randomUUID } from 'node:crypto';

/** The Genesys `ErrorBody` (guest chat swagger; docs/guest-chat-protocol.md, "Errors, close codes and tokens"). */
export interface ErrorBody {
  message: string;
  code: string;
  status: number;
  messageWithParams: string;
  messageParams: Record<string, string>;
  contextId: string;
  details: Array<{ errorCode?: string; fieldName?: string; entityId?: string; entityName?: string }>;
  errors: ErrorBody[];
}

/** An error the emulator answers with a Genesys-shaped body. Thrown from route handlers. */
export class GenesysError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageParams: Record<string, string>;
  readonly details: ErrorBody['details'];
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: {
      messageParams?: Record<string, string>;
      details?: ErrorBody['details'];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'GenesysError';
    this.status = status;
    this.code = code;
    this.messageParams = extra.messageParams ?? {};
    this.details = extra.details ?? [];
    this.headers = extra.headers ?? {};
  }

  toBody(contextId: string = randomUUID()): ErrorBody {
    return {
      message: this.message,
      code: this.code,
      status: this.status,
      messageWithParams: this.message,
      messageParams: this.messageParams,
      contextId,
      details: this.details,
      errors: [],
    };
  }
}

/** 400 `chat.error.conversation.state`, exactly as real sample R8 (short `message`, the reason in `messageParams`). */
export function conversationStateError(reason = 'The conversation is not active'): GenesysError {
  return new GenesysError(400, 'chat.error.conversation.state', 'Conversation State', {
    messageParams: { message: reason },
  });
}

/** 400 `chat.error.conversation.state` for a chat that has ended. */
export function conversationEnded(): GenesysError {
  return conversationStateError('The conversation has ended');
}

/** 409 `request.conflict`: the request does not fit the chat's or the agent's present state. */
export function conflict(message: string): GenesysError {
  return new GenesysError(409, 'request.conflict', message);
}

export function badRequest(code: string, message: string, fieldName?: string): GenesysError {
  return new GenesysError(400, code, message, fieldName ? { details: [{ errorCode: code, fieldName }] } : {});
}

export function notFound(code: string, message: string): GenesysError {
  return new GenesysError(404, code, message);
}
