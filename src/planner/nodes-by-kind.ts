/**
 * The nodes of the planner's model of a run (expected-fleet.ts) by name, and grouped by kind - what a node is to scheduling
 * but its name (labels but the hostname, taints, cordoned, Ready) - each kind's names kept sorted. The scale-up view
 * (scale-up-view.ts) lets one node of each kind stand for the nodes of that kind that take no pod: the first of them by
 * name. Kept up to date as nodes come, are cordoned and go, it finds those at each scale-up without sorting every node.
 */
import type { Node } from '../model/types.js';
import { lowerBound } from './sorted-names.js';

interface Held {
  readonly node: Node;
  readonly kind: string;
}

export class NodesByKind {
  private readonly byName = new Map<string, Held>();
  /** Per kind (kindText), the names of its nodes in cmp order; a kind without nodes has no entry. */
  private readonly members = new Map<string, string[]>();

  get size(): number {
    return this.byName.size;
  }

  get(name: string): Node | undefined {
    return this.byName.get(name)?.node;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The nodes, in the order their names were first set. */
  *values(): IterableIterator<Node> {
    for (const h of this.byName.values()) yield h.node;
  }

  /** The kind of the node of that name (kindText), or undefined when there is none. */
  kindOf(name: string): string | undefined {
    return this.byName.get(name)?.kind;
  }

  /** Each kind with the names of its nodes, sorted (the arrays are the index's own: read them, do not keep them). */
  kinds(): IterableIterator<[string, readonly string[]]> {
    return this.members.entries();
  }

  set(name: string, node: Node): void {
    const kind = kindText(node);
    const was = this.byName.get(name);
    this.byName.set(name, { node, kind });
    if (was?.kind === kind) return;
    if (was !== undefined) this.leave(name, was.kind);
    let list = this.members.get(kind);
    if (!list) this.members.set(kind, (list = []));
    // Nodes mostly come in name order: the end first.
    const last = list[list.length - 1];
    if (last === undefined || last < name) list.push(name);
    else list.splice(lowerBound(list, name), 0, name);
  }

  delete(name: string): boolean {
    const was = this.byName.get(name);
    if (was === undefined) return false;
    this.byName.delete(name);
    this.leave(name, was.kind);
    return true;
  }

  private leave(name: string, kind: string): void {
    const list = this.members.get(kind);
    if (!list) return;
    const at = lowerBound(list, name);
    if (list[at] === name) list.splice(at, 1);
    if (list.length === 0) this.members.delete(kind);
  }
}

/** What a node is to scheduling but its name: labels without the hostname, taints, cordoned, Ready. */
export function kindText(n: Node): string {
  const labels = Object.keys(n.labels)
    .filter((key) => key !== 'kubernetes.io/hostname')
    .sort()
    .map((key) => [key, n.labels[key]]);
  return JSON.stringify([labels, n.taints, n.unschedulable, n.ready]);
}
