/**
 * Model shape (Dollár et al. 2021; Kaplan et al. 2020 §3.1) on a finished `examples/study-model-shape.yaml`
 * sweep, as `slab status` prints it. Usage (repo root):
 *   npx tsx bench/studies/model-shape.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id> [--out <file>]
 *   npx tsx bench/studies/model-shape.ts --from bench/studies/data/model-shape-runs.json
 * The first form also writes the trials and their tokens_per_s curves to --out (default
 * bench/studies/data/model-shape-runs.json).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayClient } from '@slab/api';
import { formatStudy, studyFromSweep, type StudyMetric, type StudyTrial } from '@slab/studies';

const data = join(dirname(fileURLToPath(import.meta.url)), 'data');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

async function load(): Promise<{ trials: StudyTrial[]; metrics: StudyMetric[] }> {
  const from = arg('from');
  if (from) return JSON.parse(readFileSync(from, 'utf8')) as { trials: StudyTrial[]; metrics: StudyMetric[] };
  const gateway = arg('gateway');
  const sweep = arg('sweep');
  if (!gateway || !sweep) throw new Error('give --from <runs.json>, or --gateway <url> --token <token> --sweep <id>');
  const client = new GatewayClient(gateway, arg('token'));
  const rows = await client.trials(sweep);
  const trials = rows.map((t) => ({ id: t.id, status: t.status, config: { ...t.config }, final: t.final, params: t.params, data: t.data, flops: t.flops, createdAt: t.createdAt, updatedAt: t.updatedAt }));
  const metrics = (await client.sweepMetrics(sweep, 'tokens_per_s')).map((m) => ({ trialId: m.trialId, step: m.step, name: m.name, value: m.value }));
  const out = arg('out') ?? join(data, 'model-shape-runs.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ trials, metrics })}\n`);
  return { trials, metrics };
}

const { trials, metrics } = await load();
const study = studyFromSweep({ kind: 'model-shape' }, trials, metrics);
console.log(formatStudy(study));
