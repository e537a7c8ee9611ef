/**
 * The hyperparameters study of a finished `examples/study-hyperparameters.yaml` sweep, as `slab status` prints it. Usage (repo root):
 *   npx tsx bench/studies/hyperparameters.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id>
 *   npx tsx bench/studies/hyperparameters.ts --from bench/studies/data/hyperparameters-runs.json
 * The first form also writes the trials (config, N, D, final metrics) to bench/studies/data/hyperparameters-runs.json.
 */
import { formatStudy, studyFromSweep } from '@slab/studies';
import { arg, loadRuns } from './runs';

const { trials } = await loadRuns('hyperparameters');
const bootstrap = Number(arg('bootstrap') ?? 200);
console.log(formatStudy(studyFromSweep({ kind: 'hyperparameters', bootstrap }, trials, [])));
