/**
 * The training loop of one GPT trial: byte windows from the corpus's training split (or a pool of
 * U unique tokens of it), AdamW with clipping and an LR schedule, periodic train/eval metrics with
 * Wortsman et al.'s instability signals, atomic checkpoints with exact resume, and NaN/inf loss as
 * the result `diverged`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  WindowSampler,
  evalWindows,
  joinDocuments,
  loadTextCorpus,
  mixSeed,
  splitByDocument,
  uniqueTokenPool,
} from '@slab/datasets';
import { InvalidTrialError, type TrialContext, type TrialResult, type TrialStatus } from '@slab/worker-sdk';
import { resumeCheckpoint, withMoments, writeCheckpoint, yieldToEventLoop } from '../checkpoint';
import { adamwUpdate } from './adamw';
import { gptForward, gptInitParams, gptLoss, gptParamShapes, gptTop1Accuracy, windowsToBatch, type GptStats } from './model';
import { gptPlanFingerprint, type GptPlan, type TextCorpusId } from './plan';
import { learningRateAt } from './schedule';

/** Every trial splits documents and picks eval windows with these seeds, so eval losses compare. */
export const TEXT_SPLIT_SEED = 0x7e47;
export const TEXT_EVAL_SEED = 0x5eed;
/** Windows per eval forward pass. */
const EVAL_CHUNK = 16;

/** The token streams a trial needs: training split, validation split, whole OOD corpora. */
export interface GptData {
  train: Uint8Array;
  valid: Uint8Array;
  ood: Partial<Record<TextCorpusId, Uint8Array>>;
}

const splits = new Map<string, Promise<{ train: Uint8Array; valid: Uint8Array }>>();
const whole = new Map<string, Promise<Uint8Array>>();

/** Loads (once per process) the plan's corpus split and OOD corpora from @slab/datasets. */
export async function loadGptData(plan: GptPlan): Promise<GptData> {
  const key = `${plan.corpus}:${plan.validFraction}`;
  let split = splits.get(key);
  if (!split) {
    split = loadTextCorpus(plan.corpus).then((c) => splitByDocument(c, { validFraction: plan.validFraction, seed: TEXT_SPLIT_SEED }));
    splits.set(key, split);
    split.catch(() => splits.delete(key));
  }
  const ood: GptData['ood'] = {};
  for (const name of plan.evalSets) {
    let p = whole.get(name);
    if (!p) {
      p = loadTextCorpus(name).then((c) => joinDocuments(c.documents));
      whole.set(name, p);
      p.catch(() => whole.delete(name));
    }
    ood[name] = await p;
  }
  const { train, valid } = await split;
  return { train, valid, ood };
}

interface LoopState {
  windowSum: number;
  windowCount: number;
  lastTrainLoss: number;
  evalsDone: number;
  lastEvalLoss: number;
  /** Windows the sampler has handed out: its whole state (it resumes at this count). */
  windowsDrawn: number;
  [oodLoss: `eval_loss_${string}`]: number;
  /** Last eval top-1 accuracy (eval_acc) and per OOD set (eval_acc_<set>); absent in older checkpoints. */
  [evalAcc: `eval_acc${string}`]: number;
}

interface EvalSet {
  metric: string;
  windows: Int32Array;
  count: number;
}

/** Mean cross-entropy (nats/token) and next-token top-1 accuracy of the model over a fixed window set. */
async function evaluate(plan: GptPlan, params: tf.Tensor[], ev: EvalSet): Promise<{ loss: number; acc: number }> {
  const t = plan.model.context;
  let sum = 0;
  let hits = 0;
  for (let from = 0; from < ev.count; from += EVAL_CHUNK) {
    const n = Math.min(EVAL_CHUNK, ev.count - from);
    const rows = ev.windows.subarray(from * (t + 1), (from + n) * (t + 1));
    const [loss, acc] = tf.tidy(() => {
      const { x, y } = windowsToBatch(rows, n, t);
      const logits = gptForward(plan.model, params, x).logits;
      return [gptLoss(logits, y, 0).ce, gptTop1Accuracy(logits, y)];
    });
    sum += (await loss.data())[0] * n;
    hits += (await acc.data())[0] * n;
    tf.dispose([loss, acc]);
  }
  return { loss: sum / ev.count, acc: hits / ev.count };
}

function readStats(stats: GptStats): Record<string, number> {
  const out: Record<string, number> = {};
  let overall = -Infinity;
  stats.attnLogitMax.forEach((s, i) => {
    const v = s.dataSync()[0];
    out[`attn_logit_max_l${i}`] = v;
    overall = Math.max(overall, v);
  });
  out.attn_logit_max = overall;
  out.attn_entropy_min = stats.attnEntropyMin.dataSync()[0];
  out.output_logit_mean = stats.outputLogitMean.dataSync()[0];
  out.output_logit_max = stats.outputLogitMax.dataSync()[0];
  return out;
}

function disposeStats(stats: GptStats | undefined): void {
  if (stats) tf.dispose([...stats.attnLogitMax, stats.attnEntropyMin, stats.outputLogitMean, stats.outputLogitMax]);
}

/**
 * Trains one GPT trial on an already selected backend. Never throws for divergence or abort;
 * throws InvalidTrialError when `uniqueData` exceeds the training split.
 */
export async function trainGptTrial(ctx: TrialContext, plan: GptPlan, data: GptData, backend: string): Promise<TrialResult> {
  const started = Date.now();
  const { model } = plan;
  const t = model.context;
  const shapes = gptParamShapes(model);
  const rules = shapes.map((s) => ({ lrScale: s.lrScale, decay: s.decay }));
  const tokensPerStep = plan.batchSize * t;
  if (plan.uniqueData !== undefined && plan.uniqueData > data.train.length) {
    throw new InvalidTrialError(`config.uniqueData: expected at most ${data.train.length} (the ${plan.corpus} training split's tokens), got ${plan.uniqueData}`);
  }
  const pool = plan.uniqueData !== undefined ? uniqueTokenPool(data.train, { uniqueTokens: plan.uniqueData, seed: plan.seed }) : data.train;
  if (pool.length < t + 1) throw new InvalidTrialError(`config.uniqueData: expected at least context + 1 = ${t + 1} tokens, got ${pool.length}`);

  const ck = resumeCheckpoint(ctx.resume?.checkpointUri, { fingerprint: gptPlanFingerprint(plan), steps: plan.steps }, (m) => ctx.log(m));
  const startStep = ck?.step ?? 0;
  if (ck) ctx.log(`resuming ${ctx.request.trialId} from step ${startStep}`);
  const loop: LoopState = ck
    ? (ck.loop as unknown as LoopState)
    : { windowSum: 0, windowCount: 0, lastTrainLoss: NaN, evalsDone: 0, lastEvalLoss: NaN, windowsDrawn: 0 };
  const sampler = new WindowSampler(pool, { context: t, seed: mixSeed(plan.seed, 0x7a1), start: loop.windowsDrawn });
  const n = shapes.length;
  const restored = ck?.tensors;
  const init = restored ? undefined : gptInitParams(model, plan.seed);
  let params = shapes.map((s, i) => tf.tensor(restored ? restored[i].data : (init as Float32Array[])[i], s.shape));
  let m = shapes.map((s, i) => (restored ? tf.tensor(restored[n + i].data, s.shape) : tf.zeros(s.shape)));
  let v = shapes.map((s, i) => (restored ? tf.tensor(restored[2 * n + i].data, s.shape) : tf.zeros(s.shape)));
  let checkpointUri = ck ? ctx.resume?.checkpointUri : undefined;

  const evalSets: EvalSet[] = [{ metric: 'eval_loss', tokens: data.valid }, ...plan.evalSets.map((s) => ({ metric: `eval_loss_${s}`, tokens: data.ood[s] }))].map(
    ({ metric, tokens }) => {
      if (!tokens) throw new Error(`${metric}: corpus not loaded`);
      return { metric, windows: evalWindows(tokens, { context: t, count: plan.evalSize, seed: TEXT_EVAL_SEED }), count: plan.evalSize };
    },
  );

  const saveCheckpoint = async (step: number): Promise<void> => {
    const ck = await withMoments({ step, fingerprint: gptPlanFingerprint(plan), loop: { ...loop } }, shapes.map((s) => s.name), params, m, v);
    checkpointUri = writeCheckpoint(ctx.checkpointDir, ck);
    ctx.progress({ step, checkpointUri });
  };

  const finish = (status: TrialStatus, steps: number, reason?: string): TrialResult => {
    tf.dispose([...params, ...m, ...v]);
    const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
    const tokens = steps * tokensPerStep;
    const ood = Object.fromEntries(plan.evalSets.flatMap((s) => [`eval_loss_${s}`, `eval_acc_${s}`].map((k) => [k, num(loop[k as `eval_acc_${string}`] ?? NaN)])));
    return {
      trialId: ctx.request.trialId,
      status,
      params: plan.params,
      data: plan.data,
      flops: plan.flopsPerToken.train * tokens,
      final: {
        train_loss: num(loop.lastTrainLoss),
        eval_loss: num(loop.lastEvalLoss),
        eval_acc: num(loop.eval_acc ?? NaN),
        ...ood,
        params_non_embedding: plan.paramsNonEmbedding,
        tokens_seen: tokens,
        // U, the unique training tokens (a law variable for repeated data: final.unique_tokens).
        unique_tokens: pool.length,
        epochs: tokens / pool.length,
        flops_6nd: plan.flopsPerToken.sixN * tokens,
        eval_flops: plan.flopsPerToken.forward * t * plan.evalSize * evalSets.length * loop.evalsDone,
      },
      resumedFromStep: startStep,
      steps,
      backend,
      wallSeconds: (Date.now() - started) / 1000,
      ...(reason ? { reason } : {}),
    };
  };

  const diverged = (what: string, value: number, step: number, lr: number): TrialResult => {
    ctx.log(`${ctx.request.trialId}: ${what} ${value} at step ${step}; diverged`);
    return finish('diverged', step, `${what} became ${value} at step ${step} (learning rate ${lr.toPrecision(3)})`);
  };

  // tokens_per_s counts training steps only (batching, forward, backward, update), not eval or I/O.
  let rateTokens = 0;
  let rateMs = 0;
  for (let step = startStep; step < plan.steps; step++) {
    if (ctx.signal.aborted) {
      if (checkpointUri === undefined || step > startStep) await saveCheckpoint(step);
      else ctx.progress({ step, checkpointUri });
      ctx.log(`${ctx.request.trialId}: stopped at step ${step}`);
      return finish('stopped', step, 'aborted by the worker (cancellation or shutdown)');
    }
    const stepStart = performance.now();
    const s = step + 1;
    const last = s === plan.steps;
    const logging = s % plan.logEvery === 0 || last;
    const lr = learningRateAt(plan.schedule, s);
    const batch = windowsToBatch(sampler.next(plan.batchSize), plan.batchSize, t);
    loop.windowsDrawn = sampler.windowsDrawn;
    let stats: GptStats | undefined;
    let ce: tf.Scalar | undefined;
    const out = tf.tidy(() => {
      const lossFn = (...ps: tf.Tensor[]): tf.Scalar => {
        const o = gptForward(model, ps, batch.x, { stats: logging });
        if (o.stats) {
          stats = o.stats;
          tf.keep(stats.attnEntropyMin);
          tf.keep(stats.outputLogitMean);
          tf.keep(stats.outputLogitMax);
          stats.attnLogitMax.forEach((x) => tf.keep(x));
        }
        const l = gptLoss(o.logits, batch.y, plan.zLoss);
        ce = tf.keep(l.ce);
        return l.total;
      };
      const { value, grads } = tf.valueAndGrads(lossFn)(params);
      const upd = adamwUpdate(plan.optimizer, rules, s, lr, params, grads, { m, v });
      return { total: value, params: upd.params, m: upd.m, v: upd.v, gradNorm: upd.gradNorm };
    });
    tf.dispose([...params, ...m, ...v, batch.x, batch.y]);
    ({ params, m, v } = out);
    const loss = (await (ce as tf.Scalar).data())[0];
    const total = (await out.total.data())[0];
    const gradNorm = logging ? (await out.gradNorm.data())[0] : NaN;
    tf.dispose([ce as tf.Scalar, out.total, out.gradNorm]);
    const signals = logging && stats ? readStats(stats) : undefined;
    disposeStats(stats);
    if (!Number.isFinite(loss) || !Number.isFinite(total)) {
      loop.lastTrainLoss = loss;
      return diverged('train_loss', Number.isFinite(loss) ? total : loss, s, lr);
    }
    rateMs += performance.now() - stepStart;
    rateTokens += tokensPerStep;
    loop.windowSum += loss;
    loop.windowCount += 1;

    if (logging) {
      loop.lastTrainLoss = loop.windowSum / loop.windowCount;
      ctx.emit(s, 'train_loss', loop.lastTrainLoss);
      ctx.emit(s, 'lr', lr);
      ctx.emit(s, 'grad_norm', gradNorm);
      ctx.emit(s, 'tokens_per_s', (rateTokens * 1000) / Math.max(rateMs, 1e-3));
      for (const [k, x] of Object.entries(signals ?? {})) ctx.emit(s, k, x);
      rateTokens = 0;
      rateMs = 0;
      loop.windowSum = 0;
      loop.windowCount = 0;
      ctx.progress({ step: s, checkpointUri });
    }
    if (s % plan.evalEvery === 0 || last) {
      loop.evalsDone++;
      for (const ev of evalSets) {
        const { loss: value, acc } = await evaluate(plan, params, ev);
        const accMetric = ev.metric.replace('eval_loss', 'eval_acc') as `eval_acc${string}`;
        if (ev.metric === 'eval_loss') loop.lastEvalLoss = value;
        else loop[ev.metric as `eval_loss_${string}`] = value;
        loop[accMetric] = acc;
        if (!Number.isFinite(value)) return diverged(ev.metric, value, s, lr);
        ctx.emit(s, ev.metric, value);
        ctx.emit(s, accMetric, acc);
      }
    }
    if (s % plan.checkpointEvery === 0 || last) await saveCheckpoint(s);
    await yieldToEventLoop();
  }
  return finish('completed', plan.steps);
}
