// What `slab` says about a live sweep on a real stack (Temporal dev server, gateway, tfjs trainer):
// `ls` and `status` count trials the same way mid-run; pause/resume/cancel say what they did, or that
// nothing changed (exit 0); `cancel --let-finish` lets running trials finish; a refused token names
// where it was read from.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tinySpec, useStack, waitFor, waitForPhase } from './helpers';

const bin = fileURLToPath(new URL('../bin/slab.js', import.meta.url));
const ctx = useStack([{ queue: 'cpu', plugins: ['tfjs'] }]);
const elsewhere = mkdtempSync(join(tmpdir(), 'slab-msg-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

/** `slab ARGS` as a process against the test's stack (async: the gateway lives in this process). */
async function slab(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLAB_GATEWAY: ctx.stack.gatewayUrl, SLAB_TOKEN: ctx.stack.token, SLAB_STATE_DIR: ctx.dir, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const status = await new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { status, stdout: stdout.trim(), stderr: stderr.trim() };
}

describe('slab messages on a running sweep', () => {
  it('counts, pauses, resumes and cancels, saying what changed and what did not', { timeout: 300_000 }, async () => {
    const spec = tinySpec({ name: 'messages', widths: [8, 16, 32], data: [1000, 2000] });
    const { id } = await ctx.client.createSweep(spec);
    await waitFor('a running trial', async () => (await ctx.client.getSweep(id)).status.trials.running > 0 || undefined, 120_000);

    const paused = await slab(['pause', id]);
    expect(paused.status, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(new RegExp(`^pause sent to ${id}: no new trial starts until \`slab resume ${id}\`; (the \\d+ (running|queued) trials? .+|no trial is running)$`));

    // The last running trials' batch is fitted before the sweep shows `paused`: wait for both.
    await waitFor('running trials to finish and the sweep to show paused', async () => {
      const s = (await ctx.client.getSweep(id)).status;
      return (s.trials.running === 0 && s.phase === 'paused') || undefined;
    }, 120_000);
    expect(await slab(['pause', id])).toMatchObject({ status: 0, stdout: `sweep ${id} is already paused: nothing changed` });

    // Paused with nothing running, both commands print the same phrase. A trial that was already queued
    // for the busy worker when the pause came still runs and is fitted (the sweep shows `fitting` for a
    // moment), so they are compared once the sweep has settled: read both until they agree, or time out.
    const settled = await waitFor('slab status and slab ls to agree on the paused sweep', async () => {
      const status = await slab(['status', id]);
      const ls = await slab(['ls']);
      const counts = /^trials: (.+)$/m.exec(status.stdout)?.[1];
      const row = ls.stdout.split('\n').find((l) => l.startsWith(id));
      const agree = counts !== undefined && row !== undefined && / paused /.test(row) && row.includes(` ${counts} `) && /: paused/.test(status.stdout.split('\n')[0]);
      return agree ? { counts, row, status: status.stdout } : undefined;
    }, 120_000, 1000);
    expect(settled.counts, settled.status).toMatch(/^\d of 6 created: \d completed(, \d waiting)?$/);
    expect(settled.row).toMatch(/ paused /);
    expect(settled.row).toContain(` ${settled.counts} `);

    expect(await slab(['resume', id])).toMatchObject({ status: 0, stdout: `resume sent to ${id}: new trials start again` });
    const cancelled = await slab(['cancel', id, '--let-finish']);
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^cancel \\(let finish\\) sent to ${id}: no new trial starts; (the \\d+ (running|queued) trials? .+ fitted, then|no trial is running, so) the sweep ends \\(cancelled\\)$`));

    const final = await waitForPhase(ctx.client, id, 240_000);
    expect(final.phase).toBe('cancelled');
    expect(final.stopReason).toBe('stopped by user: running trials finished, no new ones started');
    expect(final.trials.completed).toBeGreaterThan(0);
    expect(final.trials.failed).toBe(0);
    for (const verb of ['cancel', 'pause', 'resume']) {
      expect(await slab([verb, id]), verb).toMatchObject({ status: 0, stdout: `sweep ${id} has already ended (cancelled): nothing changed` });
    }
  });

  it('a refused token names where it was read from', { timeout: 60_000 }, async () => {
    const spec = join(elsewhere, 'spec.yaml');
    writeFileSync(spec, tinySpec({ name: 'refused', widths: [8], data: [1000] }));
    const fromEnv = await slab(['submit', spec], { SLAB_TOKEN: 'not-the-token-0123456789' });
    expect(fromEnv.status).toBe(1);
    expect(fromEnv.stderr).toContain('the token sent was read from the SLAB_TOKEN environment variable');
    const fromFile = await slab(['submit', spec], { SLAB_TOKEN: undefined, SLAB_STATE_DIR: elsewhere });
    expect(fromFile.status).toBe(1);
    expect(fromFile.stderr).toContain(`the token sent was read from ${join(elsewhere, 'token')}`);
  });
});
