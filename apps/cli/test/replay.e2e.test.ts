// Acceptance of issue #4 on real parts: the adaptive planner drives a sweep through the pinned
// Temporal dev server, the orchestrator worker and a replay trainer worker process answering from
// the Chinchilla table; the stop reason, the fit with its held-out error and the planner's reason
// for every trial are stored by the gateway.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '@slab/spec';
import { waitForPhase, useStack } from './helpers';

const specPath = fileURLToPath(new URL('../../../examples/replay-chinchilla.yaml', import.meta.url));

const env = useStack([{ queue: 'cpu', plugins: ['replay'] }]);

describe('adaptive sweep on the replay worker', () => {
  it('runs examples/replay-chinchilla.yaml to a planner stop in under 2 minutes, buying exact table runs', async () => {
    const yaml = readFileSync(specPath, 'utf8');
    const parsed = parseSpec(yaml);
    if (!parsed.ok) throw new Error(`example spec does not parse: ${JSON.stringify(parsed.issues)}`);
    const spec = parsed.spec;
    expect(spec.resourceClass).toBe('cpu'); // the queue of `slab run`'s default worker (cpu:tfjs+replay)

    const started = Date.now();
    const { id } = await env.client.createSweep(yaml);
    // Generous wait so a loaded machine reports the measured time below rather than a timeout.
    const status = await waitForPhase(env.client, id, 240_000);
    const seconds = (Date.now() - started) / 1000;
    expect(status.phase).toBe('completed');
    expect(seconds, `sweep took ${seconds.toFixed(1)} s`).toBeLessThan(120);

    // The stop reason: the planner's own (variance, tolerance or budget), recorded on the sweep row too.
    expect(status.stopReason).toMatch(/no candidate reduces the variance|within the tolerance|FLOP budget exhausted/);
    const { sweep } = await env.client.getSweep(id);
    expect(sweep.stopReason).toBe(status.stopReason);
    expect(status.trials.completed).toBeGreaterThanOrEqual(12);
    expect(status.flopsSpent).toBeLessThanOrEqual(spec.budget.flops!);

    // Every trial is an exact run of the table, none bought twice, each with the planner's reason.
    // Loaded lazily, as the CLI loads plugins (module-boundary rule).
    const { dropHighest, loadRunTable, resolveTable } = await import('@slab/worker-replay');
    const runs = dropHighest(loadRunTable(resolveTable(String(spec.task.options!.table))), 5);
    const key = (n: number, d: number) => `${n}|${d}`;
    const table = new Set(runs.map((r) => key(r.N, r.D)));
    const trials = await env.client.trials(id);
    expect(trials).toHaveLength(status.trials.completed);
    expect(new Set(trials.map((t) => key(t.config.params!, t.config.data!))).size).toBe(trials.length);
    for (const t of trials) {
      expect(t.status).toBe('completed');
      expect(table.has(key(t.config.params!, t.config.data!)), `${t.id} is a table run`).toBe(true);
      expect(t.final?.match_distance).toBe(0);
      expect(t.flops).toBe(6 * t.config.params! * t.config.data!);
    }
    const byIndex = [...trials].sort((a, b) => a.index - b.index);
    expect(byIndex.slice(0, 8).every((t) => t.planReason?.startsWith('seed: IsoFLOP-slice point'))).toBe(true);
    expect(byIndex.slice(8).every((t) => t.planReason?.startsWith('adaptive: cuts the variance of the loss at'))).toBe(true);

    // The last fit: fitted on the bought runs minus the held-out 10% largest, with their error recorded.
    const fits = await env.client.fits(id);
    const last = fits[fits.length - 1].summary;
    const held = Math.floor(0.1 * trials.length);
    expect(last.nPoints).toBe(trials.length - held);
    expect(last.holdoutError).toBeGreaterThan(0);
    expect(last.holdoutError).toBeLessThan(0.05);
    expect(last.target!.lo).toBeLessThan(last.target!.value);
    expect(last.target!.hi).toBeGreaterThan(last.target!.value);
  }, 300_000);
});
