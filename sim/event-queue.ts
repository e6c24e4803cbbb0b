/**
 * The simulator's agenda: events ordered by (time, sequence number), so two events at the same virtual instant run in the
 * order they were scheduled. Times are seconds on a virtual clock, rounded to the millisecond when scheduled so that sums of
 * floats never make two runs disagree.
 */

/** Rounds a time (seconds) to the millisecond. */
export function roundMs(t: number): number {
  return Math.round(t * 1000) / 1000;
}

export interface ScheduledEvent {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  readonly run: () => void;
  cancelled: boolean;
}

export class EventQueue {
  private heap: ScheduledEvent[] = [];
  private seq = 0;
  private time = 0;

  /** The virtual clock: the time of the event being run (or last run). */
  get now(): number {
    return this.time;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `run` at absolute time `at` (never before now). Returns a handle that `cancel` accepts. */
  at(at: number, label: string, run: () => void): ScheduledEvent {
    const ev: ScheduledEvent = { at: Math.max(this.time, roundMs(at)), seq: this.seq++, label, run, cancelled: false };
    this.heap.push(ev);
    this.up(this.heap.length - 1);
    return ev;
  }

  /** Schedules `run` `delay` seconds from now. */
  after(delay: number, label: string, run: () => void): ScheduledEvent {
    return this.at(this.time + Math.max(0, delay), label, run);
  }

  cancel(ev: ScheduledEvent): void {
    ev.cancelled = true;
  }

  /** Time of the next live event, or null when none is left. */
  peekTime(): number | null {
    this.dropCancelled();
    return this.heap[0]?.at ?? null;
  }

  /** Removes the next live event and advances the clock to its time; null when the queue is empty. */
  pop(): ScheduledEvent | null {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top) return null;
    this.removeTop();
    this.time = top.at;
    return top;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i] as ScheduledEvent;
    const b = this.heap[j] as ScheduledEvent;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i] as ScheduledEvent;
    this.heap[i] = this.heap[j] as ScheduledEvent;
    this.heap[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
