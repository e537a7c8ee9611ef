/**
 * The admission rule both stores apply to every open, metrics and event frame, inside the write's
 * transaction: a trial is bound to the sweep that first wrote it, and fenced to the highest attempt
 * seen (a lower one is refused; a higher one takes the trial over).
 */
import { IngestRefused } from './store';

export type FrameField = 'open' | 'metrics' | 'event';

/** What admit() found: the trial is new, owned by this attempt, or taken over by a newer one. */
export type Admission = 'new' | 'same' | 'takeover';

/**
 * Decides a frame's admission from the trial's stored owner (undefined: the trial is unknown).
 * @throws IngestRefused unknown-sweep (new trial of a sweep that does not exist) | foreign-trial |
 *   superseded
 */
export function admission(
  field: FrameField,
  frame: { sweepId: string; trialId: string; attempt: number },
  owner: { sweep_id: string; attempt: number } | undefined,
  sweepExists: () => boolean,
): Admission {
  const { sweepId, trialId, attempt } = frame;
  if (!owner) {
    if (!sweepExists()) {
      throw new IngestRefused('unknown-sweep', `${field}.sweepId: expected an existing sweep, got ${JSON.stringify(sweepId)}`, trialId, attempt);
    }
    return 'new';
  }
  if (owner.sweep_id !== sweepId) {
    throw new IngestRefused(
      'foreign-trial',
      `${field}.sweepId: trial ${JSON.stringify(trialId)} belongs to sweep ${JSON.stringify(owner.sweep_id)}, not ${JSON.stringify(sweepId)}`,
      trialId,
      attempt,
    );
  }
  if (attempt < owner.attempt) {
    throw new IngestRefused(
      'superseded',
      `${field}.attempt: attempt ${attempt} of trial ${JSON.stringify(trialId)} was superseded by attempt ${owner.attempt}; its frames are not stored`,
      trialId,
      attempt,
    );
  }
  return attempt > owner.attempt ? 'takeover' : 'same';
}

/** Other content under a stored (trial, seq): acking it would claim it was stored. */
export function seqConflict(kind: 'metrics' | 'event', frame: { trialId: string; seq: number; attempt?: number }): IngestRefused {
  return new IngestRefused(
    'seq-conflict',
    `${kind}.seq: seq ${frame.seq} of trial ${JSON.stringify(frame.trialId)} is already stored with different content`,
    frame.trialId,
    frame.attempt ?? 0,
  );
}
