/**
 * Tissue et al.'s LR-annealing law on a finished `examples/study-lr-annealing.yaml` sweep, against the
 * forward-area-only baseline (C = 0: the same law without the annealing term). Usage (repo root):
 *   npx tsx bench/studies/annealing.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id>
 *   npx tsx bench/studies/annealing.ts --from bench/studies/data/annealing-curves.json
 * The first form also writes the stored curves to bench/studies/data/annealing-curves.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayClient } from '@slab/api';
import { lrAnnealingStudy, type ScheduleCurve } from '@slab/studies';

const out = join(dirname(fileURLToPath(import.meta.url)), 'data');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

type Curve = ScheduleCurve & { width: number };

async function load(): Promise<Curve[]> {
  const from = arg('from');
  if (from) return JSON.parse(readFileSync(from, 'utf8')) as Curve[];
  const gateway = arg('gateway');
  const sweep = arg('sweep');
  if (!gateway || !sweep) throw new Error('give --from <curves.json>, or --gateway <url> --token <token> --sweep <id>');
  const client = new GatewayClient(gateway, arg('token'));
  const [trials, lr, loss] = await Promise.all([client.trials(sweep), client.sweepMetrics(sweep, 'lr'), client.sweepMetrics(sweep, 'eval_loss')]);
  const of = (rows: typeof lr, id: string) => rows.filter((r) => r.trialId === id && r.value !== null).map((r) => ({ step: r.step, value: r.value as number }));
  const curves = trials
    .filter((t) => t.status === 'completed')
    .map((t) => ({ schedule: String(t.config.schedule), trialId: t.id, width: Number(t.config.width), lr: of(lr, t.id), loss: of(loss, t.id) }));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'annealing-curves.json'), JSON.stringify(curves));
  return curves;
}

const curves = await load();
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
console.log('| width | held out | final eval loss | law: mean / final error | C = 0 baseline: mean / final error |');
console.log('|---|---|---|---|---|');
for (const width of [...new Set(curves.map((c) => c.width))].sort((a, b) => a - b)) {
  const mine = curves.filter((c) => c.width === width);
  const full = lrAnnealingStudy(mine, { bootstrap: 0 });
  const base = lrAnnealingStudy(mine, { bootstrap: 0, fixed: { C: 0 } });
  for (let i = 0; i < full.predictions.length; i++) {
    const f = full.predictions[i];
    const b = base.predictions[i];
    const last = f.points[f.points.length - 1];
    console.log(`| ${width} | ${f.schedule} | ${last.actual.toFixed(3)} | ${pct(f.meanRelError)} / ${pct(f.finalRelError)} | ${pct(b.meanRelError)} / ${pct(b.finalRelError)} |`);
  }
}
