/**
 * How many GPUs this node offers a worker: one trial per GPU is the default concurrency of a worker
 * whose backend runs on the GPU. CUDA_VISIBLE_DEVICES wins (it is what the process may use), else
 * `nvidia-smi -L`, else none.
 */
import { spawnSync } from 'node:child_process';

type Smi = () => { status: number | null; stdout: string | null };

/** The ids of the GPUs this node offers (CUDA_VISIBLE_DEVICES entries, else `nvidia-smi -L` indices). */
export function visibleGpuIds(env: NodeJS.ProcessEnv = process.env, smi: Smi = () => spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' })): string[] {
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined) return visible.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== '-1');
  const r = smi();
  if (r.status !== 0 || typeof r.stdout !== 'string') return [];
  return r.stdout.split('\n').flatMap((l) => /^GPU (\d+):/.exec(l)?.[1] ?? []);
}

export function visibleGpuCount(env: NodeJS.ProcessEnv = process.env, smi: Smi = () => spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' })): number {
  return visibleGpuIds(env, smi).length;
}

/** Default trials at once: one per GPU for a GPU backend, else one (CPU training uses every core). */
export function defaultConcurrency(backend: string | undefined, gpus: () => number = visibleGpuCount): number {
  return backend && /gpu/i.test(backend) ? Math.max(1, gpus()) : 1;
}
