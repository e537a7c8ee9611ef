/** The `--workers` list of `slab up`/`slab run`: which local trainer workers the stack starts. */

export interface WorkerSpec {
  queue: string;
  plugins: string[];
  concurrency?: number;
}

/** `cpu:tfjs+replay*1` → { queue: 'cpu', plugins: ['tfjs','replay'], concurrency: 1 }. */
export function parseWorkerSpecs(text: string): WorkerSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([\w.-]+):([\w+-]+)(?:\*(\d+))?$/.exec(item);
      if (!m) throw new Error(`--workers: expected QUEUE:PLUGIN[+PLUGIN][*CONCURRENCY] items separated by commas, got "${item}"`);
      return { queue: m[1], plugins: m[2].split('+'), concurrency: m[3] ? Number(m[3]) : undefined };
    });
}
