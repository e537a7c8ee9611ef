/**
 * Per-trial ordering of asynchronous store writes. A trainer streams a trial's frames in seq order
 * and the store's contiguous mark (the Ack) assumes they are stored in that order; with an
 * asynchronous store two frames of one trial must not be in flight at once. Frames of different
 * trials still run concurrently. Shared by all connections: an old and a new attempt of a trial
 * on two sockets are ordered too.
 */
export class TrialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued before it for `trialId`; resolves or rejects as `task` does. */
  run<T>(trialId: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(trialId) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(trialId, tail);
    // Forget an idle trial, so the map holds only trials with writes in flight.
    void tail.then(() => {
      if (this.tails.get(trialId) === tail) this.tails.delete(trialId);
    });
    return result;
  }

  /** Trials with writes in flight (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
