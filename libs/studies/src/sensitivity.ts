/**
 * LR sensitivity and instability proxies: Wortsman et al. 2023, "Small-scale proxies for large-scale
 * Transformer training instabilities" (arXiv:2309.14322), §3.
 */
import { fitLine, type LineFit } from './stats';

/** One finished trial of an LR × width sweep. */
export interface SensitivityRun {
  width: number;
  learningRate: number;
  /** Final loss; null or non-finite when the run diverged. */
  finalLoss: number | null;
  diverged: boolean;
  /** With qk-layernorm (Dehghani et al. 2023); the analysis is split by it. */
  qkNorm?: boolean;
  /** z-loss coefficient (PaLM); runs with different z-loss are analysed apart. */
  zLoss?: number;
  /** Largest pre-softmax attention logit over the run's last logged step (metric attn_logit_max). */
  attnLogitMax?: number | null;
  /** Largest output logit at the last logged step (metric output_logit_max). */
  outputLogitMax?: number | null;
  /** Mean output logit at the last logged step (metric output_logit_mean; its drift is the paper's §3.4 signal). */
  outputLogitMean?: number | null;
}

export interface SensitivityOptions {
  /**
   * Loss a diverged run counts as, and the ceiling on every run's loss: Wortsman et al. use the loss at
   * initialisation. Default ln 256 ≈ 5.545, the loss of a uniform byte-level model (vocab 256).
   */
  cap?: number;
  /** Level of the interval on the width trend (default 0.95). */
  level?: number;
}

export interface WidthSensitivity {
  width: number;
  /** min over the LR range of the capped final loss. */
  bestLoss: number;
  bestLearningRate: number;
  /** mean over the LR range of (min(loss, cap) − bestLoss); diverged runs count as cap. */
  sensitivity: number;
  runs: number;
  diverged: number;
  /** Per LR, ascending: the capped loss and the instability signals (null when not measured). */
  curve: { learningRate: number; loss: number; diverged: boolean; attnLogitMax: number | null; outputLogitMax: number | null; outputLogitMean: number | null }[];
}

export interface SensitivityVariant {
  /** e.g. "qk-layernorm" or "no qk-layernorm, z-loss 1e-4". */
  label: string;
  qkNorm: boolean;
  zLoss: number;
  widths: WidthSensitivity[];
  /**
   * sensitivity = a + b · ln(width) by least squares with a t-interval on b (needs ≥ 2 widths; the
   * interval ≥ 3). Log-linear rather than a power law because a stable variant's sensitivity can be 0.
   */
  trend: (LineFit & { perDoubling: number }) | null;
}

export interface SensitivityStudy {
  cap: number;
  variants: SensitivityVariant[];
}

/** ln 256: loss of the uniform distribution over bytes, the loss of a byte-level model at initialisation. */
export const BYTE_LOSS_AT_INIT = Math.log(256);

/**
 * LR sensitivity per width (Wortsman et al. §3.1, eq. 1): E_η[min(ℓ(η), ℓ0) − min_η ℓ(η)] over the swept
 * LRs η, with ℓ0 the cap, separately for each (qkNorm, zLoss) variant, plus the signals the paper tracks
 * against LR (max attention logit, §3.1.1; output-logit magnitude, §3.4) and the trend with width.
 * Throws on a run without a positive width or learning rate.
 */
export function lrSensitivity(runs: readonly SensitivityRun[], opts: SensitivityOptions = {}): SensitivityStudy {
  const cap = opts.cap ?? BYTE_LOSS_AT_INIT;
  if (!(cap > 0 && Number.isFinite(cap))) throw new Error(`lrSensitivity: cap must be a positive finite loss, got ${cap}`);
  runs.forEach((r, i) => {
    if (!(r.width > 0)) throw new Error(`lrSensitivity: runs[${i}].width must be a positive number, got ${r.width}`);
    if (!(r.learningRate > 0)) throw new Error(`lrSensitivity: runs[${i}].learningRate must be a positive number, got ${r.learningRate}`);
  });
  const byVariant = groupBy(runs, (r) => `${r.qkNorm ? 1 : 0}|${r.zLoss ?? 0}`);
  const variants: SensitivityVariant[] = [];
  for (const group of byVariant.values()) {
    const qkNorm = Boolean(group[0].qkNorm);
    const zLoss = group[0].zLoss ?? 0;
    const widths = [...groupBy(group, (r) => String(r.width)).values()]
      .map((g) => widthSensitivity(g, cap))
      .sort((a, b) => a.width - b.width);
    let trend: SensitivityVariant['trend'] = null;
    if (widths.length >= 2) {
      const line = fitLine(widths.map((w) => Math.log(w.width)), widths.map((w) => w.sensitivity), opts.level ?? 0.95);
      trend = { ...line, perDoubling: line.slope * Math.LN2 };
    }
    const label = `${qkNorm ? 'qk-layernorm' : 'no qk-layernorm'}${zLoss ? `, z-loss ${zLoss}` : ''}`;
    variants.push({ label, qkNorm, zLoss, widths, trend });
  }
  variants.sort((a, b) => Number(a.qkNorm) - Number(b.qkNorm) || a.zLoss - b.zLoss);
  return { cap, variants };
}

function widthSensitivity(runs: SensitivityRun[], cap: number): WidthSensitivity {
  const curve = runs
    .map((r) => {
      const failed = r.diverged || r.finalLoss === null || !Number.isFinite(r.finalLoss);
      return {
        learningRate: r.learningRate,
        loss: failed ? cap : Math.min(r.finalLoss!, cap),
        diverged: failed,
        attnLogitMax: finite(r.attnLogitMax),
        outputLogitMax: finite(r.outputLogitMax),
        outputLogitMean: finite(r.outputLogitMean),
      };
    })
    .sort((a, b) => a.learningRate - b.learningRate);
  const best = curve.reduce((a, b) => (b.loss < a.loss ? b : a));
  const sensitivity = curve.reduce((s, c) => s + (c.loss - best.loss), 0) / curve.length;
  return { width: runs[0].width, bestLoss: best.loss, bestLearningRate: best.learningRate, sensitivity, runs: curve.length, diverged: curve.filter((c) => c.diverged).length, curve };
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}
