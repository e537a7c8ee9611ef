/**
 * IsoFLOP analysis, Hoffmann et al. 2022 ("Training Compute-Optimal Large Language Models", section 3.1-3.2):
 * runs are grouped by compute budget C; per budget, Approach 1 takes the run with the lowest loss and
 * Approach 2 fits a parabola of L against log N whose vertex is N*(C). Power laws N* = k_N C^a and
 * D* = k_D C^b (with D* = C / (6 N*)) are then fitted by least squares in log-log space.
 * Intervals: a seeded bootstrap over the runs inside each budget (every draw refits every parabola and then
 * the power laws), percentile intervals. Known bias (FITTING.md 1.4): a wide, asymmetric or off-centre
 * IsoFLOP grid biases the vertex; a vertex outside the sampled sizes is flagged.
 */
import { mulberry32, percentileInterval, streamSeed } from './stats';

export interface IsoflopRun {
  /** Parameters. */
  N: number;
  /** Compute in FLOPs (C = 6 N D when only N, D are known). */
  C: number;
  loss: number;
}

export interface IsoflopOptions {
  /** Runs whose C differ by at most this relative amount share a budget (default 0.05). */
  tolerance?: number;
  /** Bootstrap draws for intervals (default 1000; 0 = none). */
  bootstrap?: number;
  seed?: number;
  level?: number;
  /** FLOPs per parameter-token (default 6). */
  flopsPerParamToken?: number;
}

export interface IsoflopBudget {
  /** Geometric mean of the runs' C in this budget. */
  C: number;
  runs: number;
  /** Approach 1: the run with the lowest loss. */
  best: { N: number; loss: number };
  /** Approach 2: the parabola's vertex (absent when the curve is not convex or has < 3 sizes). */
  nStar?: number;
  nStarInterval?: [number, number];
  dStar?: number;
  lossAtMin?: number;
  /** Why this budget has no vertex, or why its vertex is doubtful. */
  warning?: string;
}

export interface PowerFit {
  /** Exponent: N* grows as C^exponent. */
  exponent: number;
  /** Prefactor k in k C^exponent. */
  coefficient: number;
  exponentInterval?: [number, number];
  budgets: number;
}

export interface IsoflopResult {
  budgets: IsoflopBudget[];
  /** Approach 1 (lowest-loss run per budget). */
  approach1?: { nStar: PowerFit; dStar: PowerFit };
  /** Approach 2 (parabola vertices). */
  approach2?: { nStar: PowerFit; dStar: PowerFit };
  level: number;
  bootstrap: number;
  diagnostics: string[];
}

/** Weighted least-squares parabola y = c0 + c1 u + c2 u^2, returned as [c0, c1, c2]; null when fewer than 3 distinct u. */
function parabola(u: number[], y: number[], w: number[]): [number, number, number] | null {
  if (new Set(u).size < 3) return null;
  const S = new Float64Array(5);
  const T = new Float64Array(3);
  for (let i = 0; i < u.length; i++) {
    let p = w[i];
    for (let k = 0; k < 5; k++) {
      S[k] += p;
      if (k < 3) T[k] += p * y[i];
      p *= u[i];
    }
  }
  // Normal equations [S0 S1 S2; S1 S2 S3; S2 S3 S4] [c0 c1 c2] = T, by Cramer's rule (3 x 3).
  const det3 = (m: number[]) => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const M = [S[0], S[1], S[2], S[1], S[2], S[3], S[2], S[3], S[4]];
  const d = det3(M);
  if (!(Math.abs(d) > 0)) return null;
  const col = (j: number) => M.map((v, k) => (k % 3 === j ? T[Math.floor(k / 3)] : v));
  return [det3(col(0)) / d, det3(col(1)) / d, det3(col(2)) / d];
}

/** log y = log k + e log x by least squares. */
function powerFit(x: number[], y: number[]): { exponent: number; coefficient: number } {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  const exponent = sxy / sxx;
  return { exponent, coefficient: Math.exp(my - exponent * mx) };
}

/** Groups runs by budget: sorted by C, a new budget starts when C exceeds the first of the group by > tolerance. */
export function groupBudgets(runs: IsoflopRun[], tolerance = 0.05): IsoflopRun[][] {
  const sorted = [...runs].sort((a, b) => a.C - b.C);
  const groups: IsoflopRun[][] = [];
  for (const r of sorted) {
    const g = groups[groups.length - 1];
    if (g && r.C <= g[0].C * (1 + tolerance)) g.push(r);
    else groups.push([r]);
  }
  return groups;
}

function vertex(group: IsoflopRun[], w: number[]): { u: number; loss: number } | string {
  // Centred log N keeps the normal equations well conditioned (log N is about 20).
  const mid = group.reduce((s, r) => s + Math.log(r.N), 0) / group.length;
  const u = group.map((r) => Math.log(r.N) - mid);
  const c = parabola(u, group.map((r) => r.loss), w);
  if (!c) return `fewer than 3 distinct model sizes`;
  if (!(c[2] > 0)) return 'the loss is not convex in log N here (no minimum)';
  const uv = -c[1] / (2 * c[2]);
  return { u: uv + mid, loss: c[0] + c[1] * uv + c[2] * uv * uv };
}

/**
 * Runs the IsoFLOP analysis. Throws when no budget has runs of 3 or more sizes. Budgets without a vertex are
 * kept with a warning and left out of the Approach 2 power laws.
 */
export function isoflopAnalysis(runs: IsoflopRun[], o: IsoflopOptions = {}): IsoflopResult {
  runs.forEach((r, i) => {
    for (const k of ['N', 'C', 'loss'] as const) {
      if (!(Number.isFinite(r[k]) && r[k] > 0)) throw new Error(`isoflopAnalysis: runs[${i}].${k} must be a finite number > 0, got ${r[k]}`);
    }
  });
  const tolerance = o.tolerance ?? 0.05;
  const B = o.bootstrap ?? 1000;
  const level = o.level ?? 0.95;
  const k = o.flopsPerParamToken ?? 6;
  const groups = groupBudgets(runs, tolerance).filter((g) => g.length >= 1);
  const diagnostics: string[] = [];
  const budgets: IsoflopBudget[] = groups.map((g) => {
    const C = Math.exp(g.reduce((s, r) => s + Math.log(r.C), 0) / g.length);
    const best = g.reduce((a, b) => (b.loss < a.loss ? b : a));
    const out: IsoflopBudget = { C, runs: g.length, best: { N: best.N, loss: best.loss } };
    const v = vertex(g, g.map(() => 1));
    if (typeof v === 'string') out.warning = v;
    else {
      out.nStar = Math.exp(v.u);
      out.dStar = C / (k * out.nStar);
      out.lossAtMin = v.loss;
      const ns = g.map((r) => r.N);
      if (out.nStar < Math.min(...ns) || out.nStar > Math.max(...ns)) out.warning = `the vertex N* = ${out.nStar.toPrecision(3)} lies outside the sampled sizes [${Math.min(...ns).toPrecision(3)}, ${Math.max(...ns).toPrecision(3)}]: extrapolated`;
    }
    return out;
  });
  const withVertex = budgets.filter((b) => b.nStar !== undefined);
  if (!withVertex.length) throw new Error(`isoflopAnalysis: no compute budget has runs of 3 or more model sizes with a convex loss curve (${budgets.length} budgets found with tolerance ${tolerance}); check the C column or raise the tolerance`);
  for (const b of budgets) if (b.warning) diagnostics.push(`budget C = ${b.C.toPrecision(3)}: ${b.warning}`);

  const fit2 = (bs: { C: number; n: number }[]) => ({ n: powerFit(bs.map((b) => b.C), bs.map((b) => b.n)), d: powerFit(bs.map((b) => b.C), bs.map((b) => b.C / (k * b.n))) });
  const result: IsoflopResult = { budgets, level, bootstrap: B, diagnostics };
  const vIdx = budgets.map((b, i) => (b.nStar !== undefined ? i : -1)).filter((i) => i >= 0);
  if (vIdx.length >= 2) {
    const f = fit2(vIdx.map((i) => ({ C: budgets[i].C, n: budgets[i].nStar! })));
    result.approach2 = { nStar: { ...f.n, budgets: vIdx.length }, dStar: { ...f.d, budgets: vIdx.length } };
  } else diagnostics.push('Approach 2 needs vertices at 2 or more budgets for the power laws');
  if (budgets.length >= 2) {
    const f = fit2(budgets.map((b) => ({ C: b.C, n: b.best.N })));
    result.approach1 = { nStar: { ...f.n, budgets: budgets.length }, dStar: { ...f.d, budgets: budgets.length } };
  }

  if (B > 0) {
    const draws: number[][] = vIdx.map(() => []);
    const aDraws: number[] = [];
    const bDraws: number[] = [];
    let failed = 0;
    for (let d = 0; d < B; d++) {
      const rng = mulberry32(streamSeed(o.seed ?? 1, d));
      const vs: { C: number; n: number }[] = [];
      vIdx.forEach((bi, j) => {
        const g = groups[bi];
        const w = new Array(g.length).fill(0);
        for (let i = 0; i < g.length; i++) w[Math.floor(rng() * g.length)]++;
        const v = vertex(g, w);
        if (typeof v === 'string') return;
        draws[j].push(Math.exp(v.u));
        vs.push({ C: budgets[bi].C, n: Math.exp(v.u) });
      });
      if (vs.length === vIdx.length && vs.length >= 2) {
        const f = fit2(vs);
        aDraws.push(f.n.exponent);
        bDraws.push(f.d.exponent);
      } else failed++;
    }
    vIdx.forEach((bi, j) => {
      if (draws[j].length >= 2) budgets[bi].nStarInterval = percentileInterval(draws[j], level);
    });
    if (result.approach2 && aDraws.length >= 2) {
      result.approach2.nStar.exponentInterval = percentileInterval(aDraws, level);
      result.approach2.dStar.exponentInterval = percentileInterval(bDraws, level);
    }
    if (failed) diagnostics.push(`${failed} of ${B} bootstrap draws had a budget without a vertex (resampled sizes not convex or < 3 distinct) and were left out of the exponent intervals`);
  }
  return result;
}
