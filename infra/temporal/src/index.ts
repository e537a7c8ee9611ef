export { temporalCliPath, temporalCacheBinDir, isPinnedTemporalCli, TEMPORAL_CLI_VERSION, INSTALL_SCRIPT } from './cli-path';
export { startDevServer, type DevServer, type DevServerOptions } from './dev-server';
export { testWorkflowEnv, type TestEnvOptions } from './test-env';
export { freePort } from './free-port';
