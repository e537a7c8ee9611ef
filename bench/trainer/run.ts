/**
 * Trainer throughput: samples/s of the real training loop (plugin code path: batching, Adam,
 * metric emission, checkpoint at the end) for every tfjs backend that loads here, on MLPs of
 * width 32/128/512 and the CNN. Repeats are interleaved across backends so machine load drifts
 * hit all of them alike; the table reports medians.
 *
 *   npx tsx bench/trainer/run.ts [--repeats 3] [--seconds 2] [--cnn-width 8] [--json out.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrialRequest } from '@slab/spec';
import { loadDataset, planTrial, selectBackend, trainTrial, type BackendPreference } from '@slab/worker-tfjs';

const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
    'cnn-width': { type: 'string', default: '8' },
    json: { type: 'string' },
  },
});
const repeats = Number(args.repeats);
const targetSeconds = Number(args.seconds);
const BATCH = 128;

interface Case {
  label: string;
  model: 'mlp' | 'cnn';
  width: number;
}
const cases: Case[] = [
  { label: 'mlp w32', model: 'mlp', width: 32 },
  { label: 'mlp w128', model: 'mlp', width: 128 },
  { label: 'mlp w512', model: 'mlp', width: 512 },
  { label: `cnn w${args['cnn-width']}`, model: 'cnn', width: Number(args['cnn-width']) },
];

function request(c: Case, steps: number): TrialRequest {
  return {
    sweepId: 'bench',
    trialId: `bench-${c.model}-${c.width}`,
    task: { dataset: 'fashion-mnist', model: c.model, plugin: 'tfjs', options: { batchSize: BATCH, evalSize: 100 } },
    config: { width: c.width, data: steps * BATCH, seed: 1 },
    logEvery: steps,
    evalEvery: steps,
    checkpointEvery: steps,
  };
}

/** Runs `steps` training steps; returns samples/s over the training steps only (from the emitted metric). */
async function measure(c: Case, steps: number, backend: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'slab-bench-'));
  const req = request(c, steps);
  const plan = planTrial(req);
  let rate = NaN;
  const ctrl = new AbortController();
  try {
    await trainTrial(
      {
        request: req,
        emit: (_s, name, v) => {
          if (name === 'samples_per_s') rate = v;
        },
        progress: () => undefined,
        signal: ctrl.signal,
        checkpointDir: dir,
        log: () => undefined,
      },
      plan,
      loadDataset(plan),
      backend,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rate;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const available: string[] = [];
  const notes: string[] = [];
  for (const b of ['tensorflow', 'wasm', 'cpu'] as BackendPreference[]) {
    try {
      const c = await selectBackend(b, () => undefined);
      available.push(c.backend);
    } catch (e) {
      notes.push(`${b}: ${(e as Error).message}`);
    }
  }
  console.error(`backends: ${available.join(', ')}${notes.length ? `\nskipped: ${notes.join('\n  ')}` : ''}`);

  // Calibrate steps per (backend, case) so each repeat lasts about `targetSeconds`; also warms up.
  const steps = new Map<string, number>();
  const results = new Map<string, number[]>();
  for (const b of available) {
    await selectBackend(b as BackendPreference, () => undefined);
    for (const c of cases) {
      const rate = await measure(c, 2, b);
      const n = Math.max(3, Math.min(60, Math.round((rate * targetSeconds) / BATCH)));
      steps.set(`${b}|${c.label}`, n);
      console.error(`calibrated ${b} ${c.label}: ~${rate.toFixed(0)} samples/s -> ${n} steps`);
    }
  }
  for (let r = 0; r < repeats; r++) {
    for (const b of available) {
      await selectBackend(b as BackendPreference, () => undefined);
      for (const c of cases) {
        const key = `${b}|${c.label}`;
        const rate = await measure(c, steps.get(key) ?? 3, b);
        results.set(key, [...(results.get(key) ?? []), rate]);
        console.error(`repeat ${r + 1} ${b} ${c.label}: ${rate.toFixed(0)} samples/s`);
      }
    }
  }

  const header = `| model | ${available.map((b) => `${b} (samples/s)`).join(' | ')} |`;
  const rule = `| --- | ${available.map(() => '---:').join(' | ')} |`;
  const rows = cases.map((c) => {
    const cells = available.map((b) => {
      const xs = results.get(`${b}|${c.label}`) ?? [];
      return `${median(xs).toFixed(0)} (${xs.map((x) => x.toFixed(0)).join('/')})`;
    });
    return `| ${c.label} | ${cells.join(' | ')} |`;
  });
  console.log(
    [`batch ${BATCH}, medians of ${repeats} repeats (individual runs in brackets), ${cpus().length} cores, ${cpus()[0]?.model ?? ''}`, '', header, rule, ...rows].join('\n'),
  );
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ batch: BATCH, repeats, available, notes, results: Object.fromEntries(results) }, null, 2));
  }
}

await main();
