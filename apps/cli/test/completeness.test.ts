// The deployment test's completeness check must see what it is there to catch: a lost step, a step
// stored twice, a gap or a repeat in the frame seqs.
import { describe, expect, it } from 'vitest';
import { completenessProblems, type StoreProbe } from './cluster';

function probe(seqs: number[], steps: number[]): StoreProbe {
  return { frameSeqs: async () => seqs, steps: async () => steps, events: async () => [], close: async () => undefined };
}

const opts = { metric: 'train_loss', logEvery: 10, totalSteps: 45 };

describe('completenessProblems', () => {
  it('passes a trial with every logged step once and contiguous seqs', async () => {
    expect(await completenessProblems(probe([1, 2, 3], [10, 20, 30, 40]), 't', opts)).toEqual([]);
  });

  it('names a missing step, a duplicate step and broken seqs', async () => {
    expect(await completenessProblems(probe([1, 2, 3], [10, 30, 40]), 't', opts)).toEqual(['t: train_loss missing at steps 20']);
    expect(await completenessProblems(probe([1, 2, 3], [10, 20, 20, 30, 40]), 't', opts)).toEqual(['t: a train_loss step stored twice']);
    expect(await completenessProblems(probe([1, 3], [10, 20, 30, 40]), 't', opts)).toEqual(['t: frame seqs not contiguous from 1 (2 frames, last 3)']);
    expect(await completenessProblems(probe([], []), 't', opts)).toEqual(['t: frame seqs not contiguous from 1 (0 frames, last none)', 't: train_loss missing at steps 10, 20, 30, 40']);
  });
});
