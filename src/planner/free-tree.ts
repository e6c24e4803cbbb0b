/**
 * First-fit over thousands of nodes without scanning them all: a segment tree over node positions holding, per subtree, the
 * largest free cpu, memory and pod slots. A query returns the leftmost node at or after a position whose free room covers a
 * request in all three (the per-subtree maxima may come from different nodes, so leaves are checked exactly).
 */
export class FreeTree {
  private size = 1;
  private cpu = new Float64Array(2);
  private mem = new Float64Array(2);
  private pods = new Float64Array(2);

  /**
   * `expected`: how many positions the caller expects to set, so the tree is made that big at once rather than grown to it
   * by doubling (each growth copies every leaf and rebuilds the maxima). A position never set reads as it would after the
   * growths (-1, position 0 reading 0), and the answers do not depend on the size.
   */
  constructor(expected = 0) {
    if (expected > 1) this.grow(expected);
  }

  set(index: number, freeCpu: number, freeMem: number, freePods: number): void {
    if (index >= this.size) this.grow(index + 1);
    let i = index + this.size;
    this.cpu[i] = freeCpu;
    this.mem[i] = freeMem;
    this.pods[i] = freePods;
    for (i >>= 1; i >= 1; i >>= 1) {
      const l = 2 * i;
      const r = l + 1;
      this.cpu[i] = Math.max(this.cpu[l] as number, this.cpu[r] as number);
      this.mem[i] = Math.max(this.mem[l] as number, this.mem[r] as number);
      this.pods[i] = Math.max(this.pods[l] as number, this.pods[r] as number);
    }
  }

  /** The leftmost index >= from whose free cpu, memory and pods are all >= the request, or -1. */
  firstAtLeast(from: number, cpu: number, mem: number, pods: number): number {
    return this.search(1, 0, this.size, from, cpu, mem, pods);
  }

  /**
   * Calls `visit` with every index >= from whose free cpu, memory and pods are all >= the request, in increasing order (the
   * indexes firstAtLeast gives one after the other, in one walk of the tree). The tree must not change meanwhile.
   */
  forEachAtLeast(from: number, cpu: number, mem: number, pods: number, visit: (index: number) => void): void {
    // Depth first, left before right, without recursion: a stack of subtrees still to walk (at most one per level, plus
    // the one being split), each as its node and the span [lo, hi) it covers.
    const size = this.size;
    const c = this.cpu;
    const m = this.mem;
    const p = this.pods;
    const stack = new Int32Array(3 * (Math.clz32(1) - Math.clz32(size) + 2));
    let top = 0;
    stack[0] = 1;
    stack[1] = 0;
    stack[2] = size;
    top = 1;
    while (top > 0) {
      top -= 1;
      const node = stack[3 * top] as number;
      const lo = stack[3 * top + 1] as number;
      const hi = stack[3 * top + 2] as number;
      if (hi <= from) continue;
      if ((c[node] as number) < cpu || (m[node] as number) < mem || (p[node] as number) < pods) continue;
      if (hi - lo === 1) {
        visit(lo);
        continue;
      }
      const mid = (lo + hi) >> 1;
      // The right half first onto the stack, so that the left one is walked first.
      stack[3 * top] = 2 * node + 1;
      stack[3 * top + 1] = mid;
      stack[3 * top + 2] = hi;
      stack[3 * top + 3] = 2 * node;
      stack[3 * top + 4] = lo;
      stack[3 * top + 5] = mid;
      top += 2;
    }
  }

  private search(node: number, lo: number, hi: number, from: number, cpu: number, mem: number, pods: number): number {
    if (hi <= from) return -1;
    if ((this.cpu[node] as number) < cpu || (this.mem[node] as number) < mem || (this.pods[node] as number) < pods) return -1;
    if (hi - lo === 1) return lo;
    const mid = (lo + hi) >> 1;
    const left = this.search(2 * node, lo, mid, from, cpu, mem, pods);
    if (left !== -1) return left;
    return this.search(2 * node + 1, mid, hi, from, cpu, mem, pods);
  }

  private grow(need: number): void {
    let size = this.size;
    while (size < need) size *= 2;
    const cpu = new Float64Array(2 * size).fill(-1);
    const mem = new Float64Array(2 * size).fill(-1);
    const pods = new Float64Array(2 * size).fill(-1);
    for (let i = 0; i < this.size; i++) {
      cpu[size + i] = this.cpu[this.size + i] as number;
      mem[size + i] = this.mem[this.size + i] as number;
      pods[size + i] = this.pods[this.size + i] as number;
    }
    for (let i = size - 1; i >= 1; i--) {
      cpu[i] = Math.max(cpu[2 * i] as number, cpu[2 * i + 1] as number);
      mem[i] = Math.max(mem[2 * i] as number, mem[2 * i + 1] as number);
      pods[i] = Math.max(pods[2 * i] as number, pods[2 * i + 1] as number);
    }
    this.size = size;
    this.cpu = cpu;
    this.mem = mem;
    this.pods = pods;
  }
}
