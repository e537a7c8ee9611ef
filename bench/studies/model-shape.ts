/**
 * Model shape (Dollár et al. 2021; Kaplan et al. 2020 §3.1) on a finished `examples/study-model-shape.yaml`
 * sweep, as `slab status` prints it. Usage (repo root):
 *   npx tsx bench/studies/model-shape.ts --gateway http://127.0.0.1:7300 --token <token> --sweep <id> [--out <file>]
 *   npx tsx bench/studies/model-shape.ts --from bench/studies/data/model-shape-runs.json
 * The first form also writes the trials and their tokens_per_s curves to --out (default
 * bench/studies/data/model-shape-runs.json).
 */
import { formatStudy, studyFromSweep } from '@slab/studies';
import { loadRuns } from './runs';

const { trials, metrics } = await loadRuns('model-shape', ['tokens_per_s']);
console.log(formatStudy(studyFromSweep({ kind: 'model-shape' }, trials, metrics)));
