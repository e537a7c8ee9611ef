import { describe, expect, it } from 'vitest';
import { convertOpenApi, schemaFileName, type OpenApiV2 } from '../src';

const doc: OpenApiV2 = {
  swagger: '2.0',
  definitions: {
    'io.k8s.api.apps.v1.Deployment': {
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, spec: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentSpec' } },
      'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
    },
    'io.k8s.api.apps.v1.DeploymentSpec': {
      properties: { replicas: { type: 'integer' }, port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }, memory: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } },
    },
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
    'io.k8s.api.core.v1.Unrelated': { properties: { a: { type: 'string' } } },
    'io.k8s.api.core.v1.Service': {
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' } },
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Service' }],
    },
  },
};

describe('OpenAPI v2 to kubeconform schemas', () => {
  it('names files as kubeconform looks them up', () => {
    expect(schemaFileName({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe('deployment-apps-v1.json');
    expect(schemaFileName({ group: '', version: 'v1', kind: 'Service' })).toBe('service-v1.json');
    expect(schemaFileName({ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' })).toBe('ingress-networking-v1.json');
  });

  it('writes one standalone strict schema per resource kind, with only the definitions it reaches', () => {
    const files = convertOpenApi(doc);
    expect([...files.keys()].sort()).toEqual(['deployment-apps-v1.json', 'service-v1.json']);
    const deployment = files.get('deployment-apps-v1.json')!;
    expect(deployment.additionalProperties).toBe(false);
    expect(Object.keys(deployment.definitions as object).sort()).toEqual([
      'io.k8s.api.apps.v1.DeploymentSpec',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    ]);
    const defs = deployment.definitions as Record<string, Record<string, unknown>>;
    expect(defs['io.k8s.api.apps.v1.DeploymentSpec'].additionalProperties).toBe(false);
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf).toEqual([{ type: 'string' }, { type: 'integer' }]);
    expect(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf).toEqual([{ type: 'string' }, { type: 'number' }]);
    expect((deployment.properties as Record<string, unknown>).kind).toEqual({ type: 'string', enum: ['Deployment'] });
    expect((deployment.properties as Record<string, unknown>).apiVersion).toEqual({ type: 'string', enum: ['apps/v1'] });
    expect((files.get('service-v1.json')!.properties as Record<string, unknown>).apiVersion).toEqual({ type: 'string', enum: ['v1'] });
    // The input is not modified: each kind gets its own copy.
    expect(doc.definitions['io.k8s.api.apps.v1.DeploymentSpec'].additionalProperties).toBeUndefined();
  });

  it('names what is wrong with a document that is not OpenAPI v2, or a dangling reference', () => {
    expect(() => convertOpenApi({} as OpenApiV2)).toThrow('swagger.json: definitions: expected an object of named schemas');
    const dangling: OpenApiV2 = { definitions: { D: { properties: { kind: {}, apiVersion: {}, x: { $ref: '#/definitions/Gone' } }, 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'D' }] } } };
    expect(() => convertOpenApi(dangling)).toThrow('swagger.json: definitions["Gone"] is referenced but missing');
  });
});
