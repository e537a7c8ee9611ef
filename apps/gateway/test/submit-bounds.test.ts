// The submit route is a boundary: whatever the spec parser does, the answer is a 400 naming the
// field, and a sweep name that would reach terminals is bounded and free of control characters.
import { readFileSync } from 'node:fs';
import { GatewayClient, GatewayError } from '@slab/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { quiet, tempDir, TOKEN } from './helpers';

const quickstart = readFileSync(new URL('../../../examples/quickstart.yaml', import.meta.url), 'utf8');
const withName = (name: string) => quickstart.replace(/^name: .*$/m, `name: ${name}`);

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;

beforeEach(async () => {
  tmp = tempDir();
  gw = await startGateway({
    dbPath: tmp.dbPath,
    token: TOKEN,
    log: quiet,
    parseSpec: (yaml) => {
      if (yaml.includes('!crash')) throw new RangeError('Maximum call stack size exceeded');
      return { ok: true, spec: { name: /^name: (.*)$/m.exec(yaml)?.[1] ?? 'x' } as never };
    },
  });
});

afterEach(async () => {
  await gw.close();
  tmp.cleanup();
});

async function status(yaml: string): Promise<{ status: number; message: string }> {
  try {
    await new GatewayClient(gw.url, TOKEN).createSweep(yaml);
    return { status: 201, message: '' };
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    return { status: err.status, message: err.message };
  }
}

describe('POST /api/sweeps bounds', () => {
  it('a parser that throws is a 400 naming the spec, not a 500', async () => {
    expect(await status('name: x\n!crash')).toEqual({ status: 400, message: 'spec: could not be parsed: Maximum call stack size exceeded' });
  });

  it('refuses sweep names with control characters or over 200 characters, and stores nothing', async () => {
    expect(await status(withName('evil\u001b[2Jname'))).toEqual({ status: 400, message: 'name: expected no control characters, got "evil\\u001b[2Jname"' });
    expect(await status(withName('n'.repeat(201)))).toEqual({ status: 400, message: 'name: expected at most 200 characters, got 201' });
    expect(await gw.store.listSweeps()).toEqual([]);
    expect((await status(withName('fine name'))).status).toBe(201);
  });
});
