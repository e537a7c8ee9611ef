/**
 * hyperparameters (Li et al. 2025, Step Law): the fitted optimum (η*, B*) per (N, D) with its interval,
 * η*(N) per token count D against the power law η*(N, D) = a·N^α·D^β and its bootstrap band, B*(D), and
 * the doubts (optima outside the grid, refits without a minimum).
 */
import type { StudyResult } from '@slab/api';
import { esc, formatCount } from '../../format';
import { logLogChart, type ChartBand, type ChartLine, type ChartMarker } from '../../plot/chart';
import { h } from '../common';
import { legend, num, seriesColor } from './common';
import type { StudyView } from './index';

type Hyper = Extract<StudyResult, { kind: 'hyperparameters' }>;
type Est = { value: number; lo: number; hi: number } | null;
const iv = (e: Est, digits = 3) => (e ? `${num(e.value, digits)} <span class="dim">[${num(e.lo, digits)}, ${num(e.hi, digits)}]</span>` : '—');

/** Percentile of sorted values (linear between order statistics). */
function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

function render(s: Hyper): HTMLElement {
  const r = s.result;
  const ds = [...new Set(r.groups.map((g) => g.data))].sort((a, b) => a - b);
  const ns = r.groups.map((g) => g.params);
  const law = r.learningRate;
  const lines: ChartLine[] = [];
  const bands: ChartBand[] = [];
  const markers: ChartMarker[] = [];
  ds.forEach((D, i) => {
    const color = seriesColor(i);
    for (const g of r.groups.filter((x) => x.data === D && x.learningRate)) {
      const e = g.learningRate!;
      markers.push({ x: g.params, y: e.value, color, label: `N ${formatCount(g.params)}, D ${formatCount(D)}: η* ${num(e.value)} [${num(e.lo)}, ${num(e.hi)}]`, yRange: [e.lo, e.hi], hollow: !g.insideLr, kind: 'optimum' });
    }
    if (!law) return;
    const lo = Math.min(...ns) / 2;
    const hi = Math.max(...ns) * 2;
    const xs = Array.from({ length: 24 }, (_, k) => lo * (hi / lo) ** (k / 23));
    const at = (t: number[], N: number) => Math.exp(t[0] + t[1] * Math.log(N) + t[2] * Math.log(D));
    lines.push({ id: `law-${D}`, label: `η*(N, D = ${formatCount(D)})`, color, points: xs.map((N) => [N, at(law.theta, N)]) });
    if (law.samples.length >= 2) {
      bands.push({
        color,
        points: xs.map((N) => {
          const v = law.samples.map((t) => at(t, N)).sort((a, b) => a - b);
          return [N, quantile(v, 0.025), quantile(v, 0.975)] as [number, number, number];
        }),
      });
    }
  });
  const rows = r.groups
    .map(
      (g) => `<tr data-testid="hyper-group" data-n="${g.params}" data-d="${g.data}"><td class="num">${formatCount(g.params)}</td><td class="num">${formatCount(g.data)}</td><td class="num">${iv(g.learningRate)}</td><td class="num">${iv(g.batchSize)}</td><td class="num">${num(g.loss, 4)}</td><td class="num">${g.gridBest ? `${num(g.gridBest.learningRate)}, ${g.gridBest.batchSize}: ${num(g.gridBest.loss, 4)}` : '—'}</td><td class="num">${g.fitted}/${g.finished}/${g.runs}</td><td>${g.problem ? `<span class="warn-text">${esc(g.problem)}</span>` : ''}</td></tr>`,
    )
    .join('');
  const exp = (e: { value: number; lo: number; hi: number }) => `${num(e.value)} <span class="dim">[${num(e.lo)}, ${num(e.hi)}]</span>`;
  const lawText = law
    ? `η*(N, D) = ${exp(law.coefficient)} · N^${exp(law.exponents.N)} · D^${exp(law.exponents.D)} <span class="dim">(Step Law: 1.79·N^−0.713·D^0.307)</span>`
    : 'η*(N, D): not fitted';
  const b = r.batchSize;
  const batchText = b ? `B*(D) = ${exp(b.coefficient)} · D^${exp(b.exponents.D)} sequences <span class="dim">(Step Law: 0.58·D^0.571 in tokens)</span>` : 'B*(D): not fitted';
  const root = h(`<div class="study-body">
  <p class="dim">Per (N, D), the minimum of a quadratic surface in (ln η, ln B) fitted to the best runs, with a ${Math.round(r.level * 100)}% residual-bootstrap interval; the laws carry those replicates. Hollow markers: optima outside the swept LRs.</p>
  <p data-testid="hyper-lr-law">${lawText}</p>
  <p data-testid="hyper-batch-law">${batchText}</p>
  ${r.lrBatchSlope === null ? '' : `<p>d ln η* / d ln B along the surfaces: median <b>${num(r.lrBatchSlope)}</b> <span class="dim">(0.5: square-root rule, 1: linear rule)</span></p>`}
  <div class="study-charts"><figure data-testid="hyper-lr-vs-n"><figcaption>Optimal peak LR η* against N, one colour per token count D, with the fitted law and its band</figcaption></figure></div>
  <table class="table compact" data-testid="hyper-groups"><thead><tr><th class="num">N</th><th class="num">D</th><th class="num">η*</th><th class="num">B* (sequences)</th><th class="num">loss at optimum</th><th class="num">grid best (η, B: loss)</th><th class="num">runs fitted/finished/all</th><th>doubt</th></tr></thead><tbody>${rows}</tbody></table>
  ${r.notes.map((n) => `<p class="dim" data-testid="study-note">${esc(n)}</p>`).join('')}
</div>`);
  root.querySelector('figure')!.append(
    logLogChart({ xLabel: 'N (parameters)', yLabel: 'η*', size: [560, 300], lines, bands, markers, name: 'study-hyperparameters-lr-vs-n' }),
    h(legend(ds.map((D, i) => ({ label: `D = ${formatCount(D)}`, color: seriesColor(i) })))),
  );
  return root;
}

export const hyperparametersView: StudyView<Hyper> = { paper: 'Li et al. 2025, Step Law (optimal LR and batch size)', render };
