/**
 * Runs one trainer program for one attempt: its own process group (so a stop reaches every child),
 * protocol lines read from fd 3, stdout/stderr forwarded line by line, a wall-clock limit and a
 * progress timeout, and SIGTERM → grace → SIGKILL of the whole group when the attempt must stop.
 * Returns how the program ended; what that means for the trial is decided by plugin.ts.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EXIT_CODES, LineSplitter, parseMessage, ProtocolError, REPORT_FD, type NumberedLine, type TrainerMessage } from './protocol';
import { killGroup } from './group';

export interface TrainerLaunch {
  command: string[];
  cwd?: string;
  /** The full environment of the program. */
  env: Record<string, string>;
  /** Wall-clock limit in seconds (unset: none). */
  timeoutSeconds?: number;
  /** Longest silence on the protocol descriptor, in seconds. */
  progressTimeoutSeconds: number;
  /** Seconds between SIGTERM and SIGKILL. */
  graceSeconds: number;
  /** Aborted on cancellation: the program is stopped and the ending is `cancelled`. */
  signal: AbortSignal;
  /** Called for each protocol message in order; a throw stops the program as a protocol error. */
  onMessage(message: TrainerMessage, line: number): void;
  /** The program's own output, one line at a time. */
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
  /** Called once the program runs, with its pid (= its process group id). */
  onStart?(pid: number): void;
}

/** Why the worker stopped the program before it ended by itself. */
export type StopReason =
  | { kind: 'cancelled' }
  | { kind: 'timed-out'; message: string }
  | { kind: 'protocol-error'; error: ProtocolError };

export type TrainerEnding =
  /** The program could not be started at all (no such file, not executable). */
  | { kind: 'spawn-failed'; message: string }
  /** The program ended (by itself or because we stopped it). */
  | { kind: 'ended'; code: number | null; signal: NodeJS.Signals | null; stoppedBy?: StopReason; sigkilled?: boolean };

/** Output lines kept for failure messages. */
const TAIL_LINES = 10;
/** How long to wait for the pipes to close once the program and its group are gone. */
const DRAIN_MS = 5_000;

export class OutputTail {
  private readonly kept: string[] = [];
  add(line: string): void {
    this.kept.push(line);
    if (this.kept.length > TAIL_LINES) this.kept.shift();
  }
  toString(): string {
    return this.kept.join('\n');
  }
}

/** Splits a text stream into lines and hands each to `onLine` (the unterminated tail at the end too). */
function forwardLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) onLine(p.replace(/\r$/, ''));
  });
  stream.on('end', () => partial && onLine(partial));
  stream.on('error', () => undefined);
}

export function runTrainerProcess(launch: TrainerLaunch): Promise<TrainerEnding> {
  return new Promise((resolve) => {
    const [program, ...args] = launch.command;
    let stoppedBy: StopReason | undefined;
    let exited = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    /** The grace period ran out and the group got SIGKILL. */
    let sigkilled = false;
    let progressTimer: ReturnType<typeof setTimeout> | undefined;
    let wallTimer: ReturnType<typeof setTimeout> | undefined;

    const child = spawn(program, args, {
      cwd: launch.cwd,
      env: launch.env,
      // fd 3 is the protocol pipe; the program's stdin is closed.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      // Its own process group, so stopping the attempt reaches the program's children too.
      detached: true,
    });

    const clearTimers = () => {
      clearTimeout(progressTimer);
      clearTimeout(wallTimer);
      clearTimeout(killTimer);
      launch.signal.removeEventListener('abort', onAbort);
    };

    /**
     * SIGTERM the group, SIGKILL it after the grace period; the first reason to stop is kept. Lines
     * are often read after the program has exited, so a reason is recorded even then.
     */
    const stop = (reason: StopReason) => {
      if (stoppedBy) return;
      stoppedBy = reason;
      clearTimeout(progressTimer);
      clearTimeout(wallTimer);
      if (exited || child.pid === undefined) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        sigkilled = true;
        killGroup(child.pid!, 'SIGKILL');
      }, launch.graceSeconds * 1000);
    };
    const onAbort = () => stop({ kind: 'cancelled' });

    const armProgressTimer = () => {
      clearTimeout(progressTimer);
      if (stoppedBy || exited) return;
      progressTimer = setTimeout(
        () => stop({ kind: 'timed-out', message: `timed out: no progress report on fd ${REPORT_FD} for ${launch.progressTimeoutSeconds} s (task.options.progressTimeoutSeconds)` }),
        launch.progressTimeoutSeconds * 1000,
      );
    };

    const handle = ({ line, text }: NumberedLine) => {
      if (stoppedBy?.kind === 'protocol-error') return; // nothing after the bad line counts
      if (text.trim() === '') return;
      try {
        launch.onMessage(parseMessage(text, line), line);
      } catch (err) {
        const error = err instanceof ProtocolError ? err : new ProtocolError(line, (err as Error).message);
        stop({ kind: 'protocol-error', error });
        return;
      }
      armProgressTimer();
    };

    const splitter = new LineSplitter();
    const report = child.stdio[REPORT_FD] as Readable | null;
    report?.on('data', (chunk: Buffer) => {
      let lines: NumberedLine[];
      try {
        lines = splitter.push(chunk);
      } catch (err) {
        stop({ kind: 'protocol-error', error: err as ProtocolError });
        return;
      }
      for (const l of lines) handle(l);
    });
    report?.on('error', () => undefined);
    forwardLines(child.stdout, (l) => launch.onOutput('stdout', l));
    forwardLines(child.stderr, (l) => launch.onOutput('stderr', l));

    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // an error after spawning (e.g. a failed kill) is not a start failure
      clearTimers();
      resolve({ kind: 'spawn-failed', message: `could not start ${JSON.stringify(program)}: ${err.code ?? err.message}${launch.cwd ? ` (cwd ${launch.cwd})` : ''}` });
    });
    child.once('spawn', () => {
      launch.onStart?.(child.pid!);
      if (launch.signal.aborted) onAbort();
      else launch.signal.addEventListener('abort', onAbort, { once: true });
      armProgressTimer();
      if (launch.timeoutSeconds !== undefined)
        wallTimer = setTimeout(
          () => stop({ kind: 'timed-out', message: `timed out: still running after ${launch.timeoutSeconds} s (task.options.timeoutSeconds)` }),
          launch.timeoutSeconds * 1000,
        );
    });

    child.once('exit', (code, signal) => {
      exited = true;
      clearTimers();
      // No orphans: whatever the program left running in its group goes with it.
      killGroup(child.pid!, 'SIGKILL');
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(drain);
        // A last line without its newline counts only when the program ended by itself with a meaningful code.
        const tail = splitter.rest();
        if (tail && !stoppedBy && signal === null && (Object.values(EXIT_CODES) as (number | null)[]).includes(code)) handle(tail);
        resolve({ kind: 'ended', code, signal, stoppedBy, ...(sigkilled ? { sigkilled } : {}) });
      };
      const drain = setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
        finish();
      }, DRAIN_MS);
      child.once('close', finish);
    });
  });
}
