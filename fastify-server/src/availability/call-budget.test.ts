import { CallBudget } from './call-budget';

it('allows `limit` requests in any window and frees each one a window after it was sent', () => {
  let t = 0;
  const budget = new CallBudget(3, 60_000, () => t);
  expect([budget.take(), budget.take()]).toEqual([true, true]);
  t = 30_000;
  expect(budget.take()).toBe(true);
  expect(budget.take()).toBe(false);
  expect(budget.room()).toBe(0);
  t = 59_999;
  expect(budget.take()).toBe(false);
  // The two sent at 0 s leave the window at 60 s; the one of 30 s stays until 90 s.
  t = 60_000;
  expect(budget.room()).toBe(2);
  expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
  t = 90_000;
  expect(budget.room()).toBe(1);
});
