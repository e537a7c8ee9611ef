// Status names a queue whose scheduled trials no worker has taken for a while.
import { describe, expect, it } from 'vitest';
import { notStartedTrials, WAITING_AFTER_MS, waitingForWorkers, type PendingActivityLike } from '../src';

const now = 1_800_000_000_000;
const at = (ms: number) => ({ seconds: { toNumber: () => Math.floor(ms / 1000) }, nanos: (ms % 1000) * 1e6 });
const scheduled = (ms: number, queue = 'gpu-a100'): PendingActivityLike => ({ state: 1, scheduledTime: at(ms), activityOptions: { taskQueue: { name: queue } } });

describe('waitingForWorkers', () => {
  it('names each queue with trials scheduled for WAITING_AFTER_MS or more', () => {
    const pending = [scheduled(now - WAITING_AFTER_MS - 1000), scheduled(now - 60_000), scheduled(now - 90_000, 'cpu')];
    expect(waitingForWorkers(pending, now)).toBe('waiting for a worker on queue gpu-a100 (2 trials); waiting for a worker on queue cpu (1 trial)');
  });

  it('is silent for started trials, freshly scheduled ones and retries still in back-off', () => {
    const started: PendingActivityLike = { ...scheduled(now - 600_000), state: 2 };
    expect(waitingForWorkers([started, scheduled(now - 2000), scheduled(now + 5000)], now)).toBeUndefined();
    expect(waitingForWorkers([], now)).toBeUndefined();
  });

  it('reads plain-number timestamps and pending activities without options', () => {
    expect(waitingForWorkers([{ state: 1, scheduledTime: { seconds: (now - 30_000) / 1000, nanos: 0 } }], now)).toBe('waiting for a worker (1 trial)');
  });

  it('counts every trial a worker has not started yet as not running, whatever its age, and only trials', () => {
    const started: PendingActivityLike = { ...scheduled(now - 600_000), state: 2, activityType: { name: 'runTrial' } };
    const queued: PendingActivityLike = { ...scheduled(now - 2000), activityType: { name: 'runTrial' } };
    const fit: PendingActivityLike = { ...scheduled(now - 2000), activityType: { name: 'fitLaws' } };
    expect(notStartedTrials([started, queued, fit, scheduled(now + 5000)])).toBe(2);
    expect(notStartedTrials([started])).toBe(0);
  });
});
