// The gateway's own command line: scoped tokens and closed reads from flags and environment.
import { afterAll, describe, expect, it } from 'vitest';
import { TOKEN, tempDir } from './helpers';
import { type GatewayProcess, runGateway, spawnGateway } from './process';

const READ = 'dashboard-read-token-01234';
const tmp = tempDir();
let gw: GatewayProcess | undefined;

afterAll(async () => {
  await gw?.stop();
  tmp.cleanup();
});

describe('gateway command line', () => {
  it('takes scoped tokens and closed reads', async () => {
    gw = await spawnGateway(['--db', tmp.dbPath, '--token', TOKEN, '--port', '0', '--read-token', READ, '--closed-reads']);
    expect((await fetch(`${gw.url}/api/sweeps`)).status).toBe(401);
    expect((await fetch(`${gw.url}/api/sweeps`, { headers: { authorization: `Bearer ${READ}` } })).status).toBe(200);
    const submit = await fetch(`${gw.url}/api/sweeps`, { method: 'POST', headers: { authorization: `Bearer ${READ}` }, body: '{}' });
    expect(submit.status).toBe(403);
  }, 60_000);

  it('an unknown flag or a bad token is one line and the usage, not a stack trace', async () => {
    const unknown = await runGateway(['--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown option '--bogus'/);
    expect(unknown.stderr).toContain('usage: gateway --db FILE --token TOKEN');
    const short = await runGateway(['--db', `${tmp.dir}/b.db`, '--token', TOKEN, '--ingest-token', 'short']);
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe('startGateway: credentials[0].token: expected a string of at least 16 characters');
  }, 60_000);
});
