import { pickWaitSeconds } from './wait-time';

describe('pickWaitSeconds', () => {
  const r = (intent: string, estimatedWaitTimeSeconds: number) => ({
    intent,
    formula: 'BEST',
    estimatedWaitTimeSeconds,
  });

  it('prefers the intent of the media type, then ALL, then the first', () => {
    expect(pickWaitSeconds({ results: [r('CALL', 900), r('ALL', 300), r('CHAT', 95)] }, 'chat')).toBe(95);
    expect(pickWaitSeconds({ results: [r('CALL', 900), r('ALL', 300)] }, 'chat')).toBe(300);
    expect(pickWaitSeconds({ results: [r('EMAIL', 42)] }, 'chat')).toBe(42);
    expect(pickWaitSeconds({ results: [r('CHAT', 95), r('MESSAGE', 12)] }, 'message')).toBe(12);
  });

  it('is null, not 0, when there is no usable estimate', () => {
    expect(pickWaitSeconds(undefined, 'chat')).toBeNull();
    expect(pickWaitSeconds({ results: [] }, 'chat')).toBeNull();
    expect(
      pickWaitSeconds({ results: [{ intent: 'CHAT', formula: 'BEST', estimatedWaitTimeSeconds: -1 }] }, 'chat'),
    ).toBeNull();
  });
});
