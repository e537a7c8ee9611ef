/**
 * One stack per state directory. Two `slab up` (or `slab run`) on the same directory would share a
 * SQLite store and a Temporal database file and overwrite each other's stack.json; the second is
 * refused instead. The lock is `<stateDir>/lock`, created exclusively, holding the owner's pid and
 * host. A lock whose process is gone (killed, crashed), or that names this very process's pid (a
 * restarted container reuses its pid), is stale and is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface StateLock {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock (only if it is still ours); idempotent. */
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
}

/** Thrown when another live process holds the directory; `message` is one line for the terminal. */
export class StateDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: Holder,
  ) {
    super(
      holder.host === hostname()
        ? `state directory ${dir} is in use by another slab process (pid ${holder.pid}); stop it, or set SLAB_STATE_DIR to another directory`
        : `state directory ${dir} is in use by a slab process on host ${holder.host} (pid ${holder.pid}); stop it there, or set SLAB_STATE_DIR to another directory`,
    );
    this.name = 'StateDirLockedError';
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? { pid: h.pid!, host: h.host } : undefined;
  } catch {
    return undefined; // gone, or half written by a process that died mid-write: stale either way
  }
}

/** Lock files this process holds now (a second lock of one of them in this process is refused). */
const heldHere = new Set<string>();

/** Whether `pid` is a live process on this host (EPERM: alive, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `dir` (which must exist) for this process, or throws StateDirLockedError naming
 * the holder. A holder on another host cannot be checked and is always respected.
 */
export function lockStateDir(dir: string): StateLock {
  const path = join(dir, 'lock');
  const me: Holder = { pid: process.pid, host: hostname() };
  // Two takeovers racing: each removes the stale file, only one exclusive create wins, the loser sees a live holder.
  for (let tries = 0; tries < 3; tries++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      // Our own pid in a lock this process never took is a previous incarnation, not a live rival: a
      // restarted container (same hostname, same small pid) would otherwise refuse to start forever.
      const rival = holder && (holder.host !== me.host || (holder.pid === me.pid ? heldHere.has(path) : isAlive(holder.pid)));
      if (holder && rival) throw new StateDirLockedError(dir, holder);
      try {
        unlinkSync(path);
      } catch {
        // another process took it over first; the next create decides
      }
      continue;
    }
    writeSync(fd, `${JSON.stringify(me)}\n`);
    closeSync(fd);
    heldHere.add(path);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      heldHere.delete(path);
      process.off('exit', release);
      const holder = readHolder(path);
      if (holder?.pid === me.pid && holder.host === me.host) unlinkSync(path);
    };
    // A process that exits without stopping its stack (an uncaught error) leaves no lock behind.
    process.on('exit', release);
    return { path, release };
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}
