/** Small hand-built clusters for simulator tests: old m5.large nodes, Deployments of identical pods, one general VNG. */
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { DEFAULT_PARAMS, type MigrationParams } from '../../../src/model/params.js';
import type { Cluster, Node, Pod, PodDisruptionBudget, Vng, Workload } from '../../../src/model/types.js';
import { buildPlan, type Plan } from '../../../src/planner/plan.js';
import { podSpec } from '../../helpers/pod-spec.js';

export const GI = 1024 ** 3;
export const catalog = loadCatalog();

export function oldNode(name: string, instanceId: string, zone = 'us-east-1a'): Node {
  return {
    name,
    uid: `uid-${name}`,
    labels: {
      'kubernetes.io/hostname': name,
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': 'm5.large',
      'topology.kubernetes.io/zone': zone,
      'eks.amazonaws.com/nodegroup': 'old',
    },
    annotations: {},
    taints: [],
    capacity: { cpu: 2000, memory: 8 * GI, pods: 29 },
    allocatable: { cpu: 1930, memory: 7 * GI, pods: 29 },
    unschedulable: false,
    providerID: `aws:///${zone}/${instanceId}`,
    instanceType: 'm5.large',
    zone,
    instanceId,
    ready: true,
  };
}

export interface DeploymentSpec {
  readonly name: string;
  readonly namespace?: string;
  readonly replicas: number;
  /** Node of each replica (cycled). */
  readonly nodes: readonly string[];
  readonly cpu?: number;
  readonly memory?: number;
  /** Pod i is Running but not Ready in the input. */
  readonly unready?: boolean;
}

export function deployment(d: DeploymentSpec): { pods: Pod[]; workloads: Workload[] } {
  const ns = d.namespace ?? 'default';
  const rs = { kind: 'ReplicaSet', name: `${d.name}-5c7d8`, uid: `rs-${d.name}` };
  const dep = { kind: 'Deployment', name: d.name, uid: `dep-${d.name}` };
  const pods: Pod[] = [];
  for (let i = 0; i < d.replicas; i++) {
    pods.push({
      uid: `pod-${d.name}-${i}`,
      namespace: ns,
      name: `${rs.name}-p${i}`,
      labels: { app: d.name },
      annotations: {},
      nodeName: d.nodes[i % d.nodes.length] ?? null,
      phase: 'Running',
      owner: rs,
      workload: dep,
      isMirror: false,
      ready: !d.unready,
      ...podSpec({ requests: { cpu: d.cpu ?? 250, memory: d.memory ?? 256 * 1024 * 1024 } }),
    });
  }
  const workloads: Workload[] = [
    { kind: 'Deployment', namespace: ns, name: d.name, uid: dep.uid, replicas: d.replicas, owner: null },
    { kind: 'ReplicaSet', namespace: ns, name: rs.name, uid: rs.uid, replicas: d.replicas, owner: dep },
  ];
  return { pods, workloads };
}

export function pdb(name: string, app: string, maxUnavailable: number): PodDisruptionBudget {
  return {
    namespace: 'default',
    name,
    selector: { matchLabels: { app }, matchExpressions: [] },
    minAvailable: null,
    maxUnavailable: { kind: 'int', value: maxUnavailable },
    disruptionsAllowed: null,
  };
}

export function cluster(nodes: Node[], parts: { pods: Pod[]; workloads: Workload[] }[], pdbs: PodDisruptionBudget[] = []): Cluster {
  return {
    nodes,
    pods: parts.flatMap((p) => p.pods),
    pdbs,
    daemonSets: [],
    workloads: parts.flatMap((p) => p.workloads),
    pvcs: [],
    pvs: [],
    namespaces: [{ name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } }],
    storageClasses: [],
  };
}

export function generalVng(over: Partial<Vng> = {}): Vng {
  return {
    id: 'ols-test',
    name: 'general',
    labels: { 'vngshift.io/pool': 'general' },
    taints: [],
    instanceTypes: ['m5.large', 'm5.xlarge'],
    zones: ['us-east-1a'],
    subnetIds: ['subnet-a'],
    minInstanceCount: 0,
    maxInstanceCount: 10,
    maxVCpu: null,
    maxMemoryGiB: null,
    rootVolumeSizeGiB: null,
    preferredSpotTypes: [],
    ...over,
  };
}

export function planFor(c: Cluster, vngs: Vng[], params: Partial<MigrationParams> = {}): Plan {
  return buildPlan({ cluster: c, vngs, catalog, params: { ...DEFAULT_PARAMS, ...params } });
}
