/** Builds a Cluster from decoded Kubernetes objects: dispatch by kind, duplicate check, deterministic order. */

import { InputError } from '../errors.js';
import type {
  Cluster,
  DaemonSet,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  SkippedKind,
  StorageClass,
  Workload,
} from '../types.js';
import { isWorkloadKind, parseDaemonSet, parsePdb, parseWorkload } from './controllers.js';
import { unwrapObjects } from './envelope.js';
import type { KubeObject, TopLevelValue } from './envelope.js';
import { namespaceOf, objectLabel, viewOf } from './metadata.js';
import { parseNode } from './node.js';
import { parsePod, WorkloadIndex } from './pod.js';
import { parseNamespace, parsePv, parsePvc, parseStorageClass } from './storage.js';

/** Kinds that become part of the Cluster; every other kind is skipped. */
export const HANDLED_KINDS: ReadonlySet<string> = new Set([
  'Node',
  'Pod',
  'PodDisruptionBudget',
  'DaemonSet',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Namespace',
  'StorageClass',
]);

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byNamespaceName(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

function byName(a: { name: string }, b: { name: string }): number {
  return compareText(a.name, b.name);
}

/**
 * Built-in Kubernetes kinds (and those of widely installed add-ons) that a `kubectl get ... -o yaml` may carry but the
 * planner has no use for. A skipped kind outside this set and HANDLED_KINDS is reported as unknown: usually a typo.
 */
const KNOWN_UNREAD_KINDS: ReadonlySet<string> = new Set([
  'APIService', 'Binding', 'CSIDriver', 'CSINode', 'CSIStorageCapacity', 'CertificateSigningRequest', 'ClusterRole',
  'ClusterRoleBinding', 'ComponentStatus', 'ConfigMap', 'ControllerRevision', 'CustomResourceDefinition', 'Endpoints',
  'EndpointSlice', 'Event', 'FlowSchema', 'HorizontalPodAutoscaler', 'Ingress', 'IngressClass', 'Lease', 'LimitRange',
  'MutatingAdmissionPolicy', 'MutatingWebhookConfiguration', 'NetworkPolicy', 'PodTemplate', 'PriorityClass',
  'PriorityLevelConfiguration', 'ResourceClaim', 'ResourceClaimTemplate', 'DeviceClass', 'ResourceSlice', 'ResourceQuota',
  'Role', 'RoleBinding', 'RuntimeClass', 'Secret', 'Service', 'ServiceAccount', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment', 'VolumeAttributesClass',
  'VerticalPodAutoscaler', 'NodePool', 'NodeClaim', 'EC2NodeClass', 'PodMonitor', 'ServiceMonitor', 'PrometheusRule',
]);

/** Counts per skipped kind, sorted by kind. */
function countSkipped(objects: readonly KubeObject[]): SkippedKind[] {
  const counts = new Map<string, number>();
  for (const o of objects) if (!HANDLED_KINDS.has(o.kind)) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => compareText(a[0], b[0]))
    .map(([kind, count]) => ({ kind, count, known: KNOWN_UNREAD_KINDS.has(kind) }));
}

/** Keeps the handled objects, refusing a second object with the same kind, namespace and name. */
function handledObjects(objects: readonly KubeObject[], file: string): KubeObject[] {
  const seen = new Map<string, KubeObject>();
  const out: KubeObject[] = [];
  for (const object of objects) {
    if (!HANDLED_KINDS.has(object.kind)) continue;
    const key = `${object.kind}\u0000${namespaceOf(object)}\u0000${object.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const places = first.where !== '' && object.where !== '' ? ` (at ${first.where} and at ${object.where})` : '';
      throw new InputError(file, objectLabel(object), '', `expected each object once; found it twice${places}`);
    }
    seen.set(key, object);
    out.push(object);
  }
  return out;
}

/** The Cluster in decoded top-level values (Lists, objects, arrays of objects), each tagged with where it came from. */
export function clusterFromValues(values: readonly TopLevelValue[], file: string): Cluster {
  const all = unwrapObjects(values, file);
  const objects = handledObjects(all, file);
  const skippedKinds = countSkipped(all);
  const nodes: Node[] = [];
  const podObjects: KubeObject[] = [];
  const pdbs: PodDisruptionBudget[] = [];
  const daemonSets: DaemonSet[] = [];
  const workloads: Workload[] = [];
  const pvcs: PersistentVolumeClaim[] = [];
  const pvs: PersistentVolume[] = [];
  const namespaces: Namespace[] = [];
  const storageClasses: StorageClass[] = [];
  for (const object of objects) {
    const { kind } = object;
    if (kind === 'Pod') {
      // Pods wait until every workload is known, so owners resolve in one pass whatever the input order.
      podObjects.push(object);
      continue;
    }
    const view = viewOf(object, file);
    if (isWorkloadKind(kind)) workloads.push(parseWorkload(view, kind));
    else if (kind === 'Node') nodes.push(parseNode(view));
    else if (kind === 'PodDisruptionBudget') pdbs.push(parsePdb(view));
    else if (kind === 'DaemonSet') daemonSets.push(parseDaemonSet(view));
    else if (kind === 'PersistentVolumeClaim') pvcs.push(parsePvc(view));
    else if (kind === 'PersistentVolume') pvs.push(parsePv(view));
    else if (kind === 'Namespace') namespaces.push(parseNamespace(view));
    else if (kind === 'StorageClass') storageClasses.push(parseStorageClass(view));
  }
  const index = new WorkloadIndex(workloads);
  const pods: Pod[] = podObjects.map((object) => parsePod(viewOf(object, file), index));
  return {
    nodes: nodes.sort(byName),
    pods: pods.sort(byNamespaceName),
    pdbs: pdbs.sort(byNamespaceName),
    daemonSets: daemonSets.sort(byNamespaceName),
    workloads: workloads.sort((a, b) => byNamespaceName(a, b) || compareText(a.kind, b.kind)),
    pvcs: pvcs.sort(byNamespaceName),
    pvs: pvs.sort(byName),
    namespaces: namespaces.sort(byName),
    storageClasses: storageClasses.sort(byName),
    ...(skippedKinds.length > 0 ? { skippedKinds } : {}),
  };
}

/**
 * The Cluster in already-decoded objects (as read from the API server, or from a file): each element may be a Kubernetes
 * object, a List (nested Lists are flattened; items of typed lists such as PodList inherit their kind) or an array of
 * objects. Other kinds are skipped. Bad input raises InputError naming `file`.
 */
export function parseClusterObjects(objects: readonly unknown[], file: string): Cluster {
  return clusterFromValues(
    objects.map((value, i) => ({ value, where: objects.length === 1 ? '' : `objects[${i}]` })),
    file,
  );
}
