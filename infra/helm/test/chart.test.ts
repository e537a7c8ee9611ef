// The chart as an operator would install it: rendered by the real `helm template` (values checked
// against values.schema.json) and every object validated by kubeconform against the Kubernetes API's
// own schemas, offline (install.sh builds tools and schemas; set-up runs it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { CHART_DIR, INSTALL_SCRIPT, K8S_VERSION, validationTools } from '../src';

// Each test runs helm and kubeconform a few times: seconds on a quiet machine, far more under load.
vi.setConfig({ testTimeout: 120_000 });

const tools = validationTools();
const schemaDir = join(tools.schemas, `v${K8S_VERSION}-standalone-strict`);
const missing = [tools.helm, tools.kubeconform, join(schemaDir, '.complete')].filter((p) => !existsSync(p));

// helm keeps caches and repository config under these; a test must not touch the user's.
const helmHome = mkdtempSync(join(tmpdir(), 'slab-helm-'));
afterAll(() => rmSync(helmHome, { recursive: true, force: true }));
const helmEnv = { ...process.env, HELM_CACHE_HOME: join(helmHome, 'cache'), HELM_CONFIG_HOME: join(helmHome, 'config'), HELM_DATA_HOME: join(helmHome, 'data') };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };

function helmTemplate(set: string[] = []): { status: number | null; stdout: string; stderr: string } {
  // The Kubernetes version the schemas are for (a `go install` build of helm defaults to 1.20).
  const args = ['template', 'slab', CHART_DIR, '--namespace', 'lab', '--kube-version', K8S_VERSION, ...set.flatMap((s) => ['--set', s])];
  const r = spawnSync(tools.helm, args, { env: helmEnv, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function render(set: string[] = []): { text: string; objects: K8sObject[] } {
  const r = helmTemplate(set);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject).filter((o) => o !== null);
  return { text: r.stdout, objects };
}

interface KubeconformResource {
  kind: string;
  name: string;
  status: string;
  msg: string;
}

/** kubeconform on YAML text (stdin), strict, offline: every resource with its status. */
function kubeconform(yamlText: string): { ok: boolean; resources: KubeconformResource[] } {
  const r = spawnSync(tools.kubeconform, ['-strict', '-schema-location', tools.schemas, '-kubernetes-version', K8S_VERSION, '-output', 'json', '-verbose', '-'], { input: yamlText, encoding: 'utf8' });
  const parsed = JSON.parse(r.stdout) as { resources: KubeconformResource[] };
  return { ok: r.status === 0, resources: parsed.resources };
}

const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const container = (o: K8sObject | undefined) => o?.spec.template.spec.containers[0];
const env = (c: { env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[] }, name: string) => c.env.find((e) => e.name === name);

describe('validation tools', () => {
  it('are installed (bash infra/helm/install.sh; scripts/setup.sh runs it)', () => {
    expect(missing, `missing: ${missing.join(', ')} — run \`bash ${INSTALL_SCRIPT}\``).toEqual([]);
  });
});

describe.skipIf(missing.length > 0)('the scaling-lab chart', () => {
  it('passes helm lint with its values schema', () => {
    const r = spawnSync(tools.helm, ['lint', '--strict', '--kube-version', K8S_VERSION, CHART_DIR], { env: helmEnv, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('renders, with default values, objects that all validate against the Kubernetes schemas', () => {
    const { text, objects } = render();
    const result = kubeconform(text);
    expect(result.resources.filter((r) => r.status !== 'statusValid'), JSON.stringify(result.resources, null, 1)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.resources.length).toBe(objects.length);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/slab-scaling-lab-worker-cpu',
      'Secret/slab-scaling-lab-postgres',
      'Secret/slab-scaling-lab-tokens',
      'Service/slab-scaling-lab-gateway',
      'Service/slab-scaling-lab-postgres',
      'StatefulSet/slab-scaling-lab-gateway',
      'StatefulSet/slab-scaling-lab-postgres',
    ]);
  });

  it('runs the control plane as one `slab serve` with its state on a volume, probes on /healthz and the bundled Postgres', () => {
    const { objects } = render();
    const gateway = find(objects, 'StatefulSet', 'slab-scaling-lab-gateway')!;
    expect(gateway.spec.replicas).toBe(1);
    const c = container(gateway);
    expect(c.args.slice(0, 3)).toEqual(['serve', '--temporal', '$(TEMPORAL_ADDRESS)']);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) expect(c[probe].httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.volumeMounts).toEqual([{ name: 'state', mountPath: '/var/lib/slab' }]);
    expect(env(c, 'SLAB_STATE_DIR')?.value).toBe('/var/lib/slab');
    expect(gateway.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('50Gi');
    expect(env(c, 'SLAB_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: 'slab-scaling-lab-tokens', key: 'token' });
    // The store URL uses the password variable, which Kubernetes expands only when defined earlier.
    const names = c.env.map((e: { name: string }) => e.name);
    expect(env(c, 'SLAB_STORE')?.value).toBe('postgres://slab:$(POSTGRES_PASSWORD)@slab-scaling-lab-postgres.lab.svc:5432/slab');
    expect(names.indexOf('POSTGRES_PASSWORD')).toBeLessThan(names.indexOf('SLAB_STORE'));
    expect(gateway.spec.template.spec.initContainers.map((i: { name: string }) => i.name)).toEqual(['wait-for-postgres']);
    const pg = find(objects, 'StatefulSet', 'slab-scaling-lab-postgres')!;
    expect(pg.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(env(container(pg), 'POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'slab-scaling-lab-postgres', key: 'password' });
    const tokens = find(objects, 'Secret', 'slab-scaling-lab-tokens')!;
    const decoded = Object.values(tokens.data!).map((v) => Buffer.from(v, 'base64').toString());
    expect(decoded.every((t) => /^[A-Za-z0-9]{32}$/.test(t))).toBe(true);
    expect(new Set(decoded).size).toBe(2);
  });

  it('gives each GPU class its own Deployment: nvidia.com/gpu per pod, node selector, toleration, GPU image, ingest-only token', () => {
    const { text, objects } = render(['workers.gpu-a100.enabled=true', 'workers.gpu-a100.replicas=8', 'workers.gpu-h100.enabled=true', 'workers.gpu-h100.gpus=4', 'workers.gpu-h100.plugins={process}', 'image.repository=registry.example/slab']);
    expect(kubeconform(text).resources.filter((r) => r.status !== 'statusValid')).toEqual([]);
    const a100 = find(objects, 'Deployment', 'slab-scaling-lab-worker-gpu-a100')!;
    expect(a100.spec.replicas).toBe(8);
    const c = container(a100);
    expect(c.image).toBe('registry.example/slab:0.1.0-gpu');
    expect(c.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(c.resources.limits.memory).toBe('32Gi');
    expect(a100.spec.template.spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    expect(a100.spec.template.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(c.args).toEqual(['worker', '--queue', 'gpu-a100', '--plugin', 'tfjs', '--temporal', '$(TEMPORAL_ADDRESS)', '--gateway', 'http://slab-scaling-lab-gateway.lab.svc:7300', '--checkpoints', '/var/lib/slab/checkpoints']);
    expect(env(c, 'SLAB_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: 'slab-scaling-lab-tokens', key: 'ingest-token' });
    const h100 = container(find(objects, 'Deployment', 'slab-scaling-lab-worker-gpu-h100'));
    expect(h100.resources.limits['nvidia.com/gpu']).toBe(4);
    expect(h100.args[4]).toBe('process');
    // The CPU class keeps the CPU image and asks for no GPU.
    const cpu = container(find(objects, 'Deployment', 'slab-scaling-lab-worker-cpu'));
    expect(cpu.image).toBe('registry.example/slab:0.1.0');
    expect(cpu.resources.limits['nvidia.com/gpu']).toBeUndefined();
  });

  it('points at a managed Postgres or keeps SQLite on the gateway volume instead of the bundled server', () => {
    const managed = render(['store.existingSecret=slab-db']);
    expect(kubeconform(managed.text).ok).toBe(true);
    expect(managed.objects.filter((o) => o.metadata.name.endsWith('-postgres'))).toEqual([]);
    expect(find(managed.objects, 'StatefulSet', 'slab-scaling-lab-gateway')!.spec.template.spec.initContainers).toBeUndefined();
    expect(env(container(find(managed.objects, 'StatefulSet', 'slab-scaling-lab-gateway')), 'SLAB_STORE')?.valueFrom?.secretKeyRef).toEqual({ name: 'slab-db', key: 'url' });
    const sqlite = render(['store.kind=sqlite']);
    expect(kubeconform(sqlite.text).ok).toBe(true);
    expect(sqlite.objects.filter((o) => o.metadata.name.endsWith('-postgres'))).toEqual([]);
    expect(env(container(find(sqlite.objects, 'StatefulSet', 'slab-scaling-lab-gateway')), 'SLAB_STORE')).toBeUndefined();
  });

  it('reaches a Temporal that needs mTLS (Temporal Cloud) from every pod, with the certificate files from a Secret', () => {
    const { text, objects } = render(['temporal.address=acct.tmprl.cloud:7233', 'temporal.namespace=lab.acct', 'temporal.tls.secretName=temporal-client', 'temporal.tls.ca=true']);
    expect(kubeconform(text).ok).toBe(true);
    for (const name of ['StatefulSet/slab-scaling-lab-gateway', 'Deployment/slab-scaling-lab-worker-cpu']) {
      const [kind, n] = name.split('/');
      const o = find(objects, kind, n)!;
      const c = container(o);
      expect(Object.fromEntries(c.env.filter((e: { name: string }) => e.name.startsWith('TEMPORAL_')).map((e: { name: string; value: string }) => [e.name, e.value])), name).toEqual({
        TEMPORAL_ADDRESS: 'acct.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'lab.acct',
        TEMPORAL_TLS_CERT: '/etc/slab/temporal-tls/tls.crt',
        TEMPORAL_TLS_KEY: '/etc/slab/temporal-tls/tls.key',
        TEMPORAL_TLS_CA: '/etc/slab/temporal-tls/ca.crt',
      });
      expect(c.volumeMounts).toContainEqual({ name: 'temporal-tls', mountPath: '/etc/slab/temporal-tls', readOnly: true });
      expect(o.spec.template.spec.volumes).toContainEqual({ name: 'temporal-tls', secret: { secretName: 'temporal-client' } });
    }
    // Without TLS values nothing of it is rendered.
    const plain = container(find(render().objects, 'Deployment', 'slab-scaling-lab-worker-cpu'));
    expect(plain.env.map((e: { name: string }) => e.name).filter((n: string) => n.startsWith('TEMPORAL_TLS'))).toEqual([]);
  });

  it('refuses bad values before rendering, naming the field', () => {
    const cases: [string, RegExp][] = [
      ['workers.gpu-a100.gpus=-1', /at '\/workers\/gpu-a100\/gpus': minimum: got -1, want 0/],
      ['store.kind=mysql', /at '\/store\/kind': value must be one of 'postgres', 'sqlite'/],
      ['workers.cpu.gpu=1', /at '\/workers\/cpu': additional properties 'gpu' not allowed/],
      ['temporal.address=temporal', /at '\/temporal\/address': 'temporal' does not match pattern/],
      ['workers.Bad_Class.enabled=true', /invalid propertyName 'Bad_Class'/],
    ];
    for (const [set, pattern] of cases) {
      const r = helmTemplate([set]);
      expect(r.status, set).not.toBe(0);
      expect(r.stderr, set).toMatch(pattern);
    }
  });

  it('kubeconform rejects a broken manifest, naming each bad field, and an unknown kind', () => {
    const { objects } = render();
    const worker = structuredClone(find(objects, 'Deployment', 'slab-scaling-lab-worker-cpu')!);
    worker.spec.replicas = 'two';
    worker.spec.template.spec.containers[0].gpus = 1;
    const service = structuredClone(find(objects, 'Service', 'slab-scaling-lab-gateway')!);
    delete service.spec.ports[0].port;
    const unknown = { apiVersion: 'v1', kind: 'GpuPool', metadata: { name: 'x' } };
    const result = kubeconform([worker, service, unknown].map((o) => stringify(o)).join('---\n'));
    expect(result.ok).toBe(false);
    const byKind = Object.fromEntries(result.resources.map((r) => [r.kind, r]));
    expect(byKind.Deployment.status).toBe('statusInvalid');
    // kubeconform's message lists every nested failure with its JSON pointer.
    expect(byKind.Deployment.msg).toMatch(/at '\/spec\/replicas': got string, want integer/);
    expect(byKind.Deployment.msg).toMatch(/at '\/spec\/template\/spec\/containers\/0': additional properties 'gpus' not allowed/);
    expect(byKind.Service.status).toBe('statusInvalid');
    expect(byKind.Service.msg).toMatch(/at '\/spec\/ports\/0': missing property 'port'/);
    expect(byKind.GpuPool.status).toBe('statusError'); // no schema: an error, never skipped silently
    // The untouched objects still validate: the failures are the edits, not the harness.
    expect(kubeconform(stringify(find(objects, 'Deployment', 'slab-scaling-lab-worker-cpu'))).ok).toBe(true);
  });
});

describe.skipIf(missing.length > 0)('install.sh', () => {
  it('finds everything in place and says so without building', () => {
    const out = execFileSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8' });
    expect(out.trim()).toBe(`helm v3.22.0, kubeconform v0.7.0, Kubernetes ${K8S_VERSION} schemas in ${join(tools.helm, '..')} and ${tools.schemas}`);
  });
});
