/**
 * A recorder of what the real API server did during a live run, written in the simulated world's vocabulary, so the SAME
 * invariant checkers of sim/invariants judge a live run as they judge a simulated one (checkInvariants over
 * { plan, cluster, result }).
 *
 * How: the recorder lists the Pods of one namespace and the Nodes of one label selector (that list is the run's input
 * cluster, read into the model as `plan --kubeconfig` reads it), then watches both from the lists' resourceVersions and
 * keeps every watch event raw. At the end (`result()`), the raw events are put in etcd's order and turned into the world
 * events the simulator emits (sim/cluster.ts), by diffing each object with its previous version:
 *
 *   Pod added              pod.created {owner, node, uid, ownerUid, labels, replaces}
 *   spec.nodeName set      pod.bound {node}
 *   phase -> Running       pod.running
 *   Ready -> True          pod.ready
 *   deletionTimestamp set  pod.terminating {node, reason}  (reason from the DisruptionTarget condition: evicted,
 *                                                           taint-eviction, node-deleted, preempted; none: deleted)
 *   Pod deleted            pod.terminated {node, reason}
 *   Node added             node.registered {instanceId, vng}, then node.ready / node.updated as it is
 *   spec.unschedulable     node.updated {unschedulable}
 *   Ready changes          node.ready / node.not-ready
 *   Node deleted           instance.shutting-down {node} (KWOK: deleting the Node is terminating the instance), node.deleted
 *
 * and the engine's own trace (`vngshift run --trace-out FILE`) is merged in by time. Its `detail` is flattened into the
 * event as sim/ports.ts does.
 *
 * What the live world cannot give, and how it is adapted (narrowly):
 * - `replaces`. The simulator writes which pod a controller made a new one for; the API does not say. A StatefulSet pod
 *   replaces the pod of the same name that was there before. A ReplicaSet's (Job's, ReplicationController's) new pod is
 *   taken to replace the oldest pod of the same controller (owner uid) that started terminating, or was deleted, and is not
 *   replaced yet: what the ReplicaSet controller does (it counts terminating pods as gone and makes up for them). A new pod
 *   with no such predecessor starts a chain of its own (a scale-up), as a new workload does in the simulator.
 * - Order and time. resourceVersions are etcd revisions, one sequence for every object of the one etcd the harness runs,
 *   so sorting by them gives the order in which the API server made the changes, across the two watches. A watch event's
 *   time is when this process received it, an upper bound of when the change happened; each time is lowered to the times
 *   of later changes (a suffix minimum), the tightest bound that respects the order. Engine events carry the engine's wall
 *   clock (the same host's clock). One causal fact is added to the merge: with KWOK (and --capacity kwok) the engine's
 *   terminateInstances deletes the Node object and returns before the engine records node.terminated, so node.terminated
 *   is never put before that Node's deletion; otherwise this process's watch, lagging behind the executor's, could make
 *   invariant 4 see pods that the API had already removed.
 * - Pods leaving Ready without terminating have no event in the simulator's vocabulary (the replay only drops readiness on
 *   terminating or node.not-ready); they are not recorded. KWOK never does it.
 * - PDB status: the recorder reads every PodDisruptionBudget's status (the disruption controller's own figures) when asked,
 *   `pdbStatus()`, so a test can compare them with the checkers' arithmetic; evictions refused with 429 are only seen by
 *   the engine (pod.evict-blocked in its trace).
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import type { EngineEvent } from '../../../src/engine/ports.js';
import { DEFAULT_ENGINE_SETTINGS, type MigrationStatus } from '../../../src/engine/state.js';
import { listAll, plainJson } from '../../../src/live/informers.js';
import { listClusterObjects } from '../../../src/live/read-cluster.js';
import type { FailureCode } from '../../../src/model/failures.js';
import { instanceIdFromProviderId, parseClusterObjects } from '../../../src/model/kube/index.js';
import type { Cluster } from '../../../src/model/types.js';
import type { Plan } from '../../../src/planner/plan.js';
import type { DetailValue, TraceEvent } from '../../../sim/cluster.js';
import type { InstanceState } from '../../../sim/ec2.js';
import type { SimResult } from '../../../sim/simulate.js';
import { resolveTiming } from '../../../sim/timing.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const roundMs = (t: number): number => Math.round(t * 1000) / 1000;

interface RawEvent {
  readonly what: 'pod' | 'node';
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly obj: Obj;
  readonly rv: number;
  /** Epoch seconds when this process received it. */
  readonly at: number;
}

interface PodFacts {
  readonly uid: string;
  readonly key: string;
  readonly node: string | null;
  readonly phase: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly owner: { kind: string; name: string; uid: string } | null;
  readonly labels: Record<string, string>;
  readonly reason: string;
}

interface NodeFacts {
  readonly name: string;
  readonly unschedulable: boolean;
  readonly ready: boolean;
  readonly instanceId: string | null;
  readonly vng: string | null;
  readonly instanceType: string;
  readonly zone: string;
}

function conditionStatus(status: unknown, type: string): { status: string; reason: string } | null {
  const list = obj(status)['conditions'];
  if (!Array.isArray(list)) return null;
  for (const c of list) if (isObj(c) && c['type'] === type) return { status: String(c['status'] ?? ''), reason: String(c['reason'] ?? '') };
  return null;
}

/** Why the pod is being deleted, in the simulator's words, from the DisruptionTarget condition the API server sets. */
function deletionReason(status: unknown): string {
  const c = conditionStatus(status, 'DisruptionTarget');
  if (c === null || c.status !== 'True') return 'deleted';
  switch (c.reason) {
    case 'EvictionByEvictionAPI':
      return 'evicted';
    case 'DeletionByTaintManager':
      return 'taint-eviction';
    case 'DeletionByPodGC':
      return 'node-deleted';
    case 'PreemptionByScheduler':
      return 'preempted';
    default:
      return 'deleted';
  }
}

function podFacts(o: Obj): PodFacts {
  const md = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  let owner: PodFacts['owner'] = null;
  const refs = md['ownerReferences'];
  if (Array.isArray(refs)) {
    for (const r of refs) {
      if (isObj(r) && r['controller'] === true && typeof r['kind'] === 'string' && typeof r['uid'] === 'string') {
        owner = { kind: r['kind'], name: String(r['name'] ?? ''), uid: r['uid'] };
      }
    }
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(md['labels']))) if (typeof v === 'string') labels[k] = v;
  return {
    uid: String(md['uid'] ?? ''),
    key: `${String(md['namespace'] ?? 'default')}/${String(md['name'] ?? '')}`,
    node: str(spec['nodeName']),
    phase: str(status['phase']) ?? 'Pending',
    ready: conditionStatus(status, 'Ready')?.status === 'True',
    terminating: md['deletionTimestamp'] !== undefined && md['deletionTimestamp'] !== null,
    owner,
    labels,
    reason: deletionReason(status),
  };
}

function nodeFacts(o: Obj): NodeFacts {
  const md = obj(o['metadata']);
  const spec = obj(o['spec']);
  const labels = obj(md['labels']);
  const providerID = str(spec['providerID']);
  return {
    name: String(md['name'] ?? ''),
    unschedulable: spec['unschedulable'] === true,
    ready: conditionStatus(o['status'], 'Ready')?.status === 'True',
    instanceId: providerID === null ? null : instanceIdFromProviderId(providerID),
    vng: str(obj(md['annotations'])['vngshift.io/vng']),
    instanceType: str(labels['node.kubernetes.io/instance-type']) ?? '',
    zone: str(labels['topology.kubernetes.io/zone']) ?? '',
  };
}

const rvOf = (o: Obj): number => Number(obj(o['metadata'])['resourceVersion'] ?? NaN);

/** The engine's trace as `vngshift run --trace-out FILE` writes it (one EngineEvent per line). */
export function readEngineTrace(file: string): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    out.push(JSON.parse(line) as EngineEvent);
  }
  return out;
}

/** Sorted-key labels text, as the simulator writes it on pod.created. */
function labelsText(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) sorted[k] = labels[k] as string;
  return JSON.stringify(sorted);
}

export interface LiveTraceOptions {
  readonly kubeconfig: string;
  /** The namespace whose pods are recorded (the test's workloads). */
  readonly namespace: string;
  /** The nodes recorded: old nodes and the VNG nodes the capacity provider creates must all match it. */
  readonly nodeLabelSelector: string;
}

/** What the run itself reports at its end (`vngshift run -o json`: the status view and the failure). */
export interface RunOutcome {
  readonly status: MigrationStatus;
  readonly failure: { code: FailureCode; message: string; why: string; remedy: string; objects: readonly string[] } | null;
}

export interface PdbStatus {
  readonly name: string;
  readonly expectedPods: number;
  readonly currentHealthy: number;
  readonly desiredHealthy: number;
  readonly disruptionsAllowed: number;
  /** status.disruptedPods: names of pods evicted less than 2 minutes ago that the controller does not count yet. */
  readonly disruptedPods: readonly string[];
}

export class LiveTraceRecorder {
  private readonly raw: RawEvent[] = [];
  private readonly aborts: AbortController[] = [];
  private stopped = false;
  private readonly problems: string[] = [];

  private constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly opts: LiveTraceOptions,
    /** The input cluster: the test's namespace and nodes as they were when the recording started. */
    readonly cluster: Cluster,
    private readonly initialPods: readonly Obj[],
    private readonly initialNodes: readonly Obj[],
    /** Epoch seconds at the start: trace times are seconds since then. */
    readonly t0: number,
  ) {}

  /** Lists, reads the input cluster and starts the watches. */
  static async start(opts: LiveTraceOptions): Promise<LiveTraceRecorder> {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(opts.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const t0 = Date.now() / 1000;
    const { ApiEtiquette } = await import('../../../src/live/etiquette.js');
    const api = new ApiEtiquette();
    const pods = await listAll(api, 'list pods', (c) => core.listNamespacedPod({ namespace: opts.namespace, limit: 500, ...(c ? { _continue: c } : {}) }));
    const nodes = await listAll(api, 'list nodes', (c) => core.listNode({ labelSelector: opts.nodeLabelSelector, limit: 500, ...(c ? { _continue: c } : {}) }));
    // The other kinds (PDBs, controllers, volumes) as `plan --kubeconfig` reads them, kept to the test's namespace.
    const all = await listClusterObjects(kc, { prefetched: { nodes: nodes.items, pods: pods.items } });
    const mine = all.filter((o) => {
      const ns = str(obj(obj(o)['metadata'])['namespace']);
      return ns === null || ns === opts.namespace;
    });
    const cluster = parseClusterObjects(mine, `live cluster (namespace ${opts.namespace}, nodes ${opts.nodeLabelSelector})`);
    const rec = new LiveTraceRecorder(kc, opts, cluster, pods.items.map(obj), nodes.items.map(obj), t0);
    await rec.watch('pod', `/api/v1/namespaces/${opts.namespace}/pods`, {}, pods.resourceVersion);
    await rec.watch('node', '/api/v1/nodes', { labelSelector: opts.nodeLabelSelector }, nodes.resourceVersion);
    return rec;
  }

  private async watch(what: 'pod' | 'node', path: string, query: Record<string, string>, fromRv: string): Promise<void> {
    let rv = fromRv;
    let gap = false;
    const w = new k8s.Watch(this.kc);
    const begin = async (): Promise<void> => {
      const ac = await w.watch(
        path,
        { ...query, resourceVersion: rv, allowWatchBookmarks: true },
        (type: string, apiObj: unknown) => {
          const o = obj(apiObj);
          if (type === 'ERROR') {
            // 410 Gone: the watch cannot resume without a gap; the trace would be incomplete, so the run is not judged.
            this.problems.push(`${what} watch: ${JSON.stringify(o)}`);
            gap = true;
            return;
          }
          const next = str(obj(o['metadata'])['resourceVersion']);
          if (next !== null) rv = next;
          if (type === 'BOOKMARK') return;
          if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
          this.raw.push({ what, type, obj: plainJson(o) as Obj, rv: rvOf(o), at: Date.now() / 1000 });
        },
        (err: unknown) => {
          if (this.stopped || gap) return;
          // The server closes watches now and then: resume from the last resourceVersion seen (no gap).
          if (err) this.problems.push(`${what} watch ended: ${err instanceof Error ? err.message : String(err)}; resumed`);
          setTimeout(() => void begin().catch((e: unknown) => this.problems.push(`${what} watch restart failed: ${String(e)}`)), 200);
        },
      );
      this.aborts.push(ac);
    };
    await begin();
  }

  /** Stops the watches (after `settleMs`, so the last changes of the run arrive). */
  async stop(settleMs = 2000): Promise<void> {
    await new Promise((r) => setTimeout(r, settleMs));
    this.stopped = true;
    for (const ac of this.aborts) ac.abort();
  }

  /** Problems that make the trace incomplete (a watch that could not resume without a gap). */
  get incomplete(): readonly string[] {
    return this.problems.filter((p) => !p.endsWith('; resumed'));
  }

  /** Raw watch events received so far. */
  get rawCount(): number {
    return this.raw.length;
  }

  /** The disruption controller's own status of every PDB in the namespace, now. */
  async pdbStatus(): Promise<PdbStatus[]> {
    const policy = this.kc.makeApiClient(k8s.PolicyV1Api);
    const list = await policy.listNamespacedPodDisruptionBudget({ namespace: this.opts.namespace });
    return list.items
      .map((p) => ({
        name: p.metadata?.name ?? '',
        expectedPods: p.status?.expectedPods ?? 0,
        currentHealthy: p.status?.currentHealthy ?? 0,
        desiredHealthy: p.status?.desiredHealthy ?? 0,
        disruptionsAllowed: p.status?.disruptionsAllowed ?? 0,
        disruptedPods: Object.keys(p.status?.disruptedPods ?? {}).sort(),
      }))
      .sort((a, b) => cmp(a.name, b.name));
  }

  /** The world's events, in the simulator's vocabulary, in etcd's order, times in epoch seconds. */
  worldEvents(): TraceEvent[] {
    const raw = [...this.raw].sort((a, b) => a.rv - b.rv);
    // Receipt times are upper bounds; lower each to the later ones (suffix minimum) so times follow etcd's order.
    const at: number[] = raw.map((r) => r.at);
    for (let i = at.length - 2; i >= 0; i--) at[i] = Math.min(at[i] as number, at[i + 1] as number);

    const out: TraceEvent[] = [];
    let now = this.t0;
    const emit = (kind: string, object: string, detail: Record<string, DetailValue> = {}): void => {
      out.push({ t: now, kind, object, ...detail } as TraceEvent);
    };
    const pods = new Map<string, PodFacts>();
    const seenKeys = new Set<string>();
    /** Per controller uid: pods that went (or are going) and have no replacement yet, oldest first. */
    const awaiting = new Map<string, string[]>();
    const replacedByController = new Set(['ReplicaSet', 'Job', 'ReplicationController']);
    const await_ = (p: PodFacts): void => {
      if (p.owner === null || !replacedByController.has(p.owner.kind)) return;
      const q = awaiting.get(p.owner.uid) ?? [];
      q.push(p.key);
      awaiting.set(p.owner.uid, q);
    };
    for (const o of this.initialPods) {
      const p = podFacts(o);
      pods.set(p.key, p);
      seenKeys.add(p.key);
    }
    const nodes = new Map<string, NodeFacts>();
    for (const o of this.initialNodes) {
      const n = nodeFacts(o);
      nodes.set(n.name, n);
    }

    const podChanged = (prev: PodFacts, p: PodFacts): void => {
      const object = `Pod ${p.key}`;
      if (prev.node === null && p.node !== null) emit('pod.bound', object, { node: p.node });
      if (prev.phase !== 'Running' && p.phase === 'Running') emit('pod.running', object, { node: p.node });
      if (!prev.ready && p.ready && !p.terminating) emit('pod.ready', object, { node: p.node });
      if (!prev.terminating && p.terminating) {
        emit('pod.terminating', object, { node: p.node, reason: p.reason });
        await_(p);
      }
    };

    raw.forEach((r, i) => {
      now = at[i] as number;
      if (r.what === 'pod') {
        const p = podFacts(r.obj);
        const prev = pods.get(p.key);
        if (r.type === 'DELETED') {
          if (!prev || prev.uid !== p.uid) return;
          if (!prev.terminating && prev.node !== null) {
            emit('pod.terminating', `Pod ${p.key}`, { node: prev.node, reason: p.reason });
          }
          if (!prev.terminating) await_(p);
          emit('pod.terminated', `Pod ${p.key}`, { node: prev.node, reason: prev.terminating ? prev.reason : p.reason });
          pods.delete(p.key);
          return;
        }
        if (prev && prev.uid === p.uid) {
          podChanged(prev, p);
          pods.set(p.key, p.terminating && !prev.terminating ? p : { ...p, reason: prev.terminating ? prev.reason : p.reason });
          return;
        }
        if (prev) {
          // A new pod under a name whose old pod's deletion this watch never showed: cannot happen in etcd order.
          this.problems.push(`pod ${p.key}: uid ${p.uid} added while ${prev.uid} was not deleted`);
        }
        let replaces: string | null = null;
        if (p.owner?.kind === 'StatefulSet') replaces = seenKeys.has(p.key) ? p.key : null;
        else if (p.owner !== null && replacedByController.has(p.owner.kind)) replaces = awaiting.get(p.owner.uid)?.shift() ?? null;
        seenKeys.add(p.key);
        emit('pod.created', `Pod ${p.key}`, {
          owner: p.owner ? `${p.owner.kind}/${p.owner.name}` : null,
          node: p.node,
          uid: p.uid,
          ownerUid: p.owner?.uid ?? null,
          labels: labelsText(p.labels),
          replaces,
        });
        const blank: PodFacts = { ...p, node: p.node, phase: 'Pending', ready: false, terminating: false };
        podChanged(blank, p);
        pods.set(p.key, p);
        return;
      }
      const n = nodeFacts(r.obj);
      const prev = nodes.get(n.name);
      const object = `Node ${n.name}`;
      if (r.type === 'DELETED') {
        if (!prev) return;
        if (prev.instanceId !== null) emit('instance.shutting-down', `Instance ${prev.instanceId}`, { node: n.name });
        emit('node.deleted', object, { reason: 'deleted' });
        nodes.delete(n.name);
        return;
      }
      if (!prev) {
        emit('node.registered', object, { instanceId: n.instanceId, vng: n.vng });
        if (n.unschedulable) emit('node.updated', object, { unschedulable: true });
        if (n.ready) emit('node.ready', object, { reason: 'kubelet ready' });
      } else {
        if (prev.unschedulable !== n.unschedulable) emit('node.updated', object, { unschedulable: n.unschedulable });
        if (prev.ready !== n.ready) emit(n.ready ? 'node.ready' : 'node.not-ready', object, { reason: 'Ready condition' });
      }
      nodes.set(n.name, n);
    });
    return out;
  }

  /**
   * The run as a SimResult: world events merged with the engine's (see the header for the order), times in seconds since the
   * recording started; instances from the Node objects; the status and failure as the run reported them.
   */
  result(plan: Plan, engine: readonly EngineEvent[], outcome: RunOutcome): SimResult {
    const world = this.worldEvents();
    // Where each node's deletion is in the world's order (node.terminated is not put before it).
    const deletedAt = new Map<string, number>();
    world.forEach((ev, i) => {
      if (ev.kind === 'node.deleted') deletedAt.set(ev.object.slice('Node '.length), i);
    });
    const merged: TraceEvent[] = [];
    let last = this.t0;
    const push = (ev: TraceEvent): void => {
      last = Math.max(last, ev.t);
      merged.push({ ...ev, t: roundMs(last - this.t0) } as TraceEvent);
    };
    let wi = 0;
    for (const e of engine) {
      const anchor = e.kind === 'node.terminated' ? (deletedAt.get(e.object.slice('Node '.length)) ?? -1) : -1;
      while (wi < world.length && (((world[wi] as TraceEvent).t <= e.t) || wi <= anchor)) push(world[wi++] as TraceEvent);
      const flat: Record<string, DetailValue> = { t: e.t, kind: e.kind, object: e.object };
      for (const [k, v] of Object.entries(e.detail ?? {})) flat[k in flat ? `detail.${k}` : k] = v;
      push(flat as TraceEvent);
    }
    while (wi < world.length) push(world[wi++] as TraceEvent);

    // The final state, for the instance lists and the unscheduled pods.
    const alive = new Map<string, { node: string | null; phase: string; terminating: boolean; ds: boolean }>();
    for (const o of this.initialPods) {
      const p = podFacts(o);
      alive.set(p.key, { node: p.node, phase: p.phase, terminating: p.terminating, ds: p.owner?.kind === 'DaemonSet' });
    }
    const nodeInfo = new Map<string, { instanceId: string | null; vng: string | null; instanceType: string; zone: string; old: boolean; gone: boolean }>();
    for (const o of this.initialNodes) {
      const n = nodeFacts(o);
      nodeInfo.set(n.name, { instanceId: n.instanceId, vng: n.vng, instanceType: n.instanceType, zone: n.zone, old: true, gone: false });
    }
    const rawNodes = new Map<string, NodeFacts>();
    for (const r of this.raw) if (r.what === 'node') rawNodes.set(nodeFacts(r.obj).name, nodeFacts(r.obj));
    for (const ev of world) {
      const key = ev.object.slice(ev.object.indexOf(' ') + 1);
      switch (ev.kind) {
        case 'pod.created':
          alive.set(key, { node: typeof ev['node'] === 'string' ? ev['node'] : null, phase: 'Pending', terminating: false, ds: String(ev['owner']).startsWith('DaemonSet/') });
          break;
        case 'pod.bound': {
          const p = alive.get(key);
          if (p) p.node = typeof ev['node'] === 'string' ? ev['node'] : null;
          break;
        }
        case 'pod.running': {
          const p = alive.get(key);
          if (p) p.phase = 'Running';
          break;
        }
        case 'pod.terminating': {
          const p = alive.get(key);
          if (p) p.terminating = true;
          break;
        }
        case 'pod.terminated':
          alive.delete(key);
          break;
        case 'node.registered': {
          const f = rawNodes.get(key);
          nodeInfo.set(key, {
            instanceId: typeof ev['instanceId'] === 'string' ? ev['instanceId'] : null,
            vng: typeof ev['vng'] === 'string' ? ev['vng'] : null,
            instanceType: f?.instanceType ?? '',
            zone: f?.zone ?? '',
            old: false,
            gone: false,
          });
          break;
        }
        case 'node.deleted': {
          const n = nodeInfo.get(key);
          if (n) n.gone = true;
          break;
        }
        default:
          break;
      }
    }
    const running = (node: string): number => [...alive.values()].filter((p) => p.node === node && p.phase === 'Running' && !p.terminating && !p.ds).length;
    const state = (gone: boolean): InstanceState => (gone ? 'terminated' : 'running');
    const oldInstances: SimResult['instances']['old'][number][] = [];
    const newInstances: SimResult['instances']['new'][number][] = [];
    for (const [name, n] of [...nodeInfo].sort((a, b) => cmp(a[0], b[0]))) {
      if (n.instanceId === null) continue;
      if (n.old) oldInstances.push({ instanceId: n.instanceId, nodeName: name, state: state(n.gone), runningPods: running(name) });
      else newInstances.push({ instanceId: n.instanceId, nodeName: name, vng: n.vng ?? '', instanceType: n.instanceType, zone: n.zone, state: state(n.gone), runningPods: running(name) });
    }
    const unscheduled = [...alive].filter(([, p]) => p.node === null && p.phase === 'Pending' && !p.terminating).map(([k]) => k).sort();
    const oldNames = new Set(plan.oldNodes.map((n) => n.name));
    const duration = merged.length > 0 ? (merged[merged.length - 1] as TraceEvent).t : 0;
    return {
      status: outcome.status,
      failure: outcome.failure === null ? null : { ...outcome.failure, objects: [...outcome.failure.objects] },
      timedOut: false,
      durationSeconds: duration,
      batches: [],
      instances: { old: oldInstances, new: newInstances },
      events: merged,
      seed: 0,
      options: {
        migrationId: 'live',
        maxSeconds: plan.boundSeconds,
        timing: resolveTiming({}),
        engineSettings: DEFAULT_ENGINE_SETTINGS,
        faults: [],
        params: plan.params,
      },
      unscheduledPods: unscheduled,
      counts: {
        newInstances: newInstances.length,
        podsLaunched: world.filter((e) => e.kind === 'pod.created').length,
        podsRemaining: [...alive.values()].filter((p) => p.node !== null && oldNames.has(p.node) && !p.ds && !p.terminating).length,
        unscheduledPods: unscheduled.length,
      },
      engineRestarts: 0,
      migration: null,
    };
  }
}

/** New nodes per VNG, from a result's instance list (simulated or recorded). */
export function newNodesPerVng(result: Pick<SimResult, 'instances'>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of result.instances.new) out[i.vng] = (out[i.vng] ?? 0) + 1;
  return out;
}
