/** Pod objects, with their owner and top-level workload resolved. */

import type { OwnerRef, Pod, PodPhase, Workload } from '../types.js';
import { conditionTrue, enumString, objectOrEmpty, optString } from './fields.js';
import { annotationsOf, controllerOwnerOf, fallbackUid, labelsOf, uidOf } from './metadata.js';
import type { ObjectView } from './metadata.js';
import { podScheduling } from './pod-scheduling.js';
import { shared } from './same-value.js';

const PHASES: readonly PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** Workloads of the input by kind, namespace and name, to climb from a pod's owner to the top-level workload. */
export class WorkloadIndex {
  private readonly byKey = new Map<string, Workload>();

  constructor(workloads: Iterable<Workload>) {
    for (const workload of workloads) this.byKey.set(WorkloadIndex.key(workload.kind, workload.namespace, workload.name), workload);
  }

  private static key(kind: string, namespace: string, name: string): string {
    return `${kind}\u0000${namespace}\u0000${name}`;
  }

  get(kind: string, namespace: string, name: string): Workload | undefined {
    return this.byKey.get(WorkloadIndex.key(kind, namespace, name));
  }

  /**
   * A ReplicaSet owned by a Deployment resolves to the Deployment, a Job owned by a CronJob to the CronJob; anything else
   * (including a ReplicaSet or Job absent from the input) is its own top level.
   */
  topLevel(owner: OwnerRef | null, namespace: string): OwnerRef | null {
    if (owner === null) return null;
    const parentKind = owner.kind === 'ReplicaSet' ? 'Deployment' : owner.kind === 'Job' ? 'CronJob' : null;
    if (parentKind === null) return owner;
    const parent = this.get(owner.kind, namespace, owner.name)?.owner;
    return parent !== undefined && parent !== null && parent.kind === parentKind ? parent : owner;
  }
}

export function parsePod(view: ObjectView, workloads: WorkloadIndex, previous: UnresolvedPod | null = null): Pod {
  const pod = parsePodAlone(view, previous);
  resolveWorkload(pod, workloads);
  return pod;
}

/** A Pod whose `workload` is left null, filled in by resolveWorkload once every workload of the input is known. */
export type UnresolvedPod = Omit<Pod, 'workload'> & { workload: Pod['workload'] };

/** Sets the pod's top-level workload (its owner climbed through the workloads of the input). */
export function resolveWorkload(pod: UnresolvedPod, workloads: WorkloadIndex): void {
  pod.workload = workloads.topLevel(pod.owner, pod.namespace);
}

/**
 * The pod as parsePod reads it, but for its top-level workload (null until resolveWorkload). Values equal to those of
 * `previous` (the pod read before it) are taken from it (see same-value.ts).
 */
export function parsePodAlone(view: ObjectView, previous: UnresolvedPod | null = null): UnresolvedPod {
  const { ctx, body } = view;
  const spec = objectOrEmpty(ctx, body, 'spec', 'spec');
  const status = objectOrEmpty(ctx, body, 'status', 'status');
  const annotations = annotationsOf(view);
  const owner = controllerOwnerOf(view);
  const nodeName = optString(ctx, spec, 'nodeName', 'spec.nodeName');
  const scheduling = podScheduling(ctx, spec, 'spec', view.name);
  // Fields listed one by one (not spread): with 150,000 pods this keeps every Pod a compact object of one shape.
  const p = previous ?? undefined;
  return {
    requests: shared(p?.requests, scheduling.requests),
    nodeSelector: shared(p?.nodeSelector, scheduling.nodeSelector),
    requiredNodeAffinity: shared(p?.requiredNodeAffinity, scheduling.requiredNodeAffinity),
    tolerations: shared(p?.tolerations, scheduling.tolerations),
    hostPorts: shared(p?.hostPorts, scheduling.hostPorts),
    podAffinity: shared(p?.podAffinity, scheduling.podAffinity),
    podAntiAffinity: shared(p?.podAntiAffinity, scheduling.podAntiAffinity),
    topologySpread: shared(p?.topologySpread, scheduling.topologySpread),
    volumes: shared(p?.volumes, scheduling.volumes),
    priority: scheduling.priority,
    terminationGracePeriodSeconds: scheduling.terminationGracePeriodSeconds,
    uid: uidOf(view),
    namespace: shared(p?.namespace, view.namespace),
    name: view.name,
    labels: shared(p?.labels, labelsOf(view)),
    annotations: shared(p?.annotations, annotations),
    nodeName: nodeName === null || nodeName === '' ? null : nodeName,
    phase: enumString(ctx, status, 'phase', 'status.phase', PHASES, 'Pending'),
    owner: shared(p?.owner, owner),
    workload: null,
    isMirror: annotations[MIRROR_ANNOTATION] !== undefined,
    ready: conditionTrue(ctx, status, 'Ready', 'status', false),
  };
}

/**
 * A pod whose object is `base`'s but for its name, uid and nodeName (same namespace), and its volumes when given (as the
 * parser reads its spec.volumes): parsePodAlone of that object, made without reading it again. Only for objects that
 * differ in nothing else, and whose fields derived from the name are `base`'s too (a generic ephemeral volume's claim is
 * named after the pod: such a pod is parsed whole). A snapshot's pods that share their fields (snapshot/shared-pods.ts)
 * are read so; test/unit/model/kube/pod-like.test.ts checks the result against parsePodAlone.
 */
export function podLike(base: UnresolvedPod, name: string, uid: string | null, nodeName: string | null, volumes: UnresolvedPod['volumes'] = base.volumes): UnresolvedPod {
  return {
    requests: base.requests,
    nodeSelector: base.nodeSelector,
    requiredNodeAffinity: base.requiredNodeAffinity,
    tolerations: base.tolerations,
    hostPorts: base.hostPorts,
    podAffinity: base.podAffinity,
    podAntiAffinity: base.podAntiAffinity,
    topologySpread: base.topologySpread,
    volumes,
    priority: base.priority,
    terminationGracePeriodSeconds: base.terminationGracePeriodSeconds,
    uid: uid !== null && uid !== '' ? uid : fallbackUid(base.namespace, name),
    namespace: base.namespace,
    name,
    labels: base.labels,
    annotations: base.annotations,
    nodeName: nodeName === null || nodeName === '' ? null : nodeName,
    phase: base.phase,
    owner: base.owner,
    workload: null,
    isMirror: base.isMirror,
    ready: base.ready,
  };
}
