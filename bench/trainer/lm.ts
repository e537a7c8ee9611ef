/**
 * Language-model proxy throughput: tokens/s and tokens per CPU-second of one GPT training step
 * (forward, backward, AdamW with clipping — the trainer's step) for GPT sizes d32/1 layer …
 * d256/4 layers at batch 16 × context 128 on real SOTU bytes, for every tfjs backend that loads,
 * against the same model in PyTorch on the CPU with one thread (bench/trainer/torch_ref.py, in a
 * venv made by torch-venv.sh); MLP samples/s likewise; and the largest GPT each backend trains at
 * batch 16 (each size probed in a child process, so an out-of-memory abort ends only the probe).
 * Measurements are interleaved (every backend once per size, then the next repeat), medians shown.
 *
 *   npx tsx bench/trainer/lm.ts [--repeats 3] [--seconds 2] [--backends tensorflow,wasm,cpu,torch]
 *                               [--no-largest] [--largest-cap 120] [--largest-max-width 512] [--cpu-gpt-max 64]
 *                               [--json out.json]
 *
 * The cpu backend (plain-JS kernels) runs GPTs up to width --cpu-gpt-max only and skips the ladder.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { WindowSampler, loadTextCorpus, mulberry32, splitByDocument } from '@slab/datasets';
import {
  ADAMW_DEFAULTS,
  adamwUpdate,
  forward,
  gptForward,
  gptInitParams,
  gptLoss,
  gptParamCount,
  gptParamShapes,
  initParams,
  paramShapes,
  selectBackend,
  windowsToBatch,
  type GptSpec,
  type ModelSpec,
} from '@slab/worker-tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
    backends: { type: 'string', default: 'tensorflow,wasm,cpu,torch' },
    'no-largest': { type: 'boolean', default: false },
    'largest-cap': { type: 'string', default: '120' },
    'cpu-gpt-max': { type: 'string', default: '64' },
    // d768/12L takes ≈13 GB on tensorflow: above this width only on a machine of one's own.
    'largest-max-width': { type: 'string', default: '512' },
    json: { type: 'string' },
    probe: { type: 'string' }, // internal: "backend:width:depth:heads" → one line of JSON
  },
});
const CONTEXT = 128;
const GPT_BATCH = 16;
const MLP_BATCH = 128;
const seconds = Number(args.seconds);

type Backend = 'tensorflow' | 'wasm' | 'cpu' | 'torch';
interface GptSize {
  width: number;
  depth: number;
  heads: number;
}
const TABLE: GptSize[] = [
  { width: 32, depth: 1, heads: 2 },
  { width: 64, depth: 2, heads: 4 },
  { width: 128, depth: 3, heads: 4 },
  { width: 256, depth: 4, heads: 8 },
];
const LADDER: GptSize[] = [
  { width: 256, depth: 4, heads: 8 },
  { width: 384, depth: 6, heads: 6 },
  { width: 512, depth: 8, heads: 8 },
  { width: 768, depth: 12, heads: 12 },
  { width: 1024, depth: 16, heads: 16 },
  { width: 1536, depth: 24, heads: 16 },
];
const MLP_WIDTHS = [32, 128, 512];

const gptSpec = (s: GptSize): GptSpec => ({
  ...s, mlpRatio: 4, context: CONTEXT, vocab: 256, tieEmbeddings: true, qkNorm: false, parametrisation: 'standard', baseWidth: s.width,
});
const sizeLabel = (s: GptSize): string => `d${s.width}/${s.depth}L`;

interface Rate {
  rate: number;
  cpuRate: number;
  steps: number;
  stepSeconds: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Times `step` for about `seconds` (at least 3 steps), or exactly `fixedSteps`, after warm-up:
 * two steps (the first compiles kernels and grows memory), the second sizing the run.
 */
async function timeSteps(step: () => Promise<void>, items: number, fixedSteps?: number): Promise<Rate> {
  if (!fixedSteps) await step();
  const w = performance.now();
  await step();
  const warm = (performance.now() - w) / 1000;
  // At least 3 steps, or 1 when a single step already takes longer than the target time.
  const steps = fixedSteps ?? Math.max(warm > seconds ? 1 : 3, Math.min(2000, Math.round(seconds / Math.max(warm, 1e-4))));
  const c0 = cpuSeconds();
  const w0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const wall = (performance.now() - w0) / 1000;
  const cpu = cpuSeconds() - c0;
  return { rate: (steps * items) / wall, cpuRate: (steps * items) / Math.max(cpu, 1e-9), steps, stepSeconds: wall / steps };
}

let sampler: WindowSampler | undefined;
async function textSampler(): Promise<WindowSampler> {
  if (!sampler) {
    const { train } = splitByDocument(await loadTextCorpus('sotu'), { validFraction: 0.1, seed: 1 });
    sampler = new WindowSampler(train, { context: CONTEXT, seed: 1 });
  }
  return sampler;
}

/** The GPT trainer's step (no instability statistics), on the active tfjs backend. */
async function tfjsGpt(size: GptSize, fixedSteps?: number): Promise<Rate> {
  const spec = gptSpec(size);
  const shapes = gptParamShapes(spec);
  const rules = shapes.map((p) => ({ lrScale: p.lrScale, decay: p.decay }));
  let params = gptInitParams(spec, 1).map((v, i) => tf.tensor(v, shapes[i].shape));
  let m = params.map((p) => tf.zerosLike(p));
  let v = params.map((p) => tf.zerosLike(p));
  const s = await textSampler();
  let t = 0;
  const step = async (): Promise<void> => {
    t++;
    const batch = windowsToBatch(s.next(GPT_BATCH), GPT_BATCH, CONTEXT);
    const out = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => gptLoss(gptForward(spec, ps, batch.x).logits, batch.y, 0).total)(params);
      const upd = adamwUpdate(ADAMW_DEFAULTS, rules, t, 3e-4, params, grads, { m, v });
      return { loss: value, ...upd };
    });
    tf.dispose([...params, ...m, ...v, batch.x, batch.y, out.gradNorm]);
    ({ params, m, v } = out);
    const loss = (await out.loss.data())[0];
    out.loss.dispose();
    if (!Number.isFinite(loss)) throw new Error(`loss ${loss} at step ${t}`);
  };
  try {
    return await timeSteps(step, GPT_BATCH * CONTEXT, fixedSteps);
  } finally {
    tf.dispose([...params, ...m, ...v]);
  }
}

/** The MLP trainer's step (784 → w → w → 10, softmax cross-entropy, Adam) on random images. */
async function tfjsMlp(width: number): Promise<Rate> {
  const spec: ModelSpec = { kind: 'mlp', width, inputDim: 784, imageSize: 28, classes: 10 };
  const r = mulberry32(3);
  const x = tf.tensor2d(Float32Array.from({ length: MLP_BATCH * 784 }, () => r()), [MLP_BATCH, 784]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: MLP_BATCH }, () => Math.floor(r() * 10)), 'int32'), 10);
  let params = paramShapes(spec).map((s, i) => tf.tensor(initParams(spec, 1)[i], s.shape));
  let m = params.map((p) => tf.zerosLike(p));
  let v = params.map((p) => tf.zerosLike(p));
  const rules = params.map(() => ({ lrScale: 1, decay: false }));
  const cfg = { ...ADAMW_DEFAULTS, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, gradClip: 0 };
  let t = 0;
  const step = async (): Promise<void> => {
    t++;
    const out = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => tf.losses.softmaxCrossEntropy(y, forward(spec, ps, x)) as tf.Scalar)(params);
      return { loss: value, ...adamwUpdate(cfg, rules, t, 1e-3, params, grads, { m, v }) };
    });
    tf.dispose([...params, ...m, ...v, out.gradNorm]);
    ({ params, m, v } = out);
    await out.loss.data();
    out.loss.dispose();
  };
  try {
    return await timeSteps(step, MLP_BATCH);
  } finally {
    tf.dispose([...params, ...m, ...v, x, y]);
  }
}

let torchPython: string | undefined;
function torch(argv: string[], timeoutS = 600): Rate {
  torchPython ??= spawnSync('bash', [join(here, 'torch-venv.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim();
  const r = spawnSync(torchPython, [join(here, 'torch_ref.py'), ...argv], { encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL' });
  if (r.status !== 0) {
    const why = r.error?.message ?? (r.signal ? `signal ${r.signal}` : (r.stderr ?? '').trim().split('\n').at(-1));
    throw new Error(`torch_ref.py ${argv.join(' ')}: ${why}`);
  }
  const o = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rate: number; cpu_rate: number; steps: number; wall_s: number };
  return { rate: o.rate, cpuRate: o.cpu_rate, steps: o.steps, stepSeconds: o.wall_s / o.steps };
}

const torchGpt = (s: GptSize, fixedSteps?: number, timeoutS?: number): Rate =>
  torch(['--model', 'gpt', '--width', `${s.width}`, '--depth', `${s.depth}`, '--heads', `${s.heads}`, '--context', `${CONTEXT}`,
    '--batch', `${GPT_BATCH}`, '--seconds', `${seconds}`, ...(fixedSteps ? ['--max-steps', `${fixedSteps}`] : [])], timeoutS);
const torchMlp = (width: number): Rate => torch(['--model', 'mlp', '--width', `${width}`, '--batch', `${MLP_BATCH}`, '--seconds', `${seconds}`]);

async function measure(b: Backend, what: { gpt?: GptSize; mlp?: number }): Promise<Rate> {
  if (b === 'torch') return what.gpt ? torchGpt(what.gpt) : torchMlp(what.mlp!);
  await selectBackend(b, () => undefined);
  return what.gpt ? tfjsGpt(what.gpt) : tfjsMlp(what.mlp!);
}

/** One size on one backend in this process: warm-up + 1 timed step. Prints a JSON line. */
async function probe(spec: string): Promise<void> {
  const [b, w, d, h] = spec.split(':');
  const size = { width: Number(w), depth: Number(d), heads: Number(h) };
  if (b !== 'torch') await selectBackend(b as Exclude<Backend, 'torch'>, () => undefined);
  console.log(JSON.stringify(b === 'torch' ? torchGpt(size, 1) : await tfjsGpt(size, 1)));
}

/** Largest ladder size whose probe finishes (warm-up + one step) within `capS` seconds. */
function largest(b: Backend, capS: number): { size?: GptSize; stepSeconds?: number; stoppedBy: string } {
  let best: { size?: GptSize; stepSeconds?: number } = {};
  for (const size of LADDER.filter((s) => s.width <= Number(args['largest-max-width']))) {
    if (b === 'torch') {
      // Python is its own process already; its timeout kills it.
      try {
        best = { size, stepSeconds: torchGpt(size, 1, capS).stepSeconds };
        continue;
      } catch (e) {
        const msg = (e as Error).message;
        return { ...best, stoppedBy: (/ETIMEDOUT|SIGKILL/.test(msg) ? `${sizeLabel(size)} took over ${capS} s` : `${sizeLabel(size)} failed: ${msg}`).slice(0, 160) };
      }
    }
    // Node itself (tsx as a loader), not npx: a timeout must kill the process that holds the memory.
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--probe', `${b}:${size.width}:${size.depth}:${size.heads}`], {
      encoding: 'utf8', timeout: capS * 1000, killSignal: 'SIGKILL', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    });
    const line = r.stdout?.trim().split('\n').at(-1) ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      const why = r.error?.message.includes('ETIMEDOUT') || r.signal === 'SIGKILL' ? `${sizeLabel(size)} took over ${capS} s` :
        `${sizeLabel(size)} failed: ${(r.stderr || '').trim().split('\n').filter((l) => /error|abort|memory/i.test(l)).at(-1) ?? `exit ${r.status}`}`;
      return { ...best, stoppedBy: why.slice(0, 160) };
    }
    best = { size, stepSeconds: (JSON.parse(line) as Rate).stepSeconds };
  }
  return { ...best, stoppedBy: `ladder ends at width ${args['largest-max-width']}` };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number): string => (x >= 100 ? Math.round(x).toString() : x >= 10 ? x.toFixed(1) : x.toPrecision(2));

async function main(): Promise<void> {
  if (args.probe) return probe(args.probe);
  const wanted = args.backends.split(',') as Backend[];
  const backends: Backend[] = [];
  for (const b of wanted) {
    if (b === 'torch') {
      backends.push(b);
      continue;
    }
    try {
      await selectBackend(b as Exclude<Backend, 'torch'>, () => undefined);
      backends.push(b);
    } catch (e) {
      console.error(`skipping ${b}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  console.error(`backends: ${backends.join(', ')}; ${cpus().length} CPUs, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const cases: { label: string; gpt?: GptSize; mlp?: number }[] = [
    ...TABLE.map((g) => ({ label: `gpt ${sizeLabel(g)}`, gpt: g })),
    ...MLP_WIDTHS.map((w) => ({ label: `mlp w${w}`, mlp: w })),
  ];
  const results: Record<string, Record<string, Rate[]>> = {};
  for (let r = 0; r < Number(args.repeats); r++) {
    for (const c of cases) {
      // Rotate the backend order per repeat: A,B,C then B,C,A …
      const order = backends.map((_, i) => backends[(i + r) % backends.length]);
      for (const b of order) {
        if (b === 'cpu' && c.gpt && c.gpt.width > Number(args['cpu-gpt-max'])) continue; // plain-JS kernels: minutes per step
        const row = (results[c.label] ??= {});
        try {
          (row[b] ??= []).push(await measure(b, c));
        } catch (e) {
          console.error(`${c.label} on ${b}: ${(e as Error).message}`);
        }
        const last = row[b]?.at(-1);
        if (last) console.error(`${c.label} ${b}: ${fmt(last.rate)}/s, ${fmt(last.cpuRate)}/CPU-s (${last.steps} steps)`);
      }
    }
  }
  const lines: string[] = [];
  const unit = (label: string): string => (label.startsWith('gpt') ? 'tokens' : 'samples');
  lines.push(`| model | N | ${backends.map((b) => `${b} /s | ${b} /CPU-s`).join(' | ')} |`);
  lines.push(`| --- | ---: | ${backends.map(() => '---: | ---:').join(' | ')} |`);
  for (const c of cases) {
    const n = c.gpt ? gptParamCount(gptSpec(c.gpt)).total : 784 * c.mlp! + c.mlp! + c.mlp! * c.mlp! + c.mlp! + 10 * c.mlp! + 10;
    const cells = backends.map((b) => {
      const rs = results[c.label]?.[b];
      return rs?.length ? `${fmt(median(rs.map((x) => x.rate)))} | ${fmt(median(rs.map((x) => x.cpuRate)))}` : '— | —';
    });
    lines.push(`| ${c.label} (${unit(c.label)}) | ${n.toLocaleString('en-US')} | ${cells.join(' | ')} |`);
  }
  const ratios: string[] = [];
  if (backends.includes('torch')) {
    for (const b of backends.filter((x) => x !== 'torch')) {
      const per = cases.map((c) => {
        const mine = results[c.label]?.[b];
        const ref = results[c.label]?.torch;
        return mine?.length && ref?.length ? median(mine.map((x) => x.cpuRate)) / median(ref.map((x) => x.cpuRate)) : NaN;
      });
      ratios.push(`| ${b} | ${per.map((x) => (Number.isNaN(x) ? '—' : `${Math.round(100 * x)}%`)).join(' | ')} |`);
    }
  }
  const ratioHeader = `| backend / PyTorch per CPU-second | ${cases.map((c) => c.label).join(' | ')} |\n| --- | ${cases.map(() => '---:').join(' | ')} |`;
  const large: Record<string, ReturnType<typeof largest>> = {};
  if (!args['no-largest']) {
    for (const b of backends.filter((x) => x !== 'cpu')) {
      large[b] = largest(b, Number(args['largest-cap']));
      console.error(`largest on ${b}: ${large[b].size ? sizeLabel(large[b].size!) : 'none'} (${large[b].stoppedBy})`);
    }
  }
  const largeLines = Object.entries(large).map(([b, l]) => {
    const n = l.size ? gptParamCount(gptSpec(l.size)).total : 0;
    return `| ${b} | ${l.size ? `${sizeLabel(l.size)} (${(n / 1e6).toFixed(1)}M params)` : 'none'} | ${l.stepSeconds ? l.stepSeconds.toFixed(1) : '—'} | ${l.stoppedBy} |`;
  });
  const out = [
    `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ` +
      `GPT batch ${GPT_BATCH} × context ${CONTEXT}, MLP batch ${MLP_BATCH}; medians of ${args.repeats} interleaved repeats of ≈${seconds} s`,
    '',
    ...lines,
    '',
    ...(ratios.length ? [ratioHeader, ...ratios, ''] : []),
    ...(largeLines.length ? ['| backend | largest GPT trained at batch 16 | s/step | stopped by |', '| --- | --- | ---: | --- |', ...largeLines] : []),
  ].join('\n');
  console.log(out);
  if (args.json) writeFileSync(args.json, JSON.stringify({ backends, results, large }, null, 2));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
