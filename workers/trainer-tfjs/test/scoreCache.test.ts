import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeScores, encodeScores, SampleOrder, WorkerScoreCache } from '../src';

const dir = mkdtempSync(join(tmpdir(), 'slab-scorecache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = { dataset: 'd:pool=3', scorer: 'el2n', settings: { seeds: 2 }, seed: 9 };

describe('WorkerScoreCache', () => {
  it('round-trips scores through the file and remembers who computed them', () => {
    new WorkerScoreCache(dir).forTrial('t1').set(key, { scores: Float64Array.from([0.5, -1, 3e-300]), flops: 123 });
    const view = new WorkerScoreCache(dir).forTrial('t2');
    expect(view.get(key)).toEqual({ scores: Float64Array.from([0.5, -1, 3e-300]), flops: 123 });
    expect(view.hits).toEqual([{ owner: 't1', flops: 123 }]);
    expect(view.get({ ...key, seed: 10 })).toBeUndefined();
    // Setting order does not split the key.
    expect(new WorkerScoreCache(dir).forTrial('t3').get({ ...key, settings: { seeds: 2, extra: undefined } })).toBeDefined();
  });

  it('treats a truncated, foreign or other-key file as a miss', () => {
    const buf = encodeScores('k', 'o', { scores: Float64Array.from([1, 2]), flops: 1 });
    expect(decodeScores(buf, 'k')?.result.scores).toEqual(Float64Array.from([1, 2]));
    expect(decodeScores(buf.subarray(0, buf.length - 1), 'k')).toBeUndefined();
    expect(decodeScores(buf, 'other')).toBeUndefined();
    expect(decodeScores(Buffer.from('not a score file'), 'k')).toBeUndefined();
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.scores'));
    writeFileSync(join(dir, file), 'garbage');
    expect(new WorkerScoreCache(dir).forTrial('t4').get(key)).toBeUndefined();
  });
});

describe('SampleOrder over an explicit pool', () => {
  it('walks the given rows in order first, then reshuffled passes of the same rows', () => {
    const pool = Uint32Array.from([50, 7, 900, 3]);
    const o = new SampleOrder(2, pool);
    expect(Array.from(o.batch(0, 4, 12))).toEqual([50, 7, 900, 3]);
    expect(Array.from(o.batch(1, 4, 12)).sort((a, b) => a - b)).toEqual([3, 7, 50, 900]);
    expect(() => new SampleOrder(2, new Uint32Array(0))).toThrow(/must not be empty/);
  });
});
