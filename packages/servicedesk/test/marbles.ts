import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler that compares with Jest's `toEqual`. */
export const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
