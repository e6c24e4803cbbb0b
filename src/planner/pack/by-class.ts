/**
 * Values kept per pod class, found by the class's id: the placement phases look a class up once per pod or per node tried,
 * and an array read by id costs less than a map keyed by the class object. Classes of one build have distinct ids; a class
 * whose id another class holds already is kept aside in a map, so any classes work.
 */
import type { PodClass } from '../pod-classes.js';

/** Ids beyond this are kept in the map (an array that long would be mostly holes). */
const MAX_ID = 1 << 22;

export class ByClass<V> {
  private readonly classes: (PodClass | undefined)[];
  private readonly values: (V | undefined)[];
  private others: Map<PodClass, V> | null = null;

  /** `size`: one more than the largest id expected (the arrays grow for larger ones). */
  constructor(size = 0) {
    this.classes = new Array<PodClass | undefined>(size).fill(undefined);
    this.values = new Array<V | undefined>(size).fill(undefined);
  }

  get(cls: PodClass): V | undefined {
    const id = cls.id;
    if (this.classes[id] === cls) return this.values[id];
    return this.others === null ? undefined : this.others.get(cls);
  }

  set(cls: PodClass, value: V): void {
    const id = cls.id;
    const held = this.classes[id];
    if (held === cls || (held === undefined && Number.isInteger(id) && id >= 0 && id < MAX_ID)) {
      while (this.classes.length <= id) {
        this.classes.push(undefined);
        this.values.push(undefined);
      }
      this.classes[id] = cls;
      this.values[id] = value;
    } else (this.others ??= new Map()).set(cls, value);
  }

  clear(): void {
    this.classes.fill(undefined);
    this.values.fill(undefined);
    this.others = null;
  }
}

/** One more than the largest id of `classes` (0 for none): the size of a ByClass for them. */
export function idSpan(classes: readonly PodClass[]): number {
  let n = 0;
  for (const c of classes) if (Number.isInteger(c.id) && c.id >= n) n = c.id + 1;
  return n;
}
