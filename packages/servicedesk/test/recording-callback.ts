import type { HostCallback } from '../src';

type Call = [name: string, ...args: unknown[]];
type StatusLineLike = { output?: { generic?: Array<{ text?: string; agent_message_type?: string }> } };

/** A host history item as the desk gives it (`messaging.insertHistory`), and the text it shows. */
export interface HistoryItem {
  message: {
    input?: { text: string; agent_message_type?: string };
    output?: { generic: Array<{ text?: string }> };
    message_options?: { response_user_profile?: object };
  };
}
export const historyText = (i: HistoryItem) => i.message.input?.text ?? i.message.output?.generic[0]?.text;

/** A host callback that records every call in order, keeps persisted state like the hosts do, and can be awaited. */
export class RecordingCallback implements HostCallback {
  readonly calls: Call[] = [];
  state: Record<string, unknown> = {};
  private waiters: Array<() => void> = [];

  constructor(initialState: Record<string, unknown> = {}) {
    this.state = { ...initialState };
  }

  agentJoined(profile: object) {
    return this.record('agentJoined', profile);
  }
  agentLeftChat() {
    return this.record('agentLeftChat');
  }
  agentEndedChat() {
    return this.record('agentEndedChat');
  }
  beginTransferToAnotherAgent(profile?: object) {
    return this.record('beginTransferToAnotherAgent', profile);
  }
  agentTyping(isTyping: boolean) {
    return this.record('agentTyping', isTyping);
  }
  sendMessageToUser(message: string | object, agentID?: string) {
    return this.record('sendMessageToUser', message, agentID);
  }
  updateAgentAvailability(availability: object) {
    return this.record('updateAgentAvailability', availability);
  }
  setErrorStatus(info: object) {
    return this.record('setErrorStatus', info);
  }
  updateCapabilities(capabilities: object) {
    void this.record('updateCapabilities', capabilities);
  }
  setFileUploadStatus(fileID: string, isError?: boolean, errorMessage?: string) {
    return this.record('setFileUploadStatus', fileID, isError, errorMessage);
  }
  persistedState() {
    return this.state;
  }
  updatePersistedState(state: unknown, merge = true) {
    this.state = merge ? { ...this.state, ...(state as object) } : (state as Record<string, unknown>);
    return Promise.resolve();
  }

  /**
   * A host instance that takes history items (Carbon's `messaging.insertHistory`), recorded as `insertHistory` calls
   * in order with the callback's.
   */
  historyHost() {
    return { messaging: { insertHistory: (items: unknown[]) => this.record('insertHistory', items) } };
  }

  /** Call names in order, e.g. ['agentJoined', 'sendMessageToUser', ...]; `without` drops noisy ones. */
  names(without: string[] = []): string[] {
    return this.calls.map((c) => c[0]).filter((n) => !without.includes(n));
  }

  of(name: string): unknown[][] {
    return this.calls.filter((c) => c[0] === name).map((c) => c.slice(1));
  }

  /** The desk's own status lines (`sendMessageToUser` of a line with an `agent_message_type`), in order. */
  statusLines(): string[] {
    return this.of('sendMessageToUser').flatMap(([m]) => {
      const first = typeof m === 'object' && m !== null ? (m as StatusLineLike).output?.generic?.[0] : undefined;
      return first?.agent_message_type && first.text !== undefined ? [first.text] : [];
    });
  }

  /** Resolves once `name` has been called `count` times. */
  async waitFor(name: string, count = 1, timeoutMs = 8000): Promise<unknown[][]> {
    const done = () => this.of(name).length >= count;
    if (done()) return this.of(name);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${count}× ${name}; calls: ${JSON.stringify(this.calls)}`)),
        timeoutMs,
      );
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
    return this.of(name);
  }

  private record(name: string, ...args: unknown[]): Promise<void> {
    this.calls.push([name, ...args]);
    this.waiters.forEach((w) => w());
    return Promise.resolve();
  }
}
