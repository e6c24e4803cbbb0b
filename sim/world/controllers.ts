/**
 * The workload controllers of the world: ReplicaSets, Jobs and ReplicationControllers replace a pod as soon as it is
 * terminating (a new generated name); StatefulSets recreate the same name once the old pod is gone; DaemonSets run a pod on
 * every Ready node they tolerate; stand-alone pods are not recreated. Also the controllers' scale (replicas, read by the
 * disruption controller), workloads whose pods never get Ready (a pod Running but not Ready in the input), and the
 * Deployments a fault creates during the run.
 */
import type { Cluster, DaemonSet, OwnerRef, Pod, ResourceList, Taint } from '../../src/model/types.js';
import { daemonPodBase, daemonSetsFor } from '../../src/planner/scale-up.js';
import type { EventQueue } from '../event-queue.js';
import type { ApiStore } from './api-store.js';
import type { WorldScheduler } from './scheduler-seam.js';
import { cmp, key, podObject, UNSET_POD_CACHES, workloadKey, type SimNode, type SimPod } from './types.js';

/** What the controllers ask of the kubelet (sim/world/kubelet.ts). */
export interface PodStarter {
  /** A pod bound to its node at creation (a DaemonSet pod): the kubelet starts it. */
  startLater(pod: SimPod): void;
}

export class Controllers {
  readonly daemonSets: readonly DaemonSet[];
  /** Replicas per controller uid, where known (ReplicaSets, StatefulSets, ... of the input; workloads created in the run). */
  readonly replicas = new Map<string, number>();
  /** Workloads (kind/namespace/name) whose pods never get Ready. */
  readonly unreadyWorkloads = new Set<string>();

  constructor(
    cluster: Pick<Cluster, 'workloads' | 'daemonSets' | 'pods'>,
    private readonly store: ApiStore,
    private readonly queue: EventQueue,
    private readonly scheduler: Pick<WorldScheduler, 'podBound' | 'requestSchedule'>,
    private readonly kubelet: PodStarter,
  ) {
    this.daemonSets = [...cluster.daemonSets].sort((a, b) => cmp(key(a.namespace, a.name), key(b.namespace, b.name)));
    for (const w of cluster.workloads) if (w.replicas !== null) this.replicas.set(w.uid, w.replicas);
    for (const p of cluster.pods) {
      if (p.phase === 'Running' && !p.ready && p.workload !== null) this.unreadyWorkloads.add(workloadKey(p.namespace, p.workload));
    }
  }

  /** True when the workload's pods never get Ready. */
  workloadUnready(ns: string, w: OwnerRef | null): boolean {
    return w !== null && this.unreadyWorkloads.has(workloadKey(ns, w));
  }

  /**
   * Creates a pod (Pending, unbound unless `node` is given: DaemonSet pods are placed on their node). `replaces` names the pod
   * (namespace/name) a controller makes this one for; it is only traced (the invariant checkers follow replacement chains).
   */
  createPod(base: Pod, name: string, node: string | null, replaces: string | null = null): SimPod {
    const uid = this.store.newPodUid();
    const pod: SimPod = {
      base: { ...base, uid, name, nodeName: null, phase: 'Pending', ready: false },
      uid,
      namespace: base.namespace,
      name,
      key: key(base.namespace, name),
      nodeName: node,
      assumed: null,
      phase: 'Pending',
      ready: false,
      terminating: false,
      createdAt: this.queue.now,
      owner: base.owner,
      workload: base.workload,
      isDaemonSet: base.owner?.kind === 'DaemonSet',
      isMirror: false,
      neverReady: this.workloadUnready(base.namespace, base.workload),
      unschedulable: null,
      ...UNSET_POD_CACHES,
    };
    this.store.pods.set(pod.key, pod);
    this.store.emit('pod.created', podObject(pod), {
      owner: pod.owner ? `${pod.owner.kind}/${pod.owner.name}` : null,
      node,
      uid,
      ownerUid: pod.owner?.uid ?? null,
      labels: labelsText(pod.base.labels),
      replaces,
    });
    if (node !== null) {
      this.scheduler.podBound(pod, node);
      this.kubelet.startLater(pod);
    } else this.scheduler.requestSchedule(false);
    return pod;
  }

  /** A ReplicaSet's or Job's replacement: same template, a new generated name. */
  private replace(old: SimPod): void {
    const owner = old.owner;
    if (!owner) return;
    this.createPod(old.base, `${owner.name}-${this.store.suffix()}`, null, key(old.namespace, old.name));
  }

  /** A pod was marked for deletion: ReplicaSets, Jobs and ReplicationControllers replace it at once. */
  podTerminating(pod: SimPod): void {
    if (replacedAtDeletion(pod)) this.replace(pod);
  }

  /**
   * A pod object was removed: a StatefulSet recreates the same name; a ReplicaSet (or Job, ...) replaces a pod that vanished
   * without being deleted first (its node went away) unless it had succeeded; a DaemonSet puts one back on its node if Ready.
   */
  podRemoved(pod: SimPod): void {
    const kind = pod.owner?.kind;
    if (kind === 'StatefulSet') this.createPod(pod.base, pod.name, null, pod.key);
    else if (replacedAtDeletion(pod) && !pod.terminating && pod.phase !== 'Succeeded') this.replace(pod);
    else if (pod.isDaemonSet && pod.nodeName !== null) {
      const node = this.store.nodes.get(pod.nodeName);
      if (node?.ready) this.createPod(pod.base, `${pod.owner?.name ?? 'ds'}-${this.store.suffix()}`, node.name);
    }
  }

  /** The DaemonSet controller places its pods on a node as it turns Ready (before other pods land). */
  placeDaemonPods(node: SimNode): void {
    for (const d of this.daemonSetsFor(node.name, node.labels, node.taints)) {
      this.createPod(this.daemonPodBase(d, node.name), `${d.name}-${this.store.suffix()}`, node.name);
    }
  }

  /** DaemonSet pods a node of these labels and taints runs. */
  daemonSetsFor(name: string, labels: Readonly<Record<string, string>>, taints: readonly Taint[]): DaemonSet[] {
    return daemonSetsFor(this.daemonSets, name, labels, taints);
  }

  /** A model pod of a DaemonSet's template (for a node that does not exist yet, or to create one). */
  daemonPodBase(d: DaemonSet, nodeName: string | null): Pod {
    return daemonPodBase(d, nodeName);
  }

  /** Creates a Deployment (ReplicaSet + pods) during the run. */
  createDeployment(namespace: string, name: string, replicas: number, requests: ResourceList, nodeSelector: Record<string, string>): void {
    const deployUid = `sim-deploy-${this.store.suffix()}`;
    const rsName = `${name}-${this.store.suffix()}${this.store.suffix().slice(0, 4)}`;
    const rsUid = `sim-rs-${this.store.suffix()}`;
    this.replicas.set(rsUid, replicas);
    const base: Pod = {
      uid: '',
      namespace,
      name: '',
      labels: { app: name },
      annotations: {},
      nodeName: null,
      phase: 'Pending',
      owner: { kind: 'ReplicaSet', name: rsName, uid: rsUid },
      workload: { kind: 'Deployment', name, uid: deployUid },
      isMirror: false,
      ready: false,
      requests: { pods: 1, ...requests },
      nodeSelector,
      requiredNodeAffinity: null,
      tolerations: [],
      hostPorts: [],
      podAffinity: [],
      podAntiAffinity: [],
      topologySpread: [],
      volumes: [],
      priority: 0,
      terminationGracePeriodSeconds: 30,
    };
    for (let i = 0; i < replicas; i++) this.createPod(base, `${rsName}-${this.store.suffix()}`, null);
  }
}

/** Pods whose controller replaces them as soon as they are deleted (a new name, the same template). */
function replacedAtDeletion(pod: SimPod): boolean {
  const kind = pod.owner?.kind;
  return kind === 'ReplicaSet' || kind === 'Job' || kind === 'ReplicationController';
}

/** The trace's text of each labels object (the pods made from one template share it; labels never change). */
const labelTexts = new WeakMap<Readonly<Record<string, string>>, string>();

/** The labels as the trace shows them: JSON with the keys sorted. */
function labelsText(labels: Readonly<Record<string, string>>): string {
  let text = labelTexts.get(labels);
  if (text === undefined) labelTexts.set(labels, (text = JSON.stringify(sortedLabels(labels))));
  return text;
}

function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k] as string;
  return out;
}
