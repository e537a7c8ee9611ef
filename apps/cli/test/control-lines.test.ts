import { describe, expect, it } from 'vitest';
import { sentLine } from '../src/commands/control';

describe('control lines', () => {
  it('say what happens to the running trials, in grammatical English for one and for many', () => {
    expect(sentLine('s1', 'stop', 1)).toBe('cancel (let finish) sent to s1: no new trial starts; the 1 running trial finishes and is fitted, then the sweep ends (cancelled)');
    expect(sentLine('s1', 'stop', 3)).toBe('cancel (let finish) sent to s1: no new trial starts; the 3 running trials finish and are fitted, then the sweep ends (cancelled)');
    expect(sentLine('s1', 'cancel', 1)).toBe('cancel sent to s1: the 1 running trial is stopped now and the sweep ends (cancelled)');
    expect(sentLine('s1', 'pause', 0)).toBe('pause sent to s1: no new trial starts until `slab resume s1`; the 0 running trials finish');
  });
});
