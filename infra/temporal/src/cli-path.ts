/**
 * Finds the pinned Temporal CLI (v1.5.1) the same way install.sh does, without ever downloading:
 * TEMPORAL_CLI_PATH, then a `temporal` on PATH, then the cache dir that install.sh builds into.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_VERSION = '1.5.1';
/** Server version pinned by CLI v1.5.1; `go install` builds report "0.0.0-DEV (Server 1.29.1, ...)". */
const PINNED_SERVER = 'Server 1.29.1';

export const INSTALL_SCRIPT = resolve(fileURLToPath(new URL('../install.sh', import.meta.url)));

/** Directory install.sh builds into: `${XDG_CACHE_HOME:-$HOME/.cache}/slab/temporal-1.5.1/bin`. */
export function temporalCacheBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'slab', `temporal-${TEMPORAL_CLI_VERSION}`, 'bin');
}

/** True when `path --version` identifies the pinned CLI. */
export function isPinnedTemporalCli(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.includes(`version ${TEMPORAL_CLI_VERSION}`) || out.includes(PINNED_SERVER);
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Path of the pinned Temporal CLI; throws with the install command when none is present. */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (isPinnedTemporalCli(explicit)) return explicit;
    throw new Error(
      `TEMPORAL_CLI_PATH=${explicit}: expected Temporal CLI ${TEMPORAL_CLI_VERSION}, ` +
        `but it is missing or reports another version; unset it or run: bash ${INSTALL_SCRIPT}`,
    );
  }
  const found = onPath('temporal', env);
  if (found && isPinnedTemporalCli(found)) return found;
  const cached = join(temporalCacheBinDir(env), 'temporal');
  if (isPinnedTemporalCli(cached)) return cached;
  throw new Error(
    `Temporal CLI ${TEMPORAL_CLI_VERSION} not found (looked at TEMPORAL_CLI_PATH, PATH and ${cached}). ` +
      `Install it with: bash ${INSTALL_SCRIPT}  ` +
      `(runs GOBIN=${temporalCacheBinDir(env)} go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION})`,
  );
}
