/**
 * The two model families, written with raw tfjs ops over a flat list of parameter tensors so
 * that weights and optimizer state are plain arrays we can checkpoint and restore bit-exactly.
 * Dense products go through `dense`/`matmul` (ops.ts), whose gradients avoid wasm's slow
 * transposed matMul.
 *   mlp: in → width → width → classes, ReLU.
 *   cnn: 28×28×1 → conv3×3(c) → ReLU → maxpool2 → conv3×3(2c) → ReLU → maxpool2 → dense(classes), c = width.
 */
import * as tf from '@tensorflow/tfjs';
import { mixSeed, mulberry32, normalSampler } from '@slab/datasets';
import { dense, matmul } from './ops';

export type ModelKind = 'mlp' | 'cnn';
export const MODEL_KINDS: readonly ModelKind[] = ['mlp', 'cnn'];

export interface ModelSpec {
  kind: ModelKind;
  width: number;
  /** Values per input sample (784). */
  inputDim: number;
  /** Square image side, required by the CNN. */
  imageSize?: number;
  classes: number;
}

export interface ParamShape {
  name: string;
  shape: number[];
  /** Inputs feeding each output unit (for He init); 0 for biases. */
  fanIn: number;
}

/** Multiply-accumulates of one layer for one sample's forward pass. */
interface LayerCost {
  name: string;
  macs: number;
  /** False for the first layer, whose input gradient backprop never needs. */
  needsInputGrad: boolean;
}

export function paramShapes(spec: ModelSpec): ParamShape[] {
  const { width: w, inputDim, classes } = spec;
  if (spec.kind === 'mlp') {
    return [
      { name: 'dense1/kernel', shape: [inputDim, w], fanIn: inputDim },
      { name: 'dense1/bias', shape: [w], fanIn: 0 },
      { name: 'dense2/kernel', shape: [w, w], fanIn: w },
      { name: 'dense2/bias', shape: [w], fanIn: 0 },
      { name: 'out/kernel', shape: [w, classes], fanIn: w },
      { name: 'out/bias', shape: [classes], fanIn: 0 },
    ];
  }
  const s = cnnSizes(spec);
  return [
    { name: 'conv1/kernel', shape: [3, 3, 1, s.c1], fanIn: 9 },
    { name: 'conv1/bias', shape: [s.c1], fanIn: 0 },
    { name: 'conv2/kernel', shape: [3, 3, s.c1, s.c2], fanIn: 9 * s.c1 },
    { name: 'conv2/bias', shape: [s.c2], fanIn: 0 },
    { name: 'out/kernel', shape: [s.flat, classes], fanIn: s.flat },
    { name: 'out/bias', shape: [classes], fanIn: 0 },
  ];
}

function cnnSizes(spec: ModelSpec): { side: number; c1: number; c2: number; flat: number } {
  const side = spec.imageSize;
  if (!side || side * side !== spec.inputDim || side % 4 !== 0) {
    throw new Error(`cnn: needs square images with a side divisible by 4, got inputDim ${spec.inputDim}`);
  }
  const c1 = spec.width;
  const c2 = 2 * spec.width;
  return { side, c1, c2, flat: (side / 4) * (side / 4) * c2 };
}

/** Exact parameter count N. */
export function countParams(spec: ModelSpec): number {
  return paramShapes(spec).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}

function layerCosts(spec: ModelSpec): LayerCost[] {
  const { width: w, inputDim, classes } = spec;
  if (spec.kind === 'mlp') {
    return [
      { name: 'dense1', macs: inputDim * w, needsInputGrad: false },
      { name: 'dense2', macs: w * w, needsInputGrad: true },
      { name: 'out', macs: w * classes, needsInputGrad: true },
    ];
  }
  const s = cnnSizes(spec);
  // 'same' padding: every output pixel does a full 3×3×cin dot product per output channel.
  return [
    { name: 'conv1', macs: s.side * s.side * 9 * 1 * s.c1, needsInputGrad: false },
    { name: 'conv2', macs: (s.side / 2) ** 2 * 9 * s.c1 * s.c2, needsInputGrad: true },
    { name: 'out', macs: s.flat * classes, needsInputGrad: true },
  ];
}

export interface FlopCount {
  /** Forward pass of one sample (2 FLOPs per multiply-accumulate). */
  forward: number;
  /** Forward + backward of one training sample. */
  train: number;
}

/**
 * FLOPs from layer shapes. Forward = 2·MACs; backward = 2·MACs for the weight gradient plus
 * 2·MACs for the input gradient (skipped for the first layer, as autodiff does). Biases,
 * activations and pooling are O(activations) and left out, as in the usual 6·N·D estimate.
 */
export function flopsPerSample(spec: ModelSpec): FlopCount {
  let forward = 0;
  let train = 0;
  for (const l of layerCosts(spec)) {
    forward += 2 * l.macs;
    train += 2 * l.macs + 2 * l.macs + (l.needsInputGrad ? 2 * l.macs : 0);
  }
  return { forward, train };
}

/** Seeded He-normal kernels (scaled down for the output layer), zero biases. */
export function initParams(spec: ModelSpec, seed: number): Float32Array[] {
  return paramShapes(spec).map((p, i) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size);
    if (p.fanIn === 0) return out;
    const gain = p.name.startsWith('out/') ? 1 : 2;
    const std = Math.sqrt(gain / p.fanIn);
    const gauss = normalSampler(mulberry32(mixSeed(seed, 0x1417, i)));
    for (let k = 0; k < size; k++) out[k] = gauss() * std;
    return out;
  });
}

/**
 * 3×3 'same' convolution. Backends without a Conv2DBackpropFilter kernel (wasm) get the same
 * maths as nine shifted matmuls, whose gradients every backend has.
 */
function conv3x3(x: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return tf.conv2d(x, k, 1, 'same');
  const [b, h, w, cin] = x.shape;
  const cout = k.shape[3];
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  let acc: tf.Tensor | undefined;
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      const patch = tf.slice(padded, [0, dy, dx, 0], [b, h, w, cin]).reshape([b * h * w, cin]) as tf.Tensor2D;
      const kk = tf.slice(k, [dy, dx, 0, 0], [1, 1, cin, cout]).reshape([cin, cout]) as tf.Tensor2D;
      const term = matmul(patch, kk);
      acc = acc ? tf.add(acc, term) : term;
    }
  }
  return (acc as tf.Tensor).reshape([b, h, w, cout]) as tf.Tensor4D;
}

/** Logits for a batch x of shape [b, inputDim]. */
export function forward(spec: ModelSpec, params: tf.Tensor[], x: tf.Tensor2D): tf.Tensor2D {
  if (spec.kind === 'mlp') {
    const [k1, b1, k2, b2, k3, b3] = params;
    const h1 = tf.relu(dense(x, k1 as tf.Tensor2D, b1 as tf.Tensor1D));
    const h2 = tf.relu(dense(h1, k2 as tf.Tensor2D, b2 as tf.Tensor1D));
    return dense(h2, k3 as tf.Tensor2D, b3 as tf.Tensor1D) as tf.Tensor2D;
  }
  const s = cnnSizes(spec);
  const [k1, b1, k2, b2, k3, b3] = params;
  const img = x.reshape([x.shape[0], s.side, s.side, 1]) as tf.Tensor4D;
  const c1 = tf.maxPool(tf.relu(tf.add(conv3x3(img, k1 as tf.Tensor4D), b1)) as tf.Tensor4D, 2, 2, 'valid');
  const c2 = tf.maxPool(tf.relu(tf.add(conv3x3(c1, k2 as tf.Tensor4D), b2)) as tf.Tensor4D, 2, 2, 'valid');
  const flat = c2.reshape([x.shape[0], s.flat]) as tf.Tensor2D;
  return dense(flat, k3 as tf.Tensor2D, b3 as tf.Tensor1D) as tf.Tensor2D;
}

/** The width whose parameter count is closest to `target` (for specs that sweep N instead of width). */
export function widthForParams(spec: Omit<ModelSpec, 'width'>, target: number): number {
  let best = 1;
  let bestErr = Infinity;
  for (let w = 1; w <= 8192; w++) {
    const err = Math.abs(countParams({ ...spec, width: w }) - target);
    if (err < bestErr) {
      best = w;
      bestErr = err;
    } else if (err > bestErr) break; // N grows monotonically with width
  }
  return best;
}
