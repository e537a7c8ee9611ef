/**
 * The CLI's transport for the gateway client: node:http / node:https instead of global fetch. A
 * command is a short-lived process, and the first fetch loads undici, about 0.15 s of CPU of the
 * 0.3 s `slab ls` may take. Trusted CAs come from NODE_EXTRA_CA_CERTS as for fetch (see ca.ts).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Transport, TransportResponse } from '@slab/api';

export const httpTransport: Transport = async (url, init) => {
  const target = new URL(url);
  // node:https (and TLS) loads only for an https gateway.
  const request = target.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const headers: Record<string, string | number> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(target, { method: init.method, headers }, resolve);
    // Rejected as fetch does: the socket error as `cause`, so callers read one shape.
    req.once('error', (cause: Error) => reject(new Error(`${init.method} ${url} failed: ${cause.message}`, { cause })));
    req.end(init.body);
  });
  const body = new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
  // Read the body at once so the socket is freed even when the caller only looks at the status.
  body.catch(() => undefined);
  const status = res.statusCode ?? 0;
  const answer: TransportResponse = { ok: status >= 200 && status < 300, status, text: () => body };
  return answer;
};
