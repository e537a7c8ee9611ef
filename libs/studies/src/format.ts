/** Plain-text rendering of a study's answer (what `slab status` prints). */
import type { RepetitionStudy } from './repetition';
import type { StudyResult } from './sweep';
import type { HyperparameterStudy, Estimate } from './hyperparameters';
import type { OvertrainingStudy } from './overtraining';
import type { ShapeStudy } from './shape';

const g = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(digits)).toString());
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '—');

/** Lines describing the result; no trailing newline. */
export function formatStudy(s: StudyResult): string {
  const lines: string[] = [];
  if (s.kind === 'lr-sensitivity') {
    const r = s.result;
    lines.push(`study lr-sensitivity (Wortsman et al. 2023) on final ${s.metric}; diverged runs and losses above the cap count as ${g(r.cap, 4)}`);
    for (const v of r.variants) {
      lines.push(`  ${v.label}:`);
      for (const w of v.widths) {
        lines.push(`    width ${w.width}: sensitivity ${g(w.sensitivity)} (best ${g(w.bestLoss, 4)} at LR ${g(w.bestLearningRate)}; ${w.diverged}/${w.runs} diverged)`);
        lines.push(`      LR ${w.curve.map((c) => g(c.learningRate, 2)).join(' ')}`);
        lines.push(`      loss ${w.curve.map((c) => (c.diverged ? 'div' : g(c.loss, 3))).join(' ')}`);
        lines.push(`      max attn logit ${w.curve.map((c) => g(c.attnLogitMax, 3)).join(' ')}`);
        lines.push(`      max output logit ${w.curve.map((c) => g(c.outputLogitMax, 3)).join(' ')}`);
      }
      const t = v.trend;
      if (t) lines.push(`    trend: sensitivity ${t.slope >= 0 ? '+' : ''}${g(t.perDoubling)} per doubling of width (slope on ln width ${g(t.slope)}, ${Math.round(t.level * 100)}% [${g(t.slopeLo)}, ${g(t.slopeHi)}], ${t.points} widths)`);
    }
    return lines.join('\n');
  }
  if (s.kind === 'repetition') return formatRepetition(s.metric, s.result);
  if (s.kind === 'hyperparameters') return formatHyperparameters(s.metric, s.result);
  if (s.kind === 'overtraining') return formatOvertraining(s.metric, s.downstream, s.result);
  if (s.kind === 'model-shape') return formatShape(s.metric, s.result);
  lines.push(`study lr-annealing (Tissue et al. 2024) on ${s.metric}, λ = ${s.byWidth[0]?.result.lambda ?? 0.999}`);
  for (const { width, result: r } of s.byWidth) {
    if (width !== null) lines.push(` width ${width}:`);
    if (r.all) {
      const ps = Object.entries(r.all.params).map(([k, p]) => `${k} ${g(p.value, 4)} [${g(p.lo, 3)}, ${g(p.hi, 3)}]`).join(', ');
      lines.push(`  all schedules (${r.all.points} points${r.all.converged ? '' : ', NOT converged'}): ${r.all.formula}`);
      lines.push(`    ${ps}`);
      const undetermined = Object.entries(r.all.params).filter(([, p]) => p.undetermined);
      if (undetermined.length) lines.push(`    doubt: the data do not determine ${undetermined.map(([k, p]) => `${k} (${p.undetermined})`).join('; ')}: not findings`);
    }
    for (const p of r.predictions) {
      lines.push(`  held out ${p.schedule} (fitted on ${p.fittedOn.join(', ')}${p.converged ? '' : ', NOT converged'}): mean error ${pct(p.meanRelError)} over ${p.points.length} points, final loss error ${pct(p.finalRelError)}`);
    }
  }
  return lines.join('\n');
}

function formatRepetition(metric: string, r: RepetitionStudy): string {
  const lvl = `${Math.round(r.level * 100)}%`;
  const rd = r.rdStar;
  const lines = [`study repetition (Muennighoff et al. 2023) on final ${metric}: D' = U_D + U_D·R_D*·(1 − exp(−R_D/R_D*))`];
  lines.push(`  fresh data (${r.fresh.points} runs${r.fresh.converged ? '' : ', NOT converged'}): ${r.fresh.formula}`);
  lines.push(
    rd.unbounded
      ? `  R_D*: at least ${g(rd.lo)} (${lvl}); no upper bound: ${rd.value === null ? 'the fit puts it beyond what this sweep can tell' : `best fit ${g(rd.value)}, interval open above`}`
      : `  R_D*: ${g(rd.value)} (${lvl} [${g(rd.lo)}, ${g(rd.hi)}]); the paper fits 15.4`,
  );
  lines.push(`  law on the repeated runs: mean error ${pct(r.repeatedRelError)}; ${r.formula}`);
  lines.push(`  effective data D'/D by epochs: ${r.curve.map((c) => `${c.epochs}: ${g(c.fraction, 2)}`).join(', ')}`);
  lines.push(`  measured gap to fresh data (median, max): ${r.gaps.map((x) => `${x.epochs} ep ${pct(x.medianGap)}, ${pct(x.maxGap)}`).join('; ')}`);
  if (r.noise !== null) lines.push(`  run-to-run noise (fresh-data pairs): ${pct(r.noise)}`);
  lines.push(
    `  almost as good as fresh data (within ${pct(r.tolerance)}): measured up to ${r.almostAsGoodMeasured ?? '—'} epochs, by the law up to ${r.almostAsGoodLaw ?? '—'} epochs`,
  );
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** Large counts (N, D, C) in exponent form: 1.92e+7. */
const big = (v: number): string => (Math.abs(v) >= 1e5 ? Number(v.toPrecision(3)).toExponential() : g(v));
const iv = (e: Estimate | null | undefined, digits = 3): string => (e ? `${g(e.value, digits)} [${g(e.lo, digits)}, ${g(e.hi, digits)}]` : '—');

function formatHyperparameters(metric: string, r: HyperparameterStudy): string {
  const lvl = `${Math.round(r.level * 100)}%`;
  const lines = [`study hyperparameters (Step Law, Li et al. 2025) on final ${metric}: optimum of a quadratic surface in (ln η, ln B) per (N, D), ${lvl} intervals`];
  for (const o of r.groups) {
    const grid = o.gridBest ? `grid best η ${g(o.gridBest.learningRate)}, B ${o.gridBest.batchSize}: ${g(o.gridBest.loss, 4)}` : 'no finished run';
    lines.push(`  N ${big(o.params)} D ${big(o.data)}: η* ${iv(o.learningRate)}, B* ${iv(o.batchSize)}, loss ${g(o.loss, 4)} (${grid}; surface on the best ${o.fitted} of ${o.finished} finished runs of ${o.runs}, rms residual ${g(o.rmse, 2)})`);
    if (o.problem) lines.push(`    doubt: ${o.problem}`);
  }
  const lr = r.learningRate;
  if (lr) lines.push(`  η*(N, D) = ${iv(lr.coefficient)} · N^${iv(lr.exponents.N)} · D^${iv(lr.exponents.D)} (${lr.points} optima; Step Law: 1.79·N^−0.713·D^0.307)`);
  const b = r.batchSize;
  if (b) lines.push(`  B*(D) = ${iv(b.coefficient)} · D^${iv(b.exponents.D)} sequences (${b.points} optima; Step Law: 0.58·D^0.571 in tokens)`);
  if (r.lrBatchSlope !== null) lines.push(`  d ln η*/d ln B along the surfaces: median ${g(r.lrBatchSlope)} (0.5: square-root rule, 1: linear rule)`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

function formatOvertraining(metric: string, downstream: string, r: OvertrainingStudy): string {
  const lvl = `${Math.round(r.level * 100)}%`;
  const lines = [`study overtraining (Gadre et al. 2024) on final ${metric} and top-1 error = 1 − ${downstream}; M = D/N from ${g(r.multipliers.min)} to ${g(r.multipliers.max)} in the fit`];
  const law = (name: string, l: OvertrainingStudy['lossLaw']) => {
    if (!l) return;
    const ps = Object.entries(l.params).map(([k, p]) => `${k} ${iv(p)}`).join(', ');
    lines.push(`  ${name} (${l.points} runs${l.converged ? '' : ', NOT converged'}, rmsle ${g(l.rmsle, 2)}): ${l.formula}`);
    lines.push(`    ${ps}`);
    if (l.warning) lines.push(`    doubt: ${l.warning}`);
  };
  law('L(C, M)', r.lossLaw);
  law('Err(L)', r.errorLaw);
  for (const p of r.predictions) {
    lines.push(`  held out N ${big(p.params)} D ${big(p.data)} (M ${g(p.multiplier)}, C ${big(p.compute)}):`);
    lines.push(`    loss predicted ${iv(p.loss.predicted, 4)} (${lvl}), measured ${g(p.loss.actual, 4)}, error ${p.loss.relError === null ? '—' : pct(p.loss.relError)}`);
    if (p.error) lines.push(`    top-1 error predicted ${iv(p.error.predicted)} (${lvl}, both fits' bootstrap), measured ${g(p.error.actual)}, error ${p.error.relError === null ? '—' : pct(p.error.relError)}; Err at the measured loss ${g(p.error.fromActualLoss)}`);
    if (p.warning) lines.push(`    doubt: ${p.warning}`);
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

function formatShape(metric: string, r: ShapeStudy): string {
  const lines = [`study model-shape (Dollár et al. 2021; Kaplan et al. 2020 §3.1) on final ${metric}; base width ${r.base.width} × depth ${r.base.depth}, compound rule: depth's share of compute growth ${g(r.compound)}`];
  const time = (s: number | null) => (s === null ? '—' : `${g(s, 3)} s`);
  lines.push('  at equal compute (multiple k of the base, N non-embedding parameters):');
  for (const l of r.levels) {
    const cells = (['width', 'depth', 'compound'] as const).flatMap((s) => {
      const p = l.points[s];
      return p ? [`${s} ${p.width}×${p.depth} ${p.loss === null ? 'diverged' : g(p.loss, 4)} in ${time(p.wallSeconds)}`] : [];
    });
    lines.push(`    k ${g(l.multiple)}: ${cells.join('; ')} (lowest loss: ${l.bestLoss ?? '—'}, fastest: ${l.fastest ?? '—'})`);
  }
  if (!r.levels.length) lines.push('    no compute multiple is reached by two strategies');
  lines.push(`  at fixed N (Kaplan: shape matters little when the spread is within ${pct(r.tolerance)}):`);
  for (const grp of r.fixedN) {
    const runs = grp.runs.map((x) => `${x.width}×${x.depth} (aspect ${g(x.aspectRatio)}) ${x.loss === null ? 'diverged' : g(x.loss, 4)}`).join(', ');
    lines.push(`    N ≈ ${g(grp.nonEmbeddingParams)}: ${runs}; spread ${g(grp.spread)} (${grp.relativeSpread === null ? '—' : pct(grp.relativeSpread)})`);
  }
  const k = r.kaplan;
  lines.push(`  verdict: ${k.holds === null ? 'no group of equal N with 2 finished shapes' : `largest spread at fixed N ${pct(k.maxRelativeSpread!)} over ${k.groups} groups: shape ${k.holds ? 'matters little' : 'matters'} here`}`);
  if (r.offPath.length) lines.push(`  off every strategy path (counted at fixed N only): ${r.offPath.map((x) => `${x.width}×${x.depth}`).join(', ')}`);
  return lines.join('\n');
}
