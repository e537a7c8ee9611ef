/**
 * The Temporal SDK logs every worker state change at INFO; the CLI shows progress itself, so its
 * processes log Temporal at WARN unless SLAB_LOG_LEVEL (TRACE|DEBUG|INFO|WARN|ERROR) says otherwise.
 * Must run before the first connection or worker of the process.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** Warnings that describe the intended set-up, not a problem: a trainer worker registers no workflows. */
const EXPECTED = [/^No workflows registered, not polling for workflow tasks$/];
let installed = false;

export function installTemporalLogging(env: NodeJS.ProcessEnv = process.env): void {
  if (installed) return;
  const wanted = (env.SLAB_LOG_LEVEL ?? 'WARN').toUpperCase();
  if (!(LEVELS as readonly string[]).includes(wanted)) throw new Error(`SLAB_LOG_LEVEL: expected one of ${LEVELS.join(', ')}, got "${env.SLAB_LOG_LEVEL}"`);
  // Formats as the SDK does; drops what every trainer worker logs at start by design (it hosts activities only).
  const base = new DefaultLogger(wanted as LogLevel);
  Runtime.install({ logger: new DefaultLogger(wanted as LogLevel, (entry) => !EXPECTED.some((r) => r.test(entry.message)) && base.log(entry.level, entry.message, entry.meta)) });
  installed = true;
}
