// The reads behind the console's trial views: a sweep's trial events (one trial's, or all) and
// which checkpoint the gateway holds for a trial, with the read scope and without its bytes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayError } from '@slab/api';
import { type Gateway, startGateway } from '../src/index';
import { quiet, tempDir, TOKEN } from './helpers';

const READ = 'read-token-0123456789ab';

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;

beforeEach(async () => {
  tmp = tempDir();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: quiet, openReads: false, credentials: [{ token: READ, scopes: ['read'] }] });
  await gw.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });
  await gw.store.createSweep({ id: 'sw2', name: 'two', specYaml: 'name: two' });
  const event = (trialId: string, sweepId: string, seq: number, status: string, info: object, wallTime: number) =>
    gw.store.appendEvent({ sweepId, trialId, seq, status, infoJson: JSON.stringify(info), wallTime, attempt: 1 });
  await event('sw1-t0001', 'sw1', 1, 'running', { attempt: 1, worker: 'w1' }, 100);
  await event('sw1-t0000', 'sw1', 1, 'running', { attempt: 1, worker: 'w1' }, 10);
  await event('sw1-t0000', 'sw1', 2, 'completed', { attempt: 1, steps: 96, flops: 1e9 }, 40);
  await event('sw2-t0000', 'sw2', 1, 'running', { attempt: 1 }, 5);
});

afterEach(async () => {
  await gw.close();
  tmp.cleanup();
});

describe('trial reads', () => {
  it('lists a sweep’s events by trial and seq, or one trial’s, and only its own trials’', async () => {
    const reader = new GatewayClient(gw.url, READ);
    const all = await reader.sweepEvents('sw1');
    expect(all.map((e) => [e.trialId, e.seq, e.status])).toEqual([
      ['sw1-t0000', 1, 'running'],
      ['sw1-t0000', 2, 'completed'],
      ['sw1-t0001', 1, 'running'],
    ]);
    expect(all[1]).toEqual({ trialId: 'sw1-t0000', seq: 2, status: 'completed', info: { attempt: 1, steps: 96, flops: 1e9 }, wallTime: 40 });
    expect((await reader.sweepEvents('sw1', 'sw1-t0001')).map((e) => e.trialId)).toEqual(['sw1-t0001']);
    // Another sweep's trial, an unknown trial and an unknown sweep are 404s that say which.
    await expect(reader.sweepEvents('sw1', 'sw2-t0000')).rejects.toMatchObject({ status: 404, message: expect.stringContaining('is not a trial of sweep "sw1"') });
    await expect(reader.sweepEvents('sw1', 'nope')).rejects.toBeInstanceOf(GatewayError);
    await expect(reader.sweepEvents('sw9')).rejects.toMatchObject({ status: 404 });
    // Reads need a credential when reads are not open.
    await expect(new GatewayClient(gw.url).sweepEvents('sw1')).rejects.toMatchObject({ status: 401 });
  });

  it('says which checkpoint is held (step, attempt, bytes) to a reader, and null when none is', async () => {
    const reader = new GatewayClient(gw.url, READ);
    expect(await reader.checkpointInfo('sw1', 'sw1-t0001')).toBeNull();
    const put = await fetch(`${gw.url}/api/sweeps/sw1/trials/sw1-t0001/checkpoint?step=64&attempt=1`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` }, body: new Uint8Array(1234) });
    expect(put.status).toBe(201);
    expect(await reader.checkpointInfo('sw1', 'sw1-t0001')).toEqual({ step: 64, attempt: 1, bytes: 1234 });
    // The bytes themselves stay behind the ingest scope.
    const bytes = await fetch(`${gw.url}/api/sweeps/sw1/trials/sw1-t0001/checkpoint`, { headers: { authorization: `Bearer ${READ}` } });
    expect(bytes.status).toBe(403);
    await expect(reader.checkpointInfo('sw9', 'sw1-t0001')).rejects.toMatchObject({ status: 404 });
  });
});
