// One stack per state directory: a live holder is named and refused, a dead one is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlive, lockStateDir, StateDirLockedError } from '../src/state-lock';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let dir: string;

/** The pid of a process that has exited (and was reaped), so nothing runs under it now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  expect(isAlive(pid)).toBe(false);
  return pid;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slab-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('state directory lock', () => {
  it('a second lock on the same directory is refused with the holder pid; release frees it', () => {
    const lock = lockStateDir(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
    expect(() => lockStateDir(dir)).toThrow(StateDirLockedError);
    expect(() => lockStateDir(dir)).toThrow(`state directory ${dir} is in use by another slab process (pid ${process.pid})`);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    lockStateDir(dir).release();
  });

  it('a stale lock (dead pid) or a half-written one is taken over', () => {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: deadPid(), host: hostname() }));
    const lock = lockStateDir(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    writeFileSync(join(dir, 'lock'), '{"pi');
    lockStateDir(dir).release();
  });

  it('a lock naming this process that it never took (a restarted container reusing its pid) is taken over', () => {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.pid, host: hostname() }));
    const lock = lockStateDir(dir);
    expect(() => lockStateDir(dir)).toThrow(`in use by another slab process (pid ${process.pid})`);
    lock.release();
  });

  it('a lock held on another host is respected (its pid cannot be checked from here)', () => {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: deadPid(), host: `${hostname()}-elsewhere` }));
    expect(() => lockStateDir(dir)).toThrow(/in use by a slab process on host .*-elsewhere/);
  });

  it('release leaves a lock that another process has taken over alone', () => {
    const lock = lockStateDir(dir);
    writeFileSync(lock.path, JSON.stringify({ pid: 1, host: hostname() }));
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });

  it('slab up on a locked directory exits 1 with one line naming the directory and the holder, before starting anything', () => {
    const lock = lockStateDir(dir);
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'up', '--port', '0'], { encoding: 'utf8', env: { ...process.env, SLAB_STATE_DIR: dir }, timeout: 60_000 });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trim()).toBe(`slab: state directory ${dir} is in use by another slab process (pid ${process.pid}); stop it, or set SLAB_STATE_DIR to another directory`);
      expect(existsSync(join(dir, 'temporal'))).toBe(false);
      expect(existsSync(join(dir, 'stack.json'))).toBe(false);
    } finally {
      lock.release();
    }
  }, 60_000);
});
