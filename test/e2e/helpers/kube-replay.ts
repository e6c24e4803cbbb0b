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
import * as https from 'node:https';
import type * as k8s from '@kubernetes/client-node';
import type { WorldPod } from './planner-vs-scheduler-world.js';
import { isReady, RUN_LABEL, sleep, statusCode } from './cluster-kit.js';
import { podKey, type ReplayStep } from './differential-case.js';
import { nodeCountOf } from './reason-phrases.js';
import type { PodOutcome } from './sim-replay.js';

const NOT_READY_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
const POLL_MS = 150;
/** Settled: every pod bound, or refused against every node that exists, and nothing changed for this long. */
const QUIET_FRESH_MS = 400;
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
}

const scheduledCondition = (pod: k8s.V1Pod | undefined): k8s.V1PodCondition | undefined => pod?.status?.conditions?.find((c) => c.type === 'PodScheduled');
const refused = (pod: k8s.V1Pod | undefined): boolean => {
  const c = scheduledCondition(pod);
  return c?.status === 'False' && c.reason === 'Unschedulable';
};
const boundTo = (pod: k8s.V1Pod | undefined): string => pod?.spec?.nodeName ?? '';

export async function kubeReplay(kc: k8s.KubeConfig, core: k8s.CoreV1Api, input: KubeReplayInput): Promise<KubeReplayResult> {
  const namespaces = [...new Set([...input.pods.values()].map((p) => input.liveNs(p.namespace)))];
  const created: string[] = [];
  const wantTaints = new Map<string, string>();
  const liveKey = (key: string): string => {
    const p = input.pods.get(key);
    if (!p) throw new Error(`no input pod ${key}`);
    return `${input.liveNs(p.namespace)}/${p.name}`;
  };

  const listPods = async (): Promise<Map<string, k8s.V1Pod>> => {
    const out = new Map<string, k8s.V1Pod>();
    for (const ns of namespaces) for (const pod of (await core.listNamespacedPod({ namespace: ns })).items) out.set(`${ns}/${pod.metadata?.name ?? ''}`, pod);
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
  const settle = async (): Promise<Map<string, k8s.V1Pod>> => {
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
        const message = scheduledCondition(pod)?.message ?? '';
        return { k, state: `!${message}`, verdict: refused(pod), fresh: nodeCountOf(message) === nodeCount };
      });
      const sig = states.map((s) => s.state).join('\n');
      if (sig !== signature) [signature, since] = [sig, Date.now()];
      const quiet = Date.now() - since;
      const allVerdicts = states.every((s) => s.verdict);
      if (allVerdicts && (quiet >= QUIET_STALE_MS || (quiet >= QUIET_FRESH_MS && states.every((s) => s.fresh)))) return pods;
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
    await core.createNamespacedPod({
      namespace: input.liveNs(src.namespace),
      body: { metadata: { name: src.name, labels: { ...src.labels } }, spec: { ...src.spec, ...(nodeName !== undefined ? { nodeName } : {}) } },
    });
  };

  // The nodes that stay and their pods, bound: kube-scheduler learns of them before any moving pod (one pod informer).
  if (input.stayingNodes.length > 0) await createNodes(input.stayingNodes);
  for (const { pod, node } of input.stayingPods) await createPod(podKey(pod), node);

  let pods = new Map<string, k8s.V1Pod>();
  const boundAfterStep = new Map<string, number>();
  const createdInStep: string[][] = [];
  /** Pods created so far and not yet seen bound, in the order they last failed (the order they were last created). */
  let waiting: string[] = [];
  const noteBound = (step: number): void => {
    for (const k of created) if (!boundAfterStep.has(k) && boundTo(pods.get(liveKey(k))) !== '') boundAfterStep.set(k, step);
    waiting = waiting.filter((k) => !boundAfterStep.has(k));
  };
  const deletePods = async (keys: readonly string[]): Promise<void> => {
    for (const k of keys) {
      const src = input.pods.get(k);
      if (!src) continue;
      await core.deleteNamespacedPod({ namespace: input.liveNs(src.namespace), name: src.name, gracePeriodSeconds: 0 });
    }
    for (const k of keys) {
      const src = input.pods.get(k);
      if (!src) continue;
      for (;;) {
        try {
          await core.readNamespacedPod({ namespace: input.liveNs(src.namespace), name: src.name });
        } catch (err) {
          if (statusCode(err) === 404) break;
          throw err;
        }
        await sleep(50);
      }
    }
  };
  for (const [i, step] of input.steps.entries()) {
    const mine: string[] = [];
    if (step.kind === 'nodes') {
      const again = [...waiting];
      await deletePods(again);
      await createNodes(step.nodes.map((n) => {
        const m = input.newNodes.get(n.name);
        if (!m) throw new Error(`no manifest for new node ${n.name}`);
        return m;
      }));
      for (const k of again) {
        await createPod(k);
        mine.push(k);
      }
      waiting = [];
    } else {
      for (const p of step.pods) {
        await createPod(podKey(p));
        created.push(podKey(p));
        mine.push(podKey(p));
      }
    }
    waiting = [...waiting, ...mine];
    createdInStep.push(mine);
    pods = await settle();
    noteBound(i);
  }

  // A refusal judged against fewer nodes than exist now: ask again, with the whole fleet in place.
  const recreated = waiting.filter((k) => nodeCountOf(scheduledCondition(pods.get(liveKey(k)))?.message ?? '') !== wantTaints.size);
  if (recreated.length > 0) {
    await deletePods(recreated);
    for (const k of recreated) await createPod(k);
    pods = await settle();
    noteBound(input.steps.length);
  }
  createdInStep.push(recreated);

  // The events' times as the API server sends them (microseconds; the client's Date keeps milliseconds only).
  const scheduledAt = new Map<string, number>();
  const inputKey = new Map([...input.pods.keys()].map((k) => [liveKey(k), k]));
  for (const ns of namespaces) {
    const list = await getJson(kc, `/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent('reason=Scheduled')}`);
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
    outcomes.set(k, node !== '' ? { node, message: null } : { node: null, message: scheduledCondition(pod)?.message ?? null });
  }
  return { outcomes, boundAfterStep, createdInStep, scheduledAt, recreated, liveNodes: wantTaints.size };
}

/** GET `path` on the API server of `kc`, as JSON. */
function getJson(kc: k8s.KubeConfig, path: string): Promise<unknown> {
  const server = kc.getCurrentCluster()?.server ?? '';
  return new Promise((resolve, reject) => {
    const url = new URL(path, server);
    const opts: https.RequestOptions = { hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'GET' };
    kc.applyToHTTPSOptions(opts).then(() => {
      const req = https.request(opts, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`GET ${path}: ${res.statusCode ?? '?'} ${body.slice(0, 200)}`));
          else resolve(JSON.parse(body) as unknown);
        });
      });
      req.on('error', reject);
      req.end();
    }, reject);
  });
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
