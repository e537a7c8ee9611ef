// The process plugin against real programs: a trainer written in bash (so nothing depends on the
// Python helper), each run as a real child process with the protocol on fd 3.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrialProgress, TrialRequest, TrialResult } from '@slab/spec';
import { InvalidTrialError, type TrainerPlugin } from '@slab/worker-sdk';
import { createProcessPlugin, TrainerFailedError, TrialTimedOutError, type TrialDocument } from '../src/index';

const TRAINER = join(__dirname, 'fixtures/bash-trainer.sh');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function request(options: Record<string, unknown>, config: TrialRequest['config'] = { width: 8, data: 640, seed: 7 }): TrialRequest {
  return { sweepId: 's', trialId: 's-t0000', task: { dataset: 'fashion-mnist', model: 'mlp', plugin: 'process', options }, config, logEvery: 1, evalEvery: 5, checkpointEvery: 5 };
}

interface Run {
  result?: TrialResult;
  error?: Error;
  points: { step: number; name: string; value: number }[];
  progress: TrialProgress[];
  logs: string[];
  checkpointDir: string;
}

async function run(mode: string, opts: { resume?: TrialProgress; attempt?: number; abortAfterMs?: number; checkpointDir?: string; options?: Record<string, unknown>; plugin?: TrainerPlugin } = {}): Promise<Run> {
  const checkpointDir = opts.checkpointDir ?? mkdtempSync(join(tmpdir(), 'slab-process-'));
  if (!opts.checkpointDir) dirs.push(checkpointDir);
  const out: Run = { points: [], progress: [], logs: [], checkpointDir };
  const abort = new AbortController();
  if (opts.abortAfterMs !== undefined) setTimeout(() => abort.abort(), opts.abortAfterMs);
  try {
    out.result = await (opts.plugin ?? createProcessPlugin()).run({
      request: request({ command: ['bash', TRAINER], env: { MODE: mode }, progressTimeoutSeconds: 30, graceSeconds: 2, ...opts.options }),
      resume: opts.resume,
      attempt: opts.attempt ?? 1,
      emit: (step, name, value) => out.points.push({ step, name, value }),
      progress: (p) => out.progress.push(p),
      signal: abort.signal,
      checkpointDir,
      log: (m) => out.logs.push(m),
    });
  } catch (err) {
    out.error = err as Error;
  }
  return out;
}

/** Waits (up to 5 s: a killed process takes a moment to exit) until `pid` is gone; false if it lives on. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

/** A live process (zombies count as gone: they hold no resources and are only waiting to be reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('process plugin with a bash trainer', () => {
  it('streams points, turns checkpoint lines into progress, and returns the result', async () => {
    const r = await run('ok');
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ status: 'completed', params: 1000, data: 640, flops: 6 * 1000 * 640, steps: 20, resumedFromStep: 0, backend: 'process', final: { eval_loss: 0.5 } });
    expect(r.points.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(r.points[3]).toEqual({ step: 4, name: 'train_loss', value: 1 });
    expect(r.progress).toEqual([5, 10, 15, 20].map((step) => ({ step, checkpointUri: join(r.checkpointDir, 'state') })));
    expect(r.logs.some((l) => l.includes('stdout: bash trainer: trial s-t0000 attempt 1 from step 1'))).toBe(true);
    expect(readFileSync(join(r.checkpointDir, 'trainer.log'), 'utf8')).toBe(`${r.logs.join('\n')}\n`);
    const doc = JSON.parse(readFileSync(join(r.checkpointDir, 'trial.json'), 'utf8')) as TrialDocument;
    expect(doc).toMatchObject({ protocol: 1, trialId: 's-t0000', attempt: 1, params: null, data: 640, seed: 7, options: {}, checkpointEvery: 5, resume: null });
  });

  it('resumes from the reported checkpoint: the program is told the step and the file', async () => {
    const first = await run('ok');
    const r = await run('ok', { resume: { step: 15, checkpointUri: join(first.checkpointDir, 'state') }, attempt: 2, checkpointDir: first.checkpointDir });
    expect(r.result).toMatchObject({ status: 'completed', resumedFromStep: 15, steps: 20 });
    expect(r.points.map((p) => p.step)).toEqual([16, 17, 18, 19, 20]);
    expect(r.logs.some((l) => l.includes('attempt 2 from step 16'))).toBe(true);
    expect(r.logs.some((l) => l.includes('resuming from 20'))).toBe(true); // the file holds the last checkpoint written
  });

  it('a checkpoint that is not on this machine means a fresh start, said in the log', async () => {
    const r = await run('ok', { resume: { step: 10, checkpointUri: '/nonexistent/state' }, attempt: 2 });
    expect(r.result?.resumedFromStep).toBe(0);
    expect(r.points[0].step).toBe(1);
    expect(r.logs.some((l) => l.includes('no checkpoint of step 10 on this machine'))).toBe(true);
  });

  it('a reported checkpoint that is not on disk when the line is read is not an error; the log says so once', async () => {
    const r = await run('unwritten');
    expect(r.result?.status).toBe('completed');
    expect(r.logs.filter((l) => l.includes('which does not exist (any more)'))).toHaveLength(1);
  });

  it('a malformed line fails the trial non-retryably, naming the line; the points before it are kept', async () => {
    const r = await run('garbage');
    expect(r.error).toBeInstanceOf(InvalidTrialError);
    // line 1 counts, lines 2-4 points 1-3, line 5 the garbage
    expect(r.error?.message).toBe('trainer protocol error on fd 3, line 5: expected a JSON object, got "loss went down, all good" (the 4 lines before it were kept)');
    expect(r.points.map((p) => p.step)).toEqual([1, 2, 3]);
  });

  it('a malformed last line still fails the trial when the program has already exited 0', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await run('garbage-exit');
      expect(r.error?.message).toBe('trainer protocol error on fd 3, line 2: expected a JSON object, got "not json" (the 1 line before it was kept)');
    }
  });

  it('exit 1 fails the attempt retryably, with the last output lines in the message', async () => {
    const r = await run('exit1');
    expect(r.error).toBeInstanceOf(TrainerFailedError);
    expect(r.error?.name).toBe('TrainerFailed');
    expect(r.error?.message).toMatch(/^trainer failed: exited with code 1; last output:\n[\s\S]*CUDA error: out of memory$/);
    expect(r.points).toHaveLength(4);
  });

  it('the invalid-config exit code fails the trial non-retryably with the trainer\'s reason', async () => {
    const r = await run('invalid');
    expect(r.error).toBeInstanceOf(InvalidTrialError);
    expect(r.error?.message).toBe("invalid config: the trainer rejected the trial's settings (exit code 78): width must be even, got 33");
  });

  it('no progress report for progressTimeoutSeconds times the attempt out (retryable) and stops the program', async () => {
    const r = await run('hang', { options: { progressTimeoutSeconds: 1, graceSeconds: 1 } });
    expect(r.error).toBeInstanceOf(TrialTimedOutError);
    expect(r.error?.message).toMatch(/^timed out: no progress report on fd 3 for 1 s \(task\.options\.progressTimeoutSeconds\)/);
  });

  it('timeoutSeconds bounds an attempt even while it reports progress', async () => {
    const r = await run('term', { options: { timeoutSeconds: 1 } });
    expect(r.error).toBeInstanceOf(TrialTimedOutError);
    expect(r.error?.message).toMatch(/^timed out: still running after 1 s \(task\.options\.timeoutSeconds\)/);
  });

  it('divergence is a result with the trainer\'s reason', async () => {
    const r = await run('diverge');
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ status: 'diverged', steps: 7, reason: 'train_loss is NaN at step 7', final: { train_loss: null } });
    expect(Number.isNaN(r.points.at(-1)?.value)).toBe(true);
  });

  it('a last line without its newline still counts when the program ends by itself', async () => {
    const r = await run('unterminated');
    expect(r.result?.final).toEqual({ eval_loss: 0.25 });
  });

  it('cancellation sends SIGTERM to the whole process group; the program exits in the grace period, its children too', async () => {
    const r = await run('term', { abortAfterMs: 1500, options: { graceSeconds: 20 } });
    expect(r.error?.message).toMatch(/cancelled/);
    expect(r.logs).toContain('stderr: got SIGTERM, stopping');
    expect(r.logs).toContain('cancelled: the trainer exited on SIGTERM within the 20 s grace period');
    const pids = ['trainer.pid', 'child.pid'].map((f) => Number(readFileSync(join(r.checkpointDir, f), 'utf8')));
    for (const pid of pids) expect(await gone(pid), `pid ${pid}`).toBe(true);
  });

  it('a program that ignores SIGTERM is killed with its group after the grace period', async () => {
    const r = await run('stubborn', { abortAfterMs: 1000, options: { graceSeconds: 1 } });
    expect(r.error?.message).toMatch(/cancelled/);
    expect(r.logs).toContain('cancelled: the trainer did not exit within the 1 s grace period after SIGTERM and was killed (SIGKILL)');
    const pids = ['trainer.pid', 'child.pid'].map((f) => Number(readFileSync(join(r.checkpointDir, f), 'utf8')));
    for (const pid of pids) expect(await gone(pid), `pid ${pid}`).toBe(true);
  });

  it('a program that cannot start fails the trial non-retryably, naming command[0]', async () => {
    const r = await run('ok', { options: { command: ['/no/such/trainer'] } });
    expect(r.error).toBeInstanceOf(InvalidTrialError);
    expect(r.error?.message).toMatch(/^task\.options\.command\[0\]: could not start "\/no\/such\/trainer": ENOENT \(cwd \//);
  });

  it('a trainer group left running by a dead worker is stopped before the next attempt starts', async () => {
    const checkpointDir = mkdtempSync(join(tmpdir(), 'slab-process-'));
    dirs.push(checkpointDir);
    const stray = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    const stat = readFileSync(`/proc/${stray.pid}/stat`, 'utf8');
    writeFileSync(join(checkpointDir, 'trainer.pid.json'), JSON.stringify({ pid: stray.pid, startTime: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] }));
    const r = await run('ok', { checkpointDir });
    expect(r.result?.status).toBe('completed');
    expect(r.logs.some((l) => l.includes(`stopped trainer process group ${stray.pid}`))).toBe(true);
    expect(await gone(stray.pid!)).toBe(true);
    expect(existsSync(join(checkpointDir, 'trainer.pid.json'))).toBe(false);
  });

  it('hands each running trial a device of its own, and takes it back when the trial ends', async () => {
    const plugin = createProcessPlugin({ devices: ['7', '9'] });
    expect(await plugin.init!()).toEqual({ backend: 'process-gpu' });
    const device = (r: Run) => r.logs.find((l) => l.startsWith('stdout: device: '))?.slice('stdout: device: '.length);
    // The three attempts take their devices synchronously, before any of them ends.
    const [a, b, c] = await Promise.all([run('ok', { plugin }), run('ok', { plugin }), run('ok', { plugin })]);
    expect([device(a), device(b), device(c)].sort()).toEqual(['7', '9', 'none']);
    expect(['7', '9']).toContain(device(await run('ok', { plugin }))); // both were given back
    expect(device(await run('ok', { plugin, options: { env: { MODE: 'ok', CUDA_VISIBLE_DEVICES: '3' } } }))).toBe('3');
  });

  it('bad options fail validation with every path named', () => {
    const plugin = createProcessPlugin();
    expect(() => plugin.validate!(request({ command: [], graceSeconds: -1, env: { A: [1] } }))).toThrow(
      'task.options.command: expected a non-empty list: the program and its arguments, e.g. [python, train.py], got []; task.options.env.A: expected a string, got [1]; task.options.graceSeconds: expected a number of seconds ≥ 0, got -1',
    );
  });
});
