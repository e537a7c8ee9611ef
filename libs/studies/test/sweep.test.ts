import { describe, expect, it } from 'vitest';
import { annealingAreas } from '@slab/laws';
import { formatStudy, studyFromSweep, type StudyMetric, type StudyTrial } from '../src/index';

describe('studyFromSweep', () => {
  it('lr-sensitivity reads final losses, divergence and the last logged instability signals', () => {
    const trials: StudyTrial[] = [
      { id: 's-0', status: 'completed', config: { width: 16, learningRate: 1e-3 }, final: { eval_loss: 2.5 } },
      { id: 's-1', status: 'completed', config: { width: 16, learningRate: 1e-2 }, final: { eval_loss: 2.1 } },
      { id: 's-2', status: 'diverged', config: { width: 16, learningRate: 1e-1 }, final: { eval_loss: null } },
      { id: 's-3', status: 'running', config: { width: 16, learningRate: 3e-2 } },
    ];
    const metrics: StudyMetric[] = [
      { trialId: 's-1', step: 8, name: 'attn_logit_max', value: 5 },
      { trialId: 's-1', step: 16, name: 'attn_logit_max', value: 7 },
      { trialId: 's-2', step: 8, name: 'attn_logit_max', value: 90 },
    ];
    const s = studyFromSweep({ kind: 'lr-sensitivity' }, trials, metrics);
    if (s.kind !== 'lr-sensitivity') throw new Error('kind');
    const w = s.result.variants[0].widths[0];
    expect(w.runs).toBe(3);
    expect(w.curve.map((c) => c.attnLogitMax)).toEqual([null, 7, 90]);
    expect(w.sensitivity).toBeCloseTo((0.4 + 0 + (Math.log(256) - 2.1)) / 3, 12);
    expect(formatStudy(s)).toMatch(/width 16: sensitivity 1\.28 \(best 2\.1 at LR 0\.01; 1\/3 diverged\)/);
  });

  it('lr-annealing fits each width apart from the stored lr and eval_loss curves', () => {
    const trials: StudyTrial[] = [];
    const metrics: StudyMetric[] = [];
    const lrOf: Record<string, (t: number) => number> = { constant: () => 3e-3, linear: (t) => 3e-3 - 2.7e-3 * (t / 400), wsd: (t) => (t <= 320 ? 3e-3 : 3e-3 - 2.7e-3 * ((t - 320) / 80)) };
    for (const [w, L0] of [[16, 2.4], [32, 2.1]] as const) {
      for (const schedule of Object.keys(lrOf)) {
        const id = `a-${w}-${schedule}`;
        trials.push({ id, status: 'completed', config: { width: w, schedule }, final: {} });
        const lr = Array.from({ length: 400 }, (_, i) => lrOf[schedule](i + 1));
        const { S1, S2 } = annealingAreas(lr);
        for (let s = 4; s <= 400; s += 4) metrics.push({ trialId: id, step: s, name: 'lr', value: lr[s - 1] });
        for (let s = 16; s <= 400; s += 16) metrics.push({ trialId: id, step: s, name: 'eval_loss', value: L0 + 0.3 * S1[s - 1] ** -0.5 - 0.8 * S2[s - 1] });
      }
    }
    const s = studyFromSweep({ kind: 'lr-annealing', holdout: ['wsd'] }, trials, metrics);
    if (s.kind !== 'lr-annealing') throw new Error('kind');
    expect(s.byWidth.map((b) => b.width)).toEqual([16, 32]);
    for (const b of s.byWidth) {
      expect(b.result.predictions[0].fittedOn).toEqual(['constant', 'linear']);
      expect(b.result.predictions[0].meanRelError).toBeLessThan(1e-3);
    }
    expect(s.byWidth[1].result.all!.params.L0.value).toBeCloseTo(2.1, 1);
    expect(formatStudy(s)).toMatch(/width 32:[\s\S]*held out wsd \(fitted on constant, linear\): mean error 0\.\d\d%/);
  });

  it('repetition reads N and D from the trial results and U from config.uniqueData', () => {
    // Muennighoff's law with R_D* = 4 at two sizes; U = 1e6 is the fresh arm.
    const loss = (N: number, D: number, U: number) => {
      const ud = Math.min(D, U);
      return 0.6 + 10 / N ** 0.3 + 15 / (ud * (1 + 4 * -Math.expm1(-(D / ud - 1) / 4))) ** 0.3;
    };
    const trials = [11712, 35712].flatMap((N) =>
      [16384, 32768, 65536, 131072].flatMap((D) => [8192, 1e6].map((U) => ({ id: `t${N}-${D}-${U}`, status: 'completed', config: { data: D, uniqueData: U }, final: { eval_loss: loss(N, D, U) }, params: N, data: D }))),
    );
    const s = studyFromSweep({ kind: 'repetition', bootstrap: 20 }, trials, []);
    if (s.kind !== 'repetition') throw new Error('kind');
    expect(s.result.runs).toHaveLength(16);
    expect(s.result.rdStar.value).toBeCloseTo(4, 0);
    expect(formatStudy(s)).toMatch(/study repetition \(Muennighoff et al\. 2023\)[\s\S]*R_D\*: 4(\.\d+)? \(95% \[/);
    expect(() => studyFromSweep({ kind: 'repetition' }, [{ id: 'a', status: 'completed', config: {} }], [])).toThrow(/trial a has no params\/data/);
  });

  it('says which config a study needs, and that nothing has finished', () => {
    expect(() => studyFromSweep({ kind: 'lr-sensitivity' }, [{ id: 'a', status: 'running', config: {} }], [])).toThrow(/no trial has finished yet/);
    expect(() => studyFromSweep({ kind: 'lr-sensitivity' }, [{ id: 'a', status: 'completed', config: { width: 8 } }], [])).toThrow(/trial a needs config\.width and config\.learningRate/);
    expect(() => studyFromSweep({ kind: 'lr-annealing' }, [{ id: 'a', status: 'completed', config: {} }], [])).toThrow(/trial a has no config\.schedule/);
  });
});
