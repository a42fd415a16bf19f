import type { QuickReply } from '../chat-event';
import { QUICK_REPLY_INPUT_KEY } from './agent-content';

interface HostInstance {
  on(handler: { type: string; handler: (event: { data?: unknown }) => unknown }): unknown;
}

function isHostInstance(instance: unknown): instance is HostInstance {
  return typeof (instance as { on?: unknown } | null | undefined)?.on === 'function';
}

/** The quick reply a host request carries (the option's `value.input` as `hostMessage` made it), if any. */
export function quickReplyOf(request: unknown): QuickReply | undefined {
  const input = (request as { input?: Record<string, unknown> } | null | undefined)?.input;
  const q = input?.[QUICK_REPLY_INPUT_KEY] as { text?: unknown; payload?: unknown; fromCard?: unknown } | undefined;
  if (typeof q?.text !== 'string' || q.text === '') return undefined;
  return {
    text: q.text,
    payload: typeof q.payload === 'string' ? q.payload : q.text,
    ...(q.fromCard === true ? { fromCard: true } : {}),
  };
}

/**
 * Hears the customer choose a quick reply. Both hosts send an option's choice as a new request to the assistant, never
 * to the service desk; their public `pre:send` event shows every such request first, and the desk picks its own out.
 * The host has already shown the choice as the customer's message. False when the host gave no instance to listen
 * on: quick replies are then shown as text.
 */
export function watchQuickReplyChoices(instance: unknown, choose: (reply: QuickReply) => void): boolean {
  if (!isHostInstance(instance)) return false;
  instance.on({
    type: 'pre:send',
    handler: (event) => {
      const reply = quickReplyOf(event.data);
      if (reply) choose(reply);
    },
  });
  return true;
}
