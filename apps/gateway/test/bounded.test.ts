// Bounded work: no one peer can make the gateway buffer, decode or answer without end.
import type { SweepMetricRow, TrialMetricRow } from '@slab/api';
import { encodeClientFrame } from '@slab/proto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Gateway, type GatewayOptions, startGateway } from '../src/index';
import { Peer, points, quiet, tempDir, TOKEN } from './helpers';

let tmp: ReturnType<typeof tempDir> | undefined;
let gw: Gateway | undefined;
const sockets: WebSocket[] = [];

async function start(limits: GatewayOptions['limits'] = {}): Promise<Gateway> {
  tmp = tempDir();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: quiet, limits });
  await gw.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });
  return gw;
}

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await gw?.close();
  tmp?.cleanup();
  gw = undefined;
  tmp = undefined;
});

function raw(url: string, headers: Record<string, string> = {}): WebSocket {
  const ws = new WebSocket(url, { headers });
  ws.on('error', () => undefined);
  sockets.push(ws);
  return ws;
}

const closeCode = (ws: WebSocket): Promise<number> => new Promise((resolve) => ws.once('close', (code) => resolve(code)));
const opened = (ws: WebSocket): Promise<void> => new Promise((resolve) => ws.once('open', () => resolve()));

describe('subscribers', () => {
  it('a subscribe flood is closed with 1008 while trainers on other connections are served', async () => {
    const g = await start();
    for (let i = 0; i < 40; i++) await g.store.createSweep({ id: `flood-${i}`, name: `flood ${i}`, specYaml: 'name: x' });
    const flood = raw(g.wsUrl);
    await opened(flood);
    const closed = closeCode(flood);
    const subscribe = encodeClientFrame({ kind: 'subscribe', subscribe: { sweepId: '' } });
    for (let i = 0; i < 2000; i++) flood.send(subscribe);
    const trainer = await Peer.connect(g.wsUrl);
    trainer.send({ kind: 'hello', hello: { token: TOKEN, workerId: 'w' } });
    trainer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: 'sw1-t0000', seq: 1, points: points([0]) } });
    expect(await trainer.nextAck()).toEqual({ trialId: 'sw1-t0000', seq: 1 });
    expect(await closed).toBe(1008);
    trainer.close();
  });

  it('caps the sweeps one connection subscribes to', async () => {
    const g = await start({ maxSubscriptions: 2 });
    await g.store.createSweep({ id: 'sw2', name: 'two', specYaml: 'x' });
    await g.store.createSweep({ id: 'sw3', name: 'three', specYaml: 'x' });
    const peer = await Peer.connect(g.wsUrl);
    peer.send({ kind: 'subscribe', subscribe: { sweepId: 'sw1' } });
    peer.send({ kind: 'subscribe', subscribe: { sweepId: 'sw2' } });
    peer.send({ kind: 'subscribe', subscribe: { sweepId: 'sw3' } });
    expect((await peer.next()).kind).toBe('update');
    expect((await peer.next()).kind).toBe('update');
    const third = await peer.next();
    expect(third).toEqual({ kind: 'error', error: { code: 'too-many', message: 'subscribe.sweepId: at most 2 subscriptions per connection' } });
    peer.close();
  });

  it('a subscriber that does not read its snapshot is dropped with 1013 instead of buffered', async () => {
    const g = await start({ maxBufferedBytes: 2 * 1024 * 1024 });
    const big = `name: big\n# ${'x'.repeat(1024 * 1024)}\n`;
    for (let i = 0; i < 24; i++) await g.store.createSweep({ id: `big-${i}`, name: `big ${i}`, specYaml: big });
    const ws = raw(g.wsUrl);
    await opened(ws);
    const closed = closeCode(ws);
    const socket = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // a console tab that stopped reading
    ws.send(encodeClientFrame({ kind: 'subscribe', subscribe: { sweepId: '' } }));
    await new Promise((r) => setTimeout(r, 300));
    let received = 0;
    ws.on('message', (data: Buffer) => (received += data.length));
    socket.resume();
    expect(await closed).toBe(1013);
    // what was queued before the drop is bounded by the limit (plus the frame that crossed it), not 24 MB
    expect(received).toBeLessThan(8 * 1024 * 1024);
  }, 30_000); // the snapshot reads 24 MB of sweep rows: seconds on a loaded machine
});

describe('connections', () => {
  it('refuses upgrades beyond the connection cap with 503', async () => {
    const g = await start({ maxConnections: 2 });
    const a = raw(g.wsUrl);
    const b = raw(g.wsUrl);
    await Promise.all([opened(a), opened(b)]);
    const c = new WebSocket(g.wsUrl);
    const status = await new Promise<number>((resolve) => {
      c.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      c.once('open', () => resolve(101));
    });
    expect(status).toBe(503);
  });

  it('authenticates at the upgrade: a bad bearer token gets 403, a good one needs no Hello', async () => {
    const g = await start();
    const bad = new WebSocket(g.wsUrl, { headers: { authorization: 'Bearer wrong' } });
    bad.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => bad.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
    const good = raw(g.wsUrl, { authorization: `Bearer ${TOKEN}` });
    await opened(good);
    const answer = new Promise<Buffer>((resolve) => good.once('message', (d: Buffer) => resolve(d)));
    good.send(encodeClientFrame({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: 'sw1-t0000', seq: 1, points: points([0]) } }));
    await answer;
    expect(await g.store.lastContiguousSeq('sw1-t0000')).toBe(1);
  });

  it('closes a connection after too many refused frames', async () => {
    const g = await start({ maxRejectedFrames: 3 });
    const ws = raw(g.wsUrl, { authorization: `Bearer ${TOKEN}` });
    await opened(ws);
    const closed = closeCode(ws);
    for (let i = 0; i < 5; i++) ws.send(Buffer.from([0x12, 0x40]));
    expect(await closed).toBe(1008);
  });

  it('closes a connection that neither authenticates nor subscribes in time, and one whose peer stops answering pings', async () => {
    const g = await start({ handshakeTimeoutMs: 100, pingIntervalMs: 100 });
    const idle = raw(g.wsUrl);
    await opened(idle);
    expect(await closeCode(idle)).toBe(1008);

    const console1 = await Peer.connect(g.wsUrl);
    console1.send({ kind: 'subscribe', subscribe: { sweepId: 'sw1' } });
    await console1.next();
    await new Promise((r) => setTimeout(r, 350)); // several pings, all answered: still open
    expect(console1.ws.readyState).toBe(WebSocket.OPEN);

    const frozen = raw(g.wsUrl, { authorization: `Bearer ${TOKEN}` });
    await opened(frozen);
    (frozen as unknown as { _socket: { pause(): void } })._socket.pause(); // a peer that is gone: no pongs
    const dropped = closeCode(frozen);
    await new Promise((r) => setTimeout(r, 400)); // a ping goes unanswered, the next check drops it
    (frozen as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await dropped).toBe(1006); // terminated without a closing handshake
    console1.close();
  });

  it('answers websocket upgrades on other paths with 404', async () => {
    const g = await start();
    const other = new WebSocket(g.wsUrl.replace('/ws', '/api/sweeps'));
    other.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => other.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
  });

  it('refuses unknown or non-positive limits, naming the field', async () => {
    tmp = tempDir();
    await expect(startGateway({ dbPath: tmp.dbPath, token: TOKEN, limits: { maxConnections: 0 } })).rejects.toThrow(
      'startGateway: limits.maxConnections: expected a positive integer, got 0',
    );
    await expect(startGateway({ dbPath: tmp.dbPath, token: TOKEN, limits: { maxConections: 5 } as never })).rejects.toThrow(
      /startGateway: limits\.maxConections: unknown limit/,
    );
  });
});

describe('metrics answers', () => {
  it('stream every row in order across pages, trials and names, as one JSON array', async () => {
    const g = await start({ metricsPageRows: 7 });
    const peer = await Peer.connect(g.wsUrl);
    peer.send({ kind: 'hello', hello: { token: TOKEN, workerId: 'w' } });
    for (const t of ['sw1-t0002', 'sw1-t0000', 'sw1-t0001']) {
      const steps = Array.from({ length: 20 }, (_, i) => i);
      peer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: t, seq: 1, points: [...points(steps, 'train_loss'), ...points(steps, 'eval_loss')] } });
      await peer.nextAck();
    }
    peer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: 'sw1-t0001', seq: 2, points: [{ step: 99, name: 'eval_loss', value: NaN, wallTime: 1 }] } });
    await peer.nextAck();
    peer.close();

    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${g.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      return (await res.json()) as T;
    };
    const all = await get<SweepMetricRow[]>('/api/sweeps/sw1/metrics');
    expect(all).toHaveLength(121);
    expect(all).toEqual(await g.store.sweepMetrics('sw1'));
    expect(all.find((r) => r.step === 99)?.value).toBeNull();
    expect(await get<SweepMetricRow[]>('/api/sweeps/sw1/metrics?name=eval_loss')).toEqual(await g.store.sweepMetrics('sw1', 'eval_loss'));
    expect(await get<TrialMetricRow[]>('/api/trials/sw1-t0001/metrics')).toEqual(await g.store.trialMetrics('sw1-t0001'));
    expect(await get<TrialMetricRow[]>('/api/trials/sw1-t0001/metrics?name=train_loss&afterStep=12')).toEqual(
      await g.store.trialMetrics('sw1-t0001', { name: 'train_loss', afterStep: 12 }),
    );
    expect(await get<TrialMetricRow[]>('/api/trials/nope/metrics')).toEqual([]);
    const bad = await fetch(`${g.url}/api/sweeps/sw1/metrics?name=${'n'.repeat(200)}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('name: expected at most 128 characters, got 200');
  });
});
