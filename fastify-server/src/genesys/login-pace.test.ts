import { LoginPace, MemoryLoginPace, loginPauseMs, type LoginPaceStore } from './login-pace';

const down = { kind: 'unavailable', status: 500 } as const;

describe('loginPauseMs', () => {
  it('is 1 s, 2 s, 4 s, 8 s, then 10 s after failures in a row; a longer 429 wait wins', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => loginPauseMs(n, down))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(loginPauseMs(1, { kind: 'rate-limited', status: 429, retryAfterMs: 30_000 })).toBe(30_000);
    expect(loginPauseMs(5, { kind: 'rate-limited', status: 429, retryAfterMs: 3000 })).toBe(10_000);
  });
});

describe('MemoryLoginPace', () => {
  it('refuses during the pause after a failure, with the time left and the failure', async () => {
    const pace = new MemoryLoginPace();
    expect(await pace.admit(0)).toEqual({ admitted: true });
    expect(await pace.failed(100, down)).toBe(1000);
    expect(await pace.admit(600)).toEqual({ admitted: false, retryInMs: 500, failure: down });
    expect(await pace.admit(1100)).toEqual({ admitted: true });
    await pace.succeeded();
    expect(await pace.admit(1200)).toEqual({ admitted: true });
  });

  it('admits at most 3 attempts in any 10 s, successes included', async () => {
    const pace = new MemoryLoginPace();
    for (const t of [0, 10, 20]) expect((await pace.admit(t)).admitted).toBe(true);
    expect(await pace.admit(5000)).toEqual({ admitted: false, retryInMs: 5000, failure: undefined });
    expect((await pace.admit(10_000)).admitted).toBe(true);
    expect((await pace.admit(10_005)).admitted).toBe(false);
  });
});

describe('LoginPace', () => {
  it("follows the fleet's store while it answers, and keeps its own pace in step for when it does not", async () => {
    let usable = true;
    const fleet = new MemoryLoginPace();
    const store: LoginPaceStore = {
      admit: async (now) => (usable ? fleet.admit(now) : undefined),
      failed: async (now, f) => (usable ? fleet.failed(now, f) : undefined),
      succeeded: async () => (usable ? fleet.succeeded() : undefined),
    };
    const pace = new LoginPace(store);
    // Another instance failed: the fleet is paused for 1 s.
    await fleet.admit(0);
    await fleet.failed(0, down);
    expect(await pace.admit(500)).toEqual({ admitted: false, retryInMs: 500, failure: down });
    // Redis goes away: this instance still knows the pause.
    usable = false;
    expect((await pace.admit(600)).admitted).toBe(false);
    expect((await pace.admit(1000)).admitted).toBe(true);
  });
});
