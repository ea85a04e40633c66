import { missingHandlers, QUEUE_NAMES, jobNames } from './queue-catalogue';

describe('queue catalogue', () => {
  const all = Object.fromEntries(QUEUE_NAMES.map((q) => [q, Object.fromEntries(jobNames(q).map((j) => [j, async () => undefined]))]));

  it('finds nothing missing when every job has a handler', () => {
    expect(missingHandlers(all)).toEqual([]);
  });

  it('names each job without a handler', () => {
    const partial = { ...all, housekeeping: { 'prune-outbox': async () => undefined } };
    expect(missingHandlers(partial)).toEqual(['housekeeping.prune-sessions']);
  });

  it('treats a non-function as missing', () => {
    expect(missingHandlers({ ...all, housekeeping: { 'prune-sessions': 'nope', 'prune-outbox': async () => 1 } })).toEqual(['housekeeping.prune-sessions']);
  });
});
