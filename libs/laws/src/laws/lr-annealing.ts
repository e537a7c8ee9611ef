import type { LawDefinition } from '../types';
import { column, num } from './helpers';

/**
 * Tissue et al. 2024: L(s) = L0 + A S1^-alpha - C S2, where S1 is the cumulative LR ("forward area") and
 * S2 the annealing area. Variables are S1 and S2 per point; build them from any schedule with annealingAreas.
 */
export const lrAnnealing: LawDefinition = {
  name: 'lr-annealing',
  title: 'Loss curve under LR annealing',
  formula: 'L = L0 + A * S1^(-alpha) - C * S2',
  reference: 'Tissue et al. 2024, "Scaling Law with Learning Rate Annealing"',
  variables: ['S1', 'S2'],
  domains: { S1: 'positive', S2: 'nonnegative' },
  params: [
    { name: 'L0', description: 'loss floor', lower: 0, scale: 'linear' },
    { name: 'A', description: 'scale of the forward-area term', lower: 0, scale: 'linear' },
    { name: 'C', description: 'gain per unit annealing area', lower: 0, scale: 'linear' },
    { name: 'alpha', description: 'forward-area exponent', lower: 0, scale: 'linear' },
  ],
  defaultObjective: 'huber-log',
  // The example script's 2 x 3 x 3 x 3 grid.
  starts: { small: { L0: [0.1, 2.1], A: [1, 11.5, 22], C: [1, 11.5, 22], alpha: [0, 0.4, 0.8] } },
  defaultStarts: 'small',
  predict: (p, x) => p.L0 + p.A * Math.pow(x.S1, -p.alpha) - p.C * x.S2,
  format: (p) => `L = ${num(p.L0)} + ${num(p.A)}*S1^${num(-p.alpha)} - ${num(p.C)}*S2`,
  space: 'linear',
  features: (x) => [column(x, 'S1', true), column(x, 'S2')],
  evaluate(t, [lS1, S2], out, jac) {
    const [L0, A, C, alpha] = t;
    for (let i = 0; i < lS1.length; i++) {
      const pw = Math.exp(-alpha * lS1[i]);
      out[i] = L0 + A * pw - C * S2[i];
      if (jac) {
        const k = 4 * i;
        jac[k] = 1;
        jac[k + 1] = pw;
        jac[k + 2] = -S2[i];
        jac[k + 3] = -A * pw * lS1[i];
      }
    }
  },
};

export interface ScheduleOptions {
  totalSteps: number;
  maxLr: number;
  minLr?: number;
  /** Warmup steps; Tissue et al. count the LR as maxLr during warmup (their section 3.4). */
  warmupSteps?: number;
}

/** LR per integer step 0..totalSteps for 'cosine' or 'constant' schedules. */
export function lrSchedule(kind: 'cosine' | 'constant', o: ScheduleOptions): Float64Array {
  const minLr = o.minLr ?? 0;
  const warm = o.warmupSteps ?? 0;
  const lr = new Float64Array(o.totalSteps + 1);
  for (let s = 0; s <= o.totalSteps; s++) {
    if (kind === 'constant' || s < warm) lr[s] = o.maxLr;
    else lr[s] = minLr + 0.5 * (1 + Math.cos((Math.PI * (s - warm)) / (o.totalSteps - warm))) * (o.maxLr - minLr);
  }
  return lr;
}

/**
 * Cumulative forward area S1(s) = sum_{i<=s} lr_i and annealing area S2(s) = sum_{i<=s} m_i with
 * momentum m_i = lambda m_{i-1} + (lr_{i-1} - lr_i), for every step of an arbitrary LR sequence.
 */
export function annealingAreas(lr: ArrayLike<number>, lambda = 0.999): { S1: Float64Array; S2: Float64Array } {
  const S1 = new Float64Array(lr.length);
  const S2 = new Float64Array(lr.length);
  let s1 = 0;
  let s2 = 0;
  let m = 0;
  for (let i = 0; i < lr.length; i++) {
    if (i > 0) m = lambda * m + (lr[i - 1] - lr[i]);
    s1 += lr[i];
    s2 += m;
    S1[i] = s1;
    S2[i] = s2;
  }
  return { S1, S2 };
}
