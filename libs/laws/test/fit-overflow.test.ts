import { describe, expect, it } from 'vitest';
import { fitLaw } from '../src/index';

describe('a log-scale parameter in a valley towards infinity', () => {
  // Twelve byte-level GPT proxies on SOTU (width 16, 24 at five D, width 32 at two): the size term is seen at two
  // points only, and the best Chinchilla fit walks A/N^alpha along a valley to alpha ≈ 76, where A = exp(theta)
  // overflowed to Infinity and the bootstrap refused its warm start ("parameter A must be a finite number").
  const rows: [number, number, number][] = [
    [32768, 11712, 3.3495815992355347], [65536, 11712, 3.054882049560547], [131072, 11712, 2.8377442359924316],
    [262144, 11712, 2.5215073823928833], [524288, 11712, 2.4131243228912354], [32768, 22176, 3.1074464321136475],
    [65536, 22176, 3.0392496585845947], [131072, 22176, 2.7491711378097534], [262144, 22176, 2.469221353530884],
    [524288, 22176, 2.372101306915283], [32768, 35712, 3.0675848722457886], [65536, 35712, 3.0355015993118286],
  ];
  const data = { x: rows.map(([D, N]) => ({ N, D })), y: rows.map((r) => r[2]) };

  it('keeps every parameter finite through the bootstrap and says A and alpha are not determined', () => {
    const r = fitLaw(data, { law: 'chinchilla', bootstrap: 50, seed: 1 });
    for (const [k, v] of Object.entries(r.params)) expect(Number.isFinite(v), k).toBe(true);
    expect(r.bootstrap?.samples).toHaveLength(50);
    expect(r.identifiability.verdict).not.toBe('identified');
    expect(r.identifiability.undetermined).toEqual(expect.arrayContaining(['A']));
  });
});
