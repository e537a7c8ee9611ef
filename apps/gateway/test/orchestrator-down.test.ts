// With Temporal down, a status query never answers: reads fall back to the stored status after a
// short deadline, and control actions answer 504 instead of hanging.
import type { ControlAction, SweepControl, SweepSpec, SweepStatus } from '@slab/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { quiet, tempDir, TOKEN } from './helpers';

/** An orchestrator whose every call hangs, as a client does against a Temporal that is gone. */
class HungControl implements SweepControl {
  statusCalls = 0;
  start(_id: string, _spec: SweepSpec): Promise<void> {
    return new Promise(() => undefined);
  }
  signal(_id: string, _name: ControlAction): Promise<void> {
    return new Promise(() => undefined);
  }
  status(_id: string): Promise<SweepStatus | undefined> {
    this.statusCalls += 1;
    return new Promise(() => undefined);
  }
}

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;
let control: HungControl;

beforeEach(async () => {
  tmp = tempDir();
  control = new HungControl();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: quiet, control, limits: { statusTimeoutMs: 50, controlTimeoutMs: 50 } });
  await gw.store.createSweep({ id: 'sw1', name: 'one', specYaml: 'name: one' });
});

afterEach(async () => {
  await gw.close();
  tmp.cleanup();
});

describe('orchestrator down', () => {
  it('status answers from the store, and stops asking the orchestrator for a while', async () => {
    const stored: SweepStatus = {
      sweepId: 'sw1', name: 'one', phase: 'running', batch: 3,
      trials: { planned: 1, running: 2, completed: 3, diverged: 0, failed: 0 }, flopsSpent: 42, budget: {},
    };
    await gw.store.setSweepStatus('sw1', stored);
    const first = await fetch(`${gw.url}/api/sweeps/sw1`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { status: SweepStatus }).status).toEqual(stored);
    const second = await fetch(`${gw.url}/api/sweeps/sw1`);
    expect(((await second.json()) as { status: SweepStatus }).status.batch).toBe(3);
    expect(control.statusCalls).toBe(1);
  });

  it('logs an unanswered status query, except for a sweep still starting (nothing reported yet)', async () => {
    const lines: string[] = [];
    const logged = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: (l) => lines.push(l), control: new HungControl(), limits: { statusTimeoutMs: 50 } });
    try {
      // Just submitted: its workflow's first task waits for the orchestrator; no failure to report.
      await logged.store.createSweep({ id: 'fresh', name: 'fresh', specYaml: 'name: fresh' });
      expect((await fetch(`${logged.url}/api/sweeps/fresh`)).status).toBe(200);
      expect(lines).toEqual([]);
    } finally {
      await logged.close();
    }
    const again = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, port: 0, log: (l) => lines.push(l), control: new HungControl(), limits: { statusTimeoutMs: 50 } });
    try {
      // It reported before: the orchestrator answered once and does not now, which is worth a line.
      await again.store.setSweepStatus('fresh', { sweepId: 'fresh', name: 'fresh', phase: 'running', batch: 0, trials: { planned: 1, running: 1, completed: 0, diverged: 0, failed: 0 }, flopsSpent: 0, budget: {} });
      expect((await fetch(`${again.url}/api/sweeps/fresh`)).status).toBe(200);
      expect(lines).toEqual([expect.stringMatching(/^status query for fresh failed, using the stored status: DeadlineExceeded/)]);
    } finally {
      await again.close();
    }
  });

  it('pause answers 504 naming the action instead of hanging', async () => {
    const res = await fetch(`${gw.url}/api/sweeps/sw1/pause`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: string }).error).toBe('pause: no answer from the orchestrator within 50 ms (the signal may still arrive)');
  });
});
