import { describe, expect, it } from 'vitest';
import { fitLawParallel } from '../src/parallel';
import { fitLaw, readRunsCsv, renderFitSvg } from '../src/index';

const pts = (n: number) => ({ x: Array.from({ length: n }, (_, i) => ({ x: 10 * (i + 1) })), y: Array.from({ length: n }, (_, i) => 2 + 5 * (10 * (i + 1)) ** -0.5) });

describe('bad input gets an error naming the problem', () => {
  it('fewer points than parameters', () => {
    expect(() => fitLaw(pts(2), { law: 'power-law-plus-constant' })).toThrow(/3 free parameters but only 2 usable points/);
  });
  it('non-positive values, NaN, missing variables, mismatched lengths', () => {
    const d = pts(5);
    d.x[2] = { x: -1 };
    expect(() => fitLaw(d, { law: 'power-law' })).toThrow(/data\.x\[2\]\.x must be > 0/);
    const e = pts(5);
    e.y[3] = Number.NaN;
    expect(() => fitLaw(e, { law: 'power-law' })).toThrow(/data\.y\[3\] must be a finite number/);
    const f = pts(5);
    f.y[1] = 0;
    expect(() => fitLaw(f, { law: 'power-law' })).toThrow(/data\.y\[1\] must be > 0/);
    expect(() => fitLaw({ x: [{ N: 1 }], y: [1] }, { law: 'chinchilla' })).toThrow(/missing variable "D"/);
    expect(() => fitLaw({ x: pts(3).x, y: [1] }, { law: 'power-law' })).toThrow(/3 points but data\.y has 1/);
  });
  it('bad options', () => {
    expect(() => fitLaw(pts(5), { law: 'power-law', starts: 'nope' })).toThrow(/options\.starts "nope".*presets: small/);
    expect(() => fitLaw(pts(5), { law: 'power-law', bootstrap: -1 })).toThrow(/options\.bootstrap must be a non-negative integer/);
    expect(() => fitLaw(pts(5), { law: 'power-law', fixed: { Q: 1 } })).toThrow(/"Q".*A, alpha/);
  });
  it('readRunsCsv reports missing columns and every dropped row with its reason', () => {
    expect(() => readRunsCsv('a,b\n1,2\n', { x: { N: 'params' }, y: 'loss' })).toThrow(/missing columns "params" \(for N\), "loss" \(for y\)/);
    const t = readRunsCsv('params,loss,note\n1e6,3.1,ok\n-5,3,neg\n2e6,,empty\n3e6,abc,text\n"4e6",2.9,"quoted, comma"\n', { x: { N: 'params' }, y: 'loss' });
    expect(t.y).toEqual([3.1, 2.9]);
    expect(t.dropped).toEqual([
      { line: 3, reason: 'params must be > 0 (got -5)', cause: 'params must be > 0' },
      { line: 4, reason: 'loss is empty', cause: 'loss is empty' },
      { line: 5, reason: 'loss is not a finite number ("abc")', cause: 'loss is not a number' },
    ]);
    expect(t.raw[1].note).toBe('quoted, comma');
  });
});

describe('bootstrap', () => {
  const noisy = (() => {
    const d = pts(30);
    d.y = d.y.map((v, i) => v * (1 + 0.01 * Math.sin(i * 12.9898)));
    return d;
  })();
  it('is deterministic given the seed and the same across thread counts', async () => {
    const a = fitLaw(noisy, { law: 'power-law-plus-constant', bootstrap: 16, seed: 3 });
    const b = fitLaw(noisy, { law: 'power-law-plus-constant', bootstrap: 16, seed: 3 });
    const c = fitLaw(noisy, { law: 'power-law-plus-constant', bootstrap: 16, seed: 4 });
    expect(a.bootstrap!.samples).toEqual(b.bootstrap!.samples);
    expect(a.bootstrap!.samples).not.toEqual(c.bootstrap!.samples);
    const p = await fitLawParallel(noisy, { law: 'power-law-plus-constant', bootstrap: 16, seed: 3 }, { threads: 2 });
    expect(p.bootstrap!.samples).toEqual(a.bootstrap!.samples);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p); // plain JSON
  });
  it('plots points, held-out points, the band and the target', () => {
    const r = fitLaw(noisy, { law: 'power-law-plus-constant', bootstrap: 16 });
    const svg = renderFitSvg(r, noisy, { heldOut: { x: [{ x: 500 }], y: [2.2] }, target: { x: 1000 } });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/class="point"/g)!.length).toBe(30);
    expect(svg).toContain('class="heldout"');
    expect(svg).toContain('class="band"');
    expect(svg).toContain('class="target"');
  });

  it('draws the compute-optimal frontier in C = 6ND, with the runs placed there too (not at a counted C)', () => {
    const x: Record<string, number>[] = [];
    const y: number[] = [];
    for (const N of [1e7, 3e7, 1e8, 3e8, 1e9]) {
      for (const D of [2e8, 1e9, 5e9, 2e10]) {
        // A counted FLOPs column 40% above 6ND, as attention and the readout add.
        x.push({ N, D, C: 8.4 * N * D });
        y.push(1.8 + 400 / N ** 0.34 + 410 / D ** 0.28);
      }
    }
    const r = fitLaw({ x, y }, { law: 'chinchilla' });
    expect(r.identifiability.undetermined).toEqual([]);
    const svg = renderFitSvg(r, { x, y });
    expect(svg).toContain('compute-optimal frontier');
    expect(svg).not.toContain('class="note"');
    // The leftmost run sits at 6 N D of the smallest run, the left end of the frontier curve (same x pixel).
    const cx = [...svg.matchAll(/class="point" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    const curveX = Number(/class="fit" points="([\d.]+),/.exec(svg)![1]);
    expect(Math.min(...cx)).toBeCloseTo(curveX, 0);
  });

  it('does not draw a frontier that rests on parameters the data do not determine: observed vs predicted, and why', () => {
    // Every run at one data size: B and beta cannot be told apart from E.
    const x = [1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9].map((N) => ({ N, D: 1e9 }));
    const y = x.map((r) => 1.8 + 400 / r.N ** 0.34 + 410 / r.D ** 0.28);
    const r = fitLaw({ x, y }, { law: 'chinchilla' });
    expect(r.identifiability.undetermined.some((k) => ['A', 'B', 'alpha', 'beta'].includes(k))).toBe(true);
    const svg = renderFitSvg(r, { x, y });
    expect(svg).toMatch(/class="note"[^>]*>compute-optimal frontier not drawn: it rests on [^<]*(B|beta)[^<]*, which the data do not determine</);
    expect(svg).toContain('observed y (log scale)');
    expect(svg).toContain('predicted y (log scale)');
    expect(svg).not.toContain('(curve: compute-optimal frontier)');
  });
});
