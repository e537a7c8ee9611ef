// The study section's words when there is no answer yet, and its batch stamp.
import { describe, expect, it } from 'vitest';
import { studyText } from '../src/commands/study';

describe('studyText', () => {
  it("says why there is no answer once, without repeating the study's name", () => {
    const text = studyText({ kind: 'lr-annealing', batch: null, computedAt: '2026-12-01T05:00:00.000Z', trials: 0, error: 'study lr-annealing: no trial has finished yet' });
    expect(text).toBe('study lr-annealing: no answer yet: no trial has finished yet (computed here from 0 finished trials (no stored answer))');
  });

  it('counts batches from 1, as the sweep status does (the stored index is 0-based)', () => {
    const text = studyText({ kind: 'model-shape', batch: 4, computedAt: '2026-12-01T05:00:00.000Z', trials: 9, error: 'study model-shape: no two strategies reach one compute level' });
    expect(text).toBe('study model-shape: no answer yet: no two strategies reach one compute level (computed after batch 5 at 2026-12-01T05:00:00.000Z from 9 finished trials)');
  });
});
