import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SweepStatus } from '@slab/orchestration';
import { printAnswer, printFinal } from '../src/commands/client';
import { fitLine } from '../src/watch';

/** What a sweep's closing lines say, captured from console.log (plain text: stdout is no terminal under vitest). */
let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const target = (value: number, warning?: string) => ({ value, lo: value * 0.9, hi: value * 1.1, label: 'eval_loss at N=1e6, D=1e7', warning });
const status = (lastFit: unknown): SweepStatus => ({ phase: 'completed', lastFit }) as unknown as SweepStatus;

describe('the closing lines of slab run / watch', () => {
  it('prints every metric law with its own prediction and never ranks different metrics', () => {
    printFinal(
      status({
        formula: 'L = 0.6 + 1/N^1',
        group: 'metric=eval_loss',
        target: target(1.7),
        groups: [
          { key: 'metric=eval_loss', summary: { formula: 'L = 0.6 + 1/N^1', target: target(1.7) } },
          { key: 'metric=eval_loss_austen', summary: { formula: 'L = 2.5 + 2/N^0.6', target: target(2.9) } },
        ],
      }),
    );
    expect(lines.some((l) => l.startsWith('best'))).toBe(false);
    expect(lines).toContain('  metric=eval_loss_austen: L = 2.5 + 2/N^0.6  → 2.900 [2.610, 3.190]');
  });

  it('names the best curation group, which do predict the same quantity', () => {
    printFinal(status({ formula: 'x', group: 'strategy=random', target: target(1), groups: [{ key: 'strategy=random', summary: { formula: 'x' } }, { key: 'strategy=el2n', summary: { formula: 'y' } }] }));
    expect(lines).toContain('best at the target (eval_loss at N=1e6, D=1e7): strategy=random');
  });

  it('says when the interval rests on undetermined parameters, and the held-out error', () => {
    printAnswer(status({ target: target(0.38, 'interval not trustworthy: it rests on parameters the data do not determine'), identifiability: { verdict: 'unidentified', undetermined: ['E', 'A'] }, holdoutError: 0.101 }));
    expect(lines).toEqual([
      'prediction eval_loss at N=1e6, D=1e7: 0.3800 (95% interval 0.3420 – 0.4180)',
      'WARNING: interval not trustworthy: it rests on parameters the data do not determine',
      'identifiability: unidentified: E, A not determined by the data',
      'held-out error: 10.10%',
    ]);
  });

  it('the progress line never shows an empty fit', () => {
    expect(fitLine(undefined)).toBe('no fit yet');
    expect(fitLine({ formula: 'L = 1 + 2/N^0.3' } as SweepStatus['lastFit'])).toBe('L = 1 + 2/N^0.3');
    expect(fitLine({ formula: '', skipped: 'only 2 usable points' } as SweepStatus['lastFit'])).toBe('none yet (only 2 usable points)');
    expect(fitLine({ formula: '', groups: [{ key: 'metric=eval_loss', summary: { formula: '', skipped: 'too few points (2 < 5)' } }] } as unknown as SweepStatus['lastFit'])).toBe('none yet (too few points (2 < 5))');
  });
});
