/**
 * Kubernetes JSON schemas for kubeconform, built offline from the API server's OpenAPI v2 document
 * (`api/openapi-spec/swagger.json` of the k8s.io/kubernetes module, which the Go module proxy serves).
 *
 * kubeconform looks a resource up as `<dir>/v<version>-standalone-strict/<kind><suffix>.json`, where
 * the suffix is `-<first label of the API group>-<version>` (`deployment-apps-v1.json`,
 * `ingress-networking-v1.json`) or `-<version>` for the core group (`service-v1.json`). Each file is
 * the kind's definition with the definitions it reaches copied under `definitions` (standalone: no
 * reference leaves the file) and, as the `-strict` layout means, `additionalProperties: false` on
 * every object that lists its properties, so a misspelt or misplaced field is an error. Two API
 * types whose Go JSON encoding is wider than their OpenAPI type are widened as kubectl accepts them:
 * IntOrString (`format: int-or-string`) and Quantity (a string or a number).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The parts of a swagger 2.0 document this converter reads. */
export interface OpenApiV2 {
  swagger?: string;
  definitions: Record<string, Schema>;
}

const REF_PREFIX = '#/definitions/';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** kubeconform's file name for a kind: `deployment-apps-v1.json`, `service-v1.json`. */
export function schemaFileName({ group, version, kind }: GroupVersionKind): string {
  const suffix = group === '' ? `-${version}` : `-${group.split('.')[0]}-${version}`;
  return `${kind}${suffix}.json`.toLowerCase();
}

function refsOf(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, into));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) into.add(v.slice(REF_PREFIX.length));
      else refsOf(v, into);
    }
  }
}

/** The names of every definition reachable from `root`, `root` included. */
function closure(defs: Record<string, Schema>, root: string): string[] {
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length > 0) {
    const found = new Set<string>();
    const name = queue.pop()!;
    const def = defs[name];
    if (def === undefined) throw new Error(`swagger.json: definitions["${name}"] is referenced but missing`);
    refsOf(def, found);
    for (const f of found) {
      if (seen.has(f)) continue;
      seen.add(f);
      queue.push(f);
    }
  }
  return [...seen].sort();
}

/** Strictness and the two widenings, applied to a copy of one definition. */
function tighten(node: Json, name?: string): Json {
  if (Array.isArray(node)) return node.map((n) => tighten(n));
  if (node === null || typeof node !== 'object') return node;
  if (name === QUANTITY) return { description: node.description ?? '', oneOf: [{ type: 'string' }, { type: 'number' }] };
  if (node.format === 'int-or-string') return { description: node.description ?? '', oneOf: [{ type: 'string' }, { type: 'integer' }] };
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, tighten(s)])) : tighten(v);
  if (out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function gvkOf(def: Schema): GroupVersionKind[] {
  const list = def['x-kubernetes-group-version-kind'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((e) => (e !== null && typeof e === 'object' && !Array.isArray(e) && typeof e.kind === 'string' && typeof e.version === 'string' && typeof e.group === 'string' ? [{ group: e.group, version: e.version, kind: e.kind }] : []));
}

/**
 * One standalone strict schema per kind of a top-level resource (a definition with
 * `x-kubernetes-group-version-kind` and a `kind` property).
 * @returns file name → schema
 * @throws Error naming the field when the document is not a swagger 2.0 definitions document
 */
export function convertOpenApi(doc: OpenApiV2): Map<string, Schema> {
  if (doc === null || typeof doc !== 'object' || doc.definitions === null || typeof doc.definitions !== 'object') {
    throw new Error('swagger.json: definitions: expected an object of named schemas (an OpenAPI v2 document)');
  }
  const defs = doc.definitions;
  const files = new Map<string, Schema>();
  for (const [name, def] of Object.entries(defs)) {
    const props = def.properties;
    const isResource = props !== null && typeof props === 'object' && !Array.isArray(props) && 'kind' in props && 'apiVersion' in props;
    if (!isResource) continue;
    for (const gvk of gvkOf(def)) {
      const apiVersion = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
      const root = tighten(def, name) as Schema;
      const rootProps = root.properties as Schema;
      // The document says which kind it is: a file for another kind must not validate it.
      rootProps.kind = { type: 'string', enum: [gvk.kind] };
      rootProps.apiVersion = { type: 'string', enum: [apiVersion] };
      root.required = [...new Set([...(Array.isArray(root.required) ? root.required : []), 'kind', 'apiVersion'])];
      const reached = closure(defs, name).filter((n) => n !== name);
      root.definitions = Object.fromEntries(reached.map((n) => [n, tighten(defs[n], n)]));
      root.$schema = 'http://json-schema.org/draft-04/schema#';
      files.set(schemaFileName(gvk), root);
    }
  }
  return files;
}

/**
 * Writes `<outDir>/v<version>-standalone-strict/*.json` from a swagger.json file.
 * @returns the number of schema files written
 */
export function writeSchemas(swaggerPath: string, outDir: string, kubernetesVersion: string): number {
  if (!/^\d+\.\d+\.\d+$/.test(kubernetesVersion)) throw new Error(`kubernetesVersion: expected MAJOR.MINOR.PATCH such as 1.34.2, got "${kubernetesVersion}"`);
  const files = convertOpenApi(JSON.parse(readFileSync(swaggerPath, 'utf8')) as OpenApiV2);
  const dir = join(outDir, `v${kubernetesVersion}-standalone-strict`);
  mkdirSync(dir, { recursive: true });
  for (const [file, schema] of files) writeFileSync(join(dir, file), JSON.stringify(schema));
  return files.size;
}

// `node --import tsx k8s-schemas.ts SWAGGER_JSON OUT_DIR K8S_VERSION` (used by install.sh).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [swagger, out, version] = process.argv.slice(2);
  if (!swagger || !out || !version) {
    process.stderr.write('usage: k8s-schemas.ts SWAGGER_JSON OUT_DIR K8S_VERSION\n');
    process.exit(2);
  }
  process.stdout.write(`${writeSchemas(swagger, out, version)} schemas\n`);
}
