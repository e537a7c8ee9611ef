import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from '../src';

describe('parseIdx', () => {
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  it('round-trips plain and gzipped buffers', () => {
    const buf = encodeIdx([3, 2], data);
    for (const b of [buf, gzipSync(buf)]) {
      const parsed = parseIdx(b, 2, 'x');
      expect(parsed.dims).toEqual([3, 2]);
      expect(Array.from(parsed.data)).toEqual(Array.from(data));
    }
  });
  it('rejects a bad magic', () => {
    const buf = encodeIdx([6], data);
    buf[0] = 8;
    expect(() => parseIdx(buf, 1, 'labels.idx')).toThrow(/labels\.idx: bad IDX magic 0x08000801/);
  });
  it('rejects a non-ubyte type', () => {
    const buf = encodeIdx([6], data);
    buf[2] = 0x0d;
    expect(() => parseIdx(buf, 1, 'f')).toThrow(/data type 0xd: expected 0x08/);
  });
  it('rejects the wrong dimension count', () => {
    expect(() => parseIdx(encodeIdx([6], data), 3, 'img')).toThrow(/img: IDX has 1 dimensions: expected 3/);
  });
  it('rejects truncated data', () => {
    const buf = encodeIdx([3, 2], data).subarray(0, 14);
    expect(() => parseIdx(buf, 2, 'f')).toThrow(/need 6 data bytes, file has 2/);
  });
});
