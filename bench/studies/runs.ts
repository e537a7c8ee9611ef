/**
 * A study's stored runs for the scripts beside this file: read from a saved file (`--from <runs.json>`),
 * or fetched from a running gateway (`--gateway <url> --token <token> --sweep <id>`) and saved as
 * bench/studies/data/<name>-runs.json (or `--out <file>`), so the analysis re-runs offline.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayClient } from '@slab/api';
import type { StudyMetric, StudyTrial } from '@slab/studies';

const data = join(dirname(fileURLToPath(import.meta.url)), 'data');

/** The value after `--name` on the command line. */
export const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

export interface StudyRuns {
  trials: StudyTrial[];
  metrics: StudyMetric[];
}

/** The runs of study `name`, with the curves `metricNames` (fetched by name: a sweep stores many more). */
export async function loadRuns(name: string, metricNames: readonly string[] = []): Promise<StudyRuns> {
  const from = arg('from');
  if (from) {
    const saved = JSON.parse(readFileSync(from, 'utf8')) as Partial<StudyRuns>;
    return { trials: saved.trials ?? [], metrics: saved.metrics ?? [] };
  }
  const gateway = arg('gateway');
  const sweep = arg('sweep');
  if (!gateway || !sweep) throw new Error('give --from <runs.json>, or --gateway <url> --token <token> --sweep <id>');
  const client = new GatewayClient(gateway, arg('token'));
  const rows = await client.trials(sweep);
  const trials = rows.map((t) => ({ id: t.id, status: t.status, config: { ...t.config }, final: t.final, params: t.params, data: t.data, flops: t.flops, createdAt: t.createdAt, updatedAt: t.updatedAt }));
  const metrics = (await Promise.all(metricNames.map((n) => client.sweepMetrics(sweep, n)))).flat().map((m) => ({ trialId: m.trialId, step: m.step, name: m.name, value: m.value }));
  const out = arg('out') ?? join(data, `${name}-runs.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(metricNames.length ? { trials, metrics } : { trials })}\n`);
  return { trials, metrics };
}
