/**
 * Live progress of one sweep in the terminal: trials done/running/failed, FLOPs spent against the
 * budget and the latest fitted law. Reads the gateway (never Temporal directly) once a second.
 */
import cliProgress from 'cli-progress';
import type { GatewayClient } from '@slab/api';
import type { SweepStatus } from '@slab/orchestration';
import { fitLine, sci } from './format';

export { fitLine } from './format';

const FINAL_PHASES = new Set(['completed', 'cancelled', 'failed']);

export interface WatchOptions {
  intervalMs?: number;
  /** Draw a bar (TTY) or print one line per change (logs, CI). */
  tty?: boolean;
  signal?: AbortSignal;
}

function totalOf(status: SweepStatus): number {
  // `planned` counts every trial planned so far, finished ones included.
  return Math.max(status.budget.trials ?? 0, status.trials.planned, 1);
}

function describe(status: SweepStatus): Record<string, string | number> {
  const t = status.trials;
  return {
    phase: status.waiting ? `${status.phase}, ${status.waiting}` : status.phase,
    running: t.running,
    failed: t.failed,
    diverged: t.diverged,
    flops: `${sci(status.flopsSpent)}${status.budget.flops ? `/${sci(status.budget.flops)}` : ''}${status.scoringFlops ? ` (scoring ${sci(status.scoringFlops)})` : ''}`,
    fit: fitLine(status.lastFit),
  };
}

/** Watch until the sweep reaches a final phase; returns its last status. */
export async function watchSweep(client: GatewayClient, sweepId: string, opts: WatchOptions = {}): Promise<SweepStatus> {
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: ' {bar} {value}/{total} trials | {phase} | running {running} | failed {failed} | diverged {diverged} | FLOPs {flops}\n   fit: {fit}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let lastLine = '';
  try {
    for (;;) {
      const { status } = await client.getSweep(sweepId);
      const t = status.trials;
      const done = t.completed + t.diverged + t.failed;
      const payload = describe(status);
      if (bar) {
        if (!started) bar.start(totalOf(status), done, payload);
        else {
          bar.setTotal(totalOf(status));
          bar.update(done, payload);
        }
        started = true;
      } else {
        const line = `[${done}/${totalOf(status)} trials] ${payload.phase} running=${payload.running} failed=${payload.failed} diverged=${payload.diverged} FLOPs=${payload.flops} fit: ${payload.fit}`;
        if (line !== lastLine) process.stderr.write(`${line}\n`);
        lastLine = line;
      }
      if (FINAL_PHASES.has(status.phase)) return status;
      if (opts.signal?.aborted) return status;
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
    }
  } finally {
    bar?.stop();
  }
}
