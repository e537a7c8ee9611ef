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
});
