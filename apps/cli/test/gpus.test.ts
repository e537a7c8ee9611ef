import { describe, expect, it } from 'vitest';
import { defaultConcurrency, visibleGpuCount, visibleGpuIds } from '../src/gpus';

const smi = (stdout: string, status = 0) => () => ({ stdout, status });

describe('worker concurrency', () => {
  it('counts the GPUs CUDA_VISIBLE_DEVICES allows before asking nvidia-smi', () => {
    expect(visibleGpuCount({ CUDA_VISIBLE_DEVICES: '0,2' }, smi('GPU 0: A\nGPU 1: B\nGPU 2: C\n'))).toBe(2);
    expect(visibleGpuCount({ CUDA_VISIBLE_DEVICES: '-1' }, smi('GPU 0: A\n'))).toBe(0);
    expect(visibleGpuCount({}, smi('GPU 0: NVIDIA H100 (UUID: x)\nGPU 1: NVIDIA H100 (UUID: y)\n'))).toBe(2);
    expect(visibleGpuCount({}, smi('', 127))).toBe(0);
  });
  it('names the GPUs a trainer program may be given, as CUDA_VISIBLE_DEVICES would', () => {
    expect(visibleGpuIds({ CUDA_VISIBLE_DEVICES: '0, 2' }, smi('GPU 0: A\n'))).toEqual(['0', '2']);
    expect(visibleGpuIds({}, smi('GPU 0: NVIDIA H100 (UUID: x)\nGPU 1: NVIDIA H100 (UUID: y)\n'))).toEqual(['0', '1']);
    expect(visibleGpuIds({}, smi('', 127))).toEqual([]);
    expect(defaultConcurrency('process-gpu', () => 2)).toBe(2);
  });
  it('runs one trial per GPU on a GPU backend and one on CPU', () => {
    expect(defaultConcurrency('tensorflow (tfjs-node-gpu)+replay', () => 4)).toBe(4);
    expect(defaultConcurrency('tensorflow (tfjs-node-gpu)', () => 0)).toBe(1);
    expect(defaultConcurrency('wasm+replay', () => 4)).toBe(1);
  });
});
