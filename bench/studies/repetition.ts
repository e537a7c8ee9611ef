/**
 * Muennighoff et al.'s repeated-data study on a finished `examples/study-repetition.yaml` sweep, as `slab
 * status` prints it. Usage (repo root):
 *   npx tsx bench/studies/repetition.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id>
 *   npx tsx bench/studies/repetition.ts --from bench/studies/data/repetition-runs.json [--bootstrap 200]
 * The first form also writes the trials to bench/studies/data/repetition-runs.json.
 */
import { formatStudy, studyFromSweep } from '@slab/studies';
import { arg, loadRuns } from './runs';

const { trials } = await loadRuns('repetition');
const bootstrap = arg('bootstrap');
console.log(formatStudy(studyFromSweep({ kind: 'repetition', ...(bootstrap ? { bootstrap: Number(bootstrap) } : {}) }, trials, [])));
