/**
 * The `runTrial` Temporal activity around a TrainerPlugin: it builds the TrialContext (resume from the
 * last heartbeat, progress → heartbeat, cancellation → AbortSignal, metrics → the emitter's stream),
 * emits lifecycle events and flushes the stream before returning. Plugins never see Temporal.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { TrialProgress, TrialRequest, TrialResult } from '@slab/spec';
import type { TrainerPlugin, TrialContext } from './plugin';
import { packCheckpoint, unpackCheckpoint } from './checkpoint-archive';
import type { CheckpointStoreLike, TrialRef } from './checkpoint-sync';
import { type LocalRecord, type PendingPoint, readLocalRecord, UnackedPoints, writeLocalRecord } from './local-record';

/** The part of the worker SDK's TrialStream this activity uses. */
export interface TrialStreamLike {
  point(step: number, name: string, value: number): void;
  event(status: string, info: Record<string, unknown>): void;
  flush(timeoutMs?: number): Promise<unknown>;
  /** Frames not yet acked by the gateway (what the local record must cover). */
  readonly unacked?: number;
  /** Set once the gateway refused the stream for good (e.g. a newer attempt owns the trial). */
  readonly refusal?: { code: string; message: string };
}

/** The part of the worker SDK's MetricEmitter this activity uses. */
export interface MetricEmitterLike {
  /** `attempt` is the fencing token: the gateway refuses an attempt's frames once a newer one opened the trial. */
  openTrial(sweepId: string, trialId: string, attempt?: number): TrialStreamLike;
  /** Forgets a finished stream once everything it sent was acked (MetricEmitter.release). */
  release?(stream: TrialStreamLike): boolean;
}

export interface TrialActivityDeps {
  plugin: TrainerPlugin;
  emitter: MetricEmitterLike;
  /** Checkpoints go to `<checkpointRoot>/<sweepId>/<trialId>` (shared by attempts on this machine). */
  checkpointRoot: string;
  /**
   * Shared checkpoint store (the gateway's): each checkpoint is pushed there after it is taken, and
   * an attempt pulls the newest one before resuming when its own directory holds nothing newer, so
   * a retry on another node resumes where the last attempt checkpointed. Without it checkpoints stay
   * on this machine.
   */
  checkpoints?: CheckpointStoreLike;
  log?: (message: string) => void;
  /** How long to wait for the gateway to ack a trial's frames before returning (default 10 s). */
  flushTimeoutMs?: number;
  /** Recorded on each attempt's `running` event, so a trial shows which node trained it. */
  workerId?: string;
}

export interface TrialActivities {
  runTrial(request: TrialRequest): Promise<TrialResult>;
}

/** Error type names that mark input no attempt can ever fix. */
const INVALID = 'InvalidTrialError';

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID);
}

/** This attempt was replaced by a newer one (Temporal no longer waits for it; the error is for logs). */
function supersededFailure(signal: AbortSignal): ApplicationFailure {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'a newer attempt owns the trial';
  return ApplicationFailure.retryable(`stopped: ${reason}`, 'AttemptSuperseded');
}

/** Ids become directory names; keep them to a safe alphabet. */
function safeSegment(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

function checkRequest(request: unknown): asserts request is TrialRequest {
  const r = request as Partial<TrialRequest> | null;
  if (!r || typeof r !== 'object') throw invalid(`request: expected a TrialRequest object, got ${JSON.stringify(request)}`);
  for (const key of ['sweepId', 'trialId'] as const) {
    const v = r[key];
    if (typeof v !== 'string' || v.length === 0) {
      throw invalid(`request.${key}: expected a non-empty string, got ${JSON.stringify(v)}`);
    }
  }
  if (!r.task || typeof r.task !== 'object') throw invalid(`request.task: expected an object, got ${JSON.stringify(r.task)}`);
  if (!r.config || typeof r.config !== 'object') throw invalid(`request.config: expected an object, got ${JSON.stringify(r.config)}`);
}

/** The previous attempt's last heartbeat, if it has the TrialProgress shape. */
function resumePoint(details: unknown): TrialProgress | undefined {
  const d = details as Partial<TrialProgress> | null | undefined;
  if (!d || typeof d !== 'object' || typeof d.step !== 'number' || !Number.isFinite(d.step) || d.step < 0) return undefined;
  return typeof d.checkpointUri === 'string' ? { step: d.step, checkpointUri: d.checkpointUri } : { step: d.step };
}

/**
 * Where to resume: the furthest of the last heartbeat and the local record (the record at a tie: it
 * carries the unacked points), except that a heartbeat naming a checkpoint file that is not on this
 * machine (another node took it, and its upload did not arrive) gives way to the local record,
 * possibly an older checkpoint, which this node can load.
 */
function resumeFrom(heartbeat: TrialProgress | undefined, local: TrialProgress | undefined): TrialProgress | undefined {
  if (!local || !heartbeat) return local ?? heartbeat;
  if (heartbeat.checkpointUri !== undefined && !existsSync(heartbeat.checkpointUri)) return local;
  return heartbeat.step > local.step ? heartbeat : local;
}

/**
 * Pushes a trial's checkpoints one at a time, newest first: a checkpoint taken while an upload is in
 * flight replaces any still waiting, so a slow link delays uploads but never queues them up.
 */
class CheckpointUploads {
  private waiting: { step: number; archive: Uint8Array } | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: CheckpointStoreLike,
    private readonly ref: TrialRef & { attempt: number },
    private readonly say: (m: string) => void,
  ) {}

  offer(step: number, archive: Uint8Array): void {
    this.waiting = { step, archive };
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.waiting) {
      const { step, archive } = this.waiting;
      this.waiting = undefined;
      try {
        await this.store.push(this.ref, step, archive);
      } catch (err) {
        this.say(`checkpoint at step ${step} not shared: ${(err as Error).message}`);
      }
    }
    this.running = undefined;
  }

  /** Resolves once nothing is waiting or in flight, or after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    try {
      while (this.running) if ((await Promise.race([this.running, deadline])) === 'late') return;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The newest checkpoint of the shared store when it is newer than this machine's local record:
 * unpacked into `checkpointDir`, its record replacing the local one. Failures are logged and leave
 * the local state as it was (the trial then resumes from what this machine has).
 */
async function pullNewer(store: CheckpointStoreLike, ref: TrialRef, checkpointDir: string, local: LocalRecord | undefined, say: (m: string) => void): Promise<LocalRecord | undefined> {
  try {
    const remote = await store.pull(ref, local?.progress.step ?? -1);
    if (!remote) return local;
    const record = unpackCheckpoint(remote.archive, checkpointDir);
    say(`fetched the checkpoint at step ${record.progress.step} (attempt ${remote.attempt}) from the shared store`);
    return readLocalRecord(checkpointDir) ?? local;
  } catch (err) {
    say(`could not fetch a shared checkpoint: ${(err as Error).message}`);
    return local;
  }
}

export function createTrialActivities(deps: TrialActivityDeps): TrialActivities {
  const { plugin, emitter, checkpointRoot } = deps;
  const flushTimeoutMs = deps.flushTimeoutMs ?? 10_000;
  let initialised: Promise<{ backend: string }> | undefined;
  const init = (): Promise<{ backend: string }> => {
    initialised ??= plugin.init ? plugin.init() : Promise.resolve({ backend: plugin.name });
    // A failed init may succeed on a later attempt (e.g. data still being installed): do not cache failure.
    initialised.catch(() => (initialised = undefined));
    return initialised;
  };

  async function runTrial(request: TrialRequest): Promise<TrialResult> {
    checkRequest(request);
    const context = Context.current();
    const info = context.info;
    const say = (m: string) => (deps.log ? deps.log(`[${request.trialId}] ${m}`) : context.log.info(m, { trialId: request.trialId }));
    try {
      plugin.validate?.(request);
    } catch (err) {
      throw invalid(err instanceof Error ? err.message : String(err));
    }
    const workerBackend = (await init()).backend;
    const backend = plugin.backendFor?.(request) ?? workerBackend;
    const checkpointDir = join(checkpointRoot, safeSegment(request.sweepId), safeSegment(request.trialId));
    mkdirSync(checkpointDir, { recursive: true });
    const ref = { sweepId: request.sweepId, trialId: request.trialId };
    let local = readLocalRecord(checkpointDir);
    if (deps.checkpoints) local = await pullNewer(deps.checkpoints, ref, checkpointDir, local, say);
    const resume = resumeFrom(resumePoint(info.heartbeatDetails), local?.progress);

    const attempt = info.attempt;
    // The attempt number fences the trial's metric stream: once a retry has opened it, frames of
    // this attempt (should it be a stalled one that comes back) are refused, never stored.
    const stream = emitter.openTrial(request.sweepId, request.trialId, attempt);
    const uploads = deps.checkpoints ? new CheckpointUploads(deps.checkpoints, { ...ref, attempt }, say) : undefined;
    const flush = async () => {
      await uploads?.settle(flushTimeoutMs);
      try {
        await stream.flush(flushTimeoutMs);
        // Every call site is after the trial's last event: nothing more will be written to this stream.
        emitter.release?.(stream);
      } catch (err) {
        // A refused stream is final (a newer attempt owns the trial); otherwise the emitter keeps
        // unacked frames and resends them after reconnecting. Either way the trial's result stands.
        if (stream.refusal) say(`metrics refused by the gateway (${stream.refusal.code}): ${stream.refusal.message}`);
        else say(`metrics not yet acknowledged by the gateway: ${(err as Error).message}`);
      }
    };
    stream.event('running', { attempt, backend, resumedFromStep: resume?.step ?? 0, taskQueue: info.taskQueue, ...(deps.workerId ? { worker: deps.workerId } : {}) });
    if (resume) say(`attempt ${attempt}: resuming from step ${resume.step}`);
    // Points the previous attempt emitted before its checkpoint but never saw acked: send them again.
    if (local && resume?.checkpointUri === local.progress.checkpointUri) for (const q of local.pending) stream.point(q.step, q.name, q.value ?? NaN);
    const unacked = new UnackedPoints();

    // Keep heartbeating the last progress between the plugin's own reports (long evals, data loading)
    // so cancellation still arrives; a dead worker stops this timer too, so heartbeatTimeout still fires.
    let lastProgress: TrialProgress | undefined = resume;
    const keepAlive = setInterval(() => context.heartbeat(lastProgress), Math.max(500, (info.heartbeatTimeoutMs ?? 30_000) / 2));
    keepAlive.unref();
    // A stalled attempt that comes back after its retry finds its stream refused as superseded:
    // stop training rather than compute results no one will take.
    const superseded = new AbortController();
    const fenceCheck = setInterval(() => {
      if (stream.refusal?.code === 'superseded') superseded.abort(new Error(stream.refusal.message));
    }, 1000);
    fenceCheck.unref();
    const signal = AbortSignal.any([context.cancellationSignal, superseded.signal]);
    const stopTimers = (): void => {
      clearInterval(keepAlive);
      clearInterval(fenceCheck);
    };

    const ctx: TrialContext = {
      request,
      resume,
      emit: (step, name, value) => {
        unacked.add(step, name, value);
        stream.point(step, name, value);
      },
      progress: (p) => {
        if (p.checkpointUri && p.checkpointUri !== lastProgress?.checkpointUri) {
          let pending: PendingPoint[] = [];
          try {
            pending = unacked.atCheckpoint(stream.unacked ?? 1);
            writeLocalRecord(checkpointDir, { progress: p, pending });
          } catch (err) {
            say(`could not record checkpoint progress locally: ${(err as Error).message}`);
          }
          if (uploads) {
            try {
              const archive = packCheckpoint(checkpointDir, p, pending);
              if (archive) uploads.offer(p.step, archive);
            } catch (err) {
              say(`could not pack the checkpoint at step ${p.step}: ${(err as Error).message}`);
            }
          }
        }
        lastProgress = p;
        context.heartbeat(p);
      },
      signal,
      checkpointDir,
      log: say,
      attempt,
    };

    let result: TrialResult;
    try {
      result = await plugin.run(ctx);
    } catch (err) {
      stopTimers();
      if (superseded.signal.aborted && !context.cancellationSignal.aborted) throw supersededFailure(superseded.signal);
      if (context.cancellationSignal.aborted || err instanceof CancelledFailure) {
        stream.event('stopped', { attempt, reason: 'cancelled' });
        await flush();
        throw err instanceof CancelledFailure ? err : new CancelledFailure('trial cancelled');
      }
      const message = err instanceof Error ? err.message : String(err);
      const isInvalid = err instanceof Error && err.name === INVALID;
      stream.event('failed', { attempt, error: message, final: isInvalid });
      await flush();
      if (isInvalid) throw invalid(message);
      throw err;
    }
    stopTimers();
    if (superseded.signal.aborted && !context.cancellationSignal.aborted) throw supersededFailure(superseded.signal);
    if (context.cancellationSignal.aborted) {
      // The plugin stopped early because we asked it to: report a cancellation, not a result.
      stream.event('stopped', { attempt, reason: 'cancelled', steps: result.steps });
      await flush();
      throw new CancelledFailure('trial cancelled');
    }
    const final: TrialResult = { ...result, backend: result.backend || backend };
    stream.event(final.status, {
      attempt,
      backend: final.backend,
      params: final.params,
      data: final.data,
      flops: final.flops,
      steps: final.steps,
      resumedFromStep: final.resumedFromStep,
      final: final.final,
      wallSeconds: final.wallSeconds,
      ...(final.reason ? { reason: final.reason } : {}),
    });
    await flush();
    return final;
  }

  return { runTrial };
}
