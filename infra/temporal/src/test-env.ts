/**
 * Test environment for server-backed Temporal tests (STYLE §2). TEMPORAL_ADDRESS set → attach to that
 * server; otherwise a local dev server from the pinned CLI (`existing-path`). Never downloads anything.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath } from './cli-path';

export interface TestEnvOptions {
  namespace?: string;
  /** Persist the local server's state here instead of in memory. */
  dbFilename?: string;
}

export async function testWorkflowEnv(opts: TestEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (address) {
    return TestWorkflowEnvironment.createFromExistingServer({ address, namespace: opts.namespace ?? 'default' });
  }
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      ui: false,
      namespace: opts.namespace,
      dbFilename: opts.dbFilename,
    },
  });
}
