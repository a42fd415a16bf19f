import { ServiceDeskError, messageOf } from '../../errors';
import type { ErrorFrame } from './frames';

/** Error codes after which the session is gone (expired, not found). */
export const SESSION_GONE: ReadonlySet<number> = new Set([4006, 4007]);

export const chatOver = (): ServiceDeskError =>
  new ServiceDeskError('NO_CHAT', 'the chat is over: Genesys takes no more messages in it');

/** A refused request as the error the host reports: the one place a Web Messaging error code becomes ours. */
export function refusal(f: ErrorFrame): ServiceDeskError {
  const what = `Genesys refused the message: ${f.code} ${f.text}`;
  if (f.code === 409) return new ServiceDeskError('NO_CHAT', what, { status: 409 });
  if (f.code === 4011) return new ServiceDeskError('MESSAGE_TOO_LONG', what, { status: 4011 });
  if (f.code === 429)
    return new ServiceDeskError('GENESYS_UNAVAILABLE', what, { status: 429, retryAfterMs: (f.retryAfter ?? 1) * 1000 });
  if (f.code >= 5000) return new ServiceDeskError('GENESYS_UNAVAILABLE', what, { status: f.code });
  return new ServiceDeskError('GENESYS_REFUSED', what, { status: f.code });
}

/** Genesys refused a file (4001 type, 4002 size, 4003 content, 4004/4005 name, …): the code is the error's status. */
export function fileRefusal(code: number | undefined, text: string | undefined): ServiceDeskError {
  return new ServiceDeskError('FILE_REFUSED', `Genesys refused the file: ${code ?? '?'} ${text ?? ''}`.trim(), {
    ...(code !== undefined ? { status: code } : {}),
  });
}

/** A 403 on the upgrade (Node's `ws` says so; a browser cannot tell it from a network failure). */
export function refusedUpgrade(err: unknown): boolean {
  return /\b403\b/.test(messageOf(err));
}

/** The upgrade refused with 403 before the chat started: the deployment does not take this page. */
export function upgradeRefused(cause: unknown): ServiceDeskError {
  return new ServiceDeskError('GENESYS_REFUSED', 'Genesys refused the connection (403)', { status: 403, cause });
}

/** A new chat's Join or summary could not be delivered. */
export function startFailed(cause: unknown): ServiceDeskError {
  return new ServiceDeskError('GENESYS_UNAVAILABLE', `the chat could not be started: ${messageOf(cause)}`, { cause });
}
