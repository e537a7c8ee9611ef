/**
 * Wortsman et al.'s LR sensitivity on a finished `examples/study-lr-sensitivity.yaml` sweep, as `slab
 * status` prints it. Usage (repo root):
 *   npx tsx bench/studies/sensitivity.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id>
 *   npx tsx bench/studies/sensitivity.ts --from bench/studies/data/sensitivity-runs.json
 * The first form also writes the trials and the signals read to bench/studies/data/sensitivity-runs.json.
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
  const trials = rows.map((t) => ({ id: t.id, status: t.status, config: { ...t.config }, final: t.final }));
  const names = ['attn_logit_max', 'output_logit_max', 'output_logit_mean'];
  const metrics = (await Promise.all(names.map((n) => client.sweepMetrics(sweep, n)))).flat().map((m) => ({ trialId: m.trialId, step: m.step, name: m.name, value: m.value }));
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'sensitivity-runs.json'), JSON.stringify({ trials, metrics }));
  return { trials, metrics };
}

const { trials, metrics } = await load();
console.log(formatStudy(studyFromSweep({ kind: 'lr-sensitivity' }, trials, metrics)));
