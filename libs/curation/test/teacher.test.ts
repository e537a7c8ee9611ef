import { beforeAll, describe, expect, it } from 'vitest';
import {
  el2nScorer,
  grandScorer,
  initCurationBackend,
  lossScorer,
  probeScores,
  selectByScore,
  selectRandom,
  spearman,
  studentError,
  teacherStudentTask,
  trainLinearStudent,
} from '../src';

beforeAll(async () => {
  await initCurationBackend('wasm');
});

describe('teacher–student: scores rank the true difficulty', () => {
  const task = teacherStudentTask({ n: 600, dim: 20, seed: 5 });
  const hardness = Array.from(task.margin, (m) => -m); // small margin = hard
  it.each([
    ['el2n', el2nScorer],
    ['loss', lossScorer],
    ['grand', grandScorer],
  ] as const)('%s correlates with −margin (Spearman ρ > 0.8)', (_, scorer) => {
    const { scores } = scorer.score(task.data, { seed: 1, epochs: 5, seeds: 3, hidden: 0, lr: 0.05, batchSize: 32 });
    const rho = spearman(scores, hardness);
    console.log(`teacher-student Spearman ρ(${scorer.name}, −margin) = ${rho.toFixed(3)}`);
    expect(rho).toBeGreaterThan(0.8);
  });
  it('a probe at a larger angle ranks difficulty worse', () => {
    const perfect = spearman(probeScores(task, 0, 1), hardness);
    const tilted = spearman(probeScores(task, 0.6, 1), hardness);
    expect(perfect).toBeCloseTo(1, 12);
    expect(tilted).toBeLessThan(0.9);
  });
});

describe("teacher–student: Sorscher's keep-easy / keep-hard crossover", () => {
  const dim = 30;
  const f = 0.2;
  const errors = (alphaTot: number) => {
    const acc = { easy: 0, hard: 0, random: 0 };
    const seeds = 4;
    for (let s = 0; s < seeds; s++) {
      const task = teacherStudentTask({ n: alphaTot * dim, dim, seed: 100 + s });
      const scores = probeScores(task, 0, s);
      const m = Math.round(f * task.data.n);
      const runs = { easy: selectByScore(scores, m, 'easy'), hard: selectByScore(scores, m, 'hard'), random: selectRandom(task.data.n, m, s) };
      for (const k of ['easy', 'hard', 'random'] as const) {
        acc[k] += studentError(trainLinearStudent(task.data, runs[k], { l2: 1e-4 }), task.teacher) / seeds;
      }
    }
    return acc;
  };
  it('keep-easy wins with scarce data, keep-hard with abundant data', () => {
    const scarce = errors(2);
    const abundant = errors(40);
    console.log('α_tot=2', scarce, 'α_tot=40', abundant);
    expect(scarce.easy).toBeLessThan(scarce.hard);
    expect(scarce.hard).toBeGreaterThan(scarce.random); // keeping the hardest is worse than random when scarce
    expect(abundant.hard).toBeLessThan(abundant.easy);
    expect(abundant.hard).toBeLessThan(abundant.random);
  });
  it('an imperfect metric (probe angle θ > 0) loses the keep-hard advantage at aggressive pruning (E3)', () => {
    const keepHardError = (angle: number) => {
      let err = 0;
      for (let s = 0; s < 3; s++) {
        const task = teacherStudentTask({ n: 40 * dim, dim, seed: 200 + s });
        const idx = selectByScore(probeScores(task, angle, s), Math.round(0.1 * task.data.n), 'hard');
        err += studentError(trainLinearStudent(task.data, idx, { l2: 1e-4 }), task.teacher) / 3;
      }
      return err;
    };
    const perfect = keepHardError(0);
    const tilted = keepHardError(0.5);
    console.log(`keep-hard 10% at α_tot=40: θ=0 → ${perfect.toFixed(3)}, θ=0.5 → ${tilted.toFixed(3)}`);
    expect(tilted).toBeGreaterThan(2 * perfect);
  });
  it('student error is angle/π', () => {
    expect(studentError(Float64Array.from([1, 0]), Float64Array.from([0, 1]))).toBeCloseTo(0.5, 12);
    expect(studentError(Float64Array.from([2, 0]), Float64Array.from([1, 0]))).toBe(0);
  });
});
