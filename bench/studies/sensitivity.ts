/**
 * Wortsman et al.'s LR sensitivity on a finished `examples/study-lr-sensitivity.yaml` sweep, as `slab
 * status` prints it. Usage (repo root):
 *   npx tsx bench/studies/sensitivity.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id>
 *   npx tsx bench/studies/sensitivity.ts --from bench/studies/data/sensitivity-runs.json
 * The first form also writes the trials and the signals read to bench/studies/data/sensitivity-runs.json.
 */
import { formatStudy, studyFromSweep } from '@slab/studies';
import { loadRuns } from './runs';

const { trials, metrics } = await loadRuns('sensitivity', ['attn_logit_max', 'output_logit_max', 'output_logit_mean']);
console.log(formatStudy(studyFromSweep({ kind: 'lr-sensitivity' }, trials, metrics)));
