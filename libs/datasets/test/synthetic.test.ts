import { describe, expect, it } from 'vitest';
import { syntheticTeacherDataset, teacherStudentTask } from '../src';

describe('teacher-student regression', () => {
  const task = teacherStudentTask({ features: 64, alpha: 1, noise: 0.1 });

  it('irreducible loss falls as a power law in N (≈ N^-alpha/alpha)', () => {
    const wide = teacherStudentTask({ features: 4096, alpha: 1, noise: 0.1 });
    const l8 = wide.irreducibleLoss(8) - 0.01;
    const l32 = wide.irreducibleLoss(32) - 0.01;
    // Tail of Σ i^-2 past N is ≈ 1/N, so quadrupling N divides the reducible loss by ≈ 4.
    expect(l8 / l32).toBeGreaterThan(3.6);
    expect(l8 / l32).toBeLessThan(4.2);
  });

  it('fitted students match the closed-form expected loss in D', () => {
    const n = 16;
    for (const d of [40, 160]) {
      let mean = 0;
      const reps = 40;
      for (let s = 0; s < reps; s++) mean += task.testLoss(task.fitStudent(task.sample(d, 1000 * d + s), n)) / reps;
      const expected = task.expectedLoss(n, d);
      const excess = expected - task.irreducibleLoss(n);
      expect(Math.abs(mean - expected)).toBeLessThan(0.2 * excess);
    }
    expect(task.expectedLoss(n, 40)).toBeGreaterThan(task.expectedLoss(n, 160));
  });

  it('validates its inputs', () => {
    expect(() => teacherStudentTask({ features: 0, alpha: 1, noise: 0 })).toThrow(/features: expected a positive integer/);
    expect(() => task.expectedLoss(16, 10)).toThrow(/d: expected an integer > 17/);
    expect(() => task.fitStudent(task.sample(10, 1), 16)).toThrow(/data\.d: expected more samples/);
  });
});

describe('synthetic-teacher classification', () => {
  it('is deterministic, shaped like Fashion-MNIST and uses several classes', () => {
    const a = syntheticTeacherDataset({ trainSize: 200, testSize: 50, seed: 3 });
    const b = syntheticTeacherDataset({ trainSize: 200, testSize: 50, seed: 4 });
    expect(a.dim).toBe(784);
    expect(a.train.images.length).toBe(200 * 784);
    expect(new Set(a.train.labels).size).toBeGreaterThan(5);
    expect(Array.from(a.train.labels)).not.toEqual(Array.from(b.train.labels));
    expect(syntheticTeacherDataset({ trainSize: 200, testSize: 50, seed: 3 })).toBe(a);
  });
});
