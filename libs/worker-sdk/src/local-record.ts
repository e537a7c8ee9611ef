/**
 * What a trial leaves on local disk beside its checkpoints so that a retried attempt on the same
 * machine loses nothing after a SIGKILL:
 * - Heartbeats are throttled by the SDK (to 0.8 × heartbeatTimeout), so the server may hold progress
 *   older than the last checkpoint: the record names the newest checkpoint.
 * - Metric points are sent in batches and kept in memory until acked: points emitted before the
 *   checkpoint but not yet acked when it was taken would be lost, because the next attempt resumes
 *   after them. The record carries them, and the next attempt sends them again first (the store
 *   keeps one value per (trial, metric, step), so a point that did arrive is not stored twice).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialProgress } from '@slab/spec';

const RECORD_FILE = 'progress.json';

export interface PendingPoint {
  step: number;
  name: string;
  value: number | null;
}

export interface LocalRecord {
  progress: TrialProgress;
  pending: PendingPoint[];
}

export function readLocalRecord(checkpointDir: string): LocalRecord | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(checkpointDir, RECORD_FILE), 'utf8')) as Partial<LocalRecord>;
    const p = raw.progress;
    if (!p || typeof p.step !== 'number' || typeof p.checkpointUri !== 'string' || !existsSync(p.checkpointUri)) return undefined;
    const pending = Array.isArray(raw.pending) ? raw.pending.filter((q) => typeof q?.step === 'number' && typeof q?.name === 'string') : [];
    return { progress: { step: p.step, checkpointUri: p.checkpointUri }, pending };
  } catch {
    return undefined;
  }
}

/** Atomic (tmp + rename): a kill mid-write leaves the previous record. NaN/inf become null in JSON. */
export function writeLocalRecord(checkpointDir: string, record: LocalRecord): void {
  const file = join(checkpointDir, RECORD_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(record));
  renameSync(`${file}.tmp`, file);
}

/**
 * Points emitted since the stream was last seen fully acked. Cleared whenever a checkpoint finds
 * nothing unacked, so it holds about one checkpoint interval while the gateway keeps up.
 */
export class UnackedPoints {
  private points: PendingPoint[] = [];

  add(step: number, name: string, value: number): void {
    this.points.push({ step, name, value: Number.isFinite(value) ? value : null });
  }

  /** The points to carry in a record taken now; forgets them when the stream has no unacked frames. */
  atCheckpoint(unacked: number): PendingPoint[] {
    if (unacked === 0) this.points = [];
    return this.points.slice();
  }
}
