/** Plain-text rendering of a study's answer (what `slab status` prints). */
import type { StudyResult } from './sweep';

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
  lines.push(`study lr-annealing (Tissue et al. 2024) on ${s.metric}, λ = ${s.byWidth[0]?.result.lambda ?? 0.999}`);
  for (const { width, result: r } of s.byWidth) {
    if (width !== null) lines.push(` width ${width}:`);
    if (r.all) {
      const ps = Object.entries(r.all.params).map(([k, p]) => `${k} ${g(p.value, 4)} [${g(p.lo, 3)}, ${g(p.hi, 3)}]`).join(', ');
      lines.push(`  all schedules (${r.all.points} points${r.all.converged ? '' : ', NOT converged'}): ${r.all.formula}`);
      lines.push(`    ${ps}`);
    }
    for (const p of r.predictions) {
      lines.push(`  held out ${p.schedule} (fitted on ${p.fittedOn.join(', ')}${p.converged ? '' : ', NOT converged'}): mean error ${pct(p.meanRelError)} over ${p.points.length} points, final loss error ${pct(p.finalRelError)}`);
    }
  }
  return lines.join('\n');
}
