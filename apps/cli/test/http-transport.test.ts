// The CLI's node:http transport behind GatewayClient: the same requests, answers and failures as
// with fetch (libs/api/test/client.test.ts checks the fetch side), against a real HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayError } from '@slab/api';
import { httpTransport } from '../src/http-transport';

const seen: { method?: string; url?: string; auth?: string; type?: string; length?: string; body: string }[] = [];
let server: Server;
let base: string;
let resets = 0;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], length: req.headers['content-length'], body });
    if (req.url?.startsWith('/api/sweeps/reset') && resets > 0) {
      resets -= 1;
      req.socket.destroy();
      return;
    }
    if (req.url?.startsWith('/api/sweeps/bad')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid spec (1 issue)', issues: [{ path: 'name', message: 'expected a string' }] }));
    } else if (req.url === '/api/sweeps' && req.method === 'POST') {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'sw-1', name: 'é-sweep' }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('httpTransport', () => {
  it('sends method, path, token and a JSON body with its byte length, and reads the JSON answer', async () => {
    const client = new GatewayClient(base, 'tok', httpTransport);
    // A multi-byte character: content-length must count bytes, not UTF-16 units.
    await expect(client.createSweep('name: é')).resolves.toEqual({ id: 'sw-1', name: 'é-sweep' });
    const last = seen.at(-1)!;
    expect([last.method, last.url, last.auth, last.type, last.body]).toEqual(['POST', '/api/sweeps', 'Bearer tok', 'application/json', '{"spec":"name: é"}']);
    expect(Number(last.length)).toBe(Buffer.byteLength(last.body));
    await expect(client.listSweeps()).resolves.toEqual([]);
    expect(seen.at(-1)!.method).toBe('GET');
  });

  it('turns an error answer into a GatewayError with its status, message and spec issues', async () => {
    const err = await new GatewayClient(base, undefined, httpTransport).getSweep('bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect([(err as GatewayError).status, (err as GatewayError).message, (err as GatewayError).issues]).toEqual([400, 'invalid spec (1 issue)', [{ path: 'name', message: 'expected a string' }]]);
  });

  it('retries a GET once after a connection reset, and reports an unreachable gateway as status 0', async () => {
    const client = new GatewayClient(base, undefined, httpTransport);
    resets = 1;
    const before = seen.length;
    await expect(client.getSweep('reset')).resolves.toEqual([]);
    expect(seen.length - before).toBe(2);
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const err = await new GatewayClient(`http://127.0.0.1:${closed}`, undefined, httpTransport).listSweeps().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(0);
    expect((err as GatewayError).message).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  });
});
