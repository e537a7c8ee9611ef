import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRds, rNames, unserializeR } from '../src';

/** Big-endian 32-bit integers, as R's XDR serialization writes them. */
function ints(...xs: number[]): Buffer {
  const b = Buffer.alloc(4 * xs.length);
  xs.forEach((x, i) => b.writeInt32BE(x, 4 * i));
  return b;
}
const header = Buffer.concat([Buffer.from('X\n', 'latin1'), ints(2, 0x40201, 0x20300)]);
const UTF8 = (1 << 3) << 12;
const HAS_ATTR = 1 << 9;
const HAS_TAG = 1 << 10;

describe('R serialization reader', () => {
  it('reads a named character vector with an NA, plain and gzipped (.rds)', () => {
    const names = Buffer.concat([
      ints(2 | HAS_TAG), // attribute pairlist node with a tag
      ints(1, 9 | UTF8, 5), Buffer.from('names'), // tag: symbol "names"
      ints(16, 2, 9 | UTF8, 1), Buffer.from('a'), ints(9 | UTF8, 1), Buffer.from('b'), // value c("a", "b")
      ints(254), // end of pairlist
    ]);
    const body = Buffer.concat([ints(16 | HAS_ATTR, 2, 9 | UTF8, 4), Buffer.from('Emma'), ints(9, -1), names]);
    const v = unserializeR(Buffer.concat([header, body]));
    expect(v).toMatchObject({ type: 'character', values: ['Emma', null] });
    expect(rNames(v)).toEqual(['a', 'b']);
    expect(readRds(gzipSync(Buffer.concat([header, body])))).toEqual(v);
  });

  it('names what it cannot read and where', () => {
    expect(() => unserializeR(Buffer.from('RDX2\n'))).toThrow(/expected the XDR serialization header/);
    expect(() => unserializeR(Buffer.concat([header, ints(16, 3, 9, 2)]))).toThrow(/unexpected end of data at byte/);
    expect(() => unserializeR(Buffer.concat([header, ints(3)]))).toThrow(/R object type 3 is not supported/);
  });
});
