import { Subject, of, throwError, type Subscription } from 'rxjs';
import { handleInOrder } from '../../src/streams/handle-in-order';

interface Deferred {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** A source, a log of what happened in order, and handlers that can hold a value back with a promise. */
function setup(hold: (v: number) => boolean = () => false) {
  const source = new Subject<number>();
  const log: string[] = [];
  const held = new Map<number, Deferred>();
  const sub: Subscription = source
    .pipe(
      handleInOrder<number>({
        handle: (v) => {
          log.push(`handle ${v}`);
          if (v < 0) throw new Error(`bad ${v}`);
          if (!hold(v)) return undefined;
          return new Promise<void>((resolve, reject) => held.set(v, { resolve, reject }));
        },
        failed: (v, e) => log.push(`failed ${v}: ${(e as Error).message}`),
        idle: () => log.push('idle'),
      }),
    )
    .subscribe({
      error: (e: unknown) => log.push(`error ${(e as Error).message}`),
      complete: () => log.push('complete'),
    });
  return { source, log, held, sub };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('handleInOrder', () => {
  test('synchronous handlers: each value at once, in order; idle after each', () => {
    const { source, log } = setup();
    source.next(1);
    source.next(2);
    source.complete();
    expect(log).toEqual(['handle 1', 'idle', 'handle 2', 'idle', 'idle', 'complete']);
  });

  test('a pending promise holds later values back; they run in order once it settles; idle and completion wait for all', async () => {
    const { source, log, held } = setup((v) => v === 1);
    source.next(1);
    source.next(2);
    source.next(3);
    source.complete();
    expect(log).toEqual(['handle 1']);
    held.get(1)!.resolve();
    await tick();
    expect(log).toEqual(['handle 1', 'handle 2', 'handle 3', 'idle', 'complete']);
  });

  test('a handler that throws or rejects is reported and the stream goes on', async () => {
    const { source, log, held } = setup((v) => v === 2);
    source.next(-1);
    source.next(2);
    source.next(3);
    held.get(2)!.reject(new Error('host said no'));
    await tick();
    expect(log).toEqual([
      'handle -1',
      'failed -1: bad -1',
      'idle',
      'handle 2',
      'failed 2: host said no',
      'handle 3',
      'idle',
    ]);
  });

  test('a source error is passed on at once; values still queued are dropped', async () => {
    const { source, log, held } = setup((v) => v === 1);
    source.next(1);
    source.next(2);
    source.error(new Error('socket gone'));
    held.get(1)!.resolve();
    await tick();
    expect(log).toEqual(['handle 1', 'error socket gone']);
  });

  test('unsubscribing drops what waits, and a late rejection is not reported', async () => {
    const { source, log, held, sub } = setup((v) => v === 1);
    source.next(1);
    source.next(2);
    sub.unsubscribe();
    held.get(1)!.reject(new Error('late'));
    await tick();
    expect(log).toEqual(['handle 1']);
    expect(source.observed).toBe(false);
  });

  /** What a handler may return: done at once, pending until released, or failing; as a promise or an observable. */
  const kinds = {
    promise: {
      done: (): unknown => undefined,
      pending: () => {
        let release!: () => void;
        const value = new Promise<void>((r) => (release = r));
        return { value, release };
      },
      failing: () => Promise.reject(new Error('no')),
    },
    observable: {
      done: () => of(undefined),
      pending: () => {
        const value = new Subject<void>();
        return { value, release: () => value.complete() };
      },
      failing: () => throwError(() => new Error('no')),
    },
  };

  test.each(Object.keys(kinds) as Array<keyof typeof kinds>)(
    'a returned %s holds later values back until it settles; handled is told of each success, failed of each failure',
    async (kind) => {
      const k = kinds[kind];
      const source = new Subject<number>();
      const log: string[] = [];
      const second = k.pending();
      source
        .pipe(
          handleInOrder<number>({
            handle: (v) => {
              log.push(`handle ${v}`);
              if (v === 2) return second.value;
              if (v === 3) return k.failing();
              return k.done();
            },
            handled: (v) => log.push(`handled ${v}`),
            failed: (v, e) => log.push(`failed ${v}: ${(e as Error).message}`),
          }),
        )
        .subscribe();
      source.next(1);
      source.next(2);
      source.next(3);
      source.next(4);
      expect(log).toEqual(['handle 1', 'handled 1', 'handle 2']);
      second.release();
      await tick();
      expect(log).toEqual([
        'handle 1',
        'handled 1',
        'handle 2',
        'handled 2',
        'handle 3',
        'failed 3: no',
        'handle 4',
        'handled 4',
      ]);
    },
  );

  test('unsubscribing lets go of the observable being waited for', () => {
    const source = new Subject<number>();
    const inner = new Subject<void>();
    const sub = source.pipe(handleInOrder<number>({ handle: () => inner, failed: () => undefined })).subscribe();
    source.next(1);
    expect(inner.observed).toBe(true);
    sub.unsubscribe();
    expect(inner.observed).toBe(false);
  });

  test('a value pushed from inside a handler is handled after it, not inside it', () => {
    const source = new Subject<number>();
    const log: string[] = [];
    source
      .pipe(
        handleInOrder<number>({
          handle: (v) => {
            log.push(`start ${v}`);
            if (v === 1) source.next(2);
            log.push(`end ${v}`);
          },
          failed: () => undefined,
        }),
      )
      .subscribe();
    source.next(1);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  test('a backlog of 100,000 values behind one promise is drained without deep recursion', async () => {
    let seen = 0;
    let release!: () => void;
    const source = new Subject<number>();
    let completed = false;
    source
      .pipe(
        handleInOrder<number>({
          handle: (v) => {
            seen++;
            return v === 0 ? new Promise<void>((r) => (release = r)) : undefined;
          },
          failed: (_v, e) => {
            throw e;
          },
        }),
      )
      .subscribe({ complete: () => (completed = true) });
    for (let i = 0; i < 100_000; i++) source.next(i);
    source.complete();
    release();
    await tick();
    expect(seen).toBe(100_000);
    expect(completed).toBe(true);
  });
});

describe('handleInOrder together', () => {
  /** Even values join an even first value; at most three go together; 1 is held until released. */
  function setupTogether() {
    const source = new Subject<number>();
    const log: string[] = [];
    let release!: () => void;
    let failNextGroup = false;
    source
      .pipe(
        handleInOrder<number>({
          handle: (v) => {
            log.push(`handle ${v}`);
            return v === 1 ? new Promise<void>((r) => (release = r)) : undefined;
          },
          together: {
            joins: (v, first) => v % 2 === 0 && first % 2 === 0,
            max: 3,
            handle: (vs) => {
              log.push(`together ${vs.join(',')}`);
              if (failNextGroup) throw new Error('host said no');
              return Promise.resolve();
            },
          },
          handled: (v) => log.push(`handled ${v}`),
          failed: (v, e) => log.push(`failed ${v}: ${(e as Error).message}`),
        }),
      )
      .subscribe();
    return { source, log, release: () => release(), failGroups: () => (failNextGroup = true) };
  }

  test('values that did not wait are handled alone, even when they would join', () => {
    const { source, log } = setupTogether();
    source.next(2);
    source.next(4);
    expect(log).toEqual(['handle 2', 'handled 2', 'handle 4', 'handled 4']);
  });

  test('a run of joining values that waited is handled in one go, at most max, in order; each is told handled', async () => {
    const { source, log, release } = setupTogether();
    source.next(1);
    for (const v of [2, 4, 6, 8, 3, 10]) source.next(v);
    expect(log).toEqual(['handle 1']);
    release();
    await tick();
    expect(log).toEqual([
      'handle 1',
      'handled 1',
      'together 2,4,6',
      'handled 2',
      'handled 4',
      'handled 6',
      'handle 8',
      'handled 8',
      'handle 3',
      'handled 3',
      'handle 10',
      'handled 10',
    ]);
  });

  test('a group that fails is reported for each of its values, and the stream goes on', async () => {
    const { source, log, release, failGroups } = setupTogether();
    source.next(1);
    for (const v of [2, 4, 5]) source.next(v);
    failGroups();
    release();
    await tick();
    expect(log).toEqual([
      'handle 1',
      'handled 1',
      'together 2,4',
      'failed 2: host said no',
      'failed 4: host said no',
      'handle 5',
      'handled 5',
    ]);
  });
});

describe('handleInOrder pauseAfter', () => {
  test('after a value is handled, the next waits for the pause; what arrives meanwhile can go together', async () => {
    const source = new Subject<number>();
    const log: string[] = [];
    let endPause!: () => void;
    source
      .pipe(
        handleInOrder<number>({
          handle: (v) => void log.push(`handle ${v}`),
          together: { joins: () => true, max: 10, handle: (vs) => void log.push(`together ${vs.join(',')}`) },
          handled: (v) => log.push(`handled ${v}`),
          pauseAfter: (vs) => {
            log.push(`pause after ${vs.join(',')}`);
            return vs.length === 1 ? new Promise<void>((r) => (endPause = r)) : undefined;
          },
          failed: (v, e) => log.push(`failed ${v}: ${(e as Error).message}`),
        }),
      )
      .subscribe();
    source.next(1);
    source.next(2);
    source.next(3);
    // Handled at once (told before the pause): the pause holds 2 and 3 back.
    expect(log).toEqual(['handle 1', 'handled 1', 'pause after 1']);
    endPause();
    await tick();
    expect(log).toEqual([
      'handle 1',
      'handled 1',
      'pause after 1',
      'together 2,3',
      'handled 2',
      'handled 3',
      'pause after 2,3',
    ]);
  });
});
