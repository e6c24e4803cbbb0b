/**
 * A replay of a plan on the e2e control plane, step by step (differential-case.ts replaySteps), for the real kube-scheduler
 * to place: the nodes that stay and their pods (bound) first, then per step either moving pods, created again unbound in
 * queue order, or new nodes; after each step the replay waits until the pods have settled (settle below).
 *
 * A round of new nodes is made atomic: nodes become Ready and lose the not-ready taint one by one, and kube-scheduler would
 * retry the Pending pods on each, filling the first before the others exist. So the Pending pods are deleted first, the
 * round's nodes created and waited for, and the pods created again in the order they were waiting (the order they last
 * failed in), as kube-scheduler would retry them with the whole round in place. The replay records which pods each step
 * created, in order: the order kube-scheduler tried them in. At the end, a Pending pod whose last refusal was judged against
 * fewer nodes than now exist is created again too, so that every verdict is judged against the whole fleet.
 */
import type * as k8s from '@kubernetes/client-node';
import type { WorldPod } from './planner-vs-scheduler-world.js';
import { isReady, RUN_LABEL, sleep } from './cluster-kit.js';
import { podViews, type KeepAliveApi, type PodView } from './keepalive-api.js';
import { podKey, type ReplayStep } from './differential-case.js';
import { nodeCountOf } from './reason-phrases.js';
import type { PodOutcome } from './sim-replay.js';

const NOT_READY_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
const POLL_MS = 100;
/** Settled: every pod bound, or refused against every node that exists, and nothing changed for this long. */
const QUIET_FRESH_MS = 200;
/** Settled anyway: every pod bound or refused and nothing changed for this long (a retry the hints skipped never comes). */
const QUIET_STALE_MS = 2000;
const SETTLE_TIMEOUT_MS = 60_000;

export interface KubeReplayInput {
  /** RUN_LABEL value of every node the replay creates. */
  readonly runId: string;
  /** Input namespace -> live namespace (created by the caller). */
  readonly liveNs: (namespace: string) => string;
  readonly stayingNodes: readonly k8s.V1Node[];
  /** The staying nodes' pods with the live node each is bound to. */
  readonly stayingPods: readonly { readonly pod: WorldPod; readonly node: string }[];
  /** Plan node name -> the Node object of its live node. */
  readonly newNodes: ReadonlyMap<string, k8s.V1Node>;
  readonly steps: readonly ReplayStep[];
  /** Input pod by namespace/name: its labels and the spec to create it with. */
  readonly pods: ReadonlyMap<string, WorldPod>;
}

/** Milliseconds the replay spent creating nodes (until Ready), deleting and creating pods, and waiting for pods to settle. */
export interface ReplayTiming {
  nodes: number;
  deletes: number;
  creates: number;
  settle: number;
  /** Settles that ended on the long quiet period (a Pending pod's last refusal counted fewer nodes than exist). */
  staleSettles: number;
}

export interface KubeReplayResult {
  /** By input namespace/name; `node` is a live node name. */
  readonly outcomes: Map<string, PodOutcome>;
  /**
   * Bound pods by input namespace/name: the step (index into the steps; steps.length for the pods created again at the end)
   * after which the pod was first seen bound.
   */
  readonly boundAfterStep: Map<string, number>;
  /** Per step (and, last, the re-creation at the end): the pods it created, in order. */
  readonly createdInStep: readonly (readonly string[])[];
  /** Bound pods by input namespace/name: when kube-scheduler reported it Scheduled (its event's time, in microseconds). */
  readonly scheduledAt: Map<string, number>;
  /** Pods created again at the end because their last refusal was judged against fewer nodes than exist. */
  readonly recreated: readonly string[];
  readonly liveNodes: number;
  readonly timing: ReplayTiming;
}

const refused = (pod: PodView | undefined): boolean => pod?.scheduled?.status === 'False' && pod.scheduled.reason === 'Unschedulable';
const boundTo = (pod: PodView | undefined): string => pod?.nodeName ?? '';

export async function kubeReplay(api: KeepAliveApi, core: k8s.CoreV1Api, input: KubeReplayInput): Promise<KubeReplayResult> {
  const namespaces = [...new Set([...input.pods.values()].map((p) => input.liveNs(p.namespace)))];
  const created: string[] = [];
  const wantTaints = new Map<string, string>();
  const timing: ReplayTiming = { nodes: 0, deletes: 0, creates: 0, settle: 0, staleSettles: 0 };
  const timed = async <T>(phase: 'nodes' | 'deletes' | 'creates' | 'settle', f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timing[phase] += Date.now() - t0;
    }
  };
  const liveKey = (key: string): string => {
    const p = input.pods.get(key);
    if (!p) throw new Error(`no input pod ${key}`);
    return `${input.liveNs(p.namespace)}/${p.name}`;
  };

  const listPods = async (): Promise<Map<string, PodView>> => {
    const out = new Map<string, PodView>();
    for (const ns of namespaces) for (const pod of podViews(await api.request('GET', `/api/v1/namespaces/${ns}/pods`))) out.set(`${ns}/${pod.name}`, pod);
    return out;
  };

  const createNodes = async (manifests: readonly k8s.V1Node[]): Promise<void> => {
    for (const m of manifests) {
      wantTaints.set(m.metadata?.name ?? '', (m.spec?.taints ?? []).map((t) => t.key).sort().join());
      await core.createNode({ body: m });
    }
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const list = (await core.listNode({ labelSelector: `${RUN_LABEL}=${input.runId}` })).items;
      const ok = list.filter((n) => {
        const taints = (n.spec?.taints ?? []).map((t) => t.key);
        return isReady(n.status?.conditions) && !taints.some((t) => NOT_READY_TAINTS.has(t)) && [...taints].sort().join() === wantTaints.get(n.metadata?.name ?? '');
      });
      if (ok.length === wantTaints.size) return;
      if (Date.now() > deadline) throw new Error(`${wantTaints.size - ok.length} of ${wantTaints.size} nodes not Ready without the not-ready taint after ${SETTLE_TIMEOUT_MS / 1000}s`);
      await sleep(POLL_MS);
    }
  };

  /** Waits until every pod created so far is bound or refused and the outcome is stable (see the constants above). */
  const settle = async (): Promise<Map<string, PodView>> => {
    if (created.length === 0) return new Map();
    const nodeCount = wantTaints.size;
    const started = Date.now();
    let signature = '';
    let since = Date.now();
    for (;;) {
      const pods = await listPods();
      const states = created.map((k) => {
        const pod = pods.get(liveKey(k));
        const node = boundTo(pod);
        if (node !== '') return { k, state: `@${node}`, verdict: true, fresh: true };
        const message = pod?.scheduled?.message ?? '';
        return { k, state: `!${message}`, verdict: refused(pod), fresh: nodeCountOf(message) === nodeCount };
      });
      const sig = states.map((s) => s.state).join('\n');
      if (sig !== signature) [signature, since] = [sig, Date.now()];
      const quiet = Date.now() - since;
      const allVerdicts = states.every((s) => s.verdict);
      if (allVerdicts && quiet >= QUIET_FRESH_MS && states.every((s) => s.fresh)) return pods;
      if (allVerdicts && quiet >= QUIET_STALE_MS) {
        timing.staleSettles += 1;
        if (process.env['DIFF_DEBUG'] !== undefined) console.log(`stale settle: ${states.filter((x) => !x.fresh).map((x) => `${x.k} ${x.state}`).join('; ')}`);
        return pods;
      }
      if (Date.now() - started > SETTLE_TIMEOUT_MS) {
        const open = states.filter((s) => !s.verdict).map((s) => s.k);
        throw new Error(`pods not settled after ${SETTLE_TIMEOUT_MS / 1000}s; without a verdict: ${open.slice(0, 5).join(', ')}${open.length > 5 ? ' ...' : ''}`);
      }
      await sleep(POLL_MS);
    }
  };

  const createPod = async (key: string, nodeName?: string): Promise<void> => {
    const src = input.pods.get(key);
    if (!src) throw new Error(`no input pod ${key}`);
    await api.request('POST', `/api/v1/namespaces/${input.liveNs(src.namespace)}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: src.name, labels: { ...src.labels } },
      spec: { ...src.spec, ...(nodeName !== undefined ? { nodeName } : {}) },
    });
  };

  // The nodes that stay and their pods, bound: kube-scheduler learns of them before any moving pod (one pod informer).
  if (input.stayingNodes.length > 0) await timed('nodes', () => createNodes(input.stayingNodes));
  for (const { pod, node } of input.stayingPods) await createPod(podKey(pod), node);

  let pods = new Map<string, PodView>();
  const boundAfterStep = new Map<string, number>();
  const createdInStep: string[][] = [];
  /** Pods created so far and not yet seen bound, in the order they last failed (the order they were last created). */
  let waiting: string[] = [];
  const noteBound = (step: number): void => {
    for (const k of created) if (!boundAfterStep.has(k) && boundTo(pods.get(liveKey(k))) !== '') boundAfterStep.set(k, step);
    waiting = waiting.filter((k) => !boundAfterStep.has(k));
  };
  /** Deletes the pods at once (unbound, they go without a grace period) and waits until none of them is listed. */
  const deletePods = async (keys: readonly string[]): Promise<void> => {
    const targets = keys.map((k) => input.pods.get(k)).filter((p): p is WorldPod => p !== undefined);
    await Promise.all(targets.map((p) => api.request('DELETE', `/api/v1/namespaces/${input.liveNs(p.namespace)}/pods/${p.name}?gracePeriodSeconds=0`)));
    const gone = new Set(keys.map(liveKey));
    for (;;) {
      const left = [...(await listPods()).keys()].filter((k) => gone.has(k));
      if (left.length === 0) return;
      await sleep(50);
    }
  };
  for (const [i, step] of input.steps.entries()) {
    const mine: string[] = [];
    if (step.kind === 'nodes') {
      const again = [...waiting];
      await timed('deletes', () => deletePods(again));
      await timed('nodes', () => createNodes(step.nodes.map((n) => {
        const m = input.newNodes.get(n.name);
        if (!m) throw new Error(`no manifest for new node ${n.name}`);
        return m;
      })));
      await timed('creates', async () => {
        for (const k of again) {
          await createPod(k);
          mine.push(k);
        }
      });
      waiting = [];
    } else {
      await timed('creates', async () => {
        for (const p of step.pods) {
          await createPod(podKey(p));
          created.push(podKey(p));
          mine.push(podKey(p));
        }
      });
    }
    waiting = [...waiting, ...mine];
    createdInStep.push(mine);
    // Nothing created, nothing waiting: nothing for kube-scheduler to do.
    if (mine.length === 0) continue;
    pods = await timed('settle', settle);
    noteBound(i);
  }

  // A refusal judged against fewer nodes than exist now: ask again, with the whole fleet in place.
  const recreated = waiting.filter((k) => nodeCountOf(pods.get(liveKey(k))?.scheduled?.message ?? '') !== wantTaints.size);
  if (recreated.length > 0) {
    await timed('deletes', () => deletePods(recreated));
    await timed('creates', async () => {
      for (const k of recreated) await createPod(k);
    });
    pods = await timed('settle', settle);
    noteBound(input.steps.length);
  }
  createdInStep.push(recreated);

  // The events' times as the API server sends them (microseconds; the client's Date keeps milliseconds only).
  const scheduledAt = new Map<string, number>();
  const inputKey = new Map([...input.pods.keys()].map((k) => [liveKey(k), k]));
  for (const ns of namespaces) {
    const list = await api.request('GET', `/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent('reason=Scheduled')}`);
    for (const e of eventItems(list)) {
      const k = inputKey.get(`${ns}/${e.name}`);
      const at = microseconds(e.time);
      if (k !== undefined && at !== null) scheduledAt.set(k, Math.max(scheduledAt.get(k) ?? 0, at));
    }
  }

  const outcomes = new Map<string, PodOutcome>();
  for (const k of created) {
    const pod = pods.get(liveKey(k));
    const node = boundTo(pod);
    outcomes.set(k, node !== '' ? { node, message: null } : { node: null, message: pod?.scheduled?.message ?? null });
  }
  return { outcomes, boundAfterStep, createdInStep, scheduledAt, recreated, liveNodes: wantTaints.size, timing };
}

/** The involved object's name and the time (eventTime, else firstTimestamp) of each event of an EventList. */
function eventItems(list: unknown): { name: string; time: unknown }[] {
  const items = typeof list === 'object' && list !== null ? (list as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return [];
  return items.map((raw: unknown) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as { involvedObject?: { name?: unknown }; eventTime?: unknown; firstTimestamp?: unknown };
    return { name: typeof e.involvedObject?.name === 'string' ? e.involvedObject.name : '', time: e.eventTime ?? e.firstTimestamp };
  });
}

/** An RFC 3339 time with up to microseconds, in microseconds. */
function microseconds(t: unknown): number | null {
  if (typeof t !== 'string') return null;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return null;
  return Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Deletes what a replay created: its pods (at once), namespaces and nodes. Does not wait. */
export async function cleanupReplay(core: k8s.CoreV1Api, runId: string, namespaces: readonly string[]): Promise<void> {
  for (const ns of namespaces) await core.deleteCollectionNamespacedPod({ namespace: ns, gracePeriodSeconds: 0 }).catch(() => undefined);
  for (const ns of namespaces) await core.deleteNamespace({ name: ns }).catch(() => undefined);
  const nodes = (await core.listNode({ labelSelector: `${RUN_LABEL}=${runId}` }).catch(() => null))?.items ?? [];
  for (const n of nodes) await core.deleteNode({ name: n.metadata?.name ?? '' }).catch(() => undefined);
}
