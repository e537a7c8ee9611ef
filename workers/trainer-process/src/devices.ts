/**
 * The accelerators of a worker node, handed out one per running trial: a worker hosting the process
 * plugin with concurrency N on an N-GPU node runs each trainer on its own GPU (CUDA_VISIBLE_DEVICES),
 * so trainer programs need no device logic of their own.
 */
export class DevicePool {
  private readonly free: string[];

  /** `ids` as CUDA_VISIBLE_DEVICES names them, e.g. `["0", "1"]` or GPU UUIDs. */
  constructor(readonly ids: readonly string[]) {
    if (new Set(ids).size !== ids.length || ids.some((id) => typeof id !== 'string' || id.trim() === '')) {
      throw new Error(`devices: expected distinct non-empty device ids, got ${JSON.stringify(ids)}`);
    }
    this.free = [...ids];
  }

  /** A free device, or undefined when every one is taken (more trials than devices: they share none). */
  take(): string | undefined {
    return this.free.shift();
  }

  give(id: string | undefined): void {
    if (id !== undefined && this.ids.includes(id) && !this.free.includes(id)) this.free.push(id);
  }
}
