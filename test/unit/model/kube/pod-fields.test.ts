import { describe, expect, it } from 'vitest';
import { instanceIdFromProviderId, parseClusterObjects } from '../../../../src/model/kube/index.js';
import type { Pod } from '../../../../src/model/types.js';
import { container, list, pod } from './helpers.js';
import type { Json } from './helpers.js';

function onePod(spec: Json, metadata: Json = {}, status: Json = {}): Pod {
  const only = parseClusterObjects([pod('p', spec, metadata, status)], 'test.yaml').pods[0];
  if (only === undefined) throw new Error('no pod parsed');
  return only;
}

describe('pod scheduling fields', () => {
  it('defaults toleration operator to Equal and effect to empty', () => {
    const p = onePod({ tolerations: [{ key: 'dedicated', value: 'batch' }, { operator: 'Exists' }, { key: 'x', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] });
    expect(p.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'batch', effect: '' },
      { key: '', operator: 'Exists', value: '', effect: '' },
      { key: 'x', operator: 'Exists', value: '', effect: 'NoExecute' },
    ]);
  });

  it('reads required node affinity terms with matchExpressions and matchFields; null when only preferred terms exist', () => {
    const p = onePod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64', 'amd64'] }, { key: 'gpu', operator: 'DoesNotExist' }] },
              { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] },
              { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] },
            ],
          },
        },
      },
    });
    expect(p.requiredNodeAffinity).toEqual([
      {
        matchExpressions: [
          { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64', 'amd64'] },
          { key: 'gpu', operator: 'DoesNotExist', values: [] },
        ],
        matchFields: [],
      },
      { matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] },
      { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }], matchFields: [] },
    ]);
    const preferredOnly = onePod({
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: {} }] } },
    });
    expect(preferredOnly.requiredNodeAffinity).toBeNull();
  });

  it('reads pod affinity terms: nil selector stays null, {} namespaceSelector is an empty selector', () => {
    const p = onePod({
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'topology.kubernetes.io/zone', namespaces: ['cache'], namespaceSelector: {} },
          ],
          preferredDurationSchedulingIgnoredDuringExecution: [],
        },
      },
    });
    expect(p.podAffinity).toEqual([
      {
        labelSelector: null,
        namespaces: ['cache'],
        namespaceSelector: { matchLabels: {}, matchExpressions: [] },
        topologyKey: 'topology.kubernetes.io/zone',
      },
    ]);
    expect(p.podAntiAffinity).toEqual([]);
  });

  it('keeps topology spread fields that are set', () => {
    const p = onePod({
      topologySpreadConstraints: [
        {
          maxSkew: 2,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          minDomains: 3,
          nodeAffinityPolicy: 'Ignore',
          nodeTaintsPolicy: 'Honor',
          matchLabelKeys: ['pod-template-hash'],
        },
      ],
    });
    expect(p.topologySpread).toEqual([
      {
        maxSkew: 2,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: null,
        minDomains: 3,
        nodeAffinityPolicy: 'Ignore',
        nodeTaintsPolicy: 'Honor',
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
  });

  it('collects host ports from app containers and sidecars, not from regular init containers', () => {
    const p = onePod({
      initContainers: [
        container('setup', {}, {}, { ports: [{ containerPort: 1, hostPort: 1111 }] }),
        container('proxy', {}, {}, { restartPolicy: 'Always', ports: [{ containerPort: 15090, hostPort: 15090, protocol: 'UDP' }] }),
      ],
      containers: [
        container('app', {}, {}, { ports: [{ containerPort: 80 }, { containerPort: 8080, hostPort: 80, hostIP: '10.0.0.1' }, { containerPort: 9, hostPort: 0 }] }),
      ],
    });
    expect(p.hostPorts).toEqual([
      { port: 80, protocol: 'TCP', hostIP: '10.0.0.1' },
      { port: 15090, protocol: 'UDP', hostIP: '' },
    ]);
  });

  it('reads every volume kind; a generic ephemeral volume names the claim Kubernetes creates', () => {
    const p = onePod({
      volumes: [
        { name: 'logs', hostPath: { path: '/var/log' } },
        { name: 'scratch', emptyDir: {} },
        { name: 'tmp', ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: 'token', projected: { sources: [] } },
      ],
    });
    expect(p.volumes).toEqual([
      { name: 'logs', kind: 'hostPath', path: '/var/log' },
      { name: 'scratch', kind: 'emptyDir', medium: '' },
      { name: 'tmp', kind: 'pvc', claimName: 'p-tmp' },
      { name: 'token', kind: 'other' },
    ]);
  });

  it('applies defaults: namespace, uid, phase, node, priority, grace period', () => {
    const p = onePod({ containers: [] });
    expect(p).toMatchObject({
      namespace: 'default',
      uid: 'default/p',
      phase: 'Pending',
      nodeName: null,
      ready: false,
      priority: 0,
      terminationGracePeriodSeconds: 30,
      nodeSelector: {},
      requiredNodeAffinity: null,
      isMirror: false,
      labels: {},
      annotations: {},
    });
  });
});

describe('owners and workloads', () => {
  const ref = (kind: string, name: string, controller?: boolean): Json =>
    controller === undefined ? { apiVersion: 'apps/v1', kind, name, uid: `uid-${name}` } : { apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller };

  it('uses the controller reference among several', () => {
    const p = onePod({}, { ownerReferences: [ref('ConfigMap', 'cm', false), ref('ReplicaSet', 'rs', true)] });
    expect(p.owner).toEqual({ kind: 'ReplicaSet', name: 'rs', uid: 'uid-rs' });
  });

  it('uses the only reference when none is marked controller, and none when several are unmarked', () => {
    expect(onePod({}, { ownerReferences: [ref('StatefulSet', 'db')] }).owner?.name).toBe('db');
    expect(onePod({}, { ownerReferences: [ref('A', 'a'), ref('B', 'b')] }).owner).toBeNull();
  });

  it('keeps the ReplicaSet as the workload when the ReplicaSet is absent or has no Deployment', () => {
    expect(onePod({}, { ownerReferences: [ref('ReplicaSet', 'rs', true)] }).workload).toEqual({ kind: 'ReplicaSet', name: 'rs', uid: 'uid-rs' });
    const bare = parseClusterObjects(
      [list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' } }, pod('p', {}, { ownerReferences: [ref('ReplicaSet', 'rs', true)] }))],
      'test.yaml',
    );
    expect(bare.pods[0]?.workload?.kind).toBe('ReplicaSet');
    expect(bare.workloads[0]).toEqual({ kind: 'ReplicaSet', namespace: 'default', name: 'rs', uid: 'default/rs', replicas: 1, owner: null });
  });

  it('looks up the ReplicaSet in the pod namespace only', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'other', ownerReferences: [ref('Deployment', 'web', true)] } };
    const cluster = parseClusterObjects([list(rs, pod('p', {}, { namespace: 'mine', ownerReferences: [ref('ReplicaSet', 'rs', true)] }))], 'test.yaml');
    expect(cluster.pods[0]?.workload?.kind).toBe('ReplicaSet');
  });

  it('gives an owner without uid the stand-in uid its object would get', () => {
    const cluster = parseClusterObjects(
      [list({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'x' } }, pod('db-0', {}, { namespace: 'x', ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }] }))],
      'test.yaml',
    );
    expect(cluster.pods[0]?.owner?.uid).toBe('x/db');
    expect(cluster.workloads[0]?.uid).toBe('x/db');
  });
});

describe('instanceIdFromProviderId', () => {
  it.each([
    ['aws:///us-east-1a/i-0abc123', 'i-0abc123'],
    ['aws:///eu-west-1b/i-0123456789abcdef0', 'i-0123456789abcdef0'],
    ['aws:///us-east-1a/fargate-ip-10-0-0-1', null],
    ['kind://docker/kind/kind-worker', null],
    ['', null],
  ])('%s -> %s', (providerID, expected) => {
    expect(instanceIdFromProviderId(providerID)).toBe(expected);
  });
});
