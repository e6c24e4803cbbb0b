/**
 * The scheduler's unbound pods in queue order (priority, then age, then namespace/name), kept from one call to the next:
 * pods added since the last call are sorted among themselves and merged in, pods gone are dropped on the way, so a call
 * costs the unbound pods once (no sort of all of them at every scheduling pass and every autoscaler tick).
 */
import { cmp, key, type SimPod } from './types.js';

/** namespace/name order; within a namespace the names alone decide (no key strings built while sorting). */
function keyOrder(a: SimPod, b: SimPod): number {
  return a.namespace === b.namespace ? cmp(a.name, b.name) : cmp(key(a.namespace, a.name), key(b.namespace, b.name));
}

/** kube-scheduler's activeQ order: higher priority first, then the older pod, then the name. */
export function queueOrder(a: SimPod, b: SimPod): number {
  return b.base.priority - a.base.priority || a.createdAt - b.createdAt || keyOrder(a, b);
}

export class PendingOrder {
  /** The pods in queue order (a pod no longer unbound stays until the next call drops it). */
  private order: SimPod[] = [];
  private readonly held = new Set<SimPod>();
  private readonly unbound = new Set<SimPod>();
  private fresh: SimPod[] = [];

  /** A pod stored without a node. */
  add(p: SimPod): void {
    this.unbound.add(p);
    if (this.held.has(p)) return;
    this.held.add(p);
    this.fresh.push(p);
  }

  /** A pod bound, removed or gone. */
  remove(p: SimPod): void {
    this.unbound.delete(p);
  }

  /** The unbound pods (nodeName still null) that `keep` accepts, in queue order. */
  list(keep: (p: SimPod) => boolean): SimPod[] {
    const merged = this.fresh.length === 0 ? this.order : merge(this.order, this.fresh.sort(queueOrder));
    this.fresh = [];
    // The kept order is copied only from the first pod dropped on.
    let order: SimPod[] | null = null;
    const out: SimPod[] = [];
    for (let i = 0; i < merged.length; i++) {
      const p = merged[i] as SimPod;
      if (!this.unbound.has(p) || p.nodeName !== null) {
        this.unbound.delete(p);
        this.held.delete(p);
        order ??= merged.slice(0, i);
        continue;
      }
      order?.push(p);
      if (keep(p)) out.push(p);
    }
    this.order = order ?? merged;
    return out;
  }
}

function merge(a: readonly SimPod[], b: readonly SimPod[]): SimPod[] {
  const out: SimPod[] = new Array<SimPod>(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length && j < b.length) out[o++] = queueOrder(b[j] as SimPod, a[i] as SimPod) < 0 ? (b[j++] as SimPod) : (a[i++] as SimPod);
  while (i < a.length) out[o++] = a[i++] as SimPod;
  while (j < b.length) out[o++] = b[j++] as SimPod;
  return out;
}
