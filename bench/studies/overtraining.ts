/**
 * The overtraining study of a finished `examples/study-overtraining.yaml` sweep, as `slab status` prints it. Usage (repo root):
 *   npx tsx bench/studies/overtraining.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id>
 *   npx tsx bench/studies/overtraining.ts --from bench/studies/data/overtraining-runs.json
 * The first form also writes the trials (config, N, D, final metrics) to bench/studies/data/overtraining-runs.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayClient } from '@slab/api';
import { formatStudy, studyFromSweep, type StudyTrial } from '@slab/studies';

const data = join(dirname(fileURLToPath(import.meta.url)), 'data');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

async function load(): Promise<{ trials: StudyTrial[] }> {
  const from = arg('from');
  if (from) return JSON.parse(readFileSync(from, 'utf8')) as { trials: StudyTrial[] };
  const gateway = arg('gateway');
  const sweep = arg('sweep');
  if (!gateway || !sweep) throw new Error('give --from <runs.json>, or --gateway <url> --token <token> --sweep <id>');
  const rows = await new GatewayClient(gateway, arg('token')).trials(sweep);
  const trials = rows.map((t) => ({ id: t.id, status: t.status, config: { ...t.config }, final: t.final, params: t.params, data: t.data }));
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'overtraining-runs.json'), JSON.stringify({ trials }));
  return { trials };
}

const { trials } = await load();
const bootstrap = Number(arg('bootstrap') ?? 200);
console.log(formatStudy(studyFromSweep({ kind: 'overtraining', bootstrap }, trials, [])));
