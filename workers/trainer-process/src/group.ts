/**
 * Process groups of trainer programs. Each attempt runs in its own group, so one signal reaches the
 * program and everything it started. A worker killed with SIGKILL cannot stop its trainer; the group
 * is recorded beside the trial's checkpoints, and the next attempt on this machine ends it before
 * starting, so two attempts never write the same checkpoints at once.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PID_FILE = 'trainer.pid.json';

/** Signals every process of group `pgid`; a group that is already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Start time of a process in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Records the running attempt's group in the checkpoint directory. */
export function recordGroup(checkpointDir: string, pid: number): void {
  writeFileSync(join(checkpointDir, PID_FILE), JSON.stringify({ pid, startTime: startTime(pid) ?? null }));
}

export function forgetGroup(checkpointDir: string): void {
  rmSync(join(checkpointDir, PID_FILE), { force: true });
}

/**
 * Ends the group a previous attempt left running (its worker died), if it is still the same process
 * (same pid and start time). Returns the pid it stopped, or undefined.
 */
export function stopLeftoverGroup(checkpointDir: string): number | undefined {
  let recorded: { pid?: unknown; startTime?: unknown };
  try {
    recorded = JSON.parse(readFileSync(join(checkpointDir, PID_FILE), 'utf8')) as typeof recorded;
  } catch {
    return undefined;
  }
  forgetGroup(checkpointDir);
  const pid = recorded.pid;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 1 || typeof recorded.startTime !== 'string') return undefined;
  if (startTime(pid) !== recorded.startTime) return undefined;
  killGroup(pid, 'SIGKILL');
  return pid;
}
