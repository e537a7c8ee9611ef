import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayError } from '../src/index';

/** Answers by path so the client's request building and error parsing can be checked exactly. */
const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
let server: Server;
let base: string;
/** Connections to drop, by the key in `/api/sweeps/reset-<key>`. */
const resets = new Map<string, number>();

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
    const reset = /^\/api\/sweeps\/reset-(\w+)/.exec(req.url ?? '');
    if (reset && (resets.get(reset[1]) ?? 0) > 0) {
      // Drop the connection without an answer, as a server closing a reused keep-alive socket does.
      resets.set(reset[1], resets.get(reset[1])! - 1);
      req.socket.destroy();
      return;
    }
    if (req.url?.startsWith('/api/sweeps/bad')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid spec (1 issue)', issues: [{ path: 'name', message: 'expected a string' }] }));
    } else if (req.url?.startsWith('/api/sweeps/crash')) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('proxy exploded');
    } else if (req.url?.startsWith('/api/sweeps/html')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function caught(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe('GatewayClient', () => {
  it('encodes ids and query parameters and sends the bearer token', async () => {
    const client = new GatewayClient(base, 'tok');
    await client.trialMetrics('a b/c', { name: 'eval_loss', afterStep: 10 });
    await client.sweepMetrics('s1');
    await client.control('s1', 'pause');
    expect(seen.slice(-3).map((s) => [s.method, s.url, s.auth])).toEqual([
      ['GET', '/api/trials/a%20b%2Fc/metrics?name=eval_loss&afterStep=10', 'Bearer tok'],
      ['GET', '/api/sweeps/s1/metrics', 'Bearer tok'],
      ['POST', '/api/sweeps/s1/pause', 'Bearer tok'],
    ]);
  });

  it('turns error answers into GatewayError with status, message and spec issues', async () => {
    const client = new GatewayClient(base);
    const bad = await caught(client.getSweep('bad'));
    expect([bad.status, bad.message, bad.issues]).toEqual([400, 'invalid spec (1 issue)', [{ path: 'name', message: 'expected a string' }]]);
    const crash = await caught(client.getSweep('crash'));
    expect([crash.status, crash.message, crash.issues]).toEqual([500, 'proxy exploded', undefined]);
    const html = await caught(client.getSweep('html'));
    expect(html.message).toMatch(/expected a JSON answer, got "<html>"/);
  });

  it('sends a GET once more after a connection reset, never a POST', async () => {
    const client = new GatewayClient(base);
    resets.set('get', 1);
    await expect(client.getSweep('reset-get')).resolves.toEqual([]);
    expect(seen.filter((s) => s.url === '/api/sweeps/reset-get')).toHaveLength(2);
    resets.set('twice', 2);
    expect((await caught(client.getSweep('reset-twice'))).message).toMatch(/cannot reach the gateway at .*: /);
    resets.set('post', 1);
    expect((await caught(client.control('reset-post', 'pause'))).message).toMatch(/cannot reach the gateway/);
    expect(seen.filter((s) => s.url === '/api/sweeps/reset-post/pause')).toHaveLength(1);
  });
});
