/**
 * Which nodes of the scheduler's cache changed, in order: a log of node slots (a slot per node lifetime, cache.ts), one
 * entry per change of a node object or of its pods, and per node added or removed. A reader keeps its position in the log
 * and, when asked again, looks only at the nodes changed since (class-cache.ts keeps each class's verdicts up to date so).
 *
 * The log forgets its oldest entries when a reader lets it grow too long (`dropBefore`); a reader whose position is then
 * gone (`start` is past it) rebuilds what it keeps from the cache as it is.
 */
import type { CacheListener } from './cache.js';
import type { NodeState } from './types.js';

export class NodeChangeLog implements CacheListener {
  private slots: number[] = [];
  /** The log position of `slots[0]`. */
  private first = 0;
  /** Each slot's node name (slots are never reused). */
  private readonly names: string[] = [];
  /** The slot of each node of the cache now. */
  private readonly live = new Map<string, number>();

  /** `slotOf(name)`: the cache's slot of a node it holds. */
  constructor(private readonly slotOf: (name: string) => number | undefined) {}

  /** The position of the oldest change kept. */
  get start(): number {
    return this.first;
  }

  /** The position after the newest change. */
  get end(): number {
    return this.first + this.slots.length;
  }

  /** The slot changed at position `pos` (start <= pos < end). */
  at(pos: number): number {
    return this.slots[pos - this.first] as number;
  }

  /** The node name of a slot, alive or gone. */
  nameOf(slot: number): string {
    return this.names[slot] as string;
  }

  /** Whether the slot's node is in the cache now. */
  alive(slot: number): boolean {
    return this.live.get(this.names[slot] as string) === slot;
  }

  /** Forgets the changes before `pos`; copies the rest only once the dropped part is at least half of the log. */
  dropBefore(pos: number): void {
    const dead = Math.min(pos, this.end) - this.first;
    if (dead <= 0 || dead * 2 < this.slots.length) return;
    this.slots = this.slots.slice(dead);
    this.first += dead;
  }

  nodeSet(state: NodeState, before: NodeState | undefined): void {
    const name = state.node.name;
    if (before === undefined) {
      const slot = this.slotOf(name);
      if (slot === undefined) return;
      this.names[slot] = name;
      this.live.set(name, slot);
    }
    this.touch(name);
  }

  nodeRemoved(state: NodeState): void {
    const name = state.node.name;
    this.touch(name);
    this.live.delete(name);
  }

  podAdded(_pod: unknown, state: NodeState): void {
    this.touch(state.node.name);
  }

  podRemoved(_pod: unknown, state: NodeState): void {
    this.touch(state.node.name);
  }

  private touch(name: string): void {
    const slot = this.live.get(name);
    if (slot !== undefined) this.slots.push(slot);
  }
}
