/**
 * The autoscaler's input in the planner's model of a run (expected-fleet.ts): what sim/autoscaler.ts hands scaleUp() - the
 * cluster as it is, the pods kube-scheduler could not place, the VNGs with what is already launched taken off their limits,
 * the cluster's architectures - built from the model's state, and made small without changing the answer.
 *
 * The view scaleUp() packs against is cut down without changing its answer. A node that takes no pod (cordoned, NotReady)
 * only holds domains and pods that rules count: one node of each kind (labels but the hostname, taints, state) stands for
 * all, with no room, carrying the pods that count for the pending pods' rules beyond one node (run-scheduler.ts
 * termsRelevantTo). A node that can take pods keeps its room: the pods that count for the pending pods' rules, or hold
 * host ports, as they are; the others as one pod requesting what they request together. So do the nodes still booting, with
 * their DaemonSet pods and the pods meant for them. On a big cluster that is its schedulable nodes and few pods instead of
 * every pod.
 */
import type { AllocatableOptions, NodeResources } from '../catalog/allocatable.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Cluster, Node, Pod, ResourceList, Vng } from '../model/types.js';
import { addInto, subtractInto } from './resources.js';
import type { RunPod, RunScheduler } from './run-scheduler.js';
import { vngsWithHeadroom, type LaunchedNode, type ScaleUpInput } from './scale-up.js';

export interface RunViewInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly observed: ReadonlyMap<string, NodeResources>;
  readonly allocatable?: AllocatableOptions;
  readonly architectures: readonly string[] | null;
  readonly scheduler: RunScheduler;
  /** The nodes that exist now, by name (cordoned ones marked unschedulable). */
  readonly nodes: ReadonlyMap<string, Node>;
  /** Every pod the scheduler holds, by key. */
  readonly pods: ReadonlyMap<string, Pod>;
  /** The VNG nodes launched so far (they count against the VNGs' limits). */
  readonly launched: readonly LaunchedNode[];
  /** Nodes launched and not Ready yet, with their DaemonSet pods and the pods an earlier scale-up meant for them. */
  readonly booting: readonly BootingView[];
  /** The pods kube-scheduler could not place, as the scheduler knows them. */
  readonly pending: readonly RunPod[];
  /** The whole cluster, every node and pod as they are (as sim/autoscaler.ts builds it): slower, the same answer. */
  readonly whole?: boolean;
  /** A pod's class key (run-scheduler.ts), for the pods of booting nodes. */
  readonly classKeyOf: (p: Pod) => string;
}

/** A node launched and not Ready yet, with the pods that will run there (the view sets their nodeName to it). */
export interface BootingView {
  readonly node: Node;
  readonly pods: Pod[];
}

export function scaleUpInputOf(input: RunViewInput): ScaleUpInput {
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  if (input.whole === true) {
    nodes.push(...input.nodes.values());
    for (const { pod, node } of input.scheduler.podsOfClasses(null)) {
      const p = input.pods.get(pod.key);
      if (p) pods.push({ ...p, nodeName: node });
    }
    for (const b of input.booting) {
      nodes.push(b.node);
      for (const p of b.pods) pods.push({ ...p, nodeName: b.node.name });
    }
    return inputOf(input, nodes, pods);
  }
  const onCandidates = input.scheduler.termsRelevantTo(input.pending, false);
  const onOthers = input.scheduler.termsRelevantTo(input.pending, true);
  // A node that takes no pod: one node of its kind stands for all (zones and domains are the same), with no room.
  const standIn = new Map<string, Node>();
  const nodeOf = new Map<string, string>();
  const candidates = new Set<string>();
  for (const n of [...input.nodes.values()].sort((a, b) => cmp(a.name, b.name))) {
    if (!n.unschedulable && n.ready) {
      candidates.add(n.name);
      nodes.push(n);
      continue;
    }
    const kind = kindOf(n);
    let rep = standIn.get(kind);
    if (!rep) {
      standIn.set(kind, (rep = { ...n, allocatable: {} }));
      nodes.push(rep);
    }
    nodeOf.set(n.name, rep.name);
  }
  // A node that can take pods keeps its room: the pods that count for the rules (or hold host ports) as they are, the
  // others as one pod that requests what they do together.
  const counted = new Map<string, ResourceList>();
  for (const { pod, node } of input.scheduler.podsOfClasses(onCandidates)) {
    const p = input.pods.get(pod.key);
    if (!p) continue;
    if (candidates.has(node)) {
      pods.push({ ...p, nodeName: node });
      let sum = counted.get(node);
      if (!sum) counted.set(node, (sum = {}));
      addInto(sum, p.requests);
    } else if (onOthers.has(pod.classKey)) pods.push({ ...p, nodeName: nodeOf.get(node) ?? node });
  }
  for (const name of candidates) {
    const rest = input.scheduler.requested(name) ?? {};
    subtractInto(rest, counted.get(name) ?? {});
    if (Object.values(rest).some((v) => v > 0)) pods.push(roomHolder(name, rest));
  }
  for (const b of input.booting) {
    nodes.push(b.node);
    const rest: ResourceList = {};
    for (const p of b.pods) {
      if (onCandidates.has(input.classKeyOf(p))) pods.push({ ...p, nodeName: b.node.name });
      else addInto(rest, p.requests);
    }
    if (Object.values(rest).some((v) => v > 0)) pods.push(roomHolder(b.node.name, rest));
  }
  return inputOf(input, nodes, pods);
}

/** The scale-up input: the view of `nodes` and `pods`, the pending pods, the VNGs' headroom. */
function inputOf(input: RunViewInput, nodes: Node[], pods: Pod[]): ScaleUpInput {
  nodes.sort((a, b) => cmp(a.name, b.name));
  const pending = byName(
    input.pending
      .map((r) => input.pods.get(r.key))
      .filter((p): p is Pod => p !== undefined)
      .map((p) => ({ ...p, nodeName: null })),
  );
  return {
    view: { ...input.cluster, nodes, pods: byName(pods), pdbs: [], workloads: [] },
    pending,
    vngs: vngsWithHeadroom(input.vngs, input.catalog, input.launched, []),
    catalog: input.catalog,
    observed: input.observed,
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
    architectures: input.architectures,
  };
}

/**
 * One pod standing for pods that no rule of the pending pods counts: it requests what they do together, in a namespace of
 * its own, with no labels and no constraints.
 */
function roomHolder(node: string, requests: ResourceList): Pod {
  return {
    uid: '',
    namespace: '\u0000room',
    name: node,
    labels: {},
    annotations: {},
    nodeName: node,
    phase: 'Running',
    owner: null,
    workload: null,
    isMirror: false,
    ready: true,
    requests,
    nodeSelector: {},
    requiredNodeAffinity: null,
    tolerations: [],
    hostPorts: [],
    podAffinity: [],
    podAntiAffinity: [],
    topologySpread: [],
    volumes: [],
    priority: 0,
    terminationGracePeriodSeconds: 0,
  };
}

const kinds = new WeakMap<Node, string>();

/** What a node is to scheduling but its name: labels without the hostname, taints, cordoned, Ready. */
function kindOf(n: Node): string {
  let k = kinds.get(n);
  if (k === undefined) {
    const labels = Object.keys(n.labels)
      .filter((key) => key !== 'kubernetes.io/hostname')
      .sort()
      .map((key) => [key, n.labels[key]]);
    k = JSON.stringify([labels, n.taints, n.unschedulable, n.ready]);
    kinds.set(n, k);
  }
  return k;
}

function byName(pods: readonly Pod[]): Pod[] {
  return pods
    .map((p) => ({ p, k: `${p.namespace}/${p.name}` }))
    .sort((a, b) => cmp(a.k, b.k))
    .map((x) => x.p);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
