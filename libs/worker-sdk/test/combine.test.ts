import { describe, expect, it } from 'vitest';
import { combinePlugins } from '../src/combine';
import { InvalidTrialError, type TrainerPlugin, type TrialContext } from '../src/plugin';
import type { TrialRequest } from '@slab/spec';

function fakePlugin(name: string): TrainerPlugin {
  return {
    name,
    async run(ctx) {
      return { trialId: ctx.request.trialId, status: 'completed', params: 1, data: 1, flops: 6, final: { eval_loss: name.length }, resumedFromStep: 0, steps: 1, backend: name, wallSeconds: 0 };
    },
  };
}
const request = (plugin: string): TrialRequest => ({ sweepId: 's', trialId: 's-t0000', task: { dataset: 'd', model: 'm', plugin }, config: {}, logEvery: 1, evalEvery: 1, checkpointEvery: 1 });
const ctx = (plugin: string) => ({ request: request(plugin) }) as unknown as TrialContext;

describe('combinePlugins', () => {
  it('dispatches each trial to the plugin its task names', async () => {
    const both = combinePlugins([fakePlugin('tfjs'), fakePlugin('replay')]);
    expect((await both.run(ctx('replay'))).backend).toBe('replay');
    expect((await both.run(ctx('tfjs'))).backend).toBe('tfjs');
    expect(both.name).toBe('tfjs+replay');
  });
  it("names the backend of a trial's own plugin, not the worker's list of them", async () => {
    const tfjs: TrainerPlugin = { ...fakePlugin('tfjs'), init: async () => ({ backend: 'tensorflow (tfjs-node)' }) };
    const both = combinePlugins([tfjs, fakePlugin('replay')]);
    expect(await both.init!()).toEqual({ backend: 'tensorflow (tfjs-node)+replay' });
    expect(both.backendFor!(request('tfjs'))).toBe('tensorflow (tfjs-node)');
    expect(both.backendFor!(request('replay'))).toBe('replay');
    expect(both.backendFor!(request('torch'))).toBeUndefined();
  });
  it('rejects a plugin the worker does not host, naming the field', () => {
    const both = combinePlugins([fakePlugin('tfjs'), fakePlugin('replay')]);
    expect(() => both.validate?.(request('torch'))).toThrow(InvalidTrialError);
    expect(() => both.validate?.(request('torch'))).toThrow(/task\.plugin: this worker hosts tfjs, replay, got "torch"/);
  });
  it('needs at least one plugin', () => {
    expect(() => combinePlugins([])).toThrow(/at least one plugin/);
  });
});
