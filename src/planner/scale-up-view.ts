/**
 * The autoscaler's input in the planner's model of a run (expected-fleet.ts): what sim/autoscaler.ts hands scaleUp() - the
 * cluster as it is, the pods kube-scheduler could not place, the VNGs with what is already launched taken off their limits,
 * the cluster's architectures - built from the model's state, and made small without changing the answer.
 *
 * Every pending pod has just failed every existing node (the model asks the scheduler first, over the same filters), so an
 * existing node can only serve scaleUp() as a holder of pods that inter-pod rules count and of topology domains. The view
 * keeps one node of each kind (labels but the hostname, taints, state: the zones and domains are the same) with no room
 * (allocatable emptied, so packing never picks it), and on it only the pods that count for the pending pods' rules beyond
 * one node (run-scheduler.ts termsRelevantTo). Nodes still booting come as they are, with the pods meant for them. On a big
 * cluster that is a few dozen nodes and few pods instead of all of them, and scaleUp() no longer costs a pass over them.
 */
import type { AllocatableOptions, NodeResources } from '../catalog/allocatable.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Cluster, Node, Pod, Vng } from '../model/types.js';
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
}

/** A node launched and not Ready yet, with the pods that will run there (their nodeName set to it). */
export interface BootingView {
  readonly node: Node;
  readonly pods: Pod[];
}

export function scaleUpInputOf(input: RunViewInput): ScaleUpInput {
  const relevant = input.scheduler.termsRelevantTo(input.pending);
  // One node per kind (labels but the hostname, taints, state) stands for all of its kind: its zone and the domains it
  // makes are theirs, and the pods that count are moved onto it.
  const standIn = new Map<string, Node>();
  const nodeOf = new Map<string, string>();
  for (const n of [...input.nodes.values()].sort((a, b) => cmp(a.name, b.name))) {
    const kind = kindOf(n);
    let rep = standIn.get(kind);
    if (!rep) standIn.set(kind, (rep = { ...n, allocatable: {} }));
    nodeOf.set(n.name, rep.name);
  }
  const nodes: Node[] = [...standIn.values()];
  const pods: Pod[] = [];
  for (const { pod, node } of input.scheduler.podsOfClasses(relevant)) {
    const p = input.pods.get(pod.key);
    if (p) pods.push({ ...p, nodeName: nodeOf.get(node) ?? node });
  }
  for (const b of input.booting) {
    nodes.push(b.node);
    pods.push(...b.pods);
  }
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
