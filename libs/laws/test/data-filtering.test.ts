import { describe, expect, it } from 'vitest';
import { fitLaw, getLaw } from '../src/index';

const law = getLaw('data-filtering');
const p = { a: 0.2, b: -0.3, tau: 2, d: 0.1 };
const y = (neff: number) => p.d + p.a * Math.pow(neff / 1e5, p.b);

describe('data-filtering law (Goyal et al., effective-data form)', () => {
  it('counts fresh samples fully and the k-th repeat at 2^(-k/tau)', () => {
    expect(law.predict(p, { n: 800, S: 1000 })).toBeCloseTo(y(800), 12); // within the first pass
    // 2.5 passes over S = 1000: 1000 + 1000·2^(-1/2) + 500·2^(-1)
    expect(law.predict(p, { n: 2500, S: 1000 })).toBeCloseTo(y(1000 + 1000 * Math.SQRT1_2 + 250), 12);
    // Repetition saturates: at most S / (1 − 2^(-1/tau)) effective samples, however many passes.
    const cap = 1000 / (1 - Math.pow(2, -1 / p.tau));
    expect(law.predict(p, { n: 1e6, S: 1000 })).toBeCloseTo(y(cap), 6);
    // A larger pool seen for the same n is worth more once the small one repeats.
    expect(law.predict(p, { n: 4000, S: 4000 })).toBeLessThan(law.predict(p, { n: 4000, S: 1000 }));
  });

  it('recovers the half-life of a heavily repeated pool', () => {
    const S = 500;
    const ns = [250, 500, 1000, 2000, 4000, 8000, 16000, 32000];
    const fit = fitLaw({ x: ns.map((n) => ({ n, S })), y: ns.map((n) => law.predict(p, { n, S })) }, { law: 'data-filtering' });
    expect(fit.params.tau).toBeCloseTo(p.tau, 2);
    expect(fit.params.b).toBeCloseTo(p.b, 2);
    expect(fit.params.d).toBeCloseTo(p.d, 2);
  });
});
