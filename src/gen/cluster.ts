/**
 * A realistic EKS cluster as the objects `kubectl get ... -A -o json` lists: namespaces, a gp3 StorageClass, nodes with EKS
 * labels and allocatable, DaemonSet pods on every node, and workloads of every kind the planner must reason about.
 * Deterministic for a given spec and seed; linear in nodes + pods (plus one sort per kind).
 *
 * Left out on purpose, to keep 150,000-pod clusters small and fast: managedFields, resourceVersion, and the projected
 * service-account token volume that admission adds to every pod (nothing the planner reads).
 */
import { yamlText } from '../model/yaml-output.js';
import type { KubeObject } from './kube-objects.js';
import {
  controllerObjects,
  daemonSetObject,
  daemonSetPodObject,
  namespaceObject,
  nodeObject,
  pdbObject,
  storageClassObject,
  volumeObjects,
  workloadPodObject,
} from './kube-objects.js';
import { awsId, uuid } from './names.js';
import { generateNodes } from './node-fleet.js';
import type { Prng } from './prng.js';
import { resolveClusterGenSpec } from './spec.js';
import type { ClusterGenSpec } from './spec.js';
import { planCluster } from './workload-plan.js';

export type { KubeObject, KubeMetadata, KubeOwnerReference } from './kube-objects.js';
export type { ClusterGenSpec, NodeTypeSpec, WorkloadMix, DaemonSetSpec, GenTaint } from './spec.js';

/** Output order of kinds, as in `kubectl get namespaces,storageclasses,nodes,pods,pdb,daemonsets,replicasets,...`. */
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'StorageClass',
  'Node',
  'Pod',
  'PodDisruptionBudget',
  'DaemonSet',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'Job',
  'PersistentVolumeClaim',
  'PersistentVolume',
];

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** kubectl's order: by kind (KIND_ORDER), then namespace, then name. Sorts each kind once on a precomputed key. */
function inKubectlOrder(objects: readonly KubeObject[]): KubeObject[] {
  const buckets = new Map<string, { key: string; obj: KubeObject }[]>(KIND_ORDER.map((k) => [k, []]));
  for (const obj of objects) {
    let bucket = buckets.get(obj.kind);
    if (bucket === undefined) {
      bucket = [];
      buckets.set(obj.kind, bucket);
    }
    // NUL sorts before every character a name may hold, so namespace order wins over name order.
    bucket.push({ key: `${obj.metadata.namespace ?? ''}\u0000${obj.metadata.name}`, obj });
  }
  const out: KubeObject[] = [];
  for (const bucket of buckets.values()) {
    bucket.sort((a, b) => compareText(a.key, b.key));
    for (const { obj } of bucket) out.push(obj);
  }
  return out;
}

const DAY_MS = 86_400_000;

export function generateClusterObjects(spec: ClusterGenSpec, prng: Prng): KubeObject[] {
  const resolved = resolveClusterGenSpec(spec);
  const nodes = generateNodes(resolved, prng.fork('nodes'));
  const plan = planCluster(resolved, nodes, prng.fork('plan'));
  const meta = prng.fork('objects');
  const clusterBorn = resolved.nowMs - 400 * DAY_MS;

  const out: KubeObject[] = [];
  const namespaces = new Set<string>(['default', 'kube-system', ...plan.namespaces]);
  for (const ds of plan.daemonSets) namespaces.add(ds.spec.namespace);
  for (const ns of [...namespaces].sort(compareText)) out.push(namespaceObject(ns, clusterBorn + meta.int(0, DAY_MS), uuid(meta)));
  out.push(storageClassObject(clusterBorn, uuid(meta)));

  const amiByNodegroup = new Map<string, string>();
  for (const n of nodes) {
    let ami = amiByNodegroup.get(n.nodegroup);
    if (ami === undefined) {
      ami = awsId(meta, 'ami');
      amiByNodegroup.set(n.nodegroup, ami);
    }
    out.push(nodeObject(n, resolved, ami, uuid(meta)));
  }
  for (const ds of plan.daemonSets) {
    out.push(daemonSetObject(ds));
    for (const pod of ds.pods) out.push(daemonSetPodObject(ds, pod, nodes.length));
  }
  for (const w of plan.workloads) {
    for (const obj of controllerObjects(w)) out.push(obj);
    if (w.pdb !== null) out.push(pdbObject(w, w.pdb));
    for (const pod of w.pods) {
      out.push(workloadPodObject(w, pod, nodes.length));
      if (pod.volume !== null) for (const obj of volumeObjects(w, pod)) out.push(obj);
    }
  }
  return inKubectlOrder(out);
}

/** The objects wrapped in a `v1 List`, as kubectl prints several kinds at once. */
export function clusterList(objects: readonly unknown[]): { apiVersion: 'v1'; kind: 'List'; items: unknown[]; metadata: { resourceVersion: string } } {
  return { apiVersion: 'v1', items: [...objects], kind: 'List', metadata: { resourceVersion: '' } };
}

/**
 * The `v1 List` as YAML (no anchors, no folded lines), ending in a newline. Strings a YAML 1.1 reader would take for
 * something else (`yes`, `on`, timestamps) are quoted, so Kubernetes' own YAML readers see the same data.
 */
export function clusterListYaml(objects: readonly unknown[]): string {
  return yamlText(clusterList(objects));
}

/** The `v1 List` as JSON with kubectl's four-space indent, ending in a newline. */
export function clusterListJson(objects: readonly unknown[]): string {
  return `${JSON.stringify(clusterList(objects), null, 4)}\n`;
}
