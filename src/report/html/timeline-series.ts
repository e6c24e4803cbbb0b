/**
 * A rehearsal's trace as step series over virtual time, for the timeline chart: pods pending (created and not bound yet),
 * pods Running on the old and new instances, old nodes not terminated yet, new nodes launched and not terminated or
 * reclaimed yet, and new nodes Ready. Each
 * series is its change points: the value from that time on.
 */
export interface TraceEventView {
  readonly t: number;
  readonly kind: string;
  readonly object: string;
  readonly [detail: string]: string | number | boolean | null;
}

export interface TimelineInput {
  readonly durationSeconds: number;
  readonly events: readonly TraceEventView[];
  readonly instances: {
    readonly old: readonly { readonly nodeName: string; readonly runningPods: number }[];
    readonly new: readonly { readonly nodeName: string; readonly runningPods: number }[];
  };
}

export type SeriesName = 'podsPending' | 'podsRunning' | 'oldNodes' | 'newNodes' | 'newNodesReady';

export interface Series {
  readonly name: SeriesName;
  readonly label: string;
  /** [t, value] at each change, starting at t = 0. */
  readonly points: readonly (readonly [number, number])[];
  readonly max: number;
  readonly final: number;
}

const nameOf = (object: string, prefix: string): string | null => (object.startsWith(prefix) ? object.slice(prefix.length) : null);

class Stepper {
  readonly points: [number, number][] = [];
  constructor(private value: number) {
    this.points.push([0, value]);
  }
  add(t: number, d: number): void {
    this.value += d;
    const last = this.points[this.points.length - 1];
    if (last !== undefined && last[0] === t) last[1] = this.value;
    else this.points.push([t, this.value]);
  }
  shift(d: number): void {
    for (const p of this.points) p[1] += d;
    this.value += d;
  }
  get current(): number {
    return this.value;
  }
}

export function timelineSeries(r: TimelineInput): Series[] {
  const oldNames = new Set(r.instances.old.map((i) => i.nodeName));
  const newNames = new Set(r.instances.new.map((i) => i.nodeName));
  const instanceNames = new Set([...oldNames, ...newNames]);
  const pending = new Stepper(0);
  const running = new Stepper(0);
  const oldNodes = new Stepper(oldNames.size);
  const newNodes = new Stepper(0);
  const newReady = new Stepper(0);
  /** Pods created during the run and not bound yet. */
  const waiting = new Set<string>();
  /** Pods seen during the run: created by it, or already there (their first event is not pod.created). */
  const seen = new Set<string>();
  /** Pods counted Running now, by this walk. */
  const up = new Set<string>();
  const ready = new Set<string>();
  const gone = new Set<string>();
  for (const e of r.events) {
    const pod = nameOf(e.object, 'Pod ');
    if (pod !== null) {
      const node = typeof e['node'] === 'string' ? e['node'] : null;
      const first = !seen.has(pod);
      seen.add(pod);
      switch (e.kind) {
        case 'pod.created':
          if (node === null) {
            waiting.add(pod);
            pending.add(e.t, 1);
          }
          break;
        case 'pod.bound':
          if (waiting.delete(pod)) pending.add(e.t, -1);
          break;
        case 'pod.running':
          if (node !== null && instanceNames.has(node) && !up.has(pod)) {
            up.add(pod);
            running.add(e.t, 1);
          }
          break;
        case 'pod.terminating':
        case 'pod.terminated':
        case 'pod.deleted':
          if (waiting.delete(pod)) pending.add(e.t, -1);
          if (up.delete(pod)) running.add(e.t, -1);
          else if (first && node !== null && instanceNames.has(node)) running.add(e.t, -1); // Running before the run began.
          break;
      }
      continue;
    }
    // An instance ends with its node terminated by the migration, or reclaimed (a Spot interruption: the instance shuts
    // down first, the node object goes later), whichever the trace says first.
    const instanceNode = e.kind === 'instance.shutting-down' && typeof e['node'] === 'string' ? e['node'] : null;
    const node = instanceNode ?? nameOf(e.object, 'Node ');
    if (node === null) continue;
    if (e.kind === 'node.launched' && newNames.has(node)) newNodes.add(e.t, 1);
    else if (e.kind === 'node.ready' && newNames.has(node) && !ready.has(node)) {
      ready.add(node);
      newReady.add(e.t, 1);
    } else if (e.kind === 'node.not-ready' && ready.delete(node)) newReady.add(e.t, -1);
    else if ((e.kind === 'node.terminated' || e.kind === 'node.deleted' || instanceNode !== null) && !gone.has(node)) {
      gone.add(node);
      if (oldNames.has(node)) oldNodes.add(e.t, -1);
      if (newNames.has(node)) {
        newNodes.add(e.t, -1);
        if (ready.delete(node)) newReady.add(e.t, -1);
      }
    }
  }
  // Pods no event touched ran all along: the Running count at the end is the instances' own, so the walk is shifted by it.
  const finalRunning = [...r.instances.old, ...r.instances.new].reduce((s, i) => s + i.runningPods, 0);
  running.shift(finalRunning - running.current);
  const end = Math.max(r.durationSeconds, r.events[r.events.length - 1]?.t ?? 0);
  const series = (name: SeriesName, label: string, s: Stepper): Series => {
    const points = s.points.map(([t, v]) => [t, v] as const);
    const last = points[points.length - 1];
    if (last !== undefined && last[0] < end) points.push([end, last[1]]);
    return { name, label, points, max: Math.max(...points.map((p) => p[1])), final: s.current };
  };
  return [
    series('podsPending', 'pods pending', pending),
    series('podsRunning', 'pods running', running),
    series('oldNodes', 'old nodes', oldNodes),
    series('newNodes', 'new nodes', newNodes),
    series('newNodesReady', 'new nodes Ready', newReady),
  ];
}

/** The marks on the timeline: faults and recoveries, and the failure (or stop). */
export interface Mark {
  readonly t: number;
  /** When a fault that lasts ended (its `.ended` event); null for an instant fault or one that outlived the run. */
  readonly until: number | null;
  readonly kind: string;
  readonly label: string;
}

/** Every injected fault is traced as `fault.<kind>` when it starts (and `fault.<kind>.ended` when one that lasts ends). */
export function timelineMarks(r: { readonly events: readonly TraceEventView[] }): { faults: Mark[]; end: Mark | null } {
  const faults: { t: number; kind: string; label: string; until: number | null }[] = [];
  for (const e of r.events) {
    if (!e.kind.startsWith('fault.')) continue;
    if (e.kind.endsWith('.ended')) {
      const open = faults.find((f) => f.until === null && `${f.kind}.ended` === e.kind);
      if (open !== undefined) open.until = e.t;
      continue;
    }
    faults.push({ t: e.t, kind: e.kind, label: typeof e['spec'] === 'string' ? e['spec'] : `${e.kind} ${e.object}`, until: null });
  }
  const last = [...r.events].reverse().find((e) => e.kind === 'migration.failed' || e.kind === 'migration.stopped' || e.kind === 'migration.stop-requested');
  const end = last === undefined ? null : { t: last.t, until: null, kind: last.kind, label: `${last.kind}${typeof last['code'] === 'string' ? ` ${last['code']}` : ''}` };
  return { faults, end };
}
