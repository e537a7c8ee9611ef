/** Synthetic sweeps with known answers for the hyperparameter-law and over-training studies. */
import { mulberry32 } from '@slab/laws';
import type { HyperparameterRun } from '../src/hyperparameters';
import type { OvertrainingRun } from '../src/overtraining';

/** Synthetic Step Law: η* = 0.1·N^−0.5·D^0.25, B* = 0.02·D^0.5, and a loss bowl in (ln η, ln B) around them. */
export const etaStar = (N: number, D: number) => 0.1 * N ** -0.5 * D ** 0.25;
export const bStar = (D: number) => 0.02 * D ** 0.5;
export const LRS = [0.003, 0.006, 0.012, 0.024, 0.048];
export const BATCHES = [2, 4, 8, 16];

export function grid(Ns: number[], Ds: number[], noise: number, seed = 1): HyperparameterRun[] {
  const rand = mulberry32(seed);
  const runs: HyperparameterRun[] = [];
  for (const N of Ns)
    for (const D of Ds)
      for (const learningRate of LRS)
        for (const batchSize of BATCHES) {
          const du = Math.log(learningRate / etaStar(N, D));
          const dv = Math.log(batchSize / bStar(D));
          const loss = 2 + 30 / N ** 0.3 + 0.08 * du * du + 0.05 * dv * dv + 0.02 * du * dv + noise * (rand() - 0.5);
          runs.push({ params: N, data: D, learningRate, batchSize, loss });
        }
  return runs;
}

/** Chinchilla with equal exponents (Gadre et al.'s assumption): L = 1.8 + 8/N^0.3 + 20/D^0.3. */
export const loss = (N: number, D: number) => 1.8 + 8 / N ** 0.3 + 20 / D ** 0.3;
/** Err(L) = 0.95 − 4·exp(−0.9 L). */
export const err = (L: number) => 0.95 - 4 * Math.exp(-0.9 * L);

export function runs(noise: number, seed = 3): OvertrainingRun[] {
  const rand = mulberry32(seed);
  const out: OvertrainingRun[] = [];
  for (const N of [5e3, 1.5e4, 3e4])
    for (const M of [10, 40, 160]) {
      const D = M * N;
      const L = loss(N, D) * (1 + noise * (rand() - 0.5));
      out.push({ trialId: `N${N}-M${M}`, params: N, data: D, loss: L, accuracy: 1 - err(L) + noise * 0.2 * (rand() - 0.5) });
    }
  // Held out: a larger model, over-trained past every fitted M.
  const N = 6e4;
  const D = 320 * N;
  out.push({ trialId: 'held-out', params: N, data: D, loss: loss(N, D), accuracy: 1 - err(loss(N, D)), heldOut: true });
  return out;
}
