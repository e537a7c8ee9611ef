// Specs that used to validate, run every trial and then fail (or end green with no answer), on the
// real stack (Temporal dev server, gateway + SQLite, replay trainer worker process). The inputs are
// the cases kept in libs/spec/test/cases.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useStack, waitForPhase } from './helpers';

const cases = fileURLToPath(new URL('../../../libs/spec/test/cases/', import.meta.url));
const cliMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const env = useStack([{ queue: 'cpu', plugins: ['replay'] }]);

/** `slab <args>` against the test stack (asynchronously: the gateway runs in this process). */
function slab(...args: string[]): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args, '--gateway', env.stack.gatewayUrl], {
    env: { ...process.env, SLAB_TOKEN: env.stack.token, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, out })));
}

describe('cases that failed late', () => {
  it('big-bootstrap.yaml: a 50,000-resample bootstrap completes with its law; the samples live in the store only', async () => {
    const { id } = await env.client.createSweep(readFileSync(join(cases, 'big-bootstrap.yaml'), 'utf8'));
    const status = await waitForPhase(env.client, id, 240_000);
    expect(status.phase).toBe('completed');
    expect(status.fitFailed).toBeUndefined();
    const fit = status.lastFit!;
    // y = 35.9·x^-0.0573 on these 12 runs (the point estimate; the bootstrap gives its interval).
    expect(fit.params.A).toBeGreaterThan(35.9 * 0.97);
    expect(fit.params.A).toBeLessThan(35.9 * 1.03);
    expect(fit.params.alpha).toBeCloseTo(0.0573, 3);
    expect(fit.reportId).toBeGreaterThan(0);
    // What the workflow carries: at most the planner's few hundred samples.
    expect((fit.detail as { bootstrap: { samples: unknown[] } }).bootstrap.samples.length).toBeLessThanOrEqual(200);
    const stored = (await env.client.fits(id)).find((f) => f.id === fit.reportId)!;
    expect((stored.report as { bootstrap: { samples: unknown[] } }).bootstrap.samples.length).toBeGreaterThan(45_000);
  }, 300_000);

  it('replay-options.yaml, corrected: six trials, the seed dimension honoured through the noise', async () => {
    const text = readFileSync(join(cases, 'replay-options.yaml'), 'utf8').replace('noise: "5e-2"', 'noise: 5e-2').replace('stpes:', 'steps:');
    const { id } = await env.client.createSweep(text);
    const status = await waitForPhase(env.client, id, 120_000);
    expect(status.trials.completed).toBe(6);
    const trials = await env.client.trials(id);
    expect(new Set(trials.map((t) => t.config.seed))).toEqual(new Set([1, 2, 3]));
    // Reruns of one measured run with different seeds measure different losses.
    expect(new Set(trials.map((t) => t.final?.eval_loss)).size).toBe(6);
  }, 180_000);

  it('slab validate and the gateway refuse replay-options.yaml and replay-round-grid.yaml, naming the fields', async () => {
    const v = await slab('validate', join(cases, 'replay-options.yaml'));
    expect(v.status).not.toBe(0);
    expect(v.out).toContain('task.options.noise: expected a number in [0, 1], got the string "5e-2" (write it without quotes: 5e-2)');
    expect(v.out).toContain('task.options.stpes: unknown key, did you mean "steps"?');
    const round = await slab('validate', join(cases, 'replay-round-grid.yaml'));
    expect(round.status).not.toBe(0);
    expect(round.out).toMatch(/dimensions\.params\/dimensions\.data: no run of data\/chinchilla\/svg_extracted_data\.csv \(245 runs\) lies at these sizes: .*nearest runs: N=1\.00e\+8 D=5\.00e\+9 → nearest run N=/);
    // The gateway checks a submit the same way: nothing is stored or started.
    const err = await env.client.createSweep(readFileSync(join(cases, 'replay-round-grid.yaml'), 'utf8')).catch((e: unknown) => e as Error);
    expect(String(err)).toContain('lies at these sizes');
    expect((await env.client.listSweeps()).some((s) => s.name === 'replay-round-grid')).toBe(false);
  }, 120_000);

  it('a misspelt law, a target missing a variable and a misspelt option: three precise errors from slab validate and the gateway, nothing runs', async () => {
    const file = fileURLToPath(new URL('../../../examples/invalid/fails-late.yaml', import.meta.url));
    const expected = readFileSync(fileURLToPath(new URL('../../../examples/invalid/fails-late.expected.txt', import.meta.url)), 'utf8').trim().split('\n');
    const v = await slab('validate', file);
    expect(v.status).not.toBe(0);
    for (const line of expected) expect(v.out).toContain(line);
    const err = await env.client.createSweep(readFileSync(file, 'utf8')).catch((e: unknown) => e as Error);
    const text = String(err);
    expect(text).toContain('invalid spec (3 issues)');
    for (const line of expected) expect(text).toContain(line.replace(/ \(line \d+, col \d+\)$/, ''));
    expect((await env.client.listSweeps()).some((s) => s.name === 'fails-late')).toBe(false);
  }, 120_000);

  it('submit -w ends as slab run does: the law, then the prediction at the target and the held-out error', async () => {
    const file = fileURLToPath(new URL('../../../examples/replay-chinchilla.yaml', import.meta.url));
    const run = await slab('submit', file, '-w');
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/fitted law: L = /);
    expect(run.out).toMatch(/prediction .*: [\d.e+-]+ \(95% interval [\d.e+-]+ – [\d.e+-]+\)/);
    expect(run.out).toMatch(/held-out error: \d+\.\d\d%/);
  }, 180_000);

  it('a sweep that ran its trials but made no law ends "completed, fit failed" and submit -w exits 1', async () => {
    // Two runs cannot fit the five-parameter Chinchilla law: every fit is skipped.
    const spec = readFileSync(join(cases, 'replay-options.yaml'), 'utf8')
      .replace('noise: "5e-2"', 'noise: 5e-2').replace('stpes:', 'steps:')
      .replace('name: replay-options', 'name: too-few-runs').replace('  seed: { values: [1, 2, 3] }\n', '')
      .replace('  name: power-law\n  variables: { x: flops }', '  name: chinchilla\n  variables: { N: params, D: data }');
    const file = join(env.dir, 'too-few-runs.yaml');
    writeFileSync(file, spec);
    const run = await slab('submit', file, '-w');
    expect(run.status).toBe(1);
    expect(run.out).toContain('sweep completed, fit failed');
    expect(run.out).toMatch(/no law: too few points: 2 usable completed trials, law chinchilla needs at least 6/);
    const ls = await slab('ls');
    expect(ls.out).toMatch(/too-few-runs\S*\s+too-few-runs\s+completed, fit failed/);
  }, 180_000);
});
