/**
 * overtraining (Gadre et al. 2024): the runs' loss against compute with L(C, M) drawn at each token
 * multiplier M, top-1 error against loss with Err(L), and each held-out run's predicted loss and error
 * (intervals from both fits' bootstrap) beside what it measured.
 */
import type { StudyResult } from '@slab/api';
import { esc, formatCount } from '../../format';
import { logLogChart, type ChartLine, type ChartMarker } from '../../plot/chart';
import { h } from '../common';
import { legend, num, percent, seriesColor } from './common';
import type { StudyView } from './index';

type Over = Extract<StudyResult, { kind: 'overtraining' }>;

function render(s: Over): HTMLElement {
  const r = s.result;
  const fitted = r.runs.filter((x) => !x.heldOut && x.loss !== null);
  const ms = [...new Set(fitted.map((x) => Math.round(x.multiplier)))].sort((a, b) => a - b);
  const color = (m: number) => seriesColor(Math.max(0, ms.indexOf(Math.round(m))));
  const lp = r.lossLaw?.params;
  const L = (C: number, M: number) => (lp ? lp.E.value + (lp.a.value * M ** lp.eta.value + lp.b.value * M ** -lp.eta.value) * C ** -lp.eta.value : Number.NaN);
  const cs = r.runs.map((x) => x.compute);
  const [c0, c1] = [Math.min(...cs) / 2, Math.max(...cs) * 2];
  const grid = Array.from({ length: 24 }, (_, k) => c0 * (c1 / c0) ** (k / 23));
  const lossLines: ChartLine[] = lp ? ms.map((m) => ({ id: `M${m}`, label: `L(C, M = ${m})`, color: color(m), dashed: true, points: grid.map((C) => [C, L(C, m)] as [number, number]) })) : [];
  const lossMarkers: ChartMarker[] = fitted.map((x) => ({ x: x.compute, y: x.loss as number, color: color(x.multiplier), label: `N ${formatCount(x.params)}, M ${num(x.multiplier)}: ${num(x.loss, 4)}` }));
  for (const p of r.predictions) {
    lossMarkers.push({ x: p.compute, y: p.loss.actual ?? p.loss.predicted.value, color: '#d62728', shape: 'square', hollow: true, kind: 'held-out', yRange: [p.loss.predicted.lo, p.loss.predicted.hi], label: `held out N ${formatCount(p.params)}, M ${num(p.multiplier)}: measured ${num(p.loss.actual, 4)}, predicted ${num(p.loss.predicted.value, 4)} [${num(p.loss.predicted.lo, 4)}, ${num(p.loss.predicted.hi, 4)}]` });
  }
  const ep = r.errorLaw?.params;
  const losses = r.runs.flatMap((x) => (x.loss === null ? [] : [x.loss]));
  const [l0, l1] = [Math.min(...losses) * 0.97, Math.max(...losses) * 1.03];
  const errLines: ChartLine[] = ep ? [{ id: 'err', label: 'Err(L)', color: seriesColor(0), points: Array.from({ length: 24 }, (_, k) => l0 + ((l1 - l0) * k) / 23).map((x) => [x, ep.epsilon.value - ep.k.value * Math.exp(-ep.gamma.value * x)] as [number, number]) }] : [];
  const errMarkers: ChartMarker[] = fitted.filter((x) => x.error !== null).map((x) => ({ x: x.loss as number, y: x.error as number, color: color(x.multiplier), label: `N ${formatCount(x.params)}, M ${num(x.multiplier)}: loss ${num(x.loss, 4)}, error ${num(x.error)}` }));
  for (const p of r.predictions) {
    if (p.error) errMarkers.push({ x: p.loss.predicted.value, y: p.error.actual ?? p.error.predicted.value, color: '#d62728', shape: 'square', hollow: true, kind: 'held-out', yRange: [p.error.predicted.lo, p.error.predicted.hi], label: `held out: measured error ${num(p.error.actual)}, predicted ${num(p.error.predicted.value)} [${num(p.error.predicted.lo)}, ${num(p.error.predicted.hi)}]` });
  }
  const law = (name: string, l: Over['result']['lossLaw']) =>
    l ? `<p data-testid="over-law">${name} (${l.points} runs${l.converged ? '' : ', <b class="warn-text">not converged</b>'}): ${esc(l.formula)}<br><span class="dim">${Object.entries(l.params).map(([k, p]) => `${esc(k)} = ${num(p.value, 4)} [${num(p.lo)}, ${num(p.hi)}]`).join(', ')}</span>${l.warning ? ` <span class="warn-text">${esc(l.warning)}</span>` : ''}</p>` : `<p class="dim">${name}: not fitted</p>`;
  const rows = r.predictions
    .map(
      (p) => `<tr data-testid="over-prediction"><td class="num">${formatCount(p.params)}</td><td class="num">${formatCount(p.data)}</td><td class="num">${num(p.multiplier)}</td><td class="num">${num(p.loss.predicted.value, 4)} <span class="dim">[${num(p.loss.predicted.lo, 4)}, ${num(p.loss.predicted.hi, 4)}]</span></td><td class="num">${num(p.loss.actual, 4)}</td><td class="num">${percent(p.loss.relError)}</td><td class="num">${p.error ? `${num(p.error.predicted.value)} <span class="dim">[${num(p.error.predicted.lo)}, ${num(p.error.predicted.hi)}]</span>` : '—'}</td><td class="num">${num(p.error?.actual)}</td><td class="num">${percent(p.error?.relError)}</td></tr>`,
    )
    .join('');
  const root = h(`<div class="study-body">
  <p class="dim">Loss ${esc(s.metric)} in compute C = 6ND and token multiplier M = D/N (M from ${num(r.multipliers.min)} to ${num(r.multipliers.max)} in the fit); top-1 error = 1 − ${esc(s.downstream)}. Red squares: held-out runs, whiskers the ${Math.round(r.level * 100)}% predicted interval.</p>
  ${law('L(C, M)', r.lossLaw)}
  ${law('Err(L)', r.errorLaw)}
  <div class="study-charts"><figure data-testid="over-loss-vs-c"><figcaption>Final loss against compute, L(C, M) at each fitted M</figcaption></figure><figure data-testid="over-err-vs-l"><figcaption>Top-1 error against loss, with Err(L)</figcaption></figure></div>
  <table class="table compact" data-testid="over-predictions"><thead><tr><th class="num">N</th><th class="num">D</th><th class="num">M</th><th class="num">loss predicted</th><th class="num">measured</th><th class="num">error</th><th class="num">top-1 error predicted</th><th class="num">measured</th><th class="num">error</th></tr></thead><tbody>${rows || '<tr><td colspan="9" class="dim">no held-out run</td></tr>'}</tbody></table>
  ${r.notes.map((n) => `<p class="dim" data-testid="study-note">${esc(n)}</p>`).join('')}
</div>`);
  const fLoss = root.querySelector('[data-testid="over-loss-vs-c"]')!;
  const fErr = root.querySelector('[data-testid="over-err-vs-l"]')!;
  fLoss.append(
    logLogChart({ xLabel: 'C (FLOPs)', yLabel: s.metric, yLinear: true, size: [520, 300], lines: lossLines, markers: lossMarkers, name: 'study-overtraining-loss-vs-compute' }),
    h(legend(ms.map((m) => ({ label: `M = ${m}`, color: color(m) })))),
  );
  fErr.append(logLogChart({ xLabel: s.metric, yLabel: 'top-1 error', yLinear: true, size: [520, 300], lines: errLines, markers: errMarkers, name: 'study-overtraining-error-vs-loss' }));
  return root;
}

export const overtrainingView: StudyView<Over> = { paper: 'Gadre et al. 2024, over-training and downstream error', render };
