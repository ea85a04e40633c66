import { Batcher } from './batcher';

/** A run whose batches the test releases by hand. */
function controlled() {
  const batches: Array<{ inputs: number[]; release: (outputs?: number[]) => void; fail: (error: Error) => void }> = [];
  const run = (inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push({ inputs, release: (outputs) => resolve(outputs ?? inputs.map((n) => n * 10)), fail: reject });
    });
  return { batches, run };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('starts a lone call at once, in a batch of its own', async () => {
    const { batches, run } = controlled();
    const batcher = new Batcher(run, { maxBatch: 10, maxInFlight: 1 });
    const answer = batcher.submit(1);
    expect(batches.map((b) => b.inputs)).toEqual([[1]]);
    batches[0].release();
    await expect(answer).resolves.toBe(10);
  });

  it('gathers calls that arrive while a batch runs into the next batch, each answered in its place', async () => {
    const { batches, run } = controlled();
    const batcher = new Batcher(run, { maxBatch: 10, maxInFlight: 1 });
    const answers = [1, 2, 3, 4].map((n) => batcher.submit(n));
    expect(batches.map((b) => b.inputs)).toEqual([[1]]);
    batches[0].release();
    await settle();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1].release([21, 31, 41]);
    await expect(Promise.all(answers)).resolves.toEqual([10, 21, 31, 41]);
  });

  it('never puts more than maxBatch calls in a batch, and runs up to maxInFlight batches at once', async () => {
    const { batches, run } = controlled();
    const batcher = new Batcher(run, { maxBatch: 2, maxInFlight: 2 });
    const answers = [1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n));
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2]]);
    batches[0].release();
    await settle();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2], [3, 4]]);
    batches[1].release();
    batches[2].release();
    await settle();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2], [3, 4], [5, 6]]);
    batches[3].release();
    await expect(Promise.all(answers)).resolves.toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('rejects every call of a failed batch, and keeps serving later calls', async () => {
    const { batches, run } = controlled();
    const batcher = new Batcher(run, { maxBatch: 10, maxInFlight: 1 });
    const first = batcher.submit(1);
    const [second, third] = [batcher.submit(2), batcher.submit(3)];
    batches[0].release();
    await settle();
    batches[1].fail(new Error('deadlock detected'));
    await expect(first).resolves.toBe(10);
    await expect(second).rejects.toThrow('deadlock detected');
    await expect(third).rejects.toThrow('deadlock detected');
    const later = batcher.submit(4);
    await settle();
    batches[2].release();
    await expect(later).resolves.toBe(40);
  });

  it('rejects the calls of a batch answered with the wrong number of results', async () => {
    const { batches, run } = controlled();
    const batcher = new Batcher(run, { maxBatch: 10, maxInFlight: 1 });
    const answer = batcher.submit(1);
    batches[0].release([]);
    await expect(answer).rejects.toThrow('a batch of 1 was answered with 0 results');
  });

  it('rejects the calls when run throws before returning a promise', async () => {
    const batcher = new Batcher<number, number>(
      () => {
        throw new Error('no connection');
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('no connection');
    await expect(batcher.submit(2)).rejects.toThrow('no connection');
  });
});
