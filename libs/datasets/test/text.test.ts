/** Text corpora (the real installed ones), the byte tokenizer, document splits and token windows. */
import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_SEPARATOR,
  WindowSampler,
  byteDetokenize,
  byteTokenize,
  evalWindows,
  loadTextCorpus,
  splitByDocument,
  uniqueTokenPool,
  untagBrown,
  type TextCorpus,
} from '../src';

const bytesOf = (c: TextCorpus): number => c.documents.reduce((s, d) => s + d.bytes.length, 0);

describe('text corpora', () => {
  it('sotu: 233 State of the Union addresses, 1790–2021, ≈10.8 MB', async () => {
    const c = await loadTextCorpus('sotu');
    expect(c.documents.length).toBe(233);
    expect(bytesOf(c)).toBeGreaterThan(10_000_000);
    expect(bytesOf(c)).toBeLessThan(11_500_000);
    expect(c.documents[0].id).toBe('1790_george_washington');
    expect(c.documents[0].title).toBe('1790 George Washington');
    expect(c.documents.at(-1)!.id).toMatch(/^2021_/);
    expect(byteDetokenize(c.documents[0].bytes.subarray(0, 40))).toBe('Fellow-Citizens of the Senate and House ');
    expect(new Set(c.documents.map((d) => d.id)).size).toBe(233);
    expect(c.licence).toMatch(/public domain/);
  });

  it("austen: Jane Austen's six novels decoded from janeaustenr's R data, ≈4 MB", async () => {
    const c = await loadTextCorpus('austen');
    expect(c.documents.map((d) => d.title)).toEqual([
      'Emma', 'Mansfield Park', 'Northanger Abbey', 'Persuasion', 'Pride and Prejudice', 'Sense and Sensibility',
    ]);
    expect(bytesOf(c)).toBeGreaterThan(3_800_000);
    expect(bytesOf(c)).toBeLessThan(4_300_000);
    const pride = byteDetokenize(c.documents.find((d) => d.id === 'prideprejudice')!.bytes);
    expect(pride).toContain('It is a truth universally acknowledged, that a single man in possession\nof a good fortune, must be in want of a wife.');
  });

  it('brown: the 500 Brown Corpus samples as running text, tags stripped', async () => {
    const c = await loadTextCorpus('brown');
    expect(c.documents.length).toBe(500);
    expect(c.documents[0].title).toBe('ca01 (news)');
    const first = byteDetokenize(c.documents[0].bytes);
    expect(first.startsWith('The Fulton County Grand Jury said Friday an investigation of')).toBe(true);
    expect(first).toContain('produced "no evidence" that any irregularities took place.');
    expect(first).not.toMatch(/\/(at|nn|np)\b/);
    expect(bytesOf(c)).toBeGreaterThan(5_000_000);
  });

  it('rejects an unknown corpus and names the set-up step when files are missing', async () => {
    await expect(loadTextCorpus('wiki' as never)).rejects.toThrow(/corpus: expected one of sotu, austen, brown, got "wiki"/);
    await expect(loadTextCorpus('austen', { dir: '/nonexistent' })).rejects.toThrow(/Rdata\.rdx\/Rdata\.rdb.*scripts\/setup\.sh/);
    await expect(loadTextCorpus('sotu', { dir: '/nonexistent' })).rejects.toThrow(/sotu: directory \/nonexistent does not exist.*setup\.sh/);
  });

  it('untags Brown text: quotes, punctuation and brackets attach as printed', () => {
    expect(untagBrown("\n\n\tHe/pps said/vbd ``/`` yes/rb ''/'' (/( twice/rb )/) ,/, then/rb left/vbd ./.\n")).toBe(
      'He said "yes" (twice), then left.',
    );
  });
});

describe('byte tokens', () => {
  it('byteTokenize is UTF-8 (vocabulary 256) and round-trips', () => {
    const t = byteTokenize('Kučera, 1964 — “quoted”');
    expect(t).toBeInstanceOf(Uint8Array);
    expect(t.length).toBeGreaterThan('Kučera, 1964 — “quoted”'.length); // multi-byte characters
    expect(byteDetokenize(t)).toBe('Kučera, 1964 — “quoted”');
  });
});

describe('splitByDocument', () => {
  it('splits by whole documents, disjoint and complete, deterministic per seed', async () => {
    const c = await loadTextCorpus('sotu');
    const a = splitByDocument(c, { validFraction: 0.1, seed: 7 });
    const b = splitByDocument(c, { validFraction: 0.1, seed: 7 });
    const other = splitByDocument(c, { validFraction: 0.1, seed: 8 });
    expect(a.validIds.length).toBe(23);
    expect(a.trainIds.length).toBe(210);
    expect(a.validIds.filter((id) => a.trainIds.includes(id))).toEqual([]);
    expect(new Set([...a.trainIds, ...a.validIds]).size).toBe(233);
    expect(Buffer.from(b.train).equals(Buffer.from(a.train))).toBe(true);
    expect(other.validIds).not.toEqual(a.validIds);
    // Joined with one separator byte per document, and nothing else added.
    const separators = (x: Uint8Array): number => x.reduce((n, v) => n + (v === DOCUMENT_SEPARATOR ? 1 : 0), 0);
    expect(separators(a.train)).toBe(210);
    expect(separators(a.valid)).toBe(23);
    expect(a.train.length + a.valid.length).toBe(bytesOf(c) + 233);
    // The first validation document's text opens the validation stream.
    const firstValid = c.documents.find((d) => d.id === a.validIds[0])!;
    expect(Buffer.from(a.valid.subarray(0, firstValid.bytes.length)).equals(Buffer.from(firstValid.bytes))).toBe(true);
  });

  it('puts a whole OOD corpus into validation with validFraction 1, and checks its options', async () => {
    const c = await loadTextCorpus('austen');
    const s = splitByDocument(c, { validFraction: 1, seed: 0 });
    expect(s.train.length).toBe(0);
    expect(s.validIds.length).toBe(6);
    expect(() => splitByDocument(c, { validFraction: 1.5, seed: 0 })).toThrow(/validFraction: expected a number in \[0, 1\], got 1.5/);
    expect(() => splitByDocument(c, { validFraction: 0.1, seed: 0.5 })).toThrow(/seed: expected an integer/);
  });
});

/** A stream whose token at position i encodes i, so windows reveal where they were cut. */
function positions(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}

describe('uniqueTokenPool', () => {
  it('draws exactly U tokens as contiguous chunks of the training stream, nested across U', async () => {
    const c = await loadTextCorpus('sotu');
    const { train } = splitByDocument(c, { validFraction: 0.1, seed: 1 });
    const small = uniqueTokenPool(train, { uniqueTokens: 100_000, seed: 3 });
    const large = uniqueTokenPool(train, { uniqueTokens: 1_000_000, seed: 3 });
    expect(small.length).toBe(100_000);
    expect(large.length).toBe(1_000_000);
    expect(Buffer.from(large.subarray(0, 100_000)).equals(Buffer.from(small))).toBe(true);
    // Each 2048-token chunk occurs verbatim in the training stream.
    const trainBuf = Buffer.from(train);
    for (const at of [0, 2048 * 7, 2048 * 40]) {
      expect(trainBuf.indexOf(Buffer.from(small.subarray(at, at + 2048)))).toBeGreaterThanOrEqual(0);
    }
    expect(Buffer.from(uniqueTokenPool(train, { uniqueTokens: 100_000, seed: 4 })).equals(Buffer.from(small))).toBe(false);
    expect(() => uniqueTokenPool(train, { uniqueTokens: train.length + 1, seed: 3 })).toThrow(
      new RegExp(`uniqueTokens: expected at most ${train.length}`),
    );
  });
});

describe('WindowSampler', () => {
  it('walks the pool epoch by epoch: D tokens repeat it D/U times, not i.i.d.', () => {
    const context = 16;
    const pool = positions(16 * 50 + 1); // 50 windows per epoch, no slack
    const s = new WindowSampler(pool, { context, seed: 9 });
    expect(s.windowsPerEpoch).toBe(50);
    const epochs = 3;
    const coverage = new Array<number>(pool.length - 1).fill(0);
    const starts: number[] = [];
    for (let b = 0; b < (50 * epochs) / 10; b++) {
      const w = s.next(10);
      expect(w.length).toBe(10 * (context + 1));
      for (let r = 0; r < 10; r++) {
        const row = w.subarray(r * (context + 1), (r + 1) * (context + 1));
        const start = starts.length;
        // Position of the row in the pool: tokens encode positions mod 251; find the slot.
        const slot = [...Array(50).keys()].find((k) => row.every((v, j) => v === pool[k * context + j]))!;
        expect(slot).toBeDefined();
        starts[start] = slot;
        for (let j = 1; j <= context; j++) coverage[slot * context + j - 1]++;
      }
    }
    // Every predicted position was seen exactly once per epoch.
    expect(coverage.every((n) => n === epochs)).toBe(true);
    expect(s.epochs).toBe(3);
    // Each epoch is a permutation of the 50 windows, in a different order each time.
    for (let e = 0; e < epochs; e++) expect(new Set(starts.slice(e * 50, (e + 1) * 50)).size).toBe(50);
    expect(starts.slice(0, 50)).not.toEqual(starts.slice(50, 100));
  });

  it('is deterministic per seed and resumes exactly at any window count', () => {
    const pool = positions(5000);
    const a = new WindowSampler(pool, { context: 32, seed: 4 });
    const first = a.next(7);
    const rest = a.next(200); // crosses an epoch boundary (155 windows per epoch)
    const b = new WindowSampler(pool, { context: 32, seed: 4, start: 7 });
    expect(Array.from(b.next(200))).toEqual(Array.from(rest));
    expect(Array.from(new WindowSampler(pool, { context: 32, seed: 4 }).next(7))).toEqual(Array.from(first));
    expect(Array.from(new WindowSampler(pool, { context: 32, seed: 5 }).next(7))).not.toEqual(Array.from(first));
    expect(a.windowsDrawn).toBe(207);
  });

  it('names the field that is wrong', () => {
    expect(() => new WindowSampler(positions(10), { context: 16, seed: 0 })).toThrow(/tokens: expected at least context \+ 1 = 17 tokens, got 10/);
    expect(() => new WindowSampler(positions(100), { context: 0, seed: 0 })).toThrow(/context: expected a positive integer/);
    expect(() => new WindowSampler(positions(100), { context: 8, seed: 0 }).next(0)).toThrow(/batch: expected a positive integer/);
  });
});

describe('evalWindows', () => {
  it('returns a fixed set of non-overlapping windows from the stream', () => {
    const tokens = positions(10_000);
    const w = evalWindows(tokens, { context: 63, count: 20, seed: 2 });
    expect(w.length).toBe(20 * 64);
    expect(Array.from(evalWindows(tokens, { context: 63, count: 20, seed: 2 }))).toEqual(Array.from(w));
    const slots = new Set<number>();
    for (let r = 0; r < 20; r++) {
      const row = w.subarray(r * 64, (r + 1) * 64);
      const slot = [...Array(156).keys()].find((k) => row.every((v, j) => v === tokens[k * 64 + j]));
      expect(slot).toBeDefined();
      slots.add(slot!);
    }
    expect(slots.size).toBe(20);
    expect(() => evalWindows(tokens, { context: 63, count: 157, seed: 2 })).toThrow(/count: expected at most 156 windows of 64 tokens/);
  });
});
