/**
 * How many GPUs this node offers a worker: one trial per GPU is the default concurrency of a worker
 * whose backend runs on the GPU. CUDA_VISIBLE_DEVICES wins (it is what the process may use), else
 * `nvidia-smi -L`, else none.
 */
import { spawnSync } from 'node:child_process';

type Smi = () => { status: number | null; stdout: string | null };

export function visibleGpuCount(env: NodeJS.ProcessEnv = process.env, smi: Smi = () => spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' })): number {
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined) return visible.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== '-1').length;
  const r = smi();
  if (r.status !== 0 || typeof r.stdout !== 'string') return 0;
  return r.stdout.split('\n').filter((l) => /^GPU \d+:/.test(l)).length;
}

/** Default trials at once: one per GPU for a GPU backend, else one (CPU training uses every core). */
export function defaultConcurrency(backend: string | undefined, gpus: () => number = visibleGpuCount): number {
  return backend && /gpu/i.test(backend) ? Math.max(1, gpus()) : 1;
}
