/**
 * A replay sweep run end to end without Temporal, for console tests: the orchestrator's own
 * planBatch and fitLaws activities (real planner, real fits stored through the gateway) and the
 * replay trainer buying measured runs of the published Chinchilla table, reported to a real gateway
 * batch by batch exactly as the sweep workflow reports them.
 */
import type { GatewayClient } from '@slab/api';
import type { FitSummary, SweepStatus } from '@slab/orchestration';
import { createOrchestratorActivities } from '@slab/orchestration-node';
import { parseSpec, type TrialConfig, type TrialResult } from '@slab/spec';
import { createReplayPlugin } from '@slab/worker-replay';

export interface ReplaySweep {
  id: string;
  stopReason: string;
  batches: number;
  results: TrialResult[];
}

/** Runs the spec (YAML text, a replay task) to its planner's stop; `cwd` resolves the replay table. */
export async function runReplaySweep(client: GatewayClient, specYaml: string, cwd: string): Promise<ReplaySweep> {
  const parsed = parseSpec(specYaml);
  if (!parsed.ok) throw new Error(`replay spec: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const spec = parsed.spec;
  const { id } = await client.createSweep(specYaml);
  const activities = createOrchestratorActivities({ gateway: client, cwd });
  const plugin = createReplayPlugin({ steps: 20 });
  const planned: TrialConfig[] = [];
  const results: TrialResult[] = [];
  let flopsSpent = 0;
  let lastFit: FitSummary | undefined;
  let batch = 0;
  const status = (phase: SweepStatus['phase'], stopReason?: string): SweepStatus => ({
    sweepId: id,
    name: spec.name,
    phase,
    batch,
    trials: { planned: planned.length, running: 0, completed: results.filter((r) => r.status === 'completed').length, diverged: 0, failed: 0 },
    flopsSpent,
    budget: { flops: spec.budget.flops, trials: spec.budget.trials },
    lastFit,
    stopReason,
  });
  // The replay trainer's metric stream, progress and log lines are not what these tests read.
  const ignore = () => undefined;
  for (;;) {
    const plan = await activities.planBatch({ sweepId: id, spec, batchIndex: batch, results, storedResults: 0, planned, fit: lastFit?.detail, flopsSpent, trialsStarted: planned.length });
    if (plan.stop || plan.points.length === 0) {
      const stopReason = plan.stop ?? 'planner proposed no new points';
      await client.report(id, { status: status('completed', stopReason) });
      return { id, stopReason, batches: batch, results };
    }
    const trials = plan.points.map((p) => {
      planned.push(p.config);
      return { trialId: `${id}-t${String(planned.length - 1).padStart(4, '0')}`, config: p.config, reason: p.reason };
    });
    await client.report(id, { status: status('running'), newTrials: trials });
    const finished: TrialResult[] = [];
    for (const t of trials) {
      const result = await plugin.run({
        request: { sweepId: id, trialId: t.trialId, task: spec.task, config: t.config, logEvery: 5, evalEvery: 5, checkpointEvery: 5 },
        emit: ignore,
        progress: ignore,
        signal: new AbortController().signal,
        checkpointDir: '',
        log: ignore,
      });
      finished.push(result);
      flopsSpent += result.flops;
    }
    results.push(...finished);
    await client.report(id, { status: status('fitting'), finished });
    const { summary } = await activities.fitLaws({ sweepId: id, spec, results, storedResults: 0, planned, batch });
    lastFit = summary;
    batch += 1;
    await client.report(id, { status: status('running'), fit: { summary } });
  }
}
