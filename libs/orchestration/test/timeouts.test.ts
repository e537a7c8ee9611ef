// The fitLaws start-to-close timeout grows with the bootstrap's refits and is bounded.
import { describe, expect, it } from 'vitest';
import { fitLawsTimeoutMs } from '../src';

const law = (bootstrap: number, metrics?: string[]) => ({ law: { name: 'chinchilla', metric: 'eval_loss', bootstrap, ...(metrics ? { metrics } : {}) } });

describe('fitLawsTimeoutMs', () => {
  it('is 5 minutes without a bootstrap and adds 10 ms per refit of each metric', () => {
    expect(fitLawsTimeoutMs(law(0))).toBe(300_000);
    expect(fitLawsTimeoutMs(law(50_000))).toBe(300_000 + 500_000);
    expect(fitLawsTimeoutMs(law(1000, ['eval_loss', 'eval_loss_austen']))).toBe(300_000 + 20_000);
  });

  it('never exceeds 2 hours', () => {
    expect(fitLawsTimeoutMs(law(10_000_000))).toBe(7_200_000);
  });
});
