import type { ErrorStatus, HostCallback } from 'genesys-handoff-servicedesk/internals';

const CALLS = [
  'agentJoined',
  'agentLeftChat',
  'agentEndedChat',
  'beginTransferToAnotherAgent',
  'agentTyping',
  'sendMessageToUser',
  'updateAgentAvailability',
  'setErrorStatus',
  'updatePersistedState',
] as const;
type CallName = (typeof CALLS)[number];

/** Every call answers with the same settled promise: a host's own work is not what the benchmarks measure. */
const DONE: Promise<void> = Promise.resolve();

/**
 * A host callback that only counts (what any host does at least: take the call) and keeps persisted state as the
 * hosts do. It keeps no history, so a long benchmark does not grow the heap it measures. One waiter at a time.
 */
export class CountingCallback implements HostCallback {
  private readonly tally: Record<CallName, number> = {
    agentJoined: 0,
    agentLeftChat: 0,
    agentEndedChat: 0,
    beginTransferToAnotherAgent: 0,
    agentTyping: 0,
    sendMessageToUser: 0,
    updateAgentAvailability: 0,
    setErrorStatus: 0,
    updatePersistedState: 0,
  };
  state: Record<string, unknown> = {};
  lastText: string | undefined;
  private waiter: { check: () => boolean; done: () => void } | undefined;

  /** The calls made so far, by name (names never called left out). */
  get counts(): Record<string, number> {
    return Object.fromEntries(CALLS.filter((n) => this.tally[n] > 0).map((n) => [n, this.tally[n]]));
  }

  n(name: CallName): number {
    return this.tally[name];
  }

  /** Resolves once `check` holds (checked now and after every host call). */
  waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`timed out waiting for ${what}; host calls so far: ${JSON.stringify(this.counts)}`));
      }, timeoutMs);
      this.waiter = {
        check,
        done: () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        },
      };
    });
  }

  private called(): Promise<void> {
    if (this.waiter?.check()) this.waiter.done();
    return DONE;
  }

  agentJoined(_profile: object) {
    this.tally.agentJoined++;
    return this.called();
  }
  agentLeftChat() {
    this.tally.agentLeftChat++;
    return this.called();
  }
  agentEndedChat() {
    this.tally.agentEndedChat++;
    return this.called();
  }
  beginTransferToAnotherAgent(_profile?: object) {
    this.tally.beginTransferToAnotherAgent++;
    return this.called();
  }
  agentTyping(_isTyping: boolean) {
    this.tally.agentTyping++;
    return this.called();
  }
  sendMessageToUser(message: string | object, _agentID?: string) {
    this.tally.sendMessageToUser++;
    this.lastText = typeof message === 'string' ? message : undefined;
    return this.called();
  }
  updateAgentAvailability(_availability: object) {
    this.tally.updateAgentAvailability++;
    return this.called();
  }
  setErrorStatus(_info: ErrorStatus) {
    this.tally.setErrorStatus++;
    return this.called();
  }
  persistedState() {
    return this.state;
  }
  updatePersistedState(state: unknown, merge = true) {
    this.tally.updatePersistedState++;
    if (merge) Object.assign(this.state, state);
    else this.state = { ...(state as Record<string, unknown>) };
    return this.called();
  }
}
