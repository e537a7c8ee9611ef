/**
 * The overtraining study of a finished `examples/study-overtraining.yaml` sweep, as `slab status` prints it. Usage (repo root):
 *   npx tsx bench/studies/overtraining.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id>
 *   npx tsx bench/studies/overtraining.ts --from bench/studies/data/overtraining-runs.json
 * The first form also writes the trials (config, N, D, final metrics) to bench/studies/data/overtraining-runs.json.
 */
import { formatStudy, studyFromSweep } from '@slab/studies';
import { arg, loadRuns } from './runs';

const { trials } = await loadRuns('overtraining');
const bootstrap = Number(arg('bootstrap') ?? 200);
console.log(formatStudy(studyFromSweep({ kind: 'overtraining', bootstrap }, trials, [])));
