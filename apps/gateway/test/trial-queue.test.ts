// The per-trial write order the gateway relies on with an asynchronous store.
import { describe, expect, it } from 'vitest';
import { TrialQueue } from '../src/trial-queue';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TrialQueue', () => {
  it('runs one trial\'s tasks in arrival order even when an earlier one is slower, other trials alongside', async () => {
    const q = new TrialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await later(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([q.run('a', task('a1', 30)), q.run('a', task('a2', 1)), q.run('b', task('b1', 1))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    // a2 starts only after a1 ended; b1 did not wait for a1.
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
    expect(q.size).toBe(0);
  });

  it('a failed task rejects its own promise only; the next one of the trial still runs', async () => {
    const q = new TrialQueue();
    const failed = q.run('a', async () => {
      throw new Error('store down');
    });
    const next = q.run('a', async () => 'stored');
    await expect(failed).rejects.toThrow('store down');
    await expect(next).resolves.toBe('stored');
  });
});
