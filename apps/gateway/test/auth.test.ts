// Credentials with scopes, the console's cookie session, and the Host/Origin checks that keep web
// pages of other sites (DNS rebinding, cross-site websockets) away from a loopback gateway.
import { request } from 'node:http';
import { decodeServerFrame, encodeClientFrame } from '@slab/proto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Gateway, type GatewayOptions, startGateway } from '../src/index';
import { Peer, points, quiet, tempDir, TOKEN } from './helpers';

const INGEST = 'ingest-only-token-0123456789';
const READ = 'read-only-token-0123456789ab';

let tmp: ReturnType<typeof tempDir> | undefined;
let gw: Gateway | undefined;

async function start(extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  tmp = tempDir();
  gw = await startGateway({
    dbPath: tmp.dbPath,
    token: TOKEN,
    port: 0,
    log: quiet,
    credentials: [
      { token: INGEST, scopes: ['ingest'] },
      { token: READ, scopes: ['read'] },
    ],
    ...extra,
  });
  await gw.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });
  return gw;
}

afterEach(async () => {
  await gw?.close();
  tmp?.cleanup();
  gw = undefined;
});

/** A raw HTTP request, so tests can set Host, Origin and Cookie as a browser (or an attacker's page) would. */
function raw(url: string, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const upgradeStatus = (url: string, headers: Record<string, string>): Promise<number> =>
  new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
  });

describe('scoped credentials', () => {
  it('an ingest token streams metrics and posts reports but cannot control sweeps', async () => {
    const g = await start();
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const submit = await fetch(`${g.url}/api/sweeps`, { method: 'POST', headers: bearer(INGEST), body: '{"spec":"name: x"}' });
    expect(submit.status).toBe(403);
    expect(((await submit.json()) as { error: string }).error).toBe('authorization: this credential lacks the control scope');
    expect((await fetch(`${g.url}/api/sweeps/sw1/pause`, { method: 'POST', headers: bearer(READ) })).status).toBe(403);
    expect((await fetch(`${g.url}/api/sweeps/sw1/pause`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${g.url}/api/sweeps/sw1/pause`, { method: 'POST', headers: bearer(TOKEN) })).status).toBe(503); // allowed; no orchestrator

    const status = { sweepId: 'sw1', name: 'one', phase: 'running', batch: 1, trials: { planned: 0, running: 0, completed: 0, diverged: 0, failed: 0 }, flopsSpent: 0, budget: {} };
    const report = await fetch(`${g.url}/api/sweeps/sw1/report`, { method: 'POST', headers: bearer(INGEST), body: JSON.stringify({ status }) });
    expect(report.status).toBe(204);

    const trainer = await Peer.connect(g.wsUrl);
    trainer.send({ kind: 'hello', hello: { token: INGEST, workerId: 'gpu-node' } });
    trainer.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: 'sw1-t0000', seq: 1, points: points([0]) } });
    expect(await trainer.nextAck()).toEqual({ trialId: 'sw1-t0000', seq: 1 });
    trainer.close();

    const reader = await Peer.connect(g.wsUrl);
    reader.send({ kind: 'hello', hello: { token: READ, workerId: 'dashboard' } });
    reader.send({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: 'sw1-t0000', seq: 2, points: points([1]) } });
    const refused = await reader.next();
    expect(refused).toEqual({ kind: 'error', error: { message: 'metrics: this credential lacks the ingest scope', code: 'unauthenticated' } });
    expect((await reader.closed).code).toBe(1008);
    expect(await g.store.lastContiguousSeq('sw1-t0000')).toBe(1);
  });

  it('with closed reads, REST reads and subscriptions need the read scope', async () => {
    const g = await start({ openReads: false });
    expect((await fetch(`${g.url}/api/sweeps`)).status).toBe(401);
    expect((await fetch(`${g.url}/api/sweeps`, { headers: { authorization: `Bearer ${INGEST}` } })).status).toBe(403);
    expect((await fetch(`${g.url}/api/sweeps`, { headers: { authorization: `Bearer ${READ}` } })).status).toBe(200);
    expect((await fetch(`${g.url}/healthz`)).status).toBe(200);
    const anonymous = await Peer.connect(g.wsUrl);
    anonymous.send({ kind: 'subscribe', subscribe: { sweepId: 'sw1' } });
    expect(await anonymous.next()).toMatchObject({ kind: 'error', error: { code: 'unauthenticated' } });
    expect((await anonymous.closed).code).toBe(1008);
  });

  it('refuses credentials that are short or have unknown scopes, naming the field', async () => {
    tmp = tempDir();
    await expect(startGateway({ dbPath: tmp.dbPath, token: TOKEN, credentials: [{ token: 'short', scopes: ['read'] }] })).rejects.toThrow(
      'startGateway: credentials[0].token: expected a string of at least 16 characters',
    );
    await expect(startGateway({ dbPath: tmp.dbPath, token: TOKEN, credentials: [{ token: INGEST, scopes: ['admin' as never] }] })).rejects.toThrow(
      /^startGateway: credentials\[0\]\.scopes: expected a non-empty list of ingest, control, read, got \["admin"\]$/,
    );
  });
});

describe('console session', () => {
  it('trades the token for an HttpOnly SameSite cookie that works only from the same origin', async () => {
    const g = await start({ openReads: false });
    const host = new URL(g.url).host;
    const session = await raw(g.url, 'POST', '/api/session', { authorization: `Bearer ${TOKEN}`, host });
    expect(session.status).toBe(200);
    const setCookie = String(session.headers['set-cookie']);
    expect(setCookie).toMatch(/^slab_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0];

    expect((await raw(g.url, 'POST', '/api/sweeps/sw1/pause', { cookie, host, origin: `http://${host}` })).status).toBe(503); // authorised
    expect((await raw(g.url, 'POST', '/api/sweeps/sw1/pause', { cookie, host })).status).toBe(401); // no Origin on a write
    expect((await raw(g.url, 'POST', '/api/sweeps/sw1/pause', { cookie, host, origin: 'http://evil.example' })).status).toBe(401);
    expect((await raw(g.url, 'GET', '/api/sweeps', { cookie, host })).status).toBe(200);
    expect((await raw(g.url, 'GET', '/api/sweeps', { cookie: 'slab_session=forged', host })).status).toBe(401);
    expect((await raw(g.url, 'POST', '/api/session', { authorization: 'Bearer wrong-token', host })).status).toBe(403);

    // the console's websocket carries the cookie: with it, a subscription is allowed
    const ws = new WebSocket(g.wsUrl, { headers: { cookie, origin: `http://${host}` } });
    await new Promise((resolve) => ws.once('open', resolve));
    const first = new Promise<Buffer>((resolve) => ws.once('message', (d: Buffer) => resolve(d)));
    ws.send(encodeClientFrame({ kind: 'subscribe', subscribe: { sweepId: 'sw1' } }));
    expect(decodeServerFrame(await first).kind).toBe('update');
    ws.close();
  });
});

describe('host and origin checks', () => {
  it('refuses requests and websockets addressed to another host name (DNS rebinding)', async () => {
    const g = await start();
    const port = new URL(g.url).port;
    const rebound = await raw(g.url, 'GET', '/api/sweeps', { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toBe(`host: expected this gateway's address, got "attacker.example:${port}"`);
    expect((await raw(g.url, 'GET', '/api/sweeps', { host: `localhost:${port}` })).status).toBe(200);
    expect(await upgradeStatus(g.wsUrl, { host: `attacker.example:${port}` })).toBe(403);
  });

  it('refuses websockets opened by pages of other origins', async () => {
    const g = await start();
    const host = new URL(g.url).host;
    expect(await upgradeStatus(g.wsUrl, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(g.wsUrl, { origin: `http://${host}` })).toBe(101);
    expect(await upgradeStatus(g.wsUrl, {})).toBe(101); // not a browser: trainers and the CLI send no Origin
  });

  it('accepts configured host names', async () => {
    const g = await start({ allowedHosts: ['slab.internal'] });
    const port = new URL(g.url).port;
    expect((await raw(g.url, 'GET', '/healthz', { host: `slab.internal:${port}` })).status).toBe(200);
  });
});
