// `slab status` and `slab export` name the runs a fit held out (the spec's holdout rule), as a user
// runs them: a real process against a real gateway (SQLite store) holding a fit made by fitSweep.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import { fitSweep } from '@slab/orchestration-node';
import { parseSpec, type TrialResult } from '@slab/spec';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SWEEP = 'held-cli';
const TOKEN = 'held-cli-token';

function slab(...args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, SLAB_STATE_DIR: '/nonexistent-slab-state', SLAB_TOKEN: TOKEN } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (out += d));
    p.on('close', (status) => resolve({ status, out }));
  });
}

const spec = parseSpec(`name: held-cli
task: { dataset: fashion-mnist, model: mlp, plugin: tfjs }
dimensions: { width: { values: [8, 16, 32, 64] }, data: { values: [1000, 4000, 16000] } }
budget: { trials: 12 }
law: { name: chinchilla, metric: eval_loss, variables: { N: params, D: data }, bootstrap: 0 }
holdout: { by: flops, largest: 2 }
`);

const perMetricSpec = parseSpec(`name: held-metrics
task: { dataset: fashion-mnist, model: mlp, plugin: tfjs }
dimensions: { width: { values: [8, 16, 32, 64] }, data: { values: [1000, 4000, 16000] } }
budget: { trials: 12 }
law: { name: chinchilla, metrics: [eval_loss, eval_loss_austen], variables: { N: params, D: data }, bootstrap: 0 }
holdout: { by: flops, largest: 2 }
`);

describe('held-out runs in status and export', () => {
  let dir: string;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let heldOut: string[];

  beforeAll(async () => {
    if (!spec.ok) throw new Error(JSON.stringify(spec.issues));
    dir = mkdtempSync(join(tmpdir(), 'slab-held-'));
    gateway = await startGateway({ dbPath: join(dir, 'slab.db'), token: TOKEN, host: '127.0.0.1', port: 0 });
    await gateway.store.createSweep({ id: SWEEP, name: 'held-cli', specYaml: 'name: held-cli\n' });
    const grid = [8, 16, 32, 64].flatMap((w) => [1000, 4000, 16000].map((d) => ({ N: 800 * w, D: d })));
    const results: TrialResult[] = grid.map((g, i) => ({
      trialId: `${SWEEP}-t${String(i).padStart(4, '0')}`,
      status: 'completed',
      params: g.N,
      data: g.D,
      flops: 6 * g.N * g.D,
      final: { eval_loss: 1.7 + 400 / g.N ** 0.34 + 410 / g.D ** 0.28 },
      resumedFromStep: 0,
      steps: 10,
      backend: 'cpu',
      wallSeconds: 1,
    }));
    const fit = fitSweep(spec.spec, results);
    heldOut = fit.summary.heldOut!;
    // The same runs with a second eval set: one law per metric.
    if (!perMetricSpec.ok) throw new Error(JSON.stringify(perMetricSpec.issues));
    const withOod = results.map((r) => ({ ...r, trialId: r.trialId.replace(SWEEP, 'held-metrics'), final: { ...r.final, eval_loss_austen: r.final.eval_loss! * 1.2 } }));
    await gateway.store.createSweep({ id: 'held-metrics', name: 'held-metrics', specYaml: 'name: held-metrics\n' });
    await new GatewayClient(gateway.url, TOKEN).report('held-metrics', {
      status: { sweepId: 'held-metrics', name: 'held-metrics', phase: 'completed', batch: 1, trials: { planned: 12, running: 0, completed: 12, diverged: 0, failed: 0 }, flopsSpent: 1e12, budget: { trials: 12 } },
      newTrials: withOod.map((r, i) => ({ trialId: r.trialId, config: { width: [8, 16, 32, 64][Math.floor(i / 3)], data: r.data }, reason: 'grid' })),
      finished: withOod,
      fit: fitSweep(perMetricSpec.spec, withOod),
    });
    await new GatewayClient(gateway.url, TOKEN).report(SWEEP, {
      status: { sweepId: SWEEP, name: 'held-cli', phase: 'completed', batch: 1, trials: { planned: 12, running: 0, completed: 12, diverged: 0, failed: 0 }, flopsSpent: 1e12, budget: { trials: 12 } },
      newTrials: results.map((r, i) => ({ trialId: r.trialId, config: { width: [8, 16, 32, 64][Math.floor(i / 3)], data: r.data }, reason: 'grid' })),
      finished: results,
      fit,
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('marks them in the status table and the export', { timeout: 60_000 }, async () => {
    // The two largest-compute runs: width 64 and width 32 at the largest data size.
    expect(heldOut.sort()).toEqual([`${SWEEP}-t0008`, `${SWEEP}-t0011`]);
    const status = await slab('status', SWEEP, '--gateway', gateway.url);
    expect(status.status, status.out).toBe(0);
    const rows = status.out.split('\n').filter((l) => /^t\d{4}\s/.test(l));
    expect(rows.filter((l) => l.includes('completed, held out')).map((l) => l.split(/\s+/)[0])).toEqual(['t0008', 't0011']);
    expect(status.out).toMatch(/held-out error: \d+\.\d\d% over 2 held-out trials/);

    const csv = await slab('export', SWEEP, '--gateway', gateway.url);
    expect(csv.status, csv.out).toBe(0);
    const [header, ...lines] = csv.out.trim().split('\n');
    const col = header.split(',').indexOf('heldOut');
    expect(col).toBeGreaterThan(0);
    const marked = lines.filter((l) => l.split(',')[col] === '1').map((l) => l.split(',')[0]);
    expect(marked).toEqual([`${SWEEP}-t0008`, `${SWEEP}-t0011`]);
  });

  it('lists one law per metric with its held-out error, and names none of them best', { timeout: 60_000 }, async () => {
    const status = await slab('status', 'held-metrics', '--gateway', gateway.url);
    expect(status.status, status.out).toBe(0);
    expect(status.out).toContain('one fit per metric:');
    expect(status.out).not.toContain('best at the target');
    const row = (metric: string) => status.out.split('\n').find((l) => l.startsWith(`${metric} `));
    for (const metric of ['eval_loss', 'eval_loss_austen']) expect(row(metric), status.out).toMatch(/\s\d+\.\d\d%$/);
  });
});
