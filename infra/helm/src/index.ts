/** Where the chart and its validation tools live; see install.sh and k8s-schemas.ts. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { convertOpenApi, schemaFileName, writeSchemas, type OpenApiV2 } from './k8s-schemas';

/** The chart directory. */
export const CHART_DIR = fileURLToPath(new URL('../scaling-lab', import.meta.url));
/** Installs helm, kubeconform and the schemas; prints one status line. */
export const INSTALL_SCRIPT = fileURLToPath(new URL('../install.sh', import.meta.url));
/** The Kubernetes version whose schemas install.sh builds (SLAB_K8S_VERSION overrides it there too). */
export const K8S_VERSION = process.env.SLAB_K8S_VERSION ?? '1.34.2';

/** Paths of the tools install.sh puts in the cache, and the schema directory kubeconform reads. */
export function validationTools(env: NodeJS.ProcessEnv = process.env): { helm: string; kubeconform: string; schemas: string } {
  const cache = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'slab');
  return { helm: join(cache, 'bin', 'helm'), kubeconform: join(cache, 'bin', 'kubeconform'), schemas: join(cache, 'k8s-schemas') };
}
