/**
 * The compute-optimal frontier of a Chinchilla fit: N*(C) and D*(C) on log-log axes with their
 * bootstrap bands, over the sweep's compute range and two decades beyond it, and the allocation
 * exponent a (N* ∝ C^a) with its interval.
 */
import type { FitView } from '../fit';
import { levelText, logSpace } from '../fit';
import { esc, formatCount, formatFlops } from '../format';
import { frontier, hasFrontier, type Frontier } from '../frontier';
import { logLogChart } from '../plot/chart';
import type { Obs } from './fitPanel';

const N_COLOR = '#2f5bd3';
const D_COLOR = '#2b8a3e';

const exponentText = (e: Frontier['a']) => `${e.value.toFixed(3)}${e.lo !== undefined ? ` <span class="dim">[${e.lo.toFixed(3)}, ${e.hi!.toFixed(3)}]</span>` : ''}`;

/**
 * Undefined when the fit has no frontier (not Chinchilla, or parameters missing). Bands and
 * exponent intervals are central `level` intervals; held-out runs are hollow squares.
 */
export function renderFrontier(fit: FitView, obs: Obs[], level = 0.95, heldOut: Set<string> = fit.heldOut): HTMLElement | undefined {
  if (!hasFrontier(fit)) return undefined;
  // The allocation rests on A, B, alpha and beta: if the data leave any of them open, so is the frontier.
  const open = (fit.identifiability?.undetermined ?? []).filter((p) => ['A', 'B', 'alpha', 'beta'].includes(p));
  if (open.length) {
    const note = document.createElement('div');
    note.className = 'flag bad frontier-off';
    note.dataset.testid = 'frontier-undetermined';
    note.textContent = `Compute-optimal frontier not drawn: it rests on ${open.join(', ')}, which the data do not determine.`;
    return note;
  }
  const cs = obs.map((o) => o.t.flops ?? (o.N && o.D ? 6 * o.N * o.D : NaN)).filter((c) => Number.isFinite(c) && c > 0);
  const [lo, hi] = cs.length ? [Math.min(...cs) / 3, Math.max(...cs) * 100] : [1e15, 1e24];
  const f = frontier(fit, logSpace(lo, hi, 40), level);
  const band = (key: 'nBand' | 'dBand') => f.points.map((p) => [p.C, ...(p[key] ?? [NaN, NaN])] as [number, number, number]);
  const chart = logLogChart({
    xLabel: 'compute C (FLOPs)',
    yLabel: 'optimal N*, D*',
    lines: [
      { id: 'frontier:N', label: 'N*', describe: 'compute-optimal N*', color: N_COLOR, weight: 2.2, points: f.points.map((p) => [p.C, p.N]) },
      { id: 'frontier:D', label: 'D*', describe: 'compute-optimal D*', color: D_COLOR, weight: 2.2, dashed: true, points: f.points.map((p) => [p.C, p.D]) },
    ],
    bands: f.samples ? [{ color: N_COLOR, points: band('nBand') }, { color: D_COLOR, points: band('dBand') }] : [],
    markers: obs
      .filter((o) => o.N !== undefined && (o.t.flops ?? 0) > 0)
      .map((o) => {
        const held = heldOut.has(o.t.id);
        return { x: o.t.flops!, y: o.N!, color: N_COLOR, hollow: true, shape: held ? ('square' as const) : ('circle' as const), kind: held ? 'held-out' : 'fitted', label: `trial #${o.t.index} N${held ? ' (held out)' : ''}` };
      }),
    formatX: formatFlops,
    formatY: formatCount,
    size: [540, 300],
  });
  const last = f.points[f.points.length - 1];
  const root = document.createElement('div');
  root.className = 'grid2 frontier';
  root.dataset.testid = 'frontier';
  const fig = document.createElement('figure');
  fig.className = 'fig';
  fig.innerHTML = `<figcaption>Compute-optimal frontier (C = 6·N·D)</figcaption>`;
  fig.append(chart);
  fig.insertAdjacentHTML(
    'beforeend',
    `<div class="legend"><span class="legend-item"><svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="${N_COLOR}" stroke-width="2.2"/></svg>&nbsp;N* parameters</span><span class="legend-item"><svg width="26" height="8"><line x1="1" x2="25" y1="4" y2="4" stroke="${D_COLOR}" stroke-width="2.2" stroke-dasharray="5 4"/></svg>&nbsp;D* samples</span><span class="legend-item"><svg width="12" height="12"><circle cx="6" cy="6" r="4" fill="#fff" stroke="${N_COLOR}" stroke-width="1.6"/></svg>&nbsp;trials (N at their C)</span>${obs.some((o) => heldOut.has(o.t.id)) ? `<span class="legend-item"><svg width="12" height="12"><rect x="2" y="2" width="8" height="8" fill="#fff" stroke="${N_COLOR}" stroke-width="1.6"/></svg>&nbsp;held-out trials</span>` : ''}${f.samples ? `<span class="legend-item dim">shaded: ${esc(levelText(level))} band</span>` : ''}</div>`,
  );
  root.append(fig);
  root.insertAdjacentHTML(
    'beforeend',
    `<div class="frontier-text">
  <div class="kv"><span class="dim">N* ∝ C<sup>a</sup>, a = β/(α+β)</span><b data-testid="frontier-a">${exponentText(f.a)}</b>${f.samples ? ` <span class="dim level">${esc(levelText(level))}</span>` : ''}</div>
  <div class="kv"><span class="dim">D* ∝ C<sup>b</sup>, b = α/(α+β)</span><b>${exponentText(f.b)}</b></div>
  <div class="kv"><span class="dim">at C = ${esc(formatFlops(last.C))}</span><span>N* ${esc(formatCount(last.N))}, D* ${esc(formatCount(last.D))}, ${esc((last.D / last.N).toPrecision(3))} samples per parameter</span></div>
  <p class="dim small">N* = G·(C/6)<sup>a</sup>, G = (αA/(βB))<sup>1/(α+β)</sup>, D* = (C/6)/N*. ${f.samples ? `Bands and intervals: central ${esc(levelText(level))} over ${f.samples} bootstrap fits.` : 'No bootstrap samples: no band.'}</p>
</div>`,
  );
  return root;
}
