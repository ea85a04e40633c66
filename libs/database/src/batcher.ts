/**
 * Serves many concurrent callers with few round trips: calls that arrive while `maxInFlight`
 * batches are running wait and go together in the next one. With one caller there is no added
 * wait (its batch starts at once); under a burst, one statement serves dozens of screening jobs.
 *
 * `run` answers each input in the same position; a rejected batch rejects every call in it, and
 * the caller decides what to do (the screening service retries that item on its own).
 */
export class Batcher<I, O> {
  private readonly waiting: Array<{ input: I; resolve: (output: O) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly options: { maxBatch: number; maxInFlight: number },
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      let outputs: Promise<O[]>;
      try {
        outputs = this.run(batch.map((call) => call.input));
      } catch (error) {
        outputs = Promise.reject(error);
      }
      outputs
        .then(
          (results) => {
            if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} was answered with ${results.length} results`);
            batch.forEach((call, i) => call.resolve(results[i]));
          },
          (error: unknown) => batch.forEach((call) => call.reject(error)),
        )
        .catch((error: unknown) => batch.forEach((call) => call.reject(error)))
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
