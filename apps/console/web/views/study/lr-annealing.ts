/**
 * lr-annealing (Tissue et al. 2024): per width and held-out schedule, the curve the law predicts from
 * the schedule's LR sequence against the measured one, the prediction error, and the fitted
 * parameters with their bootstrap intervals.
 */
import type { StudyResult } from '@slab/api';
import { esc } from '../../format';
import { logLogChart } from '../../plot/chart';
import { h } from '../common';
import { legend, num, percent, seriesColor } from './common';
import type { StudyView } from './index';

type Annealing = Extract<StudyResult, { kind: 'lr-annealing' }>;
type Estimates = Record<string, { value: number; lo: number; hi: number; undetermined?: string }>;

// A parameter the data do not determine is struck through and says why on hover: never read as a finding.
const paramCells = (params: Estimates) =>
  Object.entries(params)
    .map(([k, p]) =>
      p.undetermined
        ? `<span class="param undetermined warn-text" data-param="${esc(k)}" data-undetermined="true" title="${esc(`not determined by the data: ${p.undetermined}`)}"><s>${esc(k)} = ${num(p.value, 4)}</s> <span class="dim">[${num(p.lo)}, ${num(p.hi)}]</span> not determined</span>`
        : `<span class="param" data-param="${esc(k)}">${esc(k)} = ${num(p.value, 4)} <span class="dim">[${num(p.lo)}, ${num(p.hi)}]</span></span>`,
    )
    .join(' ');

function render(s: Annealing): HTMLElement {
  const root = h(`<div class="study-body"></div>`);
  const lambda = s.byWidth[0]?.result.lambda ?? 0.999;
  root.append(h(`<p class="dim">L(s) = L0 + A·S1^−α − C·S2 on ${esc(s.metric)}; S1 the summed LR, S2 the annealing area with decay λ = ${num(lambda)}. Each held-out schedule is predicted from a fit on the others.</p>`));
  for (const { width, result } of s.byWidth) {
    const block = h(`<div class="study-group" data-testid="annealing-width" data-width="${width ?? ''}"><h3>${width === null ? 'All runs' : `Width ${width}`}</h3></div>`);
    if (result.all) block.append(h(`<p data-testid="annealing-all">All schedules (${result.all.points} points${result.all.converged ? '' : ', <b class="warn-text">not converged</b>'}): ${paramCells(result.all.params)}</p>`));
    const charts = h(`<div class="study-charts"></div>`);
    result.predictions.forEach((p, i) => {
      const fig = h(`<figure data-testid="annealing-prediction" data-schedule="${esc(p.schedule)}"><figcaption>Held out <b>${esc(p.schedule)}</b> (fitted on ${esc(p.fittedOn.join(', '))}${p.converged ? '' : ', <b class="warn-text">not converged</b>'}): mean error <b data-testid="annealing-error">${percent(p.meanRelError)}</b> over ${p.points.length} points, final loss error ${percent(p.finalRelError)}<br><span class="dim">${paramCells(p.params)}</span></figcaption></figure>`);
      const color = seriesColor(i);
      fig.append(
        logLogChart({
          xLabel: 'step',
          yLabel: s.metric,
          yLinear: true,
          size: [520, 280],
          name: `study-annealing-${width ?? 'all'}-${p.schedule}`,
          lines: [
            { id: 'actual', label: `${p.schedule}: measured`, color, points: p.points.map((q) => [q.step, q.actual]) },
            { id: 'predicted', label: `${p.schedule}: predicted`, color, dashed: true, points: p.points.map((q) => [q.step, q.predicted]) },
          ],
        }),
        h(legend([{ label: 'measured', color }, { label: 'predicted by the law', color, dashed: true }])),
      );
      charts.append(fig);
    });
    if (!result.predictions.length) charts.append(h(`<p class="dim">No held-out prediction (fewer than 2 schedules finished).</p>`));
    block.append(charts);
    root.append(block);
  }
  return root;
}

export const annealingView: StudyView<Annealing> = { paper: 'Tissue et al. 2024, scaling law with LR annealing', render };
