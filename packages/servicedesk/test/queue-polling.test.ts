import { Subject } from 'rxjs';
import type { Availability } from '../src/middleware-client';
import { pollQueue, SOON_ASKS, SOON_MS, type QueueFigures } from '../src/service-desk/queue-polling';

/**
 * The place-in-line polling in (fake) time: when the asks happen and what is shown. The middleware's answers are made
 * here: the first ones may know no place yet (the chat is not in the queue's statistics yet).
 */

const REFRESH_MS = 10_000;

function polling(answers: Availability[]) {
  const waiting$ = new Subject<boolean>();
  const askedAt: number[] = [];
  const shown: QueueFigures[] = [];
  const start = Date.now();
  const sub = pollQueue({
    waiting$,
    refreshMs: REFRESH_MS,
    ask: async () => {
      askedAt.push(Date.now() - start);
      return answers[Math.min(askedAt.length - 1, answers.length - 1)]!;
    },
    show: (a) => shown.push(a),
    logger: {},
  });
  return { waiting$, askedAt, shown, sub };
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

const answer = (positionInQueue: number | null): Availability => ({
  positionInQueue,
  estimatedWaitTime: 1,
  numberOfOnQueueAgents: 1,
  agentsOnline: true,
});
const place = (n: number) => answer(n);
const noPlace = answer(null);

test('answers that know no place yet are asked again soon, so the place shows within seconds, then every refresh', async () => {
  const p = polling([noPlace, place(2), place(1)]);
  p.waiting$.next(true);
  await jest.advanceTimersByTimeAsync(0);
  expect(p.askedAt).toEqual([0]);
  await jest.advanceTimersByTimeAsync(SOON_MS);
  expect(p.askedAt).toEqual([0, SOON_MS]);
  expect(p.shown.map((s) => s.positionInQueue)).toEqual([undefined, 2]);
  // The place is known: from here the usual pace.
  await jest.advanceTimersByTimeAsync(REFRESH_MS);
  expect(p.askedAt).toEqual([0, SOON_MS, SOON_MS + REFRESH_MS]);
  expect(p.shown.map((s) => s.positionInQueue)).toEqual([undefined, 2, 1]);
  p.sub.unsubscribe();
});

test('a place that stays unknown is asked for soon only a few times, then at the usual pace', async () => {
  const p = polling([noPlace]);
  p.waiting$.next(true);
  await jest.advanceTimersByTimeAsync(SOON_MS * SOON_ASKS + REFRESH_MS * 2);
  const soon = Array.from({ length: SOON_ASKS + 1 }, (_, i) => i * SOON_MS);
  const last = soon[soon.length - 1]!;
  expect(p.askedAt).toEqual([...soon, last + REFRESH_MS, last + 2 * REFRESH_MS]);
  p.sub.unsubscribe();
});

test('an agent joining stops the asks; a return to the queue starts them again', async () => {
  const p = polling([place(1)]);
  p.waiting$.next(true);
  await jest.advanceTimersByTimeAsync(0);
  p.waiting$.next(false);
  await jest.advanceTimersByTimeAsync(REFRESH_MS * 3);
  expect(p.askedAt).toEqual([0]);
  p.waiting$.next(true);
  await jest.advanceTimersByTimeAsync(0);
  expect(p.askedAt).toEqual([0, REFRESH_MS * 3]);
  p.sub.unsubscribe();
});
