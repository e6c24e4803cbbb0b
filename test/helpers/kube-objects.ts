/**
 * kubectl-style objects (as `kubectl get ... -o json` prints them, trimmed) for tests: nodes of catalog instance types,
 * Deployments with their ReplicaSet and pods, DaemonSets, PDBs; and Ocean launch specs as JSON text.
 */
import { nodeResources } from '../../src/catalog/allocatable.js';
import type { Catalog } from '../../src/catalog/catalog.js';

export type KObj = Record<string, unknown>;

export const REGION = 'us-east-1';

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').slice(-width);
}

/** A stable uid from a small integer. */
export function uid(n: number): string {
  return `00000000-0000-4000-8000-${hex(n, 12)}`;
}

export interface NodeObjectInput {
  readonly name: string;
  readonly instanceType: string;
  readonly zone: string;
  readonly labels?: Record<string, string>;
  readonly taints?: readonly { key: string; value: string; effect: string }[];
  readonly index: number;
}

/** A Ready node of a catalog type whose capacity and allocatable are what nodeResources computes for it. */
export function nodeObject(catalog: Catalog, n: NodeObjectInput): KObj {
  const it = catalog.byName.get(n.instanceType);
  if (!it) throw new Error(`unknown instance type ${n.instanceType}`);
  const res = nodeResources(it);
  const q = (list: Record<string, number>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(list)) out[k] = k === 'cpu' ? `${v}m` : String(v);
    return out;
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      uid: uid(1_000_000 + n.index),
      labels: {
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/arch': it.architecture,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': n.instanceType,
        'topology.kubernetes.io/zone': n.zone,
        'topology.kubernetes.io/region': REGION,
        ...(n.labels ?? {}),
      },
    },
    spec: {
      providerID: `aws:///${n.zone}/i-${hex(0xabc00000 + n.index, 17)}`,
      ...(n.taints && n.taints.length > 0 ? { taints: n.taints } : {}),
    },
    status: {
      capacity: q(res.capacity),
      allocatable: q(res.allocatable),
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export interface PodTemplateInput {
  readonly labels: Record<string, string>;
  readonly cpuMilli: number;
  readonly memoryMi: number;
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: readonly KObj[];
  readonly affinity?: KObj;
  readonly topologySpreadConstraints?: readonly KObj[];
  readonly hostPort?: number;
}

export function podSpecObject(t: PodTemplateInput, nodeName: string | null): KObj {
  return {
    ...(nodeName !== null ? { nodeName } : {}),
    containers: [
      {
        name: 'main',
        image: 'registry.example/app:1',
        resources: { requests: { cpu: `${t.cpuMilli}m`, memory: `${t.memoryMi}Mi` } },
        ...(t.hostPort !== undefined ? { ports: [{ containerPort: t.hostPort, hostPort: t.hostPort }] } : {}),
      },
    ],
    ...(t.nodeSelector ? { nodeSelector: t.nodeSelector } : {}),
    ...(t.tolerations ? { tolerations: t.tolerations } : {}),
    ...(t.affinity ? { affinity: t.affinity } : {}),
    ...(t.topologySpreadConstraints ? { topologySpreadConstraints: t.topologySpreadConstraints } : {}),
  };
}

export interface DeploymentInput {
  readonly namespace: string;
  readonly name: string;
  readonly index: number;
  readonly template: PodTemplateInput;
  /** Node name per replica; null: Pending. */
  readonly replicaNodes: readonly (string | null)[];
}

/** A Deployment, its ReplicaSet and one pod per replica. */
export function deploymentObjects(d: DeploymentInput): KObj[] {
  const depUid = uid(2_000_000 + d.index);
  const rsUid = uid(3_000_000 + d.index);
  const rsName = `${d.name}-7d9f8c6b5`;
  const labels = { ...d.template.labels, 'pod-template-hash': '7d9f8c6b5' };
  const out: KObj[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, uid: depUid, labels: d.template.labels },
      spec: { replicas: d.replicaNodes.length, selector: { matchLabels: d.template.labels } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: d.namespace,
        uid: rsUid,
        labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, uid: depUid, controller: true }],
      },
      spec: { replicas: d.replicaNodes.length },
    },
  ];
  d.replicaNodes.forEach((nodeName, r) => {
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rsName}-${hex(r * 7919 + d.index, 5)}`,
        namespace: d.namespace,
        uid: uid(4_000_000 + d.index * 1000 + r),
        labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true }],
      },
      spec: podSpecObject(d.template, nodeName),
      status:
        nodeName === null
          ? { phase: 'Pending' }
          : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
  });
  return out;
}

export interface DaemonSetInput {
  readonly namespace: string;
  readonly name: string;
  readonly index: number;
  readonly template: PodTemplateInput;
  readonly nodes: readonly string[];
}

export function daemonSetObjects(d: DaemonSetInput): KObj[] {
  const dsUid = uid(5_000_000 + d.index);
  const out: KObj[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: d.name, namespace: d.namespace, uid: dsUid },
      spec: {
        selector: { matchLabels: d.template.labels },
        template: { metadata: { labels: d.template.labels }, spec: podSpecObject(d.template, null) },
      },
    },
  ];
  d.nodes.forEach((nodeName, i) => {
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${d.name}-${hex(i * 104729 + d.index, 5)}`,
        namespace: d.namespace,
        uid: uid(6_000_000 + d.index * 1000 + i),
        labels: d.template.labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: d.name, uid: dsUid, controller: true }],
      },
      spec: podSpecObject(d.template, nodeName),
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
  });
  return out;
}

export function pdbObject(namespace: string, name: string, matchLabels: Record<string, string>, budget: KObj): KObj {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace, uid: uid(7_000_000 + name.length) },
    spec: { selector: { matchLabels }, ...budget },
  };
}

export function kubeList(items: readonly unknown[]): KObj {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

export interface LaunchSpecInput {
  readonly name: string;
  readonly instanceTypes: readonly string[];
  readonly zones: readonly string[];
  readonly labels?: Record<string, string>;
  readonly taints?: readonly { key: string; value: string; effect: string }[];
  readonly maxInstanceCount?: number | null;
}

const subnetOf = (zone: string): string => `subnet-${zone}`;

/** `{launchSpecs, subnetZones}` JSON text for parseVngText. */
export function launchSpecsText(specs: readonly LaunchSpecInput[]): string {
  const zones = new Set<string>();
  const launchSpecs = specs.map((s) => {
    for (const z of s.zones) zones.add(z);
    return {
      name: s.name,
      instanceTypes: [...s.instanceTypes],
      subnetIds: s.zones.map(subnetOf),
      ...(s.labels ? { labels: Object.entries(s.labels).map(([key, value]) => ({ key, value })) } : {}),
      ...(s.taints && s.taints.length > 0 ? { taints: s.taints } : {}),
      ...(s.maxInstanceCount !== undefined && s.maxInstanceCount !== null
        ? { resourceLimits: { minInstanceCount: 0, maxInstanceCount: s.maxInstanceCount } }
        : {}),
    };
  });
  const subnetZones: Record<string, string> = {};
  for (const z of [...zones].sort()) subnetZones[subnetOf(z)] = z;
  return JSON.stringify({ launchSpecs, subnetZones }, null, 2);
}
