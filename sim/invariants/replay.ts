/**
 * Re-derives the state of the simulated cluster from the input cluster and the run's trace, event by event: which pods exist,
 * where they are bound, whether they run, are Ready or terminating; which nodes exist, are cordoned or Ready; which instances
 * are shutting down. The checkers walk the trace with it and look at the state just before or just after each event.
 *
 * It reads world events (pod.*, node.*, instance.*) as facts. Engine events (what the engine says it did) are passed through
 * untouched: a checker may compare them with the facts.
 */
import type { Cluster, PodPhase } from '../../src/model/types.js';
import type { TraceEvent } from '../cluster.js';

export interface PodRec {
  /** Creation order over the whole run (a StatefulSet pod's new incarnation has the same key and a new serial). */
  readonly serial: number;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerKind: string | null;
  readonly ownerName: string | null;
  readonly ownerUid: string | null;
  readonly isDaemonSet: boolean;
  readonly isMirror: boolean;
  readonly fromInput: boolean;
  readonly createdAt: number;
  /** The pod a controller created this one to replace. */
  readonly replaces: PodRec | null;
  /** Pods created to replace this one (normally at most one). */
  readonly successors: PodRec[];
  node: string | null;
  phase: PodPhase;
  ready: boolean;
  terminating: boolean;
  terminatingAt: number | null;
  terminatingReason: string | null;
  gone: boolean;
  goneAt: number | null;
  goneReason: string | null;
}

export interface NodeRec {
  readonly name: string;
  /** From the input cluster. */
  readonly fromInput: boolean;
  readonly instanceId: string | null;
  exists: boolean;
  unschedulable: boolean;
  /** Cordoned by a call made during the run (node.updated unschedulable=true seen). */
  cordonedInRun: boolean;
  ready: boolean;
}

/** What a new pod record is made of; the rest starts as a live pod with no successor. */
type NewPod = Omit<PodRec, 'serial' | 'successors' | 'terminating' | 'terminatingAt' | 'terminatingReason' | 'gone' | 'goneAt' | 'goneReason'>;

/** A PodRec built field by field in one fixed order, so every record has the same shape (cheap to make and to read). */
class PodRecord implements PodRec {
  readonly serial: number;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerKind: string | null;
  readonly ownerName: string | null;
  readonly ownerUid: string | null;
  readonly isDaemonSet: boolean;
  readonly isMirror: boolean;
  readonly fromInput: boolean;
  readonly createdAt: number;
  readonly replaces: PodRec | null;
  readonly successors: PodRec[] = [];
  node: string | null;
  phase: PodPhase;
  ready: boolean;
  terminating = false;
  terminatingAt: number | null = null;
  terminatingReason: string | null = null;
  gone = false;
  goneAt: number | null = null;
  goneReason: string | null = null;

  constructor(p: NewPod, serial: number) {
    this.serial = serial;
    this.key = p.key;
    this.namespace = p.namespace;
    this.name = p.name;
    this.uid = p.uid;
    this.labels = p.labels;
    this.ownerKind = p.ownerKind;
    this.ownerName = p.ownerName;
    this.ownerUid = p.ownerUid;
    this.isDaemonSet = p.isDaemonSet;
    this.isMirror = p.isMirror;
    this.fromInput = p.fromInput;
    this.createdAt = p.createdAt;
    this.replaces = p.replaces;
    this.node = p.node;
    this.phase = p.phase;
    this.ready = p.ready;
  }
}

const after = (object: string): string => {
  const i = object.indexOf(' ');
  return i < 0 ? object : object.slice(i + 1);
};

export function podKeyOf(ev: TraceEvent): string {
  return after(ev.object);
}

export function nodeNameOf(ev: TraceEvent): string {
  return after(ev.object);
}

function str(ev: TraceEvent, field: string): string | null {
  const v = ev[field];
  return typeof v === 'string' ? v : null;
}

/**
 * Who else takes pods and instances away during a run, as the world's trace names them: a Spot interruption (EC2's notice,
 * the drain that follows it, the reclaim two minutes later) and a Spot rebalance (Ocean's replacement, drain and termination).
 * Their value is the `by` of node.updated and instance.shutting-down, and the reason of the pods they remove.
 */
export const SPOT_CAUSES: ReadonlySet<string> = new Set(['spot-interruption', 'spot-rebalance']);

/**
 * Pod removals that are Kubernetes' or the cloud's doing, not the migration's: taint-based eviction off a NotReady node, and
 * the Spot causes above.
 */
export const NOT_THE_MIGRATION: ReadonlySet<string> = new Set(['taint-eviction', ...SPOT_CAUSES]);

/** The Spot cause an event names in its `by` (a cordon or a termination the migration did not make), or null. */
export function spotCause(ev: TraceEvent): string | null {
  const by = ev['by'];
  return typeof by === 'string' && SPOT_CAUSES.has(by) ? by : null;
}

/** Pods that the migration must not leave behind on a node: not DaemonSet, not mirror (static), not finished. */
export function runsWorkload(p: PodRec): boolean {
  return !p.isDaemonSet && !p.isMirror && !p.gone && p.phase !== 'Succeeded' && p.phase !== 'Failed';
}

export class Replay {
  /** Live pods by namespace/name. */
  readonly pods = new Map<string, PodRec>();
  /** Every pod that existed, in creation order (input pods first). */
  readonly all: PodRec[] = [];
  readonly nodes = new Map<string, NodeRec>();
  /** Instance id -> its node name, for instances seen in the input or launched. */
  readonly instanceNode = new Map<string, string>();
  /** Instances told to shut down (instance.shutting-down), with the time. */
  readonly shutDown = new Map<string, number>();
  /** The last pod to bear each key (alive or gone). */
  private readonly lastByKey = new Map<string, PodRec>();
  private serial = 0;
  /** The event being applied (its time), after apply() returns: the last one. */
  now = 0;

  constructor(cluster: Cluster) {
    for (const n of cluster.nodes) {
      this.nodes.set(n.name, {
        name: n.name,
        fromInput: true,
        instanceId: n.instanceId,
        exists: true,
        unschedulable: n.unschedulable,
        cordonedInRun: false,
        ready: n.ready,
      });
      if (n.instanceId !== null && !this.instanceNode.has(n.instanceId)) this.instanceNode.set(n.instanceId, n.name);
    }
    const byKey = [...cluster.pods].sort((a, b) => {
      const ka = `${a.namespace}/${a.name}`;
      const kb = `${b.namespace}/${b.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    for (const p of byKey) {
      const node = p.nodeName !== null && this.nodes.has(p.nodeName) ? p.nodeName : null;
      // An unbound pod that says it runs is Pending in a real API server's eyes (the simulator starts from that too).
      const phase: PodPhase = node === null && (p.phase === 'Running' || p.phase === 'Unknown') ? 'Pending' : p.phase;
      const key = `${p.namespace}/${p.name}`;
      this.add({
        key,
        namespace: p.namespace,
        name: p.name,
        uid: p.uid !== '' ? p.uid : `uid-${key}`,
        labels: p.labels,
        ownerKind: p.owner?.kind ?? null,
        ownerName: p.owner?.name ?? null,
        ownerUid: p.owner?.uid ?? null,
        isDaemonSet: p.owner?.kind === 'DaemonSet',
        isMirror: p.isMirror,
        fromInput: true,
        createdAt: -1,
        replaces: null,
        node,
        phase,
        ready: phase === 'Running' && p.ready,
      });
    }
  }

  private add(p: NewPod): PodRec {
    const rec = new PodRecord(p, this.serial++);
    this.pods.set(rec.key, rec);
    this.lastByKey.set(rec.key, rec);
    this.all.push(rec);
    return rec;
  }

  /** Live pods bound to a node. */
  podsOn(node: string): PodRec[] {
    const out: PodRec[] = [];
    for (const p of this.pods.values()) if (p.node === node) out.push(p);
    return out;
  }

  /** Applies one event of the trace. Unknown kinds (engine events, faults) change nothing. */
  apply(ev: TraceEvent): void {
    this.now = ev.t;
    switch (ev.kind) {
      case 'pod.created': {
        const key = podKeyOf(ev);
        const slash = key.indexOf('/');
        const owner = str(ev, 'owner');
        const ownerKind = owner === null ? null : owner.slice(0, owner.indexOf('/'));
        const ownerName = owner === null ? null : owner.slice(owner.indexOf('/') + 1);
        const labelsText = str(ev, 'labels');
        const replacesKey = str(ev, 'replaces');
        const replaces = replacesKey === null ? null : (this.lastByKey.get(replacesKey) ?? null);
        const rec = this.add({
          key,
          namespace: key.slice(0, slash),
          name: key.slice(slash + 1),
          uid: str(ev, 'uid') ?? `created-${this.serial}`,
          labels: labelsText === null ? (replaces?.labels ?? {}) : (JSON.parse(labelsText) as Record<string, string>),
          ownerKind,
          ownerName,
          ownerUid: str(ev, 'ownerUid'),
          isDaemonSet: ownerKind === 'DaemonSet',
          isMirror: false,
          fromInput: false,
          createdAt: ev.t,
          replaces,
          node: str(ev, 'node'),
          phase: 'Pending',
          ready: false,
        });
        if (replaces) replaces.successors.push(rec);
        return;
      }
      case 'pod.bound': {
        const p = this.pods.get(podKeyOf(ev));
        if (p) p.node = str(ev, 'node');
        return;
      }
      case 'pod.running': {
        const p = this.pods.get(podKeyOf(ev));
        if (p) p.phase = 'Running';
        return;
      }
      case 'pod.ready': {
        const p = this.pods.get(podKeyOf(ev));
        if (p) p.ready = true;
        return;
      }
      case 'pod.terminating': {
        const p = this.pods.get(podKeyOf(ev));
        if (p) {
          p.terminating = true;
          p.ready = false;
          p.terminatingAt = ev.t;
          p.terminatingReason = str(ev, 'reason');
        }
        return;
      }
      case 'pod.terminated': {
        const key = podKeyOf(ev);
        const p = this.pods.get(key);
        if (p) {
          p.gone = true;
          p.goneAt = ev.t;
          p.goneReason = str(ev, 'reason');
          this.pods.delete(key);
        }
        return;
      }
      case 'node.registered': {
        const name = nodeNameOf(ev);
        const id = str(ev, 'instanceId');
        this.nodes.set(name, { name, fromInput: false, instanceId: id, exists: true, unschedulable: false, cordonedInRun: false, ready: false });
        if (id !== null) this.instanceNode.set(id, name);
        return;
      }
      case 'node.launched': {
        const id = str(ev, 'instanceId');
        if (id !== null) this.instanceNode.set(id, nodeNameOf(ev));
        return;
      }
      case 'node.updated': {
        const n = this.nodes.get(nodeNameOf(ev));
        const v = ev['unschedulable'];
        if (n && typeof v === 'boolean') {
          n.unschedulable = v;
          if (v) n.cordonedInRun = true;
        }
        return;
      }
      case 'node.ready':
      case 'node.not-ready': {
        const name = nodeNameOf(ev);
        const n = this.nodes.get(name);
        if (n) n.ready = ev.kind === 'node.ready';
        // A node that stops posting status takes its pods' readiness with it.
        if (ev.kind === 'node.not-ready') for (const p of this.podsOn(name)) if (!p.terminating) p.ready = false;
        return;
      }
      case 'node.deleted': {
        const n = this.nodes.get(nodeNameOf(ev));
        if (n) n.exists = false;
        return;
      }
      case 'instance.shutting-down': {
        this.shutDown.set(after(ev.object), ev.t);
        return;
      }
      default:
        return;
    }
  }
}

/** What a checker does while the trace is walked: `before` sees the state just before an event, `after` just after. */
export interface WalkHooks {
  readonly before?: (ev: TraceEvent, r: Replay, index: number) => void;
  readonly after?: (ev: TraceEvent, r: Replay, index: number) => void;
}

/** Walks the trace: `before(ev, state)` sees the state just before the event, `afterEvent` just after. */
export function walk(cluster: Cluster, events: readonly TraceEvent[], hooks: WalkHooks): Replay {
  return walkAll(cluster, events, [hooks]);
}

/**
 * One walk for several checkers: at each event every `before` runs (in the order given), then the event is applied, then
 * every `after`. The hooks only read the replayed state, so each sees what it would see on a walk of its own.
 */
export function walkAll(cluster: Cluster, events: readonly TraceEvent[], hooks: readonly WalkHooks[]): Replay {
  const r = new Replay(cluster);
  const before = hooks.flatMap((h) => (h.before ? [h.before] : []));
  const afterHooks = hooks.flatMap((h) => (h.after ? [h.after] : []));
  for (let i = 0; i < events.length; i++) {
    const ev = events[i] as TraceEvent;
    for (const f of before) f(ev, r, i);
    r.apply(ev);
    for (const f of afterHooks) f(ev, r, i);
  }
  return r;
}
