/**
 * `slab fit` and `slab predict` on inputs they once got wrong (libs/laws/test/cases), and the behaviour each
 * kind of fault needs: every target answers or refuses, --compare fits as a single fit does, plots are legible.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitLaw, getLaw, mulberry32 } from '@slab/laws';
import { runCompare } from '../src/commands/compare';
import { runFit } from '../src/commands/fit';
import { runIsoflop } from '../src/commands/fit-isoflop';
import { answerFromReport } from '../src/commands/predict';

const CASES = fileURLToPath(new URL('../../../libs/laws/test/cases/', import.meta.url));
const CHIN = fileURLToPath(new URL('../../../data/chinchilla/svg_extracted_data.csv', import.meta.url));
const CHIN_COLS = 'N=Model Size,C=Training FLOP,L=loss';
const tmp = () => mkdtempSync(join(tmpdir(), 'slab-fit-cases-'));
const gauss = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

describe('slab fit on the cases', () => {
  it('lr-annealing-wsd.csv: all 20 rows are used (S2 = 0 is in the domain)', async () => {
    const r = await runFit(`${CASES}lr-annealing-wsd.csv`, { law: 'lr-annealing', columns: 'S1=S1,S2=S2,L=loss', threads: 1 });
    expect(r.report.nPoints).toBe(20);
    expect(r.report.params.alpha).toBeCloseTo(0.45, 1);
    expect(r.text).toContain('lr-annealing fit of');
    expect(r.text).toContain('(20 points fitted,');
    expect(r.text).toContain('dropped rows: none');
  });

  it('too few usable rows: the error says how many rows were dropped and why', async () => {
    const f = join(tmp(), 'few.csv');
    writeFileSync(f, `S1,S2,loss\n${Array.from({ length: 18 }, (_, i) => `0,0,${4 - 0.01 * i}`).join('\n')}\n1.9,0.1,2.6\n1.95,0.2,2.5\n`);
    await expect(runFit(f, { law: 'lr-annealing', columns: 'S1=S1,S2=S2,L=loss' })).rejects.toThrow(
      'fitLaw: law lr-annealing has 4 free parameters but only 2 usable points; need at least 4 (18 of 20 rows dropped: 18 because S1 must be > 0)',
    );
  });

  it('data-constrained-under-one-epoch.csv: the target N=1e9,D=2e9,U=1e11 is 3.0833', async () => {
    const r = await runFit(`${CASES}data-constrained-under-one-epoch.csv`, {
      law: 'data-constrained', columns: 'N=params,D=tokens,U=unique_tokens,L=loss', target: 'N=1e9,D=2e9,U=1e11', threads: 1,
    });
    expect(r.report.objective).toBeLessThan(1e-9);
    expect(r.targets[0].value).toBeCloseTo(3.0833, 3);
    expect(r.text).toMatch(/target N=1e9, D=2e9, U=1e11: 3\.083\d* \(no interval: run with --bootstrap N\)/);
  });

  it('overtraining-5pt.csv: a number with an interval, the degenerate resamples counted and a warning', async () => {
    const r = await runFit(`${CASES}overtraining-5pt.csv`, { law: 'overtraining', columns: 'N=params,D=tokens,L=loss', target: 'N=1.4e9,D=8.96e11', bootstrap: 200, threads: 1 });
    const t = r.targets[0];
    expect(t.x.M).toBeCloseTo(640, 9);
    expect(Math.abs(t.value / 2.3259 - 1)).toBeLessThan(0.015);
    expect(t.lo).toBeLessThan(2.3259);
    expect(t.hi).toBeGreaterThan(2.3259);
    expect(t.warning).toMatch(/interval not trustworthy/);
    expect(r.text).toMatch(/bootstrap: \d+ resamples over 5 distinct runs, seed 1, \d+ degenerate resamples excluded/);
    expect(r.text).toMatch(/target N=1\.4e9, D=8\.96e11: 2\.3\d+ \[2\.\d+, 2\.\d+\] {2}WARNING: interval not trustworthy/);
  });
});

describe('targets answer or refuse', () => {
  const ot = (target: string) => runFit(`${CASES}overtraining-5pt.csv`, { law: 'overtraining', columns: 'N=params,D=tokens,L=loss', target });

  it('a variable the law cannot use, a missing variable and a value outside the domain are errors naming them', async () => {
    await expect(ot('N=1.4e9,D=8.96e11,U=3')).rejects.toThrow('--target {"N":1400000000,"D":896000000000,"U":3}: U is not a variable of law overtraining (variables: C, M; N, D, C, M are derived from each other)');
    await expect(ot('N=1.4e9')).rejects.toThrow('--target {"N":1400000000}: law overtraining needs C, M (or two of N, D, C)');
    await expect(ot('N=-1,D=2')).rejects.toThrow('--target {"N":-1,"D":2}: N must be > 0, got -1');
    await expect(ot('N=1e9,D=oops')).rejects.toThrow('--target: expected VAR=number pairs');
  });

  it('a frontier law answers a point target at the point and a compute target on the frontier; several targets at once', async () => {
    const dir = tmp();
    const tf = join(dir, 'targets.csv');
    writeFileSync(tf, 'N,D\n7e10,1.4e12\n1e9,2e10\n');
    const r = await runFit(CHIN, { law: 'chinchilla', columns: CHIN_COLS, dropHighest: 5, target: 'N=7e10,D=1.4e12;C=5.76e23', targets: tf, bootstrap: 20, threads: 1 });
    expect(r.targets.map((t) => t.kind)).toEqual(['point', 'frontier', 'point', 'point']);
    const law = getLaw('chinchilla');
    expect(r.targets[0].value).toBeCloseTo(law.predict(r.report.params, { N: 7e10, D: 1.4e12 }), 12);
    expect(r.targets[2].value).toBe(r.targets[0].value);
    expect(r.targets[1].frontier!.C).toBe(5.76e23);
    expect(r.frontier!.C).toBe(5.76e23);
    for (const t of r.targets) {
      expect(t.lo).toBeGreaterThan(0);
      expect(t.lo).toBeLessThanOrEqual(t.value);
      expect(t.hi).toBeGreaterThanOrEqual(t.value);
    }
    expect(r.text).toMatch(/compute-optimal loss at C=5\.76e23: /);
  });
});

describe('slab fit --compare is the same fit as slab fit', () => {
  it('honours --fixed, --objective, --delta, --bootstrap and counts the points fitted', async () => {
    const opts = { law: 'chinchilla', columns: CHIN_COLS, dropHighest: 5, fixed: 'E=1.8', objective: 'huber-log', delta: 0.01, bootstrap: 10, threads: 1 };
    const c = await runCompare(CHIN, ['chinchilla', 'data-constrained'].slice(0, 1).concat('kaplan'), { ...opts, fixed: undefined });
    expect(c.text.split('\n')[0]).toBe(`2 laws fitted to 240 of 245 runs of ${CHIN}`);
    const single = await runFit(CHIN, opts);
    const both = await runCompare(CHIN, ['chinchilla', 'chinchilla'], opts);
    expect(single.report.params.E).toBe(1.8);
    expect(both.rows[0].objective).toBeCloseTo(single.report.objective, 12);
    expect(both.rows[0].nPoints).toBe(240);
    // A flag that cannot apply to every law is an error for the whole comparison, before any fit.
    await expect(runCompare(CHIN, ['chinchilla', 'kaplan'], opts)).rejects.toThrow('--fixed: "E" is not a parameter of law kaplan (Nc, Dc, alphaN, alphaD)');
  }, 120_000);

  it('a holdout that matches nothing is an error; --plot draws the best law', async () => {
    await expect(runCompare(CHIN, ['chinchilla', 'kaplan'], { law: 'chinchilla', columns: CHIN_COLS, holdout: 'C>1e40' })).rejects.toThrow('holdout: the rule C>1e+40 holds out no points');
    const plot = join(tmp(), 'cmp.svg');
    const c = await runCompare(CHIN, ['chinchilla', 'kaplan'], { law: 'chinchilla', columns: CHIN_COLS, dropHighest: 5, holdout: 'C>1e22', plot });
    expect(c.plot).toBe(plot);
    expect(c.text).toContain(`plot of the best law (chinchilla) written to ${plot}`);
    expect(readFileSync(plot, 'utf8')).toContain('class="heldout"');
  }, 120_000);
});

describe('inputs, options and plots', () => {
  it('a `slab export` CSV is understood without --columns; failed trials are dropped with the reason', async () => {
    const rng = mulberry32(2);
    const law = getLaw('chinchilla');
    const truth = { E: 0.3, A: 20, B: 30, alpha: 0.4, beta: 0.35 };
    const rows = ['trialId,index,status,config.width,params,data,flops,backend,reason,final.eval_loss'];
    let i = 0;
    for (const N of [1e4, 3e4, 1e5, 3e5]) for (const D of [1e4, 4e4, 1.6e5, 6.4e5]) {
      rows.push(`s-t${i},${i},completed,16,${N},${D},${6 * N * D},wasm,,${law.predict(truth, { N, D }) * (1 + 0.002 * gauss(rng))}`);
      i++;
    }
    rows.push(`s-t${i},${i},failed,16,1e6,1e6,6e12,wasm,diverged,`);
    const f = join(tmp(), 'export.csv');
    writeFileSync(f, `${rows.join('\n')}\n`);
    const r = await runFit(f, { law: 'chinchilla', threads: 1 });
    expect(r.columns).toEqual({ x: { N: 'params', D: 'data', C: 'flops' }, y: 'final.eval_loss' });
    expect(r.report.nPoints).toBe(16);
    expect(r.droppedSummary).toBe('1 of 17 rows dropped: 1 because final.eval_loss is empty');
  });

  it('--weights and --fixed reach the fit; unknown parameters are named', async () => {
    const f = join(tmp(), 'w.csv');
    writeFileSync(f, 'x,loss,w\n10,3,1\n20,2.7,1\n40,2.5,1\n80,2.36,1\n160,2.27,1\n320,9,0\n');
    const r = await runFit(f, { law: 'power-law-plus-constant', columns: 'x=x,L=loss', weights: 'w', fixed: 'E=2' });
    expect(r.report.params.E).toBe(2);
    expect(r.report.rmsle).toBeGreaterThan(0.3); // the weight-0 row is still scored, not fitted
    const unweighted = await runFit(f, { law: 'power-law-plus-constant', columns: 'x=x,L=loss', fixed: 'E=2' });
    expect(unweighted.report.params.A).not.toBeCloseTo(r.report.params.A, 2);
    await expect(runFit(f, { law: 'power-law', columns: 'x=x,L=loss', fixed: 'E=2' })).rejects.toThrow('--fixed: "E" is not a parameter of law power-law (A, alpha)');
  });

  it('--screen and --time-budget bound the multi-start stage, and the report says what was skipped', async () => {
    const r = await runFit(CHIN, { law: 'chinchilla', columns: CHIN_COLS, screen: 5, timeBudget: 1e-9, threads: 1 });
    expect(r.report.screenedStarts).toBe(243);
    expect(r.report.starts).toBe(1);
    expect(r.report.startsSkippedForTime).toBe(4);
    expect(r.text).toMatch(/note: time budget of \S+ ms reached: 4 of 5 starts not optimised/);
    await expect(runFit(CHIN, { law: 'chinchilla', columns: CHIN_COLS, screen: 0 })).rejects.toThrow('fitLaw: options.screen must be a positive integer, got 0');
    await expect(runFit(CHIN, { law: 'chinchilla', columns: CHIN_COLS, timeBudget: 0 })).rejects.toThrow('--time-budget: expected a positive number of seconds, got "0"');
  });

  it('the plot labels every axis with the column names, labels y ticks on a narrow range, never repeats an x label, keeps the legend off the points', async () => {
    const plot = join(tmp(), 'p.svg');
    await runFit(`${CASES}lr-annealing-wsd.csv`, { law: 'lr-annealing', columns: 'S1=S1,S2=S2,L=loss', plot });
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toContain('class="xtitle"');
    expect(svg).toMatch(/class="ytitle"[^>]*>observed loss \(log scale\)/);
    const yticks = [...svg.matchAll(/class="ytick"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(yticks.length).toBeGreaterThanOrEqual(3);
    const chin = join(tmp(), 'c.svg');
    await runFit(CHIN, { law: 'chinchilla', columns: CHIN_COLS, plot: chin });
    const csvg = readFileSync(chin, 'utf8');
    const xticks = [...csvg.matchAll(/class="xtick"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(new Set(xticks).size).toBe(xticks.length);
    expect(csvg).toMatch(/class="xtitle"[^>]*>Training FLOP \(compute C\) \(log scale\)/);
    // The legend row sits above the plot area (which starts at y = 58).
    expect(Number(/class="legend" transform="translate\([\d.]+ ([\d.]+)\)"/.exec(csvg)![1])).toBeLessThan(58);
  });

  it('--isoflop: per-budget minima with intervals and the N*(C), D*(C) power laws', async () => {
    const law = getLaw('chinchilla');
    const truth = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
    const rng = mulberry32(7);
    const lines = ['params,flops,loss'];
    for (const C of [1e18, 1e19, 1e20]) {
      const nOpt = Math.pow((truth.alpha * truth.A) / (truth.beta * truth.B), 1 / 0.62) * Math.pow(C / 6, 0.28 / 0.62);
      for (const s of [-0.5, -0.25, 0, 0.25, 0.5]) {
        const N = nOpt * 10 ** s;
        lines.push(`${N},${C * (1 + 0.01 * rng())},${law.predict(truth, { N, D: C / (6 * N) }) * (1 + 0.001 * gauss(rng))}`);
      }
    }
    const f = join(tmp(), 'iso.csv');
    writeFileSync(f, `${lines.join('\n')}\n`);
    const r = await runIsoflop(f, { law: 'chinchilla', bootstrap: 100 });
    expect(r.result.budgets).toHaveLength(3);
    expect(Math.abs(r.result.approach2!.nStar.exponent - 0.28 / 0.62)).toBeLessThan(0.03);
    expect(r.text).toMatch(/approach 2 \(parabola minimum per budget\): N\* = \S+ C\^0\.4\d+ \(95% CI /);
  });
});

describe('slab fit --chain', () => {
  it('chains a loss law into a downstream-error law: targets in the loss law\'s variables, intervals from both fits', async () => {
    const dir = tmp();
    const rng = mulberry32(5);
    const lossCsv = join(dir, 'loss.csv');
    const xs = Array.from({ length: 20 }, (_, i) => 100 * 1.5 ** i);
    writeFileSync(lossCsv, `x,loss\n${xs.map((x) => `${x},${(1.5 + 30 * x ** -0.4) * (1 + 0.003 * gauss(rng))}`).join('\n')}\n`);
    const lossFit = await runFit(lossCsv, { law: 'power-law-plus-constant', columns: 'x=x,L=loss', bootstrap: 50, json: true, threads: 1 });
    const lossJson = join(dir, 'loss.json');
    writeFileSync(lossJson, lossFit.text);
    const errCsv = join(dir, 'err.csv');
    const Ls = Array.from({ length: 12 }, (_, i) => 1.6 + 0.15 * i);
    const down = getLaw('downstream-error');
    writeFileSync(errCsv, `loss,err\n${Ls.map((l) => `${l},${down.predict({ epsilon: 0.9, k: 20, gamma: 2 }, { L: l }) + 0.005 * gauss(rng)}`).join('\n')}\n`);
    const r = await runFit(errCsv, { law: 'downstream-error', columns: 'L=loss,err=err', bootstrap: 50, chain: lossJson, target: 'x=1e5', threads: 1 });
    const t = r.targets[0];
    const L = getLaw('power-law-plus-constant').predict(lossFit.report.params, { x: 1e5 });
    expect(t.chained!.value).toBeCloseTo(L, 12);
    expect(t.value).toBeCloseTo(down.predict(r.report.params, { L }), 12);
    expect(t.lo).toBeLessThan(t.value);
    expect(t.hi).toBeGreaterThan(t.value);
    expect(r.text).toMatch(/target x=100000: \S+ \[\S+, \S+\] \(via power-law-plus-constant = \S+, both fits' uncertainty\)/);
    await expect(runFit(errCsv, { law: 'downstream-error', columns: 'L=loss,err=err', chain: lossJson, target: 'L=2' })).rejects.toThrow(/--target \{"L":2\}: L is not a variable of law power-law-plus-constant/);
    await expect(runFit(errCsv, { law: 'downstream-error', columns: 'L=loss,err=err', chain: errCsv, target: 'x=1' })).rejects.toThrow(/--chain .*err\.csv: expected the JSON written by `slab fit --json`/);
  });
});

describe('slab predict answers with intervals', () => {
  const rng = mulberry32(1);
  const law = getLaw('chinchilla');
  const truth = { E: 1.8, A: 480, B: 2100, alpha: 0.35, beta: 0.37 };
  const x = [1e8, 3e8, 1e9, 3e9].flatMap((N) => [2e9, 8e9, 3e10, 1e11].map((D) => ({ N, D })));
  const report = fitLaw({ x, y: x.map((p) => law.predict(truth, p) * (1 + 0.003 * gauss(rng))) }, { law: 'chinchilla', bootstrap: 60 });

  it('with no question, the sweep\'s own target', () => {
    const { lines, out } = answerFromReport(report, { level: '0.95' }, { value: 2.1, lo: 2.05, hi: 2.2, label: 'eval_loss at N=1e9, D=2e10' });
    expect(lines).toEqual(['eval_loss at N=1e9, D=2e10: 2.100 (95% [2.050, 2.200])']);
    expect(out.target).toMatchObject({ value: 2.1 });
    expect(() => answerFromReport(report, { level: '0.95' })).toThrow('predict: this sweep has no target; give --at, --compute or --loss');
  });

  it('--at (derived variables, several points), --compute and --loss all print intervals in one format', () => {
    const { lines } = answerFromReport(report, { level: '0.95', at: 'N=1e10,C=6e20;N=2e9,D=4e10', compute: '1e21', loss: '2.3' });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^loss at N=1\.000e10, D=1\.000e10: \d\.\d{3} \(95% \[\d\.\d{3}, \d\.\d{3}\]\)$/);
    expect(lines[2]).toMatch(/^compute-optimal at C=1\.000e21: N\*=\S+ \[\S+, \S+\], D\*=\S+ \[\S+, \S+\], D\/N=\S+ \[\S+, \S+\], loss \S+ \[\S+, \S+\]; a=\S+ \[\S+, \S+\]$/);
    expect(lines[3]).toMatch(/^to reach loss 2\.300: C=\S+ \[\S+, \S+\], N=\S+ \[\S+, \S+\], D=\S+ \[\S+, \S+\]$/);
    expect(() => answerFromReport(report, { level: '0.95', at: 'N=1e10,Q=3' })).toThrow(/^--at \{"N":10000000000,"Q":3\}: Q is not a variable of law chinchilla/);
  });
});
