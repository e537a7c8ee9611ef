/**
 * The worker's score cache: process memory in front of one file per key under a directory (by
 * default `<checkpointRoot>/score-cache`), so a retried attempt or another trial on the same machine
 * reuses scores instead of recomputing them. Each entry remembers which trial computed it, so the
 * scoring FLOPs are charged to that trial only (its retries included) and never twice.
 *
 * File: "SLABSCOR" | u32 header length | header JSON { key, flops, n, owner } (space-padded to 8
 * bytes) | float64 scores. Written to a temp file, then renamed (a crash leaves no half entry).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scoreKeyString, type ScoreCache, type ScoreKey, type ScoreResult } from '@slab/curation';

const MAGIC = 'SLABSCOR';

interface Entry {
  result: ScoreResult;
  /** Trial id that computed the scores (and was charged their FLOPs). */
  owner: string;
}

interface Header {
  key: string;
  flops: number;
  n: number;
  owner: string;
}

export function encodeScores(key: string, owner: string, r: ScoreResult): Uint8Array {
  let json = Buffer.from(JSON.stringify({ key, flops: r.flops, n: r.scores.length, owner } satisfies Header), 'utf8');
  const pad = (8 - ((12 + json.length) % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.from(' '.repeat(pad))]);
  const out = new Uint8Array(12 + json.length + r.scores.length * 8);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  new Float64Array(out.buffer, 12 + json.length, r.scores.length).set(r.scores);
  return out;
}

/** Decodes an entry; undefined for a foreign, truncated or other-key file (treated as a miss). */
export function decodeScores(buf: Uint8Array, key: string): Entry | undefined {
  if (buf.length < 12 || Buffer.from(buf.subarray(0, 8)).toString('ascii') !== MAGIC) return undefined;
  const len = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(8, true);
  if (12 + len > buf.length) return undefined;
  let h: Header;
  try {
    h = JSON.parse(Buffer.from(buf.subarray(12, 12 + len)).toString('utf8')) as Header;
  } catch {
    return undefined;
  }
  if (h.key !== key || buf.length !== 12 + len + h.n * 8) return undefined;
  const scores = new Float64Array(h.n);
  new Uint8Array(scores.buffer).set(buf.subarray(12 + len));
  return { result: { scores, flops: h.flops }, owner: h.owner };
}

/** What one trial's lookups found: how many hits, and whether all of them were its own earlier work. */
export interface TrialCacheView extends ScoreCache {
  readonly hits: { owner: string; flops: number }[];
}

export class WorkerScoreCache {
  private readonly memory = new Map<string, Entry>();

  /** `dir` undefined: memory only. */
  constructor(readonly dir?: string) {}

  private file(key: string): string {
    return join(this.dir as string, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.scores`);
  }

  lookup(key: ScoreKey): Entry | undefined {
    const k = scoreKeyString(key);
    const mem = this.memory.get(k);
    if (mem) return mem;
    if (!this.dir) return undefined;
    let buf: Uint8Array;
    try {
      buf = readFileSync(this.file(k));
    } catch {
      return undefined;
    }
    const e = decodeScores(buf, k);
    if (e) this.memory.set(k, e);
    return e;
  }

  store(key: ScoreKey, result: ScoreResult, owner: string): void {
    const k = scoreKeyString(key);
    const e = { result: { scores: result.scores.slice(), flops: result.flops }, owner };
    this.memory.set(k, e);
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    const path = this.file(k);
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, encodeScores(k, owner, e.result));
    renameSync(tmp, path);
  }

  /** The ScoreCache handed to `applyCuration` for one trial; copies out so cached scores stay intact. */
  forTrial(trialId: string): TrialCacheView {
    const hits: { owner: string; flops: number }[] = [];
    return {
      hits,
      get: (key) => {
        const e = this.lookup(key);
        if (!e) return undefined;
        hits.push({ owner: e.owner, flops: e.result.flops });
        return { scores: e.result.scores.slice(), flops: e.result.flops };
      },
      set: (key, value) => this.store(key, value, trialId),
    };
  }

  /** Entries held in memory. */
  get size(): number {
    return this.memory.size;
  }
}
