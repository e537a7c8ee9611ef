// Property-based probe of the REST routes on a real gateway: whatever the method, path, query,
// headers and body, the answer is never a 500, and a 400 names the field it is about.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { points, quiet, tempDir, TOKEN } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;

beforeAll(async () => {
  tmp = tempDir();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: quiet });
  await gw.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });
  await gw.store.appendFrame({ sweepId: 'sw1', trialId: 'sw1-t0000', seq: 1, points: points([0, 1, 2]) });
});

afterAll(async () => {
  await gw.close();
  tmp.cleanup();
});

/** Path segments a client might send: ids, junk, %-escapes (valid or not), very long strings. */
const segment = fc.oneof(
  fc.constantFrom('sw1', 'sw1-t0000', 'nope', '', '..', '%2F', '%E0%A4%A', '%', '%zz', '%00', 'x'.repeat(300)),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.stringMatching(/^[%A-Za-z0-9._~-]{0,12}$/),
);
const route = fc.oneof(
  fc.tuple(segment).map(([id]) => `/api/sweeps/${id}`),
  fc.tuple(segment, fc.constantFrom('trials', 'fits', 'metrics', 'export', 'report', 'pause', 'resume', 'cancel')).map(([id, r]) => `/api/sweeps/${id}/${r}`),
  fc.tuple(segment).map(([id]) => `/api/trials/${id}/metrics`),
  fc.constantFrom('/api/sweeps', '/healthz', '/api', '/api/'),
  fc.array(segment, { maxLength: 4 }).map((s) => `/api/${s.join('/')}`),
);
const query = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.constantFrom('name', 'afterStep', 'format', 'x'), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('1e400', '-1', 'NaN', 'csv', 'json', '%', '12')), { maxKeys: 3 }).map(
    (q) => `?${Object.entries(q).map(([k, v]) => `${k}=${v}`).join('&')}`,
  ),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 60 }),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('{"spec": "name: [unclosed"}', '{"spec": 5}', '{"spec": "a: &a [*a]"}', '{"status": {}}', '[]', 'null', '{'),
);

describe('REST routes, fuzzed', () => {
  it('never answer 500, and every 400 names its field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'), route, query, body, fc.boolean(), async (method, path, q, b, auth) => {
        const headers: Record<string, string> = auth ? { authorization: `Bearer ${TOKEN}` } : {};
        if (b !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(`${gw.url}${path}${q}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : b });
        const text = await res.text();
        expect(res.status, `${method} ${path}${q} -> ${res.status} ${text.slice(0, 200)}`).not.toBe(500);
        if (res.status === 400) {
          const parsed = JSON.parse(text) as { error: string; issues?: { path: string }[] };
          const named = /^[A-Za-z][\w.[\]]*: /.test(parsed.error) || (parsed.issues?.length ?? 0) > 0;
          expect(named, `${method} ${path}${q}: ${parsed.error}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
