// Console login without a token in any URL (single-use, expiring codes traded for the session
// cookie), and the gateway over TLS: REST and websocket through https/wss with a throw-away CA made
// by openssl, a client that does not trust that CA refused.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { decodeServerFrame, encodeClientFrame } from '@slab/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Gateway, type GatewayOptions, startGateway } from '../src/index';
import { makeTestPki, type TestPki } from './certs';
import { points, quiet, tempDir, TOKEN } from './helpers';

const INGEST = 'ingest-only-token-0123456789';

let tmp: ReturnType<typeof tempDir> | undefined;
let gw: Gateway | undefined;

async function start(extra: Partial<GatewayOptions> = {}): Promise<Gateway> {
  tmp = tempDir();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: quiet, credentials: [{ token: INGEST, scopes: ['ingest'] }], ...extra });
  return gw;
}

afterEach(async () => {
  await gw?.close();
  tmp?.cleanup();
  gw = undefined;
});

const visit = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });
const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0];

describe('console login codes', () => {
  it('a login link sets the session cookie once, lands on its page, and never names the token', async () => {
    const g = await start({ openReads: false });
    const link = g.loginUrl('/#/sweeps/abc');
    expect(link).not.toContain(TOKEN);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?code=[\w-]{32}&to=%2F%23%2Fsweeps%2Fabc$/);

    const first = await visit(link);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/#/sweeps/abc');
    expect(first.headers.get('set-cookie')).toMatch(/^slab_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const cookie = cookieOf(first);
    // The cookie is the whole credential of the browser: closed reads open with it, and control works.
    expect((await fetch(`${g.url}/api/sweeps`)).status).toBe(401);
    expect((await fetch(`${g.url}/api/sweeps`, { headers: { cookie } })).status).toBe(200);
    const origin = g.url;
    expect([404, 503]).toContain((await fetch(`${g.url}/api/sweeps/none/pause`, { method: "POST", headers: { cookie, origin } })).status);

    const again = await visit(link);
    expect(again.status).toBe(400);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(((await again.json()) as { error: string }).error).toMatch(/^code: unknown, already used or expired/);
  });

  it('an unused code expires', async () => {
    const g = await start({ loginCodeTtlMs: 1 });
    const link = g.loginUrl();
    await new Promise((r) => setTimeout(r, 20));
    const res = await visit(link);
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('POST /api/session/codes gives a code for the asking token, with that token\'s scopes only', async () => {
    const g = await start();
    expect((await fetch(`${g.url}/api/session/codes`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${g.url}/api/session/codes`, { method: 'POST', headers: { authorization: 'Bearer not-a-known-token-at-all' } })).status).toBe(403);
    const asked = await fetch(`${g.url}/api/session/codes`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` } });
    expect(asked.status).toBe(200);
    const { path, expiresAt } = (await asked.json()) as { path: string; expiresAt: string };
    expect(path).toMatch(/^\/login\?code=[\w-]+$/);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const cookie = cookieOf(await visit(g.url + path));
    const submit = await fetch(`${g.url}/api/sweeps`, { method: 'POST', headers: { cookie, origin: g.url }, body: '{"spec":"name: x"}' });
    expect(submit.status).toBe(403);
    expect(((await submit.json()) as { error: string }).error).toBe('authorization: this credential lacks the control scope');
  });

  it('refuses a redirect off the gateway and a missing code, naming the field', async () => {
    const g = await start();
    for (const to of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)']) {
      const res = await visit(`${g.url}/login?code=x&to=${encodeURIComponent(to)}`);
      expect(res.status, to).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^to: expected a path on this gateway/);
    }
    const none = await visit(`${g.url}/login`);
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: string }).error).toMatch(/^code: expected the login code/);
    expect(() => g.loginUrl('/', 'a-token-the-gateway-does-not-know')).toThrow(/loginUrl: token/);
  });
});

describe('gateway over TLS', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  }, 60_000);
  afterAll(() => pki?.cleanup());

  const tlsOptions = () => ({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) });

  /** GET over https trusting `ca` only (not the system roots). */
  function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { ca: readFileSync(ca), headers }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves REST over https and protobuf frames over wss to a client that trusts its CA', async () => {
    const g = await start({ tls: tlsOptions() });
    expect(g.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(g.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    await g.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });

    expect(await get(`${g.url}/healthz`, pki.ca)).toEqual({ status: 200, body: '{"ok":true}' });
    const list = await get(`${g.url}/api/sweeps`, pki.ca);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toMatchObject([{ id: 'sw1' }]);

    const ws = new WebSocket(g.wsUrl, { ca: readFileSync(pki.ca) });
    const frames: ReturnType<typeof decodeServerFrame>[] = [];
    const got = new Promise<void>((resolve) => ws.on('message', (data: Buffer) => (frames.push(decodeServerFrame(data)), resolve())));
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    ws.send(encodeClientFrame({ kind: 'hello', hello: { token: INGEST, workerId: 'tls-node' } }));
    ws.send(encodeClientFrame({ kind: 'metrics', metrics: { sweepId: 'sw1', trialId: 'sw1-t0000', seq: 1, points: points([0, 1]) } }));
    await got;
    expect(frames[0]).toEqual({ kind: 'ack', ack: { trialId: 'sw1-t0000', seq: 1 } });
    ws.close();

    // The login cookie is Secure over https: a browser never sends it over plain http.
    const login = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(g.loginUrl(), { ca: readFileSync(pki.ca) }, (res) => {
        res.resume();
        resolve(String(res.headers['set-cookie']));
      });
      req.on('error', reject);
      req.end();
    });
    expect(login).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
  });

  it('refuses clients that do not trust its CA, over https and wss', async () => {
    const g = await start({ tls: tlsOptions() });
    await expect(get(`${g.url}/healthz`, pki.otherCa)).rejects.toThrow(/unable to verify|self[- ]signed|certificate/i);
    await expect(fetch(`${g.url}/healthz`)).rejects.toThrow(); // system roots only
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(g.wsUrl, { ca: readFileSync(pki.otherCa) });
      ws.once('open', () => resolve('open'));
      ws.once('error', (err) => resolve(err.message));
    });
    expect(refused).toMatch(/unable to verify|self[- ]signed|certificate/i);
    // Plain http to the TLS port is not served either.
    await expect(fetch(g.url.replace('https', 'http') + '/healthz').then((r) => r.status)).rejects.toThrow();
  });

  it('refuses a half-given certificate, naming the field', async () => {
    tmp = tempDir();
    await expect(startGateway({ dbPath: tmp.dbPath, token: TOKEN, tls: { cert: readFileSync(pki.serverCert), key: '' } })).rejects.toThrow(
      'startGateway: tls: expected { cert, key } as PEM text',
    );
  });
});
