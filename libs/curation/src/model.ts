import { ensureBackend, tf } from './backend';
import { Rng } from './rng';
import type { CurationData } from './types';

/** Settings of the small scoring model (softmax regression when hidden = 0, else a 1-hidden-layer ReLU MLP). */
export interface ProxyConfig {
  /** Hidden width; 0 = softmax regression. @default 64 */
  hidden: number;
  /** SGD learning rate. @default 0.05 */
  lr: number;
  /** Heavy-ball momentum. @default 0.9 */
  momentum: number;
  /** @default 64 */
  batchSize: number;
  /** L2 weight decay added to the gradient. @default 0 */
  weightDecay: number;
}

export const DEFAULT_PROXY: ProxyConfig = { hidden: 64, lr: 0.05, momentum: 0.9, batchSize: 64, weightDecay: 0 };

/** Per-example outputs of a forward pass. */
export interface ForwardOut {
  /** n × classes softmax probabilities. */
  probs: Float32Array;
  /** n × hidden penultimate activations (the input itself for softmax regression). */
  penultimate: Float32Array;
  penultimateDim: number;
}

/**
 * The scoring proxy, trained with a hand-written backward pass (so each batch's pre-update predictions
 * are available for forgetting bookkeeping and per-example gradient norms are exact and cheap).
 * Everything is seeded by the constructor's seed and the caller's Rng; tfjs is used for the matmuls.
 */
export class ProxyModel {
  readonly cfg: ProxyConfig;
  private readonly layers: { w: tf.Variable; b: tf.Variable; vw: tf.Variable; vb: tf.Variable }[] = [];

  constructor(
    readonly dim: number,
    readonly classes: number,
    cfg: Partial<ProxyConfig>,
    seed: number,
  ) {
    ensureBackend();
    this.cfg = { ...DEFAULT_PROXY, ...cfg };
    const rng = new Rng(seed);
    const sizes = this.cfg.hidden > 0 ? [dim, this.cfg.hidden, classes] : [dim, classes];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      const std = Math.sqrt((l + 2 < sizes.length ? 2 : 1) / fanIn); // He for ReLU layers, LeCun for the head
      const w = new Float32Array(fanIn * fanOut);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
      this.layers.push({
        w: tf.variable(tf.tensor2d(w, [fanIn, fanOut])),
        b: tf.variable(tf.zeros([fanOut])),
        vw: tf.variable(tf.zeros([fanIn, fanOut])),
        vb: tf.variable(tf.zeros([fanOut])),
      });
    }
  }

  /** FLOPs of one forward pass per example (multiply-adds × 2). */
  forwardFlopsPerExample(): number {
    const h = this.cfg.hidden;
    return h > 0 ? 2 * (this.dim * h + h * this.classes) : 2 * this.dim * this.classes;
  }

  /** One training step costs ≈ 3 forward passes (forward + backward through activations and weights). */
  trainFlopsPerExample(): number {
    return 3 * this.forwardFlopsPerExample();
  }

  /**
   * One epoch of minibatch SGD in an order drawn from `rng`. `onBatch` receives the batch indices and
   * whether each example was classified correctly *before* the update (Toneva's bookkeeping).
   * Optional `weights` (indexed by example, length n) scale each example's loss (InfoBatch rescaling).
   * `order` replaces the shuffled permutation, e.g. to train on a subset of indices. Returns the FLOPs spent.
   */
  trainEpoch(
    data: CurationData,
    rng: Rng,
    opts: { onBatch?: (idx: Uint32Array, correct: Uint8Array) => void; order?: Uint32Array; weights?: Float32Array } = {},
  ): number {
    const order = opts.order ?? rng.permutation(data.n);
    const bs = this.cfg.batchSize;
    for (let s = 0; s < order.length; s += bs) {
      const idx = order.subarray(s, Math.min(order.length, s + bs));
      const xb = new Float32Array(idx.length * data.dim);
      const yb = new Int32Array(idx.length);
      const wb = new Float32Array(idx.length);
      for (let r = 0; r < idx.length; r++) {
        xb.set(data.x.subarray(idx[r] * data.dim, (idx[r] + 1) * data.dim), r * data.dim);
        yb[r] = data.y[idx[r]];
        wb[r] = opts.weights ? opts.weights[idx[r]] : 1;
      }
      const correct = this.step(xb, yb, wb, idx.length);
      opts.onBatch?.(idx, correct);
    }
    return order.length * this.trainFlopsPerExample();
  }

  private step(xb: Float32Array, yb: Int32Array, wb: Float32Array, m: number): Uint8Array {
    const { lr, momentum, weightDecay } = this.cfg;
    const correct = tf.tidy(() => {
      const x = tf.tensor2d(xb, [m, this.dim]);
      const y = tf.oneHot(tf.tensor1d(yb, 'int32'), this.classes).toFloat();
      const acts: tf.Tensor2D[] = [x];
      const pre: tf.Tensor2D[] = [];
      let a: tf.Tensor2D = x;
      this.layers.forEach((L, l) => {
        const z = a.matMul(L.w as tf.Tensor2D).add(L.b) as tf.Tensor2D;
        pre.push(z);
        a = l + 1 < this.layers.length ? tf.relu(z) : z;
        if (l + 1 < this.layers.length) acts.push(a);
      });
      const probs = tf.softmax(a);
      const ok = probs.argMax(1).equal(tf.tensor1d(yb, 'int32'));
      // d(mean weighted CE)/d logits
      let g = probs.sub(y).mul(tf.tensor2d(wb, [m, 1])).div(m) as tf.Tensor2D;
      for (let l = this.layers.length - 1; l >= 0; l--) {
        const L = this.layers[l];
        const gw = acts[l].transpose().matMul(g).add(L.w.mul(weightDecay));
        const gb = g.sum(0);
        if (l > 0) g = g.matMul(L.w.transpose() as tf.Tensor2D).mul(pre[l - 1].greater(0).toFloat()) as tf.Tensor2D;
        L.vw.assign(L.vw.mul(momentum).add(gw));
        L.vb.assign(L.vb.mul(momentum).add(gb));
        L.w.assign(L.w.sub(L.vw.mul(lr)));
        L.b.assign(L.b.sub(L.vb.mul(lr)));
      }
      return ok;
    });
    const out = new Uint8Array(correct.dataSync());
    correct.dispose();
    return out;
  }

  /**
   * Forward pass over all rows (chunked). With `gradNorms`, also the exact per-example gradient norm of
   * the unweighted cross-entropy w.r.t. all parameters ('full') or the head only ('last-layer'):
   * head: ‖p−y‖²·(1+‖h‖²); hidden layer: ‖δ‖²·(1+‖x‖²) with δ = (W₂ᵀ(p−y)) ⊙ 1[z>0].
   */
  forward(data: CurationData, gradNorms?: 'full' | 'last-layer'): ForwardOut & { gradNorm?: Float64Array } {
    const n = data.n;
    const H = this.cfg.hidden > 0 ? this.cfg.hidden : this.dim;
    const probs = new Float32Array(n * this.classes);
    const pen = new Float32Array(n * H);
    const gn = gradNorms ? new Float64Array(n) : undefined;
    const chunk = 4096;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const res = tf.tidy(() => {
        const x = tf.tensor2d(data.x.subarray(s * this.dim, (s + m) * this.dim), [m, this.dim]);
        let h: tf.Tensor2D = x;
        let z1: tf.Tensor2D | null = null;
        if (this.layers.length === 2) {
          z1 = x.matMul(this.layers[0].w as tf.Tensor2D).add(this.layers[0].b) as tf.Tensor2D;
          h = tf.relu(z1);
        }
        const head = this.layers[this.layers.length - 1];
        const p = tf.softmax(h.matMul(head.w as tf.Tensor2D).add(head.b) as tf.Tensor2D);
        let g: tf.Tensor | null = null;
        if (gradNorms) {
          const y = tf.oneHot(tf.tensor1d(data.y.subarray(s, s + m), 'int32'), this.classes).toFloat();
          const e = p.sub(y) as tf.Tensor2D;
          let sq = e.square().sum(1).mul(h.square().sum(1).add(1));
          if (gradNorms === 'full' && z1) {
            const d = e.matMul(head.w.transpose() as tf.Tensor2D).mul(z1.greater(0).toFloat());
            sq = sq.add(d.square().sum(1).mul(x.square().sum(1).add(1)));
          }
          g = sq.sqrt();
        }
        return g ? { p, h, g } : { p, h };
      }) as { p: tf.Tensor; h: tf.Tensor; g?: tf.Tensor };
      const { p, h, g } = res;
      probs.set(p.dataSync() as Float32Array, s * this.classes);
      pen.set(h.dataSync() as Float32Array, s * H);
      if (g && gn) gn.set(g.dataSync() as Float32Array, s);
      p.dispose();
      h.dispose();
      g?.dispose();
    }
    return { probs, penultimate: pen, penultimateDim: H, gradNorm: gn };
  }

  /** Current weights and biases, layer by layer (read-only use: tests and embedding export). */
  parameters(): { w: tf.Variable; b: tf.Variable }[] {
    return this.layers.map(({ w, b }) => ({ w, b }));
  }

  dispose(): void {
    for (const L of this.layers) [L.w, L.b, L.vw, L.vb].forEach((t) => t.dispose());
  }
}

/** Fraction of rows whose argmax prediction equals the label. */
export function accuracy(probs: Float32Array, y: Uint8Array, classes: number): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (argmaxRow(probs, i, classes) === y[i]) ok++;
  return ok / y.length;
}

export function argmaxRow(probs: Float32Array, i: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
  return best;
}
