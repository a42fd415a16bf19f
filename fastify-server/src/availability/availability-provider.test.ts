import { UpstreamError } from '../genesys/upstream-error';
import { AvailabilityProvider } from './availability-provider';
import { QueueDirectory } from './queue-directory';

/** The provider with a scripted platform: behaviour the emulator cannot produce on demand. */

const QUEUE_ID = 'q-1';
const observations = (idle: number) => ({
  results: [
    { group: { queueId: QUEUE_ID }, data: [{ metric: 'oOnQueueUsers', qualifier: 'IDLE', stats: { count: idle } }] },
  ],
});
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

function setup() {
  let t = 1_000_000;
  const calls: string[] = [];
  const script: { observations: Array<() => Promise<unknown>>; waitTime: Array<() => Promise<unknown>> } = {
    observations: [],
    waitTime: [],
  };
  const platform = {
    queueObservations: async () => {
      calls.push('O');
      return (script.observations.shift() ?? (async () => observations(1)))() as never;
    },
    estimatedWaitTime: async () => {
      calls.push('W');
      return (
        script.waitTime.shift() ??
        (async () => ({ results: [{ intent: 'CHAT', formula: 'BEST', estimatedWaitTimeSeconds: 30 }] }))
      )() as never;
    },
    findQueueIdByName: async (name: string) => (name === 'Chat' ? QUEUE_ID : null),
  };
  const directory = new QueueDirectory({ platform, ttlMs: 600_000, now: () => t });
  const provider = new AvailabilityProvider({
    platform,
    directory,
    mediaType: 'chat',
    refreshIntervalMs: 5000,
    maxStalenessMs: 60_000,
    logger: silent,
    now: () => t,
  });
  return { provider, calls, script, advance: (ms: number) => void (t += ms) };
}

it('forgets a queue that answers 404 and looks its id up again', async () => {
  const { provider, script, advance } = setup();
  const lookups = jest.spyOn(
    (provider as unknown as { options: { directory: QueueDirectory } }).options.directory,
    'forget',
  );
  await provider.snapshot('Chat');
  script.observations.push(async () =>
    Promise.reject(new UpstreamError('queue observations', { kind: 'not-found', status: 404 })),
  );
  advance(10_000);
  await provider.snapshot('Chat');
  await provider.idle();
  await expect(provider.snapshot('Chat')).rejects.toMatchObject({ code: 'QUEUE_NOT_FOUND' });
  expect(lookups).toHaveBeenCalledWith('Chat');
});

it('answers QUEUE_NOT_FOUND for a name Genesys does not have, without a data call', async () => {
  const { provider, calls } = setup();
  await expect(provider.snapshot('Nope')).rejects.toMatchObject({ code: 'QUEUE_NOT_FOUND', statusCode: 404 });
  expect(calls).toEqual([]);
});

it('never leaves a rejected promise behind when background refreshes fail', async () => {
  const { provider, script, advance } = setup();
  const unhandled = jest.fn();
  process.on('unhandledRejection', unhandled);
  try {
    await provider.snapshot('Chat');
    for (let i = 0; i < 5; i += 1) {
      script.observations.push(async () => Promise.reject(new Error('not even an UpstreamError')));
      script.waitTime.push(async () => Promise.reject(new UpstreamError('estimated wait time', { kind: 'timeout' })));
      advance(5000);
      await provider.snapshot('Chat');
      await provider.idle();
    }
    await new Promise((r) => setImmediate(r));
    expect(unhandled).not.toHaveBeenCalled();
  } finally {
    process.off('unhandledRejection', unhandled);
  }
});

it('makes a caller whose values are too old wait for the refresh in flight, so recovery shows at once', async () => {
  const { provider, advance, script } = setup();
  await provider.snapshot('Chat');
  // Refreshes keep failing (so the cache is never idle) until the observations are older than 60 s.
  for (let i = 0; i < 20; i += 1) {
    script.observations.push(async () =>
      Promise.reject(new UpstreamError('queue observations', { kind: 'unavailable', status: 503 })),
    );
    script.waitTime.push(async () =>
      Promise.reject(new UpstreamError('estimated wait time', { kind: 'unavailable', status: 503 })),
    );
  }
  let last: unknown;
  for (let i = 0; i < 14; i += 1) {
    advance(5000);
    last = await provider.snapshot('Chat').then(
      () => 'ok',
      (e: unknown) => (e instanceof UpstreamError ? e.failure.kind : 'other'),
    );
    await provider.idle();
  }
  expect(last).toBe('unavailable');
  // Genesys is back: the next caller gets the refreshed values, not the stale error.
  script.observations.length = 0;
  script.observations.push(async () => observations(4));
  advance(5000);
  const s = await provider.snapshot('Chat');
  expect(s.observations.onQueueAgents).toBe(4);
});
