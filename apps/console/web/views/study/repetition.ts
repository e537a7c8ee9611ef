/**
 * repetition (Muennighoff et al. 2023): the effective-data curve D'/D against epochs with its bootstrap
 * band, the measured loss gap to fresh data per epoch count, R_D* with its interval (or its lower bound
 * alone when the repeated runs were as good as fresh data), and what the answer cannot say.
 */
import type { StudyResult } from '@slab/api';
import { esc } from '../../format';
import { logLogChart } from '../../plot/chart';
import { h } from '../common';
import { legend, num, percent, seriesColor } from './common';
import type { StudyView } from './index';

type Repetition = Extract<StudyResult, { kind: 'repetition' }>;

function rdText(r: Repetition['result']): string {
  const lvl = `${Math.round(r.level * 100)}%`;
  const rd = r.rdStar;
  if (rd.unbounded) return `R_D* ≥ <b data-testid="repetition-rd">${num(rd.lo)}</b> (${lvl}); no upper bound: the repeated runs were as good as fresh data`;
  return `R_D* = <b data-testid="repetition-rd">${num(rd.value)}</b> <span class="dim">${lvl} [${num(rd.lo)}, ${num(rd.hi)}]</span> (the paper fits 15.4)`;
}

function render(s: Repetition): HTMLElement {
  const r = s.result;
  const root = h(`<div class="study-body"></div>`);
  root.append(
    h(`<p class="dim">D' = U_D + U_D·R_D*·(1 − exp(−R_D/R_D*)) replaces D in L = E + A/N^α + B/D^β on final ${esc(s.metric)}; Chinchilla fitted on the ${r.fresh.points} fresh-data runs, then R_D* with it fixed.</p>`),
    h(`<p data-testid="repetition-answer">${rdText(r)}. Almost as good as fresh data (within ${percent(r.tolerance)}): measured up to <b data-testid="repetition-almost">${r.almostAsGoodMeasured ?? '—'}</b> epochs, by the law up to ${r.almostAsGoodLaw ?? '—'}.${r.noise === null ? '' : ` Run-to-run noise ${percent(r.noise)}.`}</p>`),
  );
  const charts = h(`<div class="study-charts"></div>`);
  const curveColor = seriesColor(0);
  const fig1 = h(`<figure data-testid="repetition-curve"><figcaption>Effective data per token, D'/D, against epochs (the law, ${Math.round(r.level * 100)}% band)</figcaption></figure>`);
  fig1.append(
    logLogChart({
      xLabel: 'epochs',
      yLabel: "D'/D",
      yLinear: true,
      size: [520, 280],
      name: 'study-repetition-effective-data',
      lines: [{ id: 'fraction', label: "D'/D", color: curveColor, points: r.curve.map((c) => [c.epochs, c.fraction]) }],
      bands: [{ color: curveColor, points: r.curve.filter((c) => Number.isFinite(c.lo) && Number.isFinite(c.hi)).map((c) => [c.epochs, c.lo, c.hi]) }],
    }),
  );
  charts.append(fig1);
  const sizes = [...new Set(r.runs.map((x) => x.N))].sort((a, b) => a - b);
  const fig2 = h(`<figure data-testid="repetition-gaps"><figcaption>Measured loss gap to the fresh-data run at the same N and D (${percent(r.tolerance)} tolerance dashed)</figcaption></figure>`);
  const repeated = r.runs.filter((x) => x.epochs > 1 && x.gap !== null);
  fig2.append(
    logLogChart({
      xLabel: 'epochs',
      yLabel: 'gap to fresh data',
      yLinear: true,
      size: [520, 280],
      name: 'study-repetition-gaps',
      formatY: (y) => `${(y * 100).toFixed(1)}%`,
      yRules: [0, r.tolerance],
      lines: [{ id: 'median', label: 'median gap', color: seriesColor(sizes.length), points: r.gaps.map((g) => [g.epochs, g.medianGap]) }],
      markers: repeated.map((x) => ({ x: x.epochs, y: x.gap as number, color: seriesColor(sizes.indexOf(x.N)), label: `N ${x.N}, D ${x.D}, U ${x.U}: ${percent(x.gap)}`, kind: 'repeated-run' })),
    }),
    h(legend([...sizes.map((n, i) => ({ label: `N = ${n}`, color: seriesColor(i) })), { label: 'median per epoch count', color: seriesColor(sizes.length) }])),
  );
  charts.append(fig2);
  root.append(charts);
  if (r.notes.length) root.append(h(`<ul class="study-notes" data-testid="repetition-notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`));
  return root;
}

export const repetitionView: StudyView<Repetition> = { paper: 'Muennighoff et al. 2023, scaling data-constrained language models', render };
