import { summarizeObservations } from './observation-summary';

const Q = 'queue-1';

describe('summarizeObservations', () => {
  it('sums on-queue agents over routing statuses (not NOT_RESPONDING) and counts chat only', () => {
    const s = summarizeObservations(
      {
        results: [
          // Order as the API gives it: INTERACTING first (the reference read only data[0]).
          {
            group: { queueId: Q },
            data: [
              { metric: 'oOnQueueUsers', qualifier: 'INTERACTING', stats: { count: 3 } },
              { metric: 'oOnQueueUsers', qualifier: 'IDLE', stats: { count: 2 } },
              { metric: 'oOnQueueUsers', qualifier: 'NOT_RESPONDING', stats: { count: 4 } },
            ],
          },
          { group: { queueId: Q, mediaType: 'voice' }, data: [{ metric: 'oWaiting', stats: { count: 7 } }] },
          {
            group: { queueId: Q, mediaType: 'chat' },
            data: [
              {
                metric: 'oWaiting',
                stats: { count: 2 },
                observations: [
                  { observationDate: '2026-01-01T10:00:05Z', conversationId: 'late' },
                  { observationDate: '2026-01-01T10:00:01Z', conversationId: 'early' },
                ],
              },
            ],
          },
          {
            group: { queueId: 'other-queue' },
            data: [{ metric: 'oOnQueueUsers', qualifier: 'IDLE', stats: { count: 50 } }],
          },
        ],
      },
      Q,
      'chat',
    );
    expect(s.onQueueAgents).toBe(5);
    expect(s.agentsByStatus).toEqual({ INTERACTING: 3, IDLE: 2, NOT_RESPONDING: 4 });
    expect(s.waiting).toBe(2);
    expect([...s.positions]).toEqual([
      ['early', 1],
      ['late', 2],
    ]);
  });

  it('puts higher routing priority first', () => {
    const s = summarizeObservations(
      {
        results: [
          {
            group: { queueId: Q, mediaType: 'chat' },
            data: [
              {
                metric: 'oWaiting',
                stats: { count: 2 },
                observations: [
                  { observationDate: '2026-01-01T10:00:01Z', conversationId: 'normal', routingPriority: 0 },
                  { observationDate: '2026-01-01T10:00:09Z', conversationId: 'vip', routingPriority: 5 },
                ],
              },
            ],
          },
        ],
      },
      Q,
      'chat',
    );
    expect(s.positions.get('vip')).toBe(1);
    expect(s.positions.get('normal')).toBe(2);
  });

  it.each([
    ['no response', undefined],
    ['no results', {}],
    ['empty data', { results: [{ group: { queueId: Q }, data: [] }] }],
    ['missing stats', { results: [{ group: { queueId: Q }, data: [{ metric: 'oOnQueueUsers', qualifier: 'IDLE' }] }] }],
    ['junk entries', { results: [null, { group: null, data: [null, 5] }] as never }],
  ])('reads %s as zero without throwing', (_name, response) => {
    const s = summarizeObservations(response as never, Q, 'chat');
    expect(s).toMatchObject({ onQueueAgents: 0, waiting: 0, truncated: false });
    expect(s.positions.size).toBe(0);
  });

  it('reports the media type asked for (web messaging)', () => {
    const s = summarizeObservations(
      {
        results: [
          { group: { queueId: Q, mediaType: 'chat' }, data: [{ metric: 'oWaiting', stats: { count: 1 } }] },
          {
            group: { queueId: Q, mediaType: 'message' },
            data: [{ metric: 'oWaiting', stats: { count: 4 }, truncated: true }],
          },
        ],
      },
      Q,
      'message',
    );
    expect(s.waiting).toBe(4);
    expect(s.truncated).toBe(true);
  });
});
