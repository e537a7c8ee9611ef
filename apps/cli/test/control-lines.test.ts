import { describe, expect, it } from 'vitest';
import { sentLine } from '../src/commands/control';

describe('control lines', () => {
  it('say what happens to the running trials, in grammatical English for one and for many', () => {
    expect(sentLine('s1', 'stop', 1)).toBe('cancel (let finish) sent to s1: no new trial starts; the 1 running trial finishes and is fitted, then the sweep ends (cancelled)');
    expect(sentLine('s1', 'stop', 3)).toBe('cancel (let finish) sent to s1: no new trial starts; the 3 running trials finish and are fitted, then the sweep ends (cancelled)');
    expect(sentLine('s1', 'cancel', 1)).toBe('cancel sent to s1: the 1 running trial is stopped now and the sweep ends (cancelled)');
    expect(sentLine('s1', 'pause', 2)).toBe('pause sent to s1: no new trial starts until `slab resume s1`; the 2 running trials finish');
  });

  it('say that queued trials (handed to the workers, not started) still run after pause or stop, and are stopped by cancel', () => {
    expect(sentLine('s1', 'pause', 1, 2)).toBe('pause sent to s1: no new trial starts until `slab resume s1`; the 1 running trial finishes; the 2 queued trials still start when a worker is free');
    expect(sentLine('s1', 'pause', 0, 1)).toBe('pause sent to s1: no new trial starts until `slab resume s1`; the 1 queued trial still starts when a worker is free');
    expect(sentLine('s1', 'stop', 2, 1)).toBe('cancel (let finish) sent to s1: no new trial starts; the 2 running trials finish; the 1 queued trial still starts when a worker is free; all are fitted, then the sweep ends (cancelled)');
    expect(sentLine('s1', 'stop', 0, 3)).toBe('cancel (let finish) sent to s1: no new trial starts; the 3 queued trials still start when a worker is free and are fitted, then the sweep ends (cancelled)');
    expect(sentLine('s1', 'cancel', 1, 3)).toBe('cancel sent to s1: the 1 running trial and 3 queued trials are stopped now and the sweep ends (cancelled)');
    expect(sentLine('s1', 'cancel', 0, 1)).toBe('cancel sent to s1: the 1 queued trial is stopped now and the sweep ends (cancelled)');
  });

  it('say so when no trial is running or queued', () => {
    expect(sentLine('s1', 'pause', 0)).toBe('pause sent to s1: no new trial starts until `slab resume s1`; no trial is running');
    expect(sentLine('s1', 'cancel', 0)).toBe('cancel sent to s1: no trial is running; the sweep ends (cancelled)');
    expect(sentLine('s1', 'stop', 0)).toBe('cancel (let finish) sent to s1: no new trial starts; no trial is running, so the sweep ends (cancelled)');
  });
});
