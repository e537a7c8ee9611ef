/**
 * The training loop of one trial: seeded data order, Adam, periodic train/eval metrics,
 * atomic checkpoints with exact resume, divergence and cancellation as results.
 */
import * as tf from '@tensorflow/tfjs';
import { seededSubset, type ClassificationDataset, type Split } from '@slab/datasets';
import type { TrialContext, TrialResult, TrialStatus } from '@slab/worker-sdk';
import { ADAM_DEFAULTS, adamUpdate, type AdamConfig } from './adam';
import { resumeCheckpoint, withMoments, writeCheckpoint, yieldToEventLoop } from './checkpoint';
import type { CuratedPool } from './curation';
import { flopsPerSample, forward, initParams, paramShapes, type ModelSpec } from './models';
import { SampleOrder, StreamOrder } from './order';
import { planFingerprint, type TrainingPlan } from './plan';

/** Every trial evaluates on the same test subset, so eval losses compare across trials. */
export const EVAL_SEED = 0x5eed;
const EVAL_CHUNK = 1000;

interface LoopState {
  /** Sum and sample count of train losses since the last `train_loss` point. */
  windowSum: number;
  windowCount: number;
  lastTrainLoss: number;
  evalsDone: number;
  lastEvalLoss: number;
  lastEvalAccuracy: number;
}

interface EvalSet {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  n: number;
}

function gather(split: Split, dim: number, indices: Uint32Array): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(indices.length * dim);
  const y = new Int32Array(indices.length);
  indices.forEach((idx, r) => {
    x.set(split.images.subarray(idx * dim, (idx + 1) * dim), r * dim);
    y[r] = split.labels[idx];
  });
  return { x, y };
}

function toTensors(g: { x: Float32Array; y: Int32Array }, dim: number, classes: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = tf.tensor2d(g.x, [g.y.length, dim]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(g.y, 'int32'), classes).toFloat() as tf.Tensor2D);
  return { x, y };
}

async function evaluate(model: ModelSpec, params: tf.Tensor[], ev: EvalSet): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < ev.n; from += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, ev.n - from);
    const [l, c] = tf.tidy(() => {
      const x = ev.x.slice([from, 0], [size, model.inputDim]);
      const y = ev.y.slice([from, 0], [size, model.classes]);
      const logits = forward(model, params, x);
      const ce = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32'));
      return [ce, hits];
    });
    lossSum += (await l.data())[0];
    correct += (await c.data())[0];
    tf.dispose([l, c]);
  }
  return { loss: lossSum / ev.n, accuracy: correct / ev.n };
}

/**
 * Trains one trial on an already selected backend. Never throws for divergence or abort.
 * With `curated` (the plan has curation), training cycles the kept rows instead of drawing its own pool.
 */
export async function trainTrial(
  ctx: TrialContext,
  plan: TrainingPlan,
  ds: ClassificationDataset,
  backend: string,
  curated?: CuratedPool,
): Promise<TrialResult> {
  const started = Date.now();
  const { model } = plan;
  const shapes = paramShapes(model);
  const fl = flopsPerSample(model);
  const adam: AdamConfig = { learningRate: plan.learningRate, ...ADAM_DEFAULTS };
  const order = curated?.stream
    ? new StreamOrder(curated.stream)
    : curated
      ? new SampleOrder(plan.seed, curated.pool)
      : new SampleOrder(plan.seed, ds.train.n, plan.poolSize);
  const samplesAt = (step: number): number => Math.min(step * plan.batchSize, plan.data);

  const ck = resumeCheckpoint(ctx.resume?.checkpointUri, { fingerprint: planFingerprint(plan), steps: plan.steps }, (m) => ctx.log(m));
  const startStep = ck?.step ?? 0;
  if (ck) ctx.log(`resuming ${ctx.request.trialId} from step ${startStep}`);
  const loop: LoopState = ck
    ? (ck.loop as unknown as LoopState)
    : { windowSum: 0, windowCount: 0, lastTrainLoss: NaN, evalsDone: 0, lastEvalLoss: NaN, lastEvalAccuracy: NaN };
  const n = shapes.length;
  const restored = ck?.tensors;
  const init = restored ? undefined : initParams(model, plan.seed);
  let params = shapes.map((s, i) => tf.tensor(restored ? restored[i].data : (init as Float32Array[])[i], s.shape));
  let m = shapes.map((s, i) => (restored ? tf.tensor(restored[n + i].data, s.shape) : tf.zeros(s.shape)));
  let v = shapes.map((s, i) => (restored ? tf.tensor(restored[2 * n + i].data, s.shape) : tf.zeros(s.shape)));
  let checkpointUri = ck ? ctx.resume?.checkpointUri : undefined;
  // Scoring is charged once, at step 0, by the attempt that starts the trial (kept separate from `flops`).
  if (curated && !ck) ctx.emit(0, 'scoring_flops', curated.chargedFlops);

  const evIdx = seededSubset(ds.test.n, plan.evalSize, EVAL_SEED);
  const evT = toTensors(gather(ds.test, ds.dim, evIdx), ds.dim, ds.classes);
  const evalSet: EvalSet = { ...evT, n: plan.evalSize };

  const saveCheckpoint = async (step: number): Promise<void> => {
    const ck = await withMoments({ step, fingerprint: planFingerprint(plan), loop: { ...loop } }, shapes.map((s) => s.name), params, m, v);
    checkpointUri = writeCheckpoint(ctx.checkpointDir, ck);
    ctx.progress({ step, checkpointUri });
  };

  const finish = (status: TrialStatus, steps: number, reason?: string): TrialResult => {
    tf.dispose([...params, ...m, ...v, evalSet.x, evalSet.y]);
    const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      trialId: ctx.request.trialId,
      status,
      params: plan.params,
      data: plan.data,
      flops: fl.train * samplesAt(steps),
      final: {
        train_loss: num(loop.lastTrainLoss),
        eval_loss: num(loop.lastEvalLoss),
        eval_accuracy: num(loop.lastEvalAccuracy),
        // Error = 1 − accuracy: the quantity Goyal et al.'s data-filtering law is fitted on.
        eval_error: num(1 - loop.lastEvalAccuracy),
        eval_flops: fl.forward * plan.evalSize * loop.evalsDone,
        ...curated?.final,
      },
      resumedFromStep: startStep,
      steps,
      backend,
      wallSeconds: (Date.now() - started) / 1000,
      ...(reason ? { reason } : {}),
    };
  };

  // samples_per_s counts training steps only (batching, forward, backward, update), not eval or I/O.
  let rateSamples = 0;
  let rateMs = 0;
  for (let step = startStep; step < plan.steps; step++) {
    if (ctx.signal.aborted) {
      if (checkpointUri === undefined || step > startStep) await saveCheckpoint(step);
      else ctx.progress({ step, checkpointUri });
      ctx.log(`${ctx.request.trialId}: stopped at step ${step}`);
      return finish('stopped', step, 'aborted by the worker (cancellation or shutdown)');
    }
    const stepStart = performance.now();
    const idx = order.batch(step, plan.batchSize, plan.data);
    const batch = toTensors(gather(ds.train, ds.dim, idx), ds.dim, ds.classes);
    const t = step + 1;
    const out = tf.tidy(() => {
      const lossFn = (...ps: tf.Tensor[]): tf.Scalar =>
        tf.losses.softmaxCrossEntropy(batch.y, forward(model, ps, batch.x)) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(lossFn)(params);
      const upd = adamUpdate(adam, t, params, grads, { m, v });
      return { loss: value, params: upd.params, m: upd.state.m, v: upd.state.v };
    });
    tf.dispose([...params, ...m, ...v, batch.x, batch.y]);
    ({ params, m, v } = out);
    const loss = (await out.loss.data())[0];
    out.loss.dispose();
    if (!Number.isFinite(loss)) {
      loop.lastTrainLoss = loss;
      ctx.log(`${ctx.request.trialId}: train loss ${loss} at step ${t}; diverged`);
      return finish('diverged', t, `train_loss became ${loss} at step ${t} (learning rate ${plan.learningRate})`);
    }
    rateMs += performance.now() - stepStart;
    loop.windowSum += loss * idx.length;
    loop.windowCount += idx.length;
    rateSamples += idx.length;
    const last = t === plan.steps;

    if (t % plan.logEvery === 0 || last) {
      loop.lastTrainLoss = loop.windowSum / loop.windowCount;
      ctx.emit(t, 'train_loss', loop.lastTrainLoss);
      ctx.emit(t, 'samples_per_s', (rateSamples * 1000) / Math.max(rateMs, 1e-3));
      rateSamples = 0;
      rateMs = 0;
      loop.windowSum = 0;
      loop.windowCount = 0;
      ctx.progress({ step: t, checkpointUri });
    }
    if (t % plan.evalEvery === 0 || last) {
      const ev = await evaluate(model, params, evalSet);
      loop.evalsDone++;
      loop.lastEvalLoss = ev.loss;
      loop.lastEvalAccuracy = ev.accuracy;
      if (!Number.isFinite(ev.loss)) {
        return finish('diverged', t, `eval_loss became ${ev.loss} at step ${t} (learning rate ${plan.learningRate})`);
      }
      ctx.emit(t, 'eval_loss', ev.loss);
      ctx.emit(t, 'eval_accuracy', ev.accuracy);
    }
    if (t % plan.checkpointEvery === 0 || last) await saveCheckpoint(t);
    await yieldToEventLoop();
  }
  return finish('completed', plan.steps);
}
