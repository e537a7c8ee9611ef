import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrialProgress, TrialRequest, TrialResult } from '@slab/spec';
import { InvalidTrialError } from '@slab/worker-sdk';
import { createReplayPlugin, dropHighest, loadRunTable, matchRun, parseRunTable, type ReplayOptions } from '../src/index';

const FIXTURE = join(__dirname, 'fixtures/runs.csv');
const CHINCHILLA = fileURLToPath(new URL('../../../data/chinchilla/svg_extracted_data.csv', import.meta.url));

function request(config: TrialRequest['config'], options?: Record<string, unknown>, trialId = 's-t0000'): TrialRequest {
  return { sweepId: 's', trialId, task: { dataset: 'd', model: 'm', plugin: 'replay', options }, config, logEvery: 100, evalEvery: 250, checkpointEvery: 200 };
}

async function run(opts: ReplayOptions, req: TrialRequest, resume?: TrialProgress) {
  const points: { step: number; name: string; value: number }[] = [];
  const progress: TrialProgress[] = [];
  const result: TrialResult = await createReplayPlugin(opts).run({
    request: req,
    resume,
    emit: (step, name, value) => points.push({ step, name, value }),
    progress: (p) => progress.push(p),
    signal: new AbortController().signal,
    checkpointDir: '/nonexistent',
    log: () => {},
  });
  return { result, points, progress };
}

describe('run tables', () => {
  it('parses N, D, loss and curves; derives D = C/(6N) from compute', () => {
    const runs = loadRunTable(FIXTURE);
    expect(runs).toHaveLength(4);
    expect(runs[2].curve).toEqual([{ fraction: 0.1, loss: 4 }, { fraction: 0.5, loss: 3 }, { fraction: 1, loss: 2.6 }]);
    expect(parseRunTable('Model Size,Training FLOP,loss\n100,6000,2\n')).toEqual([{ N: 100, D: 10, loss: 2 }]);
  });
  it('names the row and column of bad cells and missing columns', () => {
    expect(() => parseRunTable('N,D,loss\n1,2,abc\n', 't.csv')).toThrow('t.csv row 2: loss: expected a positive number, got "abc"');
    expect(() => parseRunTable('N,loss\n1,2\n', 't.csv')).toThrow(/expected a data column/);
  });
  it('reads the real Chinchilla table (245 runs, 240 after dropping the 5 highest losses)', () => {
    const runs = loadRunTable(CHINCHILLA);
    expect(runs).toHaveLength(245);
    const kept = dropHighest(runs, 5);
    expect(kept).toHaveLength(240);
    expect(Math.max(...kept.map((r) => r.loss))).toBeLessThan(Math.max(...runs.map((r) => r.loss)));
    expect(Math.min(...runs.map((r) => r.N))).toBeCloseTo(5.7e7, -6);
  });
  it('matches exactly or by nearest log distance', () => {
    const runs = loadRunTable(FIXTURE);
    expect(matchRun(runs, 1000, 100000)).toMatchObject({ exact: true, distance: 0, run: { loss: 2.5 } });
    const near = matchRun(runs, 9000, 120000);
    expect(near.exact).toBe(false);
    expect(near.run).toMatchObject({ N: 10000, D: 100000 });
  });
});

describe('replay plugin', () => {
  it('answers an exact run with its loss, 6·N·D FLOPs and a synthesised decreasing curve', async () => {
    const { result, points, progress } = await run({ table: FIXTURE }, request({ params: 1000, data: 100000 }));
    expect(result).toMatchObject({ status: 'completed', params: 1000, data: 100000, flops: 6e8, backend: 'replay', steps: 1000, resumedFromStep: 0 });
    expect(result.final.eval_loss).toBeCloseTo(2.5, 12);
    const evals = points.filter((p) => p.name === 'eval_loss');
    expect(evals.map((p) => p.step)).toEqual([250, 500, 750, 1000]);
    for (let i = 1; i < evals.length; i++) expect(evals[i].value).toBeLessThan(evals[i - 1].value);
    expect(evals[0].value).toBeCloseTo(2.5 * 0.25 ** -0.08, 10);
    expect(points.filter((p) => p.name === 'train_loss')).toHaveLength(10);
    expect(progress.map((p) => p.step)).toEqual([200, 400, 600, 800, 1000]);
  });
  it('interpolates a measured curve', async () => {
    const { points } = await run({ table: FIXTURE }, request({ params: 10000, data: 10000 }));
    const at = (s: number) => points.find((p) => p.name === 'eval_loss' && p.step === s)!.value;
    expect(at(500)).toBeCloseTo(3.0, 10);
    expect(at(1000)).toBeCloseTo(2.6, 10);
    expect(at(250)).toBeGreaterThan(3.0);
  });
  it('resumes after the checkpointed step without re-emitting earlier points', async () => {
    const { result, points } = await run({ table: FIXTURE }, request({ params: 1000, data: 10000 }), { step: 600 });
    expect(result.resumedFromStep).toBe(600);
    expect(Math.min(...points.map((p) => p.step))).toBe(700);
  });
  it('adds seeded noise that is stable per trial and differs across trials', async () => {
    const opts = { table: FIXTURE, noise: 0.05, seed: 1 };
    const a = await run(opts, request({ params: 1000, data: 10000 }, undefined, 's-t0001'));
    const again = await run(opts, request({ params: 1000, data: 10000 }, undefined, 's-t0001'));
    const b = await run(opts, request({ params: 1000, data: 10000 }, undefined, 's-t0002'));
    expect(a.result.final.eval_loss).toBe(again.result.final.eval_loss);
    expect(a.result.final.eval_loss).not.toBe(b.result.final.eval_loss);
    expect(Math.abs(Math.log(a.result.final.eval_loss! / 3))).toBeLessThan(0.25);
  });
  it('the seed dimension re-draws the noise of the same run', async () => {
    const opts = { table: FIXTURE, noise: 0.05 };
    const seeded = (seed: number) => run(opts, request({ params: 1000, data: 10000, seed }, undefined, 's-t0001'));
    const [one, two, oneAgain] = [await seeded(1), await seeded(2), await seeded(1)];
    expect(one.result.final.eval_loss).not.toBe(two.result.final.eval_loss);
    expect(one.result.final.eval_loss).toBe(oneAgain.result.final.eval_loss);
    expect(two.result.final.seed).toBe(2);
  });
  it('replays the Chinchilla table from task.options, nearest match in log space', async () => {
    const runs = dropHighest(loadRunTable(CHINCHILLA), 5);
    const target = runs[17];
    const { result } = await run({}, request({ params: Math.round(target.N * 1.01), data: Math.round(target.D * 0.99) }, { table: CHINCHILLA, dropHighest: 5 }));
    expect(result.params).toBe(target.N);
    expect(result.final.eval_loss).toBeCloseTo(target.loss, 10);
    expect(result.flops).toBeCloseTo(6 * target.N * target.D, -10);
  });
  it('rejects invalid trials with the field named', async () => {
    await expect(run({ table: FIXTURE }, request({ width: 64, data: 1000 }))).rejects.toThrow(InvalidTrialError);
    await expect(run({ table: FIXTURE }, request({ width: 64, data: 1000 }))).rejects.toThrow(/^config\.params: expected a positive parameter count/);
    await expect(run({ table: FIXTURE, match: 'exact' }, request({ params: 1500, data: 10000 }))).rejects.toThrow(/^config: no run with params=1500/);
    await expect(run({}, request({ params: 1, data: 1 }))).rejects.toThrow(/^task\.options\.table: expected the path/);
  });
});
