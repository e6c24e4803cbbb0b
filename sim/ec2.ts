/** EC2 instances of the simulated world: ids, state transitions pending -> running -> shutting-down -> terminated. */

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated';

export interface SimInstance {
  readonly id: string;
  /** The Node the instance registers as (known at launch: the private DNS name). */
  readonly nodeName: string;
  /** True for instances of the input cluster (the old nodes and any node that stays). */
  readonly old: boolean;
  readonly vng: string | null;
  readonly instanceType: string | null;
  readonly zone: string | null;
  state: InstanceState;
  readonly launchedAt: number;
}

export class Ec2 {
  readonly instances = new Map<string, SimInstance>();
  private counter = 0;
  /**
   * The instances in id order (instances are added, never removed): a new id is inserted in place; made again on the next
   * list() when an id is added again.
   */
  private sorted: SimInstance[] | null = null;
  /**
   * The instances launched in the run (not `old`), in id order: the autoscaler looks at them every pass, where the input's
   * thousands of old instances are never of interest.
   */
  private readonly launchedInOrder: SimInstance[] = [];

  /** A fresh instance id in EC2's shape (i- and 17 hex digits), from a counter. */
  nextId(): string {
    this.counter += 1;
    return `i-0e${this.counter.toString(16).padStart(15, '0')}`;
  }

  add(instance: SimInstance): void {
    const before = this.instances.get(instance.id);
    const had = before !== undefined;
    this.instances.set(instance.id, instance);
    if (before !== undefined && !before.old) this.launchedInOrder.splice(this.launchedInOrder.indexOf(before), 1);
    if (!instance.old) insertById(this.launchedInOrder, instance);
    if (this.sorted === null || had) {
      this.sorted = null;
      return;
    }
    // Kept in order by inserting the new id where it goes (list() hands out copies: the list itself is this class's).
    insertById(this.sorted, instance);
  }

  get(id: string): SimInstance | undefined {
    return this.instances.get(id);
  }

  /** Instances in id order. */
  list(): SimInstance[] {
    if (this.sorted === null || this.sorted.length !== this.instances.size) {
      this.sorted = [...this.instances.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    return this.sorted.slice();
  }

  /** The instances launched in the run (not `old`), in id order: list() without the old ones. Read only: not a copy. */
  launched(): readonly SimInstance[] {
    return this.launchedInOrder;
  }
}

/** Inserts the instance where its id goes in a list in id order (at the end, without a search, for the usual next id). */
function insertById(list: SimInstance[], instance: SimInstance): void {
  const last = list[list.length - 1];
  if (last === undefined || last.id < instance.id) {
    list.push(instance);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as SimInstance).id < instance.id) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, instance);
}
