// The Python helper (sdk/python) and the plugin agree: a standard-library trainer run by the plugin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrialProgress, TrialResult } from '@slab/spec';
import { InvalidTrialError } from '@slab/worker-sdk';
import { createProcessPlugin } from '../src/index';

const SDK = resolve(__dirname, '../../../sdk/python');
const TRAINER = join(__dirname, 'fixtures/py-trainer.py');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(mode: string, abortAfterMs?: number) {
  const checkpointDir = mkdtempSync(join(tmpdir(), 'slab-py-'));
  dirs.push(checkpointDir);
  const points: number[] = [];
  const progress: TrialProgress[] = [];
  const logs: string[] = [];
  const abort = new AbortController();
  if (abortAfterMs !== undefined) setTimeout(() => abort.abort(), abortAfterMs);
  let result: TrialResult | undefined;
  let error: Error | undefined;
  try {
    result = await createProcessPlugin().run({
      request: {
        sweepId: 's',
        trialId: 's-t0001',
        task: { dataset: 'fashion-mnist', model: 'mlp', plugin: 'process', options: { command: ['python3', TRAINER], env: { PYTHONPATH: SDK }, graceSeconds: 10, mode } },
        config: { width: 8, data: 1000 },
        logEvery: 1,
        evalEvery: 5,
        checkpointEvery: 5,
      },
      emit: (step) => points.push(step),
      progress: (p) => progress.push(p),
      signal: abort.signal,
      checkpointDir,
      log: (m) => logs.push(m),
      attempt: 1,
    });
  } catch (err) {
    error = err as Error;
  }
  return { result, error, points, progress, logs, checkpointDir };
}

describe('a Python trainer using slab_trainer', () => {
  it('completes: points, checkpoints, counted params, 6·N·D FLOPs when none are reported', async () => {
    const r = await run('ok');
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ status: 'completed', params: 123, data: 1000, flops: 6 * 123 * 1000, final: { eval_loss: 0.05 }, steps: 20 });
    expect(r.points).toHaveLength(20);
    expect(r.progress.map((p) => p.step)).toEqual([5, 10, 15, 20]);
    expect(r.progress[0].checkpointUri).toBe(join(r.checkpointDir, 'ckpt'));
  });

  it('trial.diverged ends the trial as diverged', async () => {
    const r = await run('diverge');
    expect(r.result).toMatchObject({ status: 'diverged', steps: 5, reason: 'the loss diverged at step 5', final: { train_loss: null } });
  });

  it('trial.invalid_config fails the trial without retry, with its reason', async () => {
    const r = await run('invalid');
    expect(r.error).toBeInstanceOf(InvalidTrialError);
    expect(r.error?.message).toBe("invalid config: the trainer rejected the trial's settings (exit code 78): learningRate must be positive");
  });

  it('cancellation: Python exits on SIGTERM inside the grace period', async () => {
    const r = await run('slow', 1500);
    expect(r.error?.message).toMatch(/cancelled/);
    expect(r.logs).toContain('cancelled: the trainer exited on SIGTERM within the 10 s grace period');
    expect(r.points.length).toBeLessThan(20);
  });
});
