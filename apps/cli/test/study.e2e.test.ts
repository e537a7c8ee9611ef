// A study on real parts (Temporal dev server, gateway + SQLite, a tfjs trainer worker, real SOTU text):
// three tiny GPT proxies under constant, linear and WSD schedules stream their LR and eval-loss curves;
// `slab status` fits Tissue et al.'s LR-annealing law on two and predicts the held-out WSD curve.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program';
import { sweepStudy } from '../src/commands/study';
import { useStack, waitForPhase } from './helpers';

const env = useStack([{ queue: 'cpu', plugins: ['tfjs'] }]);

/** d16, 1 block, context 32, batch 4: 128 tokens per step, 96 steps. */
const SPEC = `name: study-e2e
task:
  dataset: sotu
  model: gpt
  plugin: tfjs
  options: { context: 32, batchSize: 4, evalSize: 8 }
dimensions:
  width: { values: [16] }
  depth: { values: [1] }
  heads: { values: [2] }
  data: { values: [12288] }
  learningRate: { values: [0.01] }
  schedule: { values: [constant, linear, wsd] }
  warmup: { values: [0] }
budget: { trials: 3 }
parallelism: 2
resourceClass: cpu
planner: { kind: grid, seed: 0 }
law: { name: power-law, variables: { x: params }, bootstrap: 0 }
study: { kind: lr-annealing, holdout: [wsd] }
trial: { logEvery: 4, evalEvery: 8, checkpointEvery: 48, timeoutSeconds: 300, maxAttempts: 2 }
`;

describe('a study sweep on the real stack', () => {
  it('lr-annealing: the held-out WSD curve is predicted from the stored LR and eval-loss curves, and slab status prints it', async () => {
    const { id } = await env.client.createSweep(SPEC);
    const status = await waitForPhase(env.client, id, 240_000);
    expect(status.trials.completed).toBe(3);

    const trials = await env.client.trials(id);
    const { sweep } = await env.client.getSweep(id);
    const study = await sweepStudy(env.client, id, sweep.specYaml, trials);
    if (study?.kind !== 'lr-annealing') throw new Error(`expected an lr-annealing study, got ${JSON.stringify(study)}`);
    expect(study.byWidth).toHaveLength(1);
    const [p] = study.byWidth[0].result.predictions;
    expect(p.schedule).toBe('wsd');
    expect(p.fittedOn).toEqual(['constant', 'linear']);
    // Eval every 8 of 96 steps, the first 10% skipped: steps 16..96.
    expect(p.points.map((q) => q.step)).toEqual([16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96]);
    // S2 grows only in WSD's cooldown (the last 20% of the steps): the areas come from the logged LR.
    expect(p.points.filter((q) => q.step <= 72).every((q) => q.S2 === 0)).toBe(true);
    expect(p.points[p.points.length - 1].S2).toBeGreaterThan(0);
    expect(p.points[p.points.length - 1].S1).toBeLessThan(96 * 0.01);
    expect(Number.isFinite(p.meanRelError)).toBe(true);

    // The orchestrator stored the answer with the last batch's fit; it is the one computed here.
    const stored = await env.client.study(id);
    expect(stored).toMatchObject({ kind: 'lr-annealing', trials: 3, batch: expect.any(Number) });
    expect(Date.parse(stored.computedAt!)).not.toBeNaN();
    if (stored.result?.kind !== 'lr-annealing') throw new Error(`expected a stored lr-annealing answer, got ${JSON.stringify(stored)}`);
    const [q] = stored.result.byWidth[0].result.predictions;
    expect(q.points.map((x) => x.step)).toEqual(p.points.map((x) => x.step));
    expect(q.meanRelError).toBeCloseTo(p.meanRelError, 9);

    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    const token = process.env.SLAB_TOKEN;
    process.env.SLAB_TOKEN = env.stack.token;
    try {
      await buildProgram().parseAsync(['node', 'slab', 'status', id, '--gateway', env.stack.gatewayUrl]);
    } finally {
      console.log = log;
      if (token === undefined) delete process.env.SLAB_TOKEN;
      else process.env.SLAB_TOKEN = token;
    }
    const text = printed.join('\n');
    expect(text).toMatch(/study lr-annealing \(Tissue et al\. 2024\) on eval_loss, λ = 0\.999/);
    expect(text).toMatch(/held out wsd \(fitted on constant, linear\): mean error \d+\.\d\d% over 11 points/);
    expect(text).toMatch(/computed after batch \d+ at \S+ from 3 finished trials/);
  }, 300_000);
});
