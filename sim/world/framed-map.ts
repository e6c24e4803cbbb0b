/**
 * A map whose state at chosen moments stays readable after it changes. `frame()` marks a moment; a frame reads the values
 * as they were then. Each change records the value it replaces in the latest frame only (once per key), and a frame reads
 * a key from its own record, else from the records of the frames after it, else from the map now: the first record met
 * holds the value of its frame's moment, which no change between the two frames touched. So a change costs one record,
 * a frame costs nothing, and reading the latest frame costs a lookup or two; frames no one holds are collected (a frame
 * refers only to the frames after it).
 */
export class FramedMap<V> {
  private readonly now = new Map<string, V>();
  private latest: MapFrame<V> | null = null;

  /** Sets (or with undefined, removes) a key's value from now on. */
  set(k: string, v: V | undefined): void {
    const f = this.latest;
    if (f !== null && !f.before.has(k)) f.before.set(k, this.now.get(k));
    if (v === undefined) this.now.delete(k);
    else this.now.set(k, v);
  }

  /** The map as it is now, readable as such whatever changes later. */
  frame(): MapFrame<V> {
    const f = new MapFrame(this.now);
    if (this.latest !== null) this.latest.next = f;
    this.latest = f;
    return f;
  }
}

export class MapFrame<V> {
  /** Values of this frame's moment that changed before the next frame: undefined for a key absent then. */
  readonly before = new Map<string, V | undefined>();
  next: MapFrame<V> | null = null;

  constructor(private readonly now: ReadonlyMap<string, V>) {}

  get(k: string): V | undefined {
    for (let f: MapFrame<V> | null = this; f !== null; f = f.next) if (f.before.has(k)) return f.before.get(k);
    return this.now.get(k);
  }

  /** The values of this frame's moment (any order). */
  values(): V[] {
    const keys = new Set(this.now.keys());
    for (let f: MapFrame<V> | null = this; f !== null; f = f.next) for (const k of f.before.keys()) keys.add(k);
    const out: V[] = [];
    for (const k of keys) {
      const v = this.get(k);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
}
