// Local trainer workers under `slab up`/`slab run` are supervised: a worker killed mid-trial is
// reported and restarted within seconds, its trial shows as retrying, and the retry resumes from the
// trial's checkpoint. Real parts: Temporal dev server, gateway + SQLite, a tfjs worker process.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trialStatus } from '../src/format';
import { restartDelayMs } from '../src/stack';
import { readStore, tinySpec, useStack, waitFor, waitForPhase } from './helpers';

const env = useStack([{ queue: 'cpu', plugins: ['tfjs'] }]);

describe('worker supervision', () => {
  it('backs off 1, 2, 4 ... 30 s between restarts', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('a worker killed mid-trial is restarted within seconds; the trial is retried from its checkpoint', async () => {
    const data = 24_000;
    const spec = tinySpec({ name: 'supervised', widths: [64], data: [data], trial: '{ logEvery: 10, evalEvery: 500, checkpointEvery: 50, timeoutSeconds: 600, heartbeatSeconds: 10, maxAttempts: 3 }' });
    const { id } = await env.client.createSweep(spec);
    const trialId = `${id}-t0000`;
    const store = readStore(join(env.dir, 'slab.sqlite'));
    try {
      await waitFor('the trial to pass step 150', () => (store.maxStep(trialId) >= 150 ? true : undefined), 120_000, 200);
      const worker = env.stack.workers[0];
      const killed = worker.pid!;
      process.kill(killed, 'SIGKILL');
      // Restarted by the stack alone (first back-off 1 s), not by the test.
      await waitFor('the worker to be restarted', () => (worker.restarts === 1 && worker.pid !== killed ? true : undefined), 15_000, 100);
      // The retry opens the trial as attempt 2: shown as retrying while it runs.
      const retried = await waitFor('the retry to open the trial', async () => (await env.client.trials(id)).find((t) => (t.attempt ?? 1) > 1), 60_000, 200);
      expect(trialStatus({ ...retried, status: 'running' })).toBe(`retrying (attempt ${retried.attempt})`);
      const status = await waitForPhase(env.client, id, 300_000);
      expect(status.phase).toBe('completed');
      expect(status.trials.completed, JSON.stringify([killed, worker.pid, status, await env.client.trials(id), store.events(trialId)])).toBe(1);
      const done = store.events(trialId).find((e) => e.status === 'completed');
      expect(Number(done?.info.resumedFromStep)).toBeGreaterThanOrEqual(50);
    } finally {
      store.close();
    }
  }, 480_000);
});
