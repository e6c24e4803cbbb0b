/**
 * Second moves: when the old nodes are cordoned batch by batch only (cordonAllAtStart off), kube-scheduler may place the pods
 * evicted from batch k on old nodes of later batches, which are still schedulable; those pods are evicted again when their new
 * node's batch comes. An estimate, not a replay: batch after batch, batch k's nodes are cordoned and each pod to move from them
 * (sorted by namespace/name) is asked of the planner's scheduler (the same filters, LeastAllocated tie-break) over the cluster's
 * existing nodes: old nodes of later batches, staying nodes, and the pods already there or already moved. A pod that lands on
 * an old node of a later batch is counted as a repeat move of that batch (and may move a third time). A pod that fits no
 * existing node goes to a new node, which is not modelled: the new nodes a migration launches as it goes also attract pods,
 * so the estimate leans high; pods a PodDisruptionBudget keeps from being evicted are counted as moving.
 */
import type { Cluster, Pod } from '../model/types.js';
import { IncrementalScheduler, type SchedulerPod } from './incremental-scheduler.js';
import { classKey } from './pod-classes.js';

export interface SecondMoves {
  /** Per batch: pods evicted from the batch's nodes that had already been moved by an earlier batch. */
  readonly perBatch: readonly number[];
  readonly total: number;
}

const keyOf = (p: Pod): string => `${p.namespace}/${p.name}`;

export function predictSecondMoves(cluster: Cluster, batches: readonly (readonly string[])[], moving: readonly Pod[]): SecondMoves {
  const batchOf = new Map<string, number>();
  batches.forEach((nodes, k) => {
    for (const n of nodes) batchOf.set(n, k);
  });
  const sched = new IncrementalScheduler(cluster);
  for (const n of [...cluster.nodes].sort((a, b) => cmp(a.name, b.name))) {
    sched.addNode({ name: n.name, labels: n.labels, taints: n.taints, allocatable: n.allocatable, instanceType: n.instanceType, zone: n.zone }, !n.unschedulable && n.ready);
  }
  const view = (p: Pod): SchedulerPod => ({ key: keyOf(p), namespace: p.namespace, labels: p.labels, spec: p, classKey: classKey(p.namespace, p.labels, p) });
  for (const p of [...cluster.pods].sort((a, b) => cmp(keyOf(a), keyOf(b)))) {
    if (p.nodeName === null || !sched.hasNode(p.nodeName) || p.phase === 'Succeeded' || p.phase === 'Failed' || sched.hasPod(keyOf(p))) continue;
    sched.addPod(view(p), p.nodeName);
  }
  /** Pods to move, by the old node they are on; `again` marks those that came from an earlier batch. */
  const onNode = new Map<string, { pod: Pod; again: boolean }[]>();
  const put = (node: string, pod: Pod, again: boolean): void => {
    const list = onNode.get(node);
    if (list) list.push({ pod, again });
    else onNode.set(node, [{ pod, again }]);
  };
  for (const p of moving) if (p.nodeName !== null && batchOf.has(p.nodeName)) put(p.nodeName, p, false);
  const perBatch: number[] = [];
  batches.forEach((nodes, k) => {
    for (const n of nodes) sched.setSchedulable(n, false);
    const leaving = nodes.flatMap((n) => onNode.get(n) ?? []).sort((a, b) => cmp(keyOf(a.pod), keyOf(b.pod)));
    for (const n of nodes) onNode.delete(n);
    perBatch.push(leaving.filter((l) => l.again).length);
    for (const { pod } of leaving) {
      const v = view(pod);
      sched.removePod(v.key);
      const answer = sched.findNode(v);
      if (answer.node === null) continue;
      sched.addPod(v, answer.node);
      const later = batchOf.get(answer.node);
      if (later !== undefined && later > k) put(answer.node, pod, true);
    }
  });
  return { perBatch, total: perBatch.reduce((a, b) => a + b, 0) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
