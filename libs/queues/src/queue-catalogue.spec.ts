import { missingHandlers, QUEUE_NAMES, jobNames, queuesOf } from './queue-catalogue';

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

  it('gives every queue to exactly one process, and checks each process for its own queues only', () => {
    expect([...queuesOf('moderation-worker'), ...queuesOf('forum')].sort()).toEqual([...QUEUE_NAMES].sort());
    expect(queuesOf('forum')).toEqual(['mail']);
    expect(missingHandlers({ mail: { send: async () => undefined } }, 'forum')).toEqual([]);
    expect(missingHandlers({}, 'forum')).toEqual(['mail.send']);
    expect(missingHandlers(all)).not.toContain('mail.send');
  });
});
