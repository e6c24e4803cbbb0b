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
import { parsePod, parsePodAlone, podLike, resolveWorkload, WorkloadIndex, type UnresolvedPod } from './pod.js';
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
function countSkipped(objects: readonly { readonly kind: string }[]): SkippedKind[] {
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

/** The lists a Cluster is made of, filled object by object. */
interface Lists {
  readonly nodes: Node[];
  readonly pdbs: PodDisruptionBudget[];
  readonly daemonSets: DaemonSet[];
  readonly workloads: Workload[];
  readonly pvcs: PersistentVolumeClaim[];
  readonly pvs: PersistentVolume[];
  readonly namespaces: Namespace[];
  readonly storageClasses: StorageClass[];
}

function emptyLists(): Lists {
  return { nodes: [], pdbs: [], daemonSets: [], workloads: [], pvcs: [], pvs: [], namespaces: [], storageClasses: [] };
}

/** Parses one handled object that is not a Pod into its list. */
function parseInto(object: KubeObject, file: string, lists: Lists): void {
  const { kind } = object;
  const view = viewOf(object, file);
  if (isWorkloadKind(kind)) lists.workloads.push(parseWorkload(view, kind));
  else if (kind === 'Node') lists.nodes.push(parseNode(view));
  else if (kind === 'PodDisruptionBudget') lists.pdbs.push(parsePdb(view));
  else if (kind === 'DaemonSet') lists.daemonSets.push(parseDaemonSet(view));
  else if (kind === 'PersistentVolumeClaim') lists.pvcs.push(parsePvc(view));
  else if (kind === 'PersistentVolume') lists.pvs.push(parsePv(view));
  else if (kind === 'Namespace') lists.namespaces.push(parseNamespace(view));
  else if (kind === 'StorageClass') lists.storageClasses.push(parseStorageClass(view));
}

/** The Cluster of the parsed lists and pods, each sorted. */
function clusterOf(lists: Lists, pods: Pod[], skippedKinds: readonly SkippedKind[]): Cluster {
  return {
    nodes: lists.nodes.sort(byName),
    pods: pods.sort(byNamespaceName),
    pdbs: lists.pdbs.sort(byNamespaceName),
    daemonSets: lists.daemonSets.sort(byNamespaceName),
    workloads: lists.workloads.sort((a, b) => byNamespaceName(a, b) || compareText(a.kind, b.kind)),
    pvcs: lists.pvcs.sort(byNamespaceName),
    pvs: lists.pvs.sort(byName),
    namespaces: lists.namespaces.sort(byName),
    storageClasses: lists.storageClasses.sort(byName),
    ...(skippedKinds.length > 0 ? { skippedKinds } : {}),
  };
}

/** The Cluster in decoded top-level values (Lists, objects, arrays of objects), each tagged with where it came from. */
export function clusterFromValues(values: readonly TopLevelValue[], file: string): Cluster {
  const all = unwrapObjects(values, file);
  const objects = handledObjects(all, file);
  const skippedKinds = countSkipped(all);
  const lists = emptyLists();
  const podObjects: KubeObject[] = [];
  for (const object of objects) {
    // Pods wait until every workload is known, so owners resolve in one pass whatever the input order.
    if (object.kind === 'Pod') podObjects.push(object);
    else parseInto(object, file, lists);
  }
  const index = new WorkloadIndex(lists.workloads);
  const pods: Pod[] = [];
  for (const object of podObjects) pods.push(parsePod(viewOf(object, file), index, pods[pods.length - 1] ?? null));
  return clusterOf(lists, pods, skippedKinds);
}

/**
 * The names met so far, per kind and namespace: which objects were seen, without joining kind, namespace and name into one
 * string per object (with 170,000 objects, building and hashing those strings cost a sizeable part of reading).
 */
class SeenNames {
  private readonly byKind = new Map<string, Map<string, Set<string>>>();
  /** The last kind and namespace asked for, and their set: objects of one kind and namespace mostly come in a row. */
  private lastKind = '';
  private lastNamespace = '';
  private lastNames: Set<string> | null = null;

  /** Records the object; false when it was recorded already. */
  add(kind: string, namespace: string, name: string): boolean {
    let names = this.lastNames;
    if (names === null || kind !== this.lastKind || namespace !== this.lastNamespace) {
      let byNamespace = this.byKind.get(kind);
      if (byNamespace === undefined) this.byKind.set(kind, (byNamespace = new Map()));
      let found = byNamespace.get(namespace);
      if (found === undefined) byNamespace.set(namespace, (found = new Set()));
      names = found;
      this.lastKind = kind;
      this.lastNamespace = namespace;
      this.lastNames = names;
    }
    if (names.has(name)) return false;
    names.add(name);
    return true;
  }
}

/**
 * The Cluster built value by value, each object parsed as it comes (a pod's workload once all are known): the decoded
 * objects of a large input need not all be held at once. It refuses what clusterFromValues refuses, but the first error it
 * meets is not always the one clusterFromValues names first (that one reports structure, then duplicates, then fields, and
 * pods last): on an error, clusterFromValues over the same values gives the message.
 */
export class ClusterBuilder {
  private readonly lists = emptyLists();
  private readonly pods: UnresolvedPod[] = [];
  private readonly seen = new SeenNames();
  private readonly skipped: { readonly kind: string }[] = [];

  constructor(private readonly file: string) {}

  add(value: TopLevelValue): void {
    for (const object of unwrapObjects([value], this.file)) {
      if (!HANDLED_KINDS.has(object.kind)) {
        this.skipped.push({ kind: object.kind });
        continue;
      }
      if (!this.seen.add(object.kind, namespaceOf(object), object.name)) {
        throw new InputError(this.file, objectLabel(object), '', 'expected each object once; found it twice');
      }
      if (object.kind === 'Pod') this.pods.push(parsePodAlone(viewOf(object, this.file), this.pods[this.pods.length - 1] ?? null));
      else parseInto(object, this.file, this.lists);
    }
  }

  /** The pod added last (by add or addPodLike), if any. */
  lastPod(): UnresolvedPod | undefined {
    return this.pods[this.pods.length - 1];
  }

  /**
   * A pod whose object is that of `base` (a pod this builder added) but for its name, uid and nodeName, and its volumes
   * when given (kube/pod.ts podLike, with its conditions); refused, as add refuses it, when its namespace and name were met
   * already.
   */
  addPodLike(base: UnresolvedPod, name: string, uid: string | null, nodeName: string | null, volumes: UnresolvedPod['volumes'] = base.volumes): void {
    if (!this.seen.add('Pod', base.namespace, name)) {
      throw new InputError(this.file, `Pod ${base.namespace}/${name}`, '', 'expected each object once; found it twice');
    }
    this.pods.push(podLike(base, name, uid, nodeName, volumes));
  }

  finish(): Cluster {
    const index = new WorkloadIndex(this.lists.workloads);
    for (const p of this.pods) resolveWorkload(p, index);
    return clusterOf(this.lists, this.pods, countSkipped(this.skipped));
  }
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
