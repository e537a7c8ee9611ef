import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint, type Checkpoint } from '../src';

const ck = (step: number): Checkpoint => ({
  version: 1,
  step,
  fingerprint: 'fp',
  loop: { windowSum: 1.5, evalsDone: 2 },
  tensors: [
    { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, Math.fround(0.1)]) },
    { name: 'b', shape: [1], data: Float32Array.from([-7]) },
  ],
});

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'ck-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('checkpoint format', () => {
  it('round-trips tensors and loop state exactly', () => {
    const back = decodeCheckpoint(encodeCheckpoint(ck(5)));
    expect(back.step).toBe(5);
    expect(back.loop).toEqual({ windowSum: 1.5, evalsDone: 2 });
    expect(back.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual(
      ck(5).tensors.map((t) => [t.name, t.shape, Array.from(t.data)]),
    );
  });

  it('writes atomically and keeps only the latest', () => {
    const dir = tempDir();
    writeCheckpoint(dir, ck(4));
    const p = writeCheckpoint(dir, ck(8));
    expect(readdirSync(dir)).toEqual(['step-000000008.ckpt']);
    expect(readCheckpoint(p).step).toBe(8);
  });

  it('rejects a foreign file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x'), 'hello world, not a checkpoint');
    expect(() => readCheckpoint(join(dir, 'x'))).toThrow(/not a Scaling Lab checkpoint/);
  });
});
