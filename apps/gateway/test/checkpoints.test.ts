// Trial checkpoints stored by the gateway: uploads bound to the trial's sweep and fenced by attempt
// like its metric stream, bounded in size, written atomically beside the database, newest step wins.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayCheckpoints } from '@slab/worker-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { testsUsePostgres } from '@slab/store/testing';
import { Peer, quiet, tempDir, TOKEN } from './helpers';

const INGEST = 'ingest-token-0123456789';
const READ = 'read-token-0123456789ab';
const T = 'sw1-t0000';

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;
// Beside a SQLite file by default; a Postgres store has no file, so the same place is given.
const blobsOf = (t: ReturnType<typeof tempDir>): string => join(t.dir, 'slab.db.blobs');

beforeEach(async () => {
  tmp = tempDir();
  gw = await startGateway({
    dbPath: tmp.dbPath,
    ...(testsUsePostgres() ? { blobDir: blobsOf(tmp) } : {}),
    token: TOKEN,
    port: 0,
    log: quiet,
    credentials: [
      { token: INGEST, scopes: ['ingest'] },
      { token: READ, scopes: ['read'] },
    ],
    limits: { maxCheckpointBytes: 64 * 1024 },
  });
  await gw.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });
  await gw.store.createSweep({ id: 'sw2', name: 'two', specYaml: 'name: two' });
});

afterEach(async () => {
  await gw.close();
  tmp.cleanup();
});

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const url = (sweep: string, trial: string, query = ''): string => `${gw.url}/api/sweeps/${sweep}/trials/${trial}/checkpoint${query}`;
const put = (token: string, sweep: string, trial: string, query: string, body: Uint8Array): Promise<Response> =>
  fetch(url(sweep, trial, query), { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: body as Uint8Array<ArrayBuffer> });

describe('checkpoint endpoints', () => {
  it('keeps the newest step: an upload of an older step changes nothing, and a download after a step gets only newer ones', async () => {
    const client = new GatewayCheckpoints({ url: gw.wsUrl, token: INGEST });
    expect(await client.pull({ sweepId: 'sw1', trialId: T }, -1)).toBeUndefined();
    expect(await client.push({ sweepId: 'sw1', trialId: T, attempt: 1 }, 100, bytes(1000, 1))).toBe(true);
    expect(await client.push({ sweepId: 'sw1', trialId: T, attempt: 1 }, 200, bytes(2000, 2))).toBe(true);
    expect(await client.push({ sweepId: 'sw1', trialId: T, attempt: 1 }, 150, bytes(1500, 3))).toBe(false);

    const got = await client.pull({ sweepId: 'sw1', trialId: T }, -1);
    expect(got?.step).toBe(200);
    expect(got?.attempt).toBe(1);
    expect(got?.archive).toEqual(bytes(2000, 2));
    expect(await client.pull({ sweepId: 'sw1', trialId: T }, 200)).toBeUndefined();
    expect((await client.pull({ sweepId: 'sw1', trialId: T }, 199))?.step).toBe(200);

    // One file per trial beside the database, no temporary files left behind.
    const dir = join(blobsOf(tmp), 'checkpoints', 'sw1', T);
    expect(readdirSync(dir)).toEqual(['s200-a1.ckpt']);
  });

  it('fences uploads by attempt like the metric stream: a newer attempt takes over, an older one is refused', async () => {
    const client = new GatewayCheckpoints({ url: gw.url, token: INGEST });
    await client.push({ sweepId: 'sw1', trialId: T, attempt: 2 }, 50, bytes(10, 5));
    await expect(client.push({ sweepId: 'sw1', trialId: T, attempt: 1 }, 400, bytes(10, 6))).rejects.toThrow(/409.*superseded.*attempt 1.*attempt 2/);
    expect((await client.pull({ sweepId: 'sw1', trialId: T }, -1))?.step).toBe(50);
    expect((await gw.store.getTrial(T))?.attempt).toBe(2);

    // The metric stream of the superseded attempt is refused too: one fence for both.
    const peer = await Peer.connect(gw.wsUrl);
    peer.send({ kind: 'hello', hello: { token: INGEST, workerId: 'w' } });
    peer.send({ kind: 'open', open: { sweepId: 'sw1', trialId: T, attempt: 1 } });
    const frame = await peer.next();
    expect(frame.kind === 'error' && frame.error.code).toBe('superseded');
    await peer.close();
  });

  it('binds a trial to its sweep', async () => {
    const client = new GatewayCheckpoints({ url: gw.url, token: INGEST });
    await client.push({ sweepId: 'sw1', trialId: T, attempt: 1 }, 10, bytes(10, 1));
    await expect(client.push({ sweepId: 'sw2', trialId: T, attempt: 1 }, 20, bytes(10, 2))).rejects.toThrow(/409.*foreign-trial.*belongs to sweep "sw1"/);
    await expect(client.pull({ sweepId: 'sw2', trialId: T }, -1)).rejects.toThrow(/409.*foreign-trial/);
    await expect(client.push({ sweepId: 'nope', trialId: 'nope-t0000', attempt: 1 }, 20, bytes(10, 2))).rejects.toThrow(/404.*sweep "nope" not found/);
  });

  it('needs the ingest scope', async () => {
    expect((await put(READ, 'sw1', T, '?step=1&attempt=1', bytes(10, 1))).status).toBe(403);
    expect((await fetch(url('sw1', T))).status).toBe(401);
    expect((await fetch(url('sw1', T), { headers: { authorization: `Bearer ${READ}` } })).status).toBe(403);
    expect((await fetch(url('sw1', T), { headers: { authorization: 'Bearer not-a-token-at-all' } })).status).toBe(403);
    expect(existsSync(join(blobsOf(tmp), 'checkpoints', 'sw1', T))).toBe(false);
  });

  it('refuses bad parameters naming the field, and bodies over the size limit', async () => {
    const bad = async (query: string, field: RegExp) => {
      const res = await put(INGEST, 'sw1', T, query, bytes(10, 1));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(field);
    };
    await bad('?attempt=1', /^step: expected an integer ≥ 0/);
    await bad('?step=-3&attempt=1', /^step: expected an integer ≥ 0, got "-3"/);
    await bad('?step=1.5&attempt=1', /^step: /);
    await bad('?step=1', /^attempt: expected an integer ≥ 1/);
    await bad('?step=1&attempt=0', /^attempt: /);
    const afterStep = await fetch(url('sw1', T, '?afterStep=x'), { headers: { authorization: `Bearer ${INGEST}` } });
    expect(afterStep.status).toBe(400);

    const big = await put(INGEST, 'sw1', T, '?step=1&attempt=1', bytes(64 * 1024 + 1, 7));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/larger than 65536 bytes/);
    // A body without a declared length is counted as it arrives.
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(bytes(16 * 1024, i));
        c.close();
      },
    });
    const streamed = await fetch(url('sw1', T, '?step=2&attempt=1'), {
      method: 'PUT',
      headers: { authorization: `Bearer ${INGEST}` },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const dir = join(blobsOf(tmp), 'checkpoints', 'sw1', T);
    expect(readdirSync(dir)).toEqual([]);
    expect((await fetch(url('sw1', T), { headers: { authorization: `Bearer ${INGEST}` } })).status).toBe(204);
  });

  it('drops the checkpoints of trials the workflow reports finished', async () => {
    const client = new GatewayCheckpoints({ url: gw.url, token: INGEST });
    const other = 'sw1-t0001';
    await client.push({ sweepId: 'sw1', trialId: T, attempt: 1 }, 40, bytes(10, 1));
    await client.push({ sweepId: 'sw1', trialId: other, attempt: 1 }, 40, bytes(10, 2));
    const finished = { trialId: T, status: 'completed', params: 10, data: 100, flops: 6000, final: { eval_loss: 0.5 }, resumedFromStep: 0, steps: 4, backend: 'cpu', wallSeconds: 1 };
    const status = { sweepId: 'sw1', name: 'one', phase: 'running', batch: 1, trials: { planned: 1, running: 1, completed: 1, diverged: 0, failed: 0 }, flopsSpent: 6000, budget: {} };
    const res = await fetch(`${gw.url}/api/sweeps/sw1/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status, finished: [finished] }),
    });
    expect(res.status).toBe(204);
    expect(await client.pull({ sweepId: 'sw1', trialId: T }, -1)).toBeUndefined();
    expect(existsSync(join(blobsOf(tmp), 'checkpoints', 'sw1', T))).toBe(false);
    expect((await client.pull({ sweepId: 'sw1', trialId: other }, -1))?.step).toBe(40);
  });

  it('keeps ids that are not safe file names inside the blob directory', async () => {
    const client = new GatewayCheckpoints({ url: gw.url, token: INGEST });
    const odd = '../../escape';
    await client.push({ sweepId: 'sw1', trialId: odd, attempt: 1 }, 3, bytes(4, 9));
    expect((await client.pull({ sweepId: 'sw1', trialId: odd }, -1))?.archive).toEqual(bytes(4, 9));
    const under = readdirSync(join(blobsOf(tmp), 'checkpoints', 'sw1'));
    expect(under).toHaveLength(1);
    expect(under[0]).toMatch(/^~[0-9a-f]{64}$/);
  });
});

describe('blob directory', () => {
  it('works with an in-memory store (a temporary directory, removed on close)', async () => {
    const mem = await startGateway({ dbPath: ':memory:', token: TOKEN, port: 0, log: quiet });
    await mem.store.createSweep({ id: 'm', name: 'm', specYaml: 'name: m' });
    const client = new GatewayCheckpoints({ url: mem.url, token: TOKEN });
    await client.push({ sweepId: 'm', trialId: 'm-t0000', attempt: 1 }, 1, bytes(3, 3));
    expect((await client.pull({ sweepId: 'm', trialId: 'm-t0000' }, 0))?.step).toBe(1);
    await mem.close();
  });

  it('can be named, and an empty name is refused', async () => {
    await expect(startGateway({ dbPath: ':memory:', token: TOKEN, blobDir: '', log: quiet })).rejects.toThrow(/blobDir: expected a directory path/);
    const named = await startGateway({ dbPath: ':memory:', token: TOKEN, port: 0, blobDir: join(tmp.dir, 'blobs'), log: quiet });
    await named.store.createSweep({ id: 'n', name: 'n', specYaml: 'name: n' });
    await new GatewayCheckpoints({ url: named.url, token: TOKEN }).push({ sweepId: 'n', trialId: 'n-t0000', attempt: 1 }, 5, bytes(3, 3));
    await named.close();
    expect(readdirSync(join(tmp.dir, 'blobs', 'checkpoints', 'n', 'n-t0000'))).toEqual(['s5-a1.ckpt']);
  });
});
