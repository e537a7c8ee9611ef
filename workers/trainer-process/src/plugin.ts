/**
 * `process` trainer plugin: any executable is a trial. The worker starts `task.options.command` once
 * per attempt with the trial as JSON (file `SLAB_TRIAL_FILE`), reads protocol lines from fd 3
 * (docs/trainer-protocol.md), streams the metric points, turns checkpoint lines into heartbeats that a
 * retried attempt resumes from, and maps how the program ended to the trial's state:
 *
 * | ending | trial |
 * | --- | --- |
 * | exit 0 | completed (or diverged, if its result line says so) |
 * | exit 3 | diverged (a result, not retried) |
 * | exit 78, or an `invalid_config` line | failed, not retried (the settings can never work) |
 * | a malformed protocol line | failed, not retried; points before the line are kept |
 * | any other exit code, or killed by a signal | failed, retried from the last checkpoint |
 * | no protocol line for progressTimeoutSeconds, or past timeoutSeconds | timed out, retried |
 * | cancelled | SIGTERM to the program's process group, SIGKILL after graceSeconds |
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { checkProcessOptions, formatPath, type ProcessOptions, type TrialRequest, type TrialResult } from '@slab/spec';
import { InvalidTrialError, type TrainerPlugin, type TrialContext } from '@slab/worker-sdk';
import { DevicePool } from './devices';
import { forgetGroup, recordGroup, stopLeftoverGroup } from './group';
import { EXIT_CODES, REPORT_FD, type TrainerMessage } from './protocol';
import { OutputTail, runTrainerProcess, type TrainerEnding } from './run';

/** The JSON document a trainer program receives (file named by `SLAB_TRIAL_FILE`). */
export interface TrialDocument {
  /** Protocol version. */
  protocol: 1;
  sweepId: string;
  trialId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** The trial's point in the sweep's space (width or params, data, learningRate, seed, ...). */
  config: TrialRequest['config'];
  /** Parameter count N asked for (`config.params`), or null when the spec varies width. */
  params: number | null;
  /** Training samples or tokens to see, D (`config.data`). */
  data: number | null;
  /** `config.seed`, 0 when the sweep does not vary it. */
  seed: number;
  task: { dataset: string; model: string };
  /** `task.options` without the plugin's own keys: the trainer's settings. */
  options: Record<string, unknown>;
  logEvery: number;
  evalEvery: number;
  checkpointEvery: number;
  /** Directory for this trial's checkpoints, shared by its attempts on this machine. */
  checkpointDir: string;
  /** Where to resume: the last checkpoint a previous attempt reported, or null for a fresh start. */
  resume: { step: number; checkpoint: string } | null;
}

/** File in the checkpoint directory that collects the trial's log across attempts. */
export const TRIAL_LOG = 'trainer.log';

/** Error name of a retryable timeout (shown in the trial's reason). */
export class TrialTimedOutError extends Error {
  override readonly name = 'TrialTimedOut';
}

/** Error name of a retryable failure of the program (non-zero exit, killed by a signal). */
export class TrainerFailedError extends Error {
  override readonly name = 'TrainerFailed';
}

function optionsOf(request: TrialRequest): ProcessOptions {
  const checked = checkProcessOptions(request.task.options);
  if (!checked.ok) throw new InvalidTrialError(checked.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '));
  return checked.options;
}

/** Writes `value` as JSON atomically (tmp + rename). */
function writeJson(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function withTail(message: string, tail: OutputTail): string {
  const t = tail.toString();
  return t ? `${message}; last output:\n${t}` : message;
}

/** Everything the program reported during one attempt. */
class Reports {
  lastStep = 0;
  readonly lastValues = new Map<string, number>();
  counts: { params?: number; data?: number; flops?: number } = {};
  result?: Extract<TrainerMessage, { type: 'result' }>;
  invalidReason?: string;
  lines = 0;
}

export interface ProcessPluginOptions {
  /**
   * Accelerators of this node (CUDA_VISIBLE_DEVICES ids): each running trial gets one of its own as
   * CUDA_VISIBLE_DEVICES, unless the spec's `task.options.env` sets that variable. Empty: none set.
   */
  devices?: readonly string[];
}

export function createProcessPlugin(pluginOptions: ProcessPluginOptions = {}): TrainerPlugin {
  const devices = new DevicePool(pluginOptions.devices ?? []);
  function validate(request: TrialRequest): void {
    optionsOf(request);
  }

  async function run(ctx: TrialContext): Promise<TrialResult> {
    const started = performance.now();
    const req = ctx.request;
    const opts = optionsOf(req);
    const cwd = opts.cwd ? resolve(opts.cwd) : process.cwd();
    if (!existsSync(cwd)) throw new InvalidTrialError(`task.options.cwd: no such directory ${JSON.stringify(cwd)} on this worker`);
    mkdirSync(ctx.checkpointDir, { recursive: true });
    // The trial's log: the program's output and what the plugin did, kept beside the checkpoints
    // (attempts append) and passed to the worker's log.
    const logFile = join(ctx.checkpointDir, TRIAL_LOG);
    const say = (line: string): void => {
      ctx.log(line);
      try {
        appendFileSync(logFile, `${line}\n`);
      } catch {
        // the worker's log still has the line
      }
    };

    // Resume only from a checkpoint that exists here (a retry on another machine starts over).
    const uri = ctx.resume?.checkpointUri;
    const resume = uri && existsSync(uri) ? { step: ctx.resume!.step, checkpoint: uri } : null;
    if (ctx.resume && ctx.resume.step > 0 && !resume) say(`no checkpoint of step ${ctx.resume.step} on this machine (${uri ?? 'none reported'}): starting from step 0`);
    const attempt = ctx.attempt ?? 1;
    const doc: TrialDocument = {
      protocol: 1,
      sweepId: req.sweepId,
      trialId: req.trialId,
      attempt,
      config: req.config,
      params: req.config.params ?? null,
      data: req.config.data ?? null,
      seed: req.config.seed ?? 0,
      task: { dataset: req.task.dataset, model: req.task.model },
      options: opts.trainer,
      logEvery: req.logEvery,
      evalEvery: req.evalEvery,
      checkpointEvery: req.checkpointEvery,
      checkpointDir: ctx.checkpointDir,
      resume,
    };
    const trialFile = join(ctx.checkpointDir, 'trial.json');
    writeJson(trialFile, doc);

    const leftover = stopLeftoverGroup(ctx.checkpointDir);
    if (leftover !== undefined) say(`stopped trainer process group ${leftover} left running by an earlier attempt`);

    const reports = new Reports();
    let missingSaid = false;
    const tail = new OutputTail();
    const onMessage = (m: TrainerMessage): void => {
      reports.lines++;
      switch (m.type) {
        case 'metrics':
          for (const [name, value] of Object.entries(m.values)) {
            ctx.emit(m.step, name, value);
            reports.lastValues.set(name, value);
          }
          reports.lastStep = Math.max(reports.lastStep, m.step);
          break;
        case 'progress':
          reports.lastStep = Math.max(reports.lastStep, m.step);
          break;
        case 'checkpoint': {
          const path = m.path === undefined ? ctx.checkpointDir : isAbsolute(m.path) ? m.path : resolve(cwd, m.path);
          // Not an error: the program may already have replaced it by a newer one (lines are read
          // after they are written). A retry resumes only from a checkpoint that exists.
          if (!missingSaid && !existsSync(path)) {
            missingSaid = true;
            say(`checkpoint of step ${m.step} reported at ${JSON.stringify(path)}, which does not exist (any more): write checkpoints before reporting them`);
          }
          reports.lastStep = Math.max(reports.lastStep, m.step);
          ctx.progress({ step: m.step, checkpointUri: path });
          break;
        }
        case 'counts':
          reports.counts = { ...reports.counts, ...m };
          break;
        case 'result':
          reports.result = m;
          break;
        case 'invalid_config':
          reports.invalidReason = m.reason;
          break;
      }
    };

    const device = 'CUDA_VISIBLE_DEVICES' in opts.env ? undefined : devices.take();
    say(`attempt ${attempt}: starting ${opts.command.map((a) => JSON.stringify(a)).join(' ')}${resume ? ` (resume from step ${resume.step})` : ''}${device !== undefined ? ` on device ${device}` : ''}`);
    const ending = await runTrainerProcess({
      command: opts.command,
      cwd,
      env: {
        ...(process.env as Record<string, string>),
        ...(device !== undefined ? { CUDA_VISIBLE_DEVICES: device } : {}),
        ...opts.env,
        SLAB_TRIAL_FILE: trialFile,
        SLAB_REPORT_FD: String(REPORT_FD),
        SLAB_TRIAL_ID: req.trialId,
        SLAB_ATTEMPT: String(attempt),
        SLAB_CHECKPOINT_DIR: ctx.checkpointDir,
        SLAB_RESUME_STEP: String(resume?.step ?? 0),
        SLAB_RESUME_CHECKPOINT: resume?.checkpoint ?? '',
        SLAB_WORKER_PID: String(process.pid),
      },
      timeoutSeconds: opts.timeoutSeconds,
      progressTimeoutSeconds: opts.progressTimeoutSeconds,
      graceSeconds: opts.graceSeconds,
      signal: ctx.signal,
      onMessage,
      onOutput: (stream, line) => {
        tail.add(line);
        say(`${stream}: ${line}`);
      },
      onStart: (pid) => recordGroup(ctx.checkpointDir, pid),
    }).finally(() => devices.give(device));
    forgetGroup(ctx.checkpointDir);
    if (ending.kind === 'ended' && ending.stoppedBy) {
      const why = ending.stoppedBy.kind === 'cancelled' ? 'cancelled' : ending.stoppedBy.kind;
      say(
        ending.sigkilled
          ? `${why}: the trainer did not exit within the ${opts.graceSeconds} s grace period after SIGTERM and was killed (SIGKILL)`
          : `${why}: the trainer exited on SIGTERM within the ${opts.graceSeconds} s grace period`,
      );
    }
    return outcome(ending, { req, reports, tail, started, resumedFromStep: resume?.step ?? 0, log: say });
  }

  return {
    name: 'process',
    // A GPU backend name makes `slab worker` default to one trial per device.
    init: async () => ({ backend: devices.ids.length > 0 ? 'process-gpu' : 'process' }),
    validate,
    run,
  };
}

interface OutcomeInputs {
  req: TrialRequest;
  reports: Reports;
  tail: OutputTail;
  started: number;
  resumedFromStep: number;
  log: (m: string) => void;
}

/** How the program ended → the trial's result, or the error that fails (or retries) the attempt. */
function outcome(ending: TrainerEnding, o: OutcomeInputs): TrialResult {
  const { reports, tail } = o;
  if (ending.kind === 'spawn-failed') throw new InvalidTrialError(`task.options.command[0]: ${ending.message}`);
  const stop = ending.stoppedBy;
  if (stop?.kind === 'cancelled') throw new Error('trial cancelled: the trainer was stopped');
  if (stop?.kind === 'protocol-error') {
    const kept = stop.error.line - 1;
    throw new InvalidTrialError(`${stop.error.message} (the ${kept} line${kept === 1 ? '' : 's'} before it ${kept === 1 ? 'was' : 'were'} kept)`);
  }
  if (stop?.kind === 'timed-out') throw new TrialTimedOutError(withTail(stop.message, tail));
  const { code, signal } = ending;
  if (reports.invalidReason !== undefined || code === EXIT_CODES.invalidConfig) {
    throw new InvalidTrialError(`invalid config: the trainer rejected the trial's settings (exit code ${code ?? signal}): ${reports.invalidReason ?? withTail('no reason given', tail)}`);
  }
  if (signal !== null) throw new TrainerFailedError(withTail(`trainer failed: killed by ${signal}`, tail));
  if (code !== EXIT_CODES.completed && code !== EXIT_CODES.diverged) throw new TrainerFailedError(withTail(`trainer failed: exited with code ${code}`, tail));

  const r = reports.result;
  const status = code === EXIT_CODES.diverged || r?.status === 'diverged' ? 'diverged' : 'completed';
  const params = r?.params ?? reports.counts.params ?? o.req.config.params ?? 0;
  const data = r?.data ?? reports.counts.data ?? o.req.config.data ?? 0;
  // Counted FLOPs when the trainer reports them, else the dense-network estimate 6·N·D (Kaplan et al. 2020).
  const flops = r?.flops ?? reports.counts.flops ?? 6 * params * data;
  if (params === 0) o.log('the trainer reported no parameter count (counts.params) and config has no params: N = 0');
  const finalValues = r && Object.keys(r.final).length > 0 ? Object.entries(r.final) : [...reports.lastValues];
  const steps = r?.step ?? reports.lastStep;
  return {
    trialId: o.req.trialId,
    status,
    params,
    data,
    flops,
    final: Object.fromEntries(finalValues.map(([k, v]) => [k, finiteOrNull(v)])),
    resumedFromStep: o.resumedFromStep,
    steps,
    backend: 'process',
    wallSeconds: (performance.now() - o.started) / 1000,
    ...(status === 'diverged' ? { reason: r?.reason ?? `the trainer reported divergence at step ${steps}` } : r?.reason ? { reason: r.reason } : {}),
  };
}
