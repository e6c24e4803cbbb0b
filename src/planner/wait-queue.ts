/**
 * The pods waiting for a node in the planner's model of a run (expected-fleet.ts), in kube-scheduler's queue order, with
 * what its passes read of every pod - class id, cpu and memory requests - kept in typed arrays beside them. A pass over a
 * queue of tens of thousands of pods, once per node that turns Ready, then reads those arrays and touches a pod's own
 * object only for the pods it tries.
 */

/** What the queue keeps of each pod beside it. */
export interface Queued {
  /** Its class as a small number (one per class key). */
  readonly classId: number;
  /** Its cpu and memory requests (0 when it requests none). */
  readonly cpu: number;
  readonly memory: number;
}

export class WaitQueue<T extends Queued> {
  private items: T[] = [];
  /** classId, cpu and memory of items[i] at index i (the arrays may be longer than the queue). */
  ids = new Int32Array(0);
  cpu = new Float64Array(0);
  memory = new Float64Array(0);

  /** A queue of `list`, in its order (the queue takes the array). */
  constructor(list: T[] = []) {
    this.reset(list);
  }

  get length(): number {
    return this.items.length;
  }

  /** The pod at `i` (0 <= i < length). */
  at(i: number): T {
    return this.items[i] as T;
  }

  /** The pods in order (a copy). */
  toArray(): T[] {
    return [...this.items];
  }

  /** Puts the pod at `from` at `to` (to <= from), as a pass keeps the pods it leaves. */
  move(from: number, to: number): void {
    if (from === to) return;
    this.items[to] = this.items[from] as T;
    this.ids[to] = this.ids[from] as number;
    this.cpu[to] = this.cpu[from] as number;
    this.memory[to] = this.memory[from] as number;
  }

  /**
   * Puts the pods from `from` to the end at `to` onward (to <= from), in order, and keeps the queue to them: as many move()
   * calls followed by truncate(), in block copies.
   */
  moveRestAndTruncate(from: number, to: number): void {
    const n = this.items.length;
    if (from < n && to !== from) {
      // A loop, not Array.prototype.copyWithin: that one goes through the generic property path, tens of times slower
      // on a queue of tens of thousands of pods (the typed arrays' copyWithin is a block move).
      const items = this.items;
      for (let i = from, j = to; i < n; ) items[j++] = items[i++] as T;
      this.ids.copyWithin(to, from, n);
      this.cpu.copyWithin(to, from, n);
      this.memory.copyWithin(to, from, n);
    }
    this.items.length = to + Math.max(0, n - from);
  }

  /** Keeps the first `n` pods. */
  truncate(n: number): void {
    this.items.length = n;
  }

  /**
   * The queue with `more` added, sorted by `order` (stable: among equals, the pods queued first stay first). Both lists are
   * in order already as the model uses them (a pass keeps the queue's order): then they are merged in one sweep, which
   * gives what sorting both together gives; otherwise they are sorted together.
   */
  merge(more: readonly T[], order: (a: T, b: T) => number): void {
    if (more.length === 0) return;
    const a = this.items;
    if (!inOrder(a, order) || !inOrder(more, order)) {
      this.reset([...a, ...more].sort(order));
      return;
    }
    const out: T[] = new Array<T>(a.length + more.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.length && j < more.length) {
      // Ties take the pod already queued: a stable sort of a followed by more does the same.
      if (order(more[j] as T, a[i] as T) < 0) out[k++] = more[j++] as T;
      else out[k++] = a[i++] as T;
    }
    while (i < a.length) out[k++] = a[i++] as T;
    while (j < more.length) out[k++] = more[j++] as T;
    this.reset(out);
  }

  private reset(list: T[]): void {
    this.items = list;
    if (this.ids.length < list.length) {
      const size = Math.max(64, 2 * list.length);
      this.ids = new Int32Array(size);
      this.cpu = new Float64Array(size);
      this.memory = new Float64Array(size);
    }
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as T;
      this.ids[i] = e.classId;
      this.cpu[i] = e.cpu;
      this.memory[i] = e.memory;
    }
  }
}

/** Is the list sorted by `order` (no element before one it orders after)? */
function inOrder<T>(list: readonly T[], order: (a: T, b: T) => number): boolean {
  for (let i = 1; i < list.length; i++) if (order(list[i - 1] as T, list[i] as T) > 0) return false;
  return true;
}
