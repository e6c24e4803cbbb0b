/**
 * One-step packing: when first fit has found a node for a pod of a class, it places there at once every following member
 * of the class the node would take one by one, instead of searching again for each. Only for classes whose verdict on a
 * node can change, as pods of the class are added there, through the node's free resources alone; the others keep the
 * per-pod path. The result is the per-pod result, node for node and pod for pod (a property test compares the two).
 */
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import type { DemandBook } from './demand.js';
import type { PackState } from './state.js';

/**
 * Can a node take several pods of this class in one step? Yes when adding a pod of the class to a node changes no filter
 * verdict there but resource fit: no spread and no pod affinity (whose verdicts move with every pod placed), no host port
 * (the class's second pod collides with its first), and no anti-affinity term the class itself matches (its first pod
 * shuts the domain to the others). Every other failure of such a class is monotone, so the nodes before the chosen one
 * stay closed to its next pods, and the next pod goes where this one went as long as it fits there.
 */
export function packsInOneStep(cls: PodClass): boolean {
  if (!cls.monotone || cls.spec.hostPorts.length > 0 || cls.volumes.errors.length > 0) return false;
  for (const id of cls.antiTermIds) if (cls.matchedTermIds.includes(id)) return false;
  return true;
}

/**
 * How many pods of the class, at most `limit`, the node takes one after another from its current state: each must pass
 * the first-fit index's test (free cpu, memory and a pod slot, as OpenNodes keeps them) and NodeResourcesFit, with the
 * same arithmetic, in the same order, as placing them one by one. The caller has checked every filter for the first.
 */
export function oneStepCount(cls: PodClass, node: PlanNode, limit: number): number {
  const req = cls.spec.requests;
  const a = node.allocatable;
  const keys = Object.keys(req);
  const wants = keys.map((k) => req[k] ?? 0);
  const used = keys.map((k) => node.requested[k] ?? 0);
  const caps = keys.map((k) => a[k] ?? 0);
  const iCpu = keys.indexOf('cpu');
  const iMem = keys.indexOf('memory');
  const iPods = keys.indexOf('pods');
  const fixedCpu = node.requested['cpu'] ?? 0;
  const fixedMem = node.requested['memory'] ?? 0;
  const fixedPods = node.requested['pods'] ?? 0;
  const ac = a['cpu'] ?? 0;
  const am = a['memory'] ?? 0;
  const ap = a['pods'] ?? 0;
  const rc = req['cpu'] ?? 0;
  const rm = req['memory'] ?? 0;
  let n = 0;
  while (n < limit) {
    const uc = iCpu === -1 ? fixedCpu : (used[iCpu] as number);
    const um = iMem === -1 ? fixedMem : (used[iMem] as number);
    const up = iPods === -1 ? fixedPods : (used[iPods] as number);
    if (!(ac - uc >= rc && am - um >= rm && ap - up >= 1)) break;
    let fits = true;
    for (let j = 0; j < keys.length; j++) {
      const want = wants[j] as number;
      if (want <= 0 && keys[j] !== 'pods') continue;
      if ((used[j] as number) + want > (caps[j] as number)) {
        fits = false;
        break;
      }
    }
    if (!fits) break;
    for (let j = 0; j < keys.length; j++) used[j] = (used[j] as number) + (wants[j] as number);
    n++;
  }
  return n;
}

/**
 * Places moving pods `items[from]`, ..., `items[to - 1]` (all of class `cls`, which packsInOneStep) on `node` as placeMoving
 * would one by one: the node's requests summed pod by pod, the term counts, the moved pods in order, the group's waiting
 * demand.
 */
export function placeMovingMany(
  state: PackState,
  book: DemandBook,
  cls: PodClass,
  node: PlanNode,
  items: readonly number[],
  from: number,
  to: number,
): void {
  const k = to - from;
  const req = cls.spec.requests;
  for (const key in req) {
    const add = req[key] ?? 0;
    let v = node.requested[key] ?? 0;
    for (let i = 0; i < k; i++) v += add;
    node.requested[key] = v;
  }
  if (cls.matchedTermIds.length > 0 || cls.antiTermIds.length > 0 || cls.matchedGroupIds.length > 0) {
    for (let i = 0; i < k; i++) state.ctx.countPod(cls, node, 1);
  }
  for (let i = from; i < to; i++) node.movedPods.push(items[i] as number);
  const d = book.demandOf(cls);
  if (d) {
    for (const key in req) {
      const sub = req[key] ?? 0;
      let v = d.requests[key] ?? 0;
      for (let i = 0; i < k; i++) v -= sub;
      d.requests[key] = v;
    }
    d.count -= k;
  }
}
