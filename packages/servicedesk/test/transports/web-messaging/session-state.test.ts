import {
  INITIAL_SESSION,
  isBound,
  isOver,
  nextSession,
  takesMessages,
  type SessionEvent,
  type SessionState,
} from '../../../src/transports/web-messaging/session-state';

const configuring: SessionState = { kind: 'configuring' };
const open: SessionState = { kind: 'open' };
const readOnlyBound: SessionState = { kind: 'read-only', bound: true };
const readOnlyAway: SessionState = { kind: 'read-only', bound: false };
const ending: SessionState = { kind: 'ending' };
const ended: SessionState = { kind: 'ended' };
const expired: SessionState = { kind: 'expired' };

/** Every state against every event: [from, event, to]. */
const TABLE: Array<[SessionState, SessionEvent, SessionState]> = [
  [configuring, 'bound', open],
  [configuring, 'dropped', configuring],
  [configuring, 'read-only', readOnlyAway],
  [configuring, 'leave', ending],
  [configuring, 'finished', ended],
  [configuring, 'expired', expired],
  [open, 'bound', open],
  [open, 'dropped', configuring],
  [open, 'read-only', readOnlyBound],
  [open, 'leave', ending],
  [open, 'finished', ended],
  [open, 'expired', expired],
  [readOnlyBound, 'bound', readOnlyBound],
  [readOnlyBound, 'dropped', readOnlyAway],
  [readOnlyBound, 'read-only', readOnlyBound],
  [readOnlyBound, 'leave', ending],
  [readOnlyBound, 'finished', ended],
  [readOnlyBound, 'expired', expired],
  [readOnlyAway, 'bound', readOnlyBound],
  [readOnlyAway, 'dropped', readOnlyAway],
  [readOnlyAway, 'read-only', readOnlyAway],
  [ending, 'bound', ending],
  [ending, 'dropped', ending],
  [ending, 'read-only', ending],
  [ending, 'leave', ending],
  [ending, 'finished', ended],
  [ending, 'expired', ended],
  ...(['bound', 'dropped', 'read-only', 'leave', 'finished', 'expired'] as const).flatMap(
    (e): Array<[SessionState, SessionEvent, SessionState]> => [
      [ended, e, ended],
      [expired, e, expired],
    ],
  ),
];

describe('the Web Messaging session: one state, its transitions as a table', () => {
  test.each(TABLE)('%o --%s--> %o', (from, event, to) => {
    expect(nextSession(from, event)).toEqual(to);
  });

  test('a new session starts configuring', () => {
    expect(INITIAL_SESSION).toEqual(configuring);
  });

  test('what each state allows: requests on a bound socket, messages while the session takes them, nothing once over', () => {
    const all = [configuring, open, readOnlyBound, readOnlyAway, ending, ended, expired];
    expect(all.map(isBound)).toEqual([false, true, true, false, false, false, false]);
    expect(all.map(takesMessages)).toEqual([true, true, false, false, false, false, false]);
    expect(all.map(isOver)).toEqual([false, false, false, false, false, true, true]);
  });
});
