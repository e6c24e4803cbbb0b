/**
 * The engine's list of pod views (what its informer shows: every pod in namespace/name order), kept from one snapshot to
 * the next instead of rebuilt from every pod: the list handed out is never changed, and the next snapshot copies it with the
 * changes made since (pods added and removed, and pods whose shown fields changed). Copying the list's pointers is the only
 * work that grows with the cluster; the work per change is a binary search.
 *
 * The world tells it of every change: the pod table's listener (pods added and removed, a pod bound to a node) and
 * `touched(pod)` where a pod's phase, readiness or termination changes. The tests check the list against a rebuild from
 * every pod (ApiStore.podViewsFromScratch) at each reconcile of whole rehearsals.
 */
import type { PodView } from '../../src/engine/ports.js';
import type { PodTableListener } from './pod-table.js';
import { cmp, key, type SimPod } from './types.js';

export class PodViewList implements PodTableListener {
  /** The published list: keys, pods and views, in key order (never changed once published). */
  private keys: readonly string[] = [];
  private pods: readonly SimPod[] = [];
  private views: readonly PodView[] = [];
  private readonly toAdd = new Set<SimPod>();
  private readonly toRemove = new Set<SimPod>();
  private readonly toUpdate = new Set<SimPod>();

  added(pod: SimPod): void {
    // The same object removed and stored again is still in the published list: only its view may differ.
    if (this.toRemove.delete(pod)) this.toUpdate.add(pod);
    else this.toAdd.add(pod);
  }

  removed(pod: SimPod): void {
    if (this.toAdd.delete(pod)) return;
    this.toUpdate.delete(pod);
    this.toRemove.add(pod);
  }

  bound(pod: SimPod): void {
    this.touched(pod);
  }

  /** A pod's phase, readiness, termination or node changed. */
  touched(pod: SimPod): void {
    if (!this.toAdd.has(pod) && !this.toRemove.has(pod)) this.toUpdate.add(pod);
  }

  /** The views of every pod in key order; the same array as last time when nothing changed. */
  list(viewOf: (p: SimPod) => PodView): readonly PodView[] {
    if (this.toAdd.size === 0 && this.toRemove.size === 0 && this.toUpdate.size === 0) return this.views;
    // Only the views are copied for the updates: the keys and pods are read, and the merge below builds new lists.
    const keys = this.keys;
    const pods = this.pods;
    const views = this.views.slice();
    for (const p of this.toUpdate) {
      const at = this.find(key(p.namespace, p.name), p);
      if (at >= 0) views[at] = viewOf(p);
    }
    this.toUpdate.clear();
    if (this.toAdd.size === 0 && this.toRemove.size === 0) {
      this.views = views;
      return views;
    }
    // Removals as positions, additions sorted by key; one merge pass builds the new lists.
    const gone = new Set<number>();
    for (const p of this.toRemove) {
      const at = this.find(key(p.namespace, p.name), p);
      if (at >= 0) gone.add(at);
    }
    const fresh = [...this.toAdd].map((p) => ({ p, k: key(p.namespace, p.name) })).sort((a, b) => cmp(a.k, b.k));
    this.toAdd.clear();
    this.toRemove.clear();
    const n = keys.length - gone.size + fresh.length;
    const nk: string[] = new Array<string>(n);
    const np: SimPod[] = new Array<SimPod>(n);
    const nv: PodView[] = new Array<PodView>(n);
    let j = 0;
    let o = 0;
    const put = (k: string, p: SimPod, v: PodView): void => {
      nk[o] = k;
      np[o] = p;
      nv[o] = v;
      o += 1;
    };
    /** Puts the added pods whose keys come before `k` (all of them when `k` is null). */
    const putFreshBefore = (k: string | null): void => {
      for (; j < fresh.length && (k === null || cmp((fresh[j] as { k: string }).k, k) < 0); j++) {
        const f = fresh[j] as { p: SimPod; k: string };
        put(f.k, f.p, viewOf(f.p));
      }
    };
    for (let i = 0; i < keys.length; i++) {
      if (gone.has(i)) continue;
      const k = keys[i] as string;
      putFreshBefore(k);
      put(k, pods[i] as SimPod, views[i] as PodView);
    }
    putFreshBefore(null);
    this.keys = nk;
    this.pods = np;
    this.views = nv;
    return nv;
  }

  /** Where the published list holds this very pod (by key, then identity), or -1. */
  private find(k: string, pod: SimPod): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as string) < k) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.keys.length && this.keys[lo] === k && this.pods[lo] === pod ? lo : -1;
  }
}
