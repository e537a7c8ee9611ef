/**
 * Dense gradients with and without the explicit transpose (workers/trainer-tfjs/src/ops.ts):
 * A = tfjs's own matMul gradient (transpose flags), B = transpose first, then a plain matMul.
 * Measured through the real training loops (the MLP on Fashion-MNIST, samples/s; a tiny GPT
 * d64 / 2 layers / context 128 / batch 16 on SOTU, tokens/s), rounds interleaved A, B, A, B, ...
 * on each backend that loads; the table gives medians and the runs, and rates per CPU-second.
 *
 *   npx tsx bench/trainer/dense-grad.ts [--rounds 3] [--backends wasm,tensorflow] [--json out.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrialRequest } from '@slab/spec';
import type { TrialContext } from '@slab/worker-sdk';
import {
  loadDataset,
  loadGptData,
  planGptTrial,
  planTrial,
  selectBackend,
  trainGptTrial,
  trainTrial,
  useExplicitTransposeGrad,
  type BackendPreference,
} from '@slab/worker-tfjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'wasm,tensorflow' },
    'mlp-steps': { type: 'string', default: '60' },
    'gpt-steps': { type: 'string', default: '12' },
    json: { type: 'string' },
  },
});
const rounds = Number(args.rounds);

interface Case {
  label: string;
  unit: 'samples/s' | 'tokens/s';
  metric: 'samples_per_s' | 'tokens_per_s';
  request: TrialRequest;
}

function req(task: TrialRequest['task'], config: TrialRequest['config'], steps: number): TrialRequest {
  return { sweepId: 'bench', trialId: `bench-${task.model}`, task, config, logEvery: steps, evalEvery: steps, checkpointEvery: steps };
}

const mlpSteps = Number(args['mlp-steps']);
const gptSteps = Number(args['gpt-steps']);
const cases: Case[] = [
  {
    label: 'mlp w128, batch 128',
    unit: 'samples/s',
    metric: 'samples_per_s',
    request: req({ dataset: 'fashion-mnist', model: 'mlp', plugin: 'tfjs', options: { batchSize: 128, evalSize: 100 } }, { width: 128, data: 128 * mlpSteps, seed: 1 }, mlpSteps),
  },
  {
    label: 'gpt d64/2 layers, T 128, batch 16',
    unit: 'tokens/s',
    metric: 'tokens_per_s',
    request: req(
      { dataset: 'sotu', model: 'gpt', plugin: 'tfjs', options: { context: 128, batchSize: 16, evalSize: 4 } },
      { width: 64, depth: 2, heads: 4, data: 16 * 128 * gptSteps, seed: 1 },
      gptSteps,
    ),
  },
];

/** One run through the real loop; returns the emitted rate (training steps only) and CPU seconds. */
async function measure(c: Case, backend: string): Promise<{ rate: number; perCpuSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'slab-bench-'));
  let rate = NaN;
  const ctx: TrialContext = {
    request: c.request,
    checkpointDir: dir,
    signal: new AbortController().signal,
    emit: (_step, name, value) => {
      if (name === c.metric) rate = value;
    },
    progress: () => undefined,
    log: () => undefined,
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    if (c.request.task.model === 'gpt') {
      const plan = planGptTrial(c.request);
      await trainGptTrial(ctx, plan, await loadGptData(plan), backend);
    } else {
      const plan = planTrial(c.request);
      await trainTrial(ctx, plan, loadDataset(plan), backend);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // Rate per CPU-second: the emitted rate scaled by the run's wall/CPU ratio.
  return { rate, perCpuSecond: (rate * wall) / Math.max(cpuSeconds, 1e-6) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows: Record<string, unknown>[] = [];
for (const pref of args.backends.split(',') as BackendPreference[]) {
  let label: string;
  try {
    label = (await selectBackend(pref, () => undefined)).label;
  } catch (e) {
    console.log(`${pref}: skipped (${(e as Error).message.split('\n')[0]})`);
    continue;
  }
  for (const c of cases) {
    useExplicitTransposeGrad(true);
    await measure(c, label); // warm-up: kernels compiled, corpus loaded
    const runs: Record<'A' | 'B', { rate: number; perCpuSecond: number }[]> = { A: [], B: [] };
    for (let r = 0; r < rounds; r++) {
      for (const arm of ['A', 'B'] as const) {
        useExplicitTransposeGrad(arm === 'B');
        runs[arm].push(await measure(c, label));
      }
    }
    useExplicitTransposeGrad('auto');
    const a = median(runs.A.map((x) => x.rate));
    const b = median(runs.B.map((x) => x.rate));
    const row = {
      backend: label,
      model: c.label,
      unit: c.unit,
      A_autodiff: a,
      B_explicit_transpose: b,
      speedup: b / a,
      A_per_cpu_s: median(runs.A.map((x) => x.perCpuSecond)),
      B_per_cpu_s: median(runs.B.map((x) => x.perCpuSecond)),
      A_runs: runs.A.map((x) => Math.round(x.rate)),
      B_runs: runs.B.map((x) => Math.round(x.rate)),
    };
    rows.push(row);
    console.log(
      `| ${label} | ${c.label} | ${Math.round(a)} (${row.A_runs.join('/')}) | ${Math.round(b)} (${row.B_runs.join('/')}) | ${(b / a).toFixed(2)}× | ` +
        `${Math.round(row.A_per_cpu_s)} / ${Math.round(row.B_per_cpu_s)} | ${c.unit}`,
    );
  }
}
if (args.json) writeFileSync(args.json, JSON.stringify(rows, null, 2));
