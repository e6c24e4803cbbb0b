/**
 * Issue 5: the planner against the real kube-scheduler. For a cluster where most pods fit the VNGs and four do not, each for
 * a different reason (test/e2e/helpers/planner-vs-scheduler-world.ts), buildPlan's verdicts are replayed on the e2e control
 * plane (test/e2e/harness, kube-scheduler v1.36 with its default profile, nothing added):
 *
 * 1. the planner's new nodes are created as KWOK nodes with the labels, taints, capacity and allocatable a VNG's node of
 *    that instance type and zone gets (kwokNodeManifest, the same code live mode launches nodes with);
 * 2. every moving pod is created again, unbound, with the same scheduling spec (requests, nodeSelector, affinity,
 *    tolerations), and kube-scheduler places them;
 * 3. every pod the planner placed must be bound to one of those nodes, of the VNG the planner chose (not necessarily the same
 *    node: kube-scheduler scores with LeastAllocated where the planner packs first-fit decreasing), and every pod it marked
 *    unschedulable must stay Pending with PodScheduled=False/Unschedulable and a FailedScheduling event naming the same
 *    reason phrases the planner gave.
 *
 * Reason phrases, not counts, are compared: kube-scheduler counts the nodes that exist (here the 9 new nodes the plan
 * makes), the planner counts the VNG node types it could launch (VNG x instance type x zone, here 10). Both count every node
 * under the first filter plugin that rejects it, in the same plugin order, so the sets of phrases agree as long as the new
 * nodes cover every kind of VNG node type (they do: both VNGs get nodes). The misfits ask for little besides what makes
 * them misfits, so that NodeResourcesFit on a node other pods filled does not add a second resource to the message.
 * One phrase is worded differently by the two (the untolerated taint, see UNTOLERATED_NOW); the test maps
 * it explicitly and checks the taint the planner names on its own.
 *
 * All pods go in one wave, biggest first (cpu, then memory), as a migration that drains every old node at once would send
 * them; this is the hardest case for kube-scheduler's spreading, since no pod lands on a node a former wave left settled.
 *
 * A second cluster, packed tightly (TIGHT_WORLD), shows where the promise "every pod the planner placed is bound" does not
 * hold: see the FINDING test at the end.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../src/catalog/catalog.js';
import { observedResources } from '../../src/catalog/observed.js';
import { kwokNodeManifest } from '../../src/live/capacity-kwok.js';
import { parseClusterObjects } from '../../src/model/kube/cluster.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import type { Cluster, Vng } from '../../src/model/types.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { buildPlan, type Plan, type PlannedPod } from '../../src/planner/plan.js';
import { REGION } from '../helpers/kube-objects.js';
import { connect, createNamespace, isReady, RUN_LABEL, sleep, waitForWith } from './helpers/cluster-kit.js';
import {
  buildWorld,
  EXPECTED_MISFITS,
  GENERAL_ONLY_VNGS_JSON,
  MISFITS_WORLD,
  TIGHT_WORLD,
  VNGS_JSON,
  type World,
  type WorldSpec,
} from './helpers/planner-vs-scheduler-world.js';

const RUN = `pvs-${Date.now().toString(36)}`;
const NOT_READY_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

let core: k8s.CoreV1Api;
let catalog: Catalog;

/** One cluster input, its plan, and what the test created for it on the control plane. */
interface Case {
  /** Prefix of every name the case creates (nodes, namespaces) and value of RUN_LABEL on them. */
  readonly id: string;
  readonly world: World;
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly plan: Plan;
  /** Plan node name -> live node name. */
  readonly liveNode: Map<string, string>;
  /** Live node name -> its VNG. */
  readonly vngOfLive: Map<string, string>;
  readonly namespaces: Set<string>;
}

const cases: Case[] = [];

function makeCase(name: string, spec: WorldSpec, vngsJson: string): Case {
  const world = buildWorld(catalog, spec);
  const cluster = parseClusterObjects(world.objects, `${name} cluster`);
  const vngs = parseVngText(vngsJson, `${name} vngs`, catalog).vngs;
  const plan = buildPlan({ cluster, vngs, catalog, params: DEFAULT_PARAMS });
  const c: Case = { id: `${RUN}-${name}`, world, cluster, vngs, plan, liveNode: new Map(), vngOfLive: new Map(), namespaces: new Set() };
  cases.push(c);
  return c;
}

const key = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const POLL = { timeoutMs: 60_000, everyMs: 500 };
const waitFor = waitForWith(POLL);

/**
 * The reason phrases of a kube-scheduler style summary, with their counts: "0/9 nodes are available: 3 Insufficient cpu,
 * 6 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/9 nodes are available: 9
 * Preemption is not helpful for scheduling." (kube-scheduler v1.36) or "0/10 VNG node types are available: ..." (the planner).
 */
function reasonCounts(message: string): Map<string, number> | null {
  // The fit error ends at the first period followed by a blank or the end ("nvidia.com/gpu" has a period too); kube-scheduler
  // appends what its PostFilter plugins said (DRA's "no new claims to deallocate", preemption's own node count).
  const m = /^0\/\d+ (?:nodes|VNG node types) are available: (.*?)\.(?:\s.*)?$/s.exec(message.trim());
  if (!m) return null;
  const out = new Map<string, number>();
  for (const item of (m[1] ?? '').split(/, (?=\d+ )/)) {
    const r = /^(\d+) (.+)$/.exec(item);
    if (!r) return null;
    out.set(r[2] ?? '', Number(r[1]));
  }
  return out;
}

const phrases = (counts: ReadonlyMap<string, number> | null): string[] => [...(counts?.keys() ?? [])].sort(cmp);

/**
 * The one known difference of wording, and a finding of this test: the planner names the taint as kube-scheduler did
 * before kubernetes/kubernetes#134740 ("node(s) had untolerated taint {dedicated: batch}"); since that change (merged for
 * v1.35, cherry-picked to release-1.34 as #135023) kube-scheduler keeps taint keys and values out of pod statuses and
 * events and says "node(s) had untolerated taint(s)", which is what the harness's v1.36 scheduler prints. The comparison maps the planner's phrase to the
 * new wording (an identity if the planner adopts it) and, so that nothing is lost by doing so, checks apart that the taint
 * the planner names is a taint of the new nodes.
 */
const UNTOLERATED_NOW = 'node(s) had untolerated taint(s)';
const NAMED_TAINT = /^node\(s\) had untolerated taint \{(.*): (.*)\}$/;
const inSchedulerWords = (phrase: string): string => (NAMED_TAINT.test(phrase) ? UNTOLERATED_NOW : phrase);

/** Moving pods biggest first (cpu, then memory), then by namespace/name: the order they are created in. */
function creationOrder(pods: readonly PlannedPod[]): PlannedPod[] {
  const r = (p: PlannedPod, k: string): number => p.requests[k] ?? 0;
  return [...pods].sort((a, b) => r(b, 'cpu') - r(a, 'cpu') || r(b, 'memory') - r(a, 'memory') || cmp(key(a), key(b)));
}

let misfits: Case;
let tight: Case;

beforeAll(() => {
  core = connect(inject('kubeconfigPath')).core;
  catalog = loadCatalog();
  misfits = makeCase('misfits', MISFITS_WORLD, VNGS_JSON);
  tight = makeCase('tight', TIGHT_WORLD, GENERAL_ONLY_VNGS_JSON);
});

/** Deletes what a case created and waits until its nodes are gone (the next case wants a cluster of its own nodes only). */
async function cleanup(c: Case): Promise<void> {
  for (const ns of c.namespaces) await core.deleteNamespace({ name: ns }).catch(() => undefined);
  for (const name of c.liveNode.values()) await core.deleteNode({ name }).catch(() => undefined);
  await waitFor(`the nodes of ${c.id} gone`, async () => {
    const left = (await core.listNode({ labelSelector: `${RUN_LABEL}=${c.id}` })).items.length;
    return { value: left === 0 ? true : undefined, seen: `${left} left` };
  });
}

afterAll(async () => {
  // Best effort: the control plane is torn down after the run anyway.
  for (const c of cases) if (core) await cleanup(c).catch(() => undefined);
});

interface Replay {
  /** pod | planner verdict | kube-scheduler outcome, one line per pod in creation order. */
  readonly table: string;
  /** Every disagreement between the planner and kube-scheduler. */
  readonly problems: string[];
}

/**
 * Replays a plan on the control plane: its new nodes as KWOK nodes, then every moving pod unbound, in one wave, biggest
 * first; waits for kube-scheduler's verdicts (every placed pod bound, every misfit refused, or 90 s) and compares.
 */
async function replay(c: Case): Promise<Replay> {
  const { plan, vngs, world } = c;
  // The cluster must hold no node but ours, or kube-scheduler would count (and maybe use) it.
  await waitFor('no node left by another test', async () => {
    const names = (await core.listNode()).items.map((n) => n.metadata?.name ?? '');
    return { value: names.length === 0 ? true : undefined, seen: names.join(', ') };
  }, 60_000);

  // 1. The plan's new nodes, as KWOK nodes.
  const observed = observedResources(c.cluster.nodes);
  const vngByName = new Map(vngs.map((v) => [v.name, v]));
  for (const [i, n] of plan.newNodes.entries()) {
    const name = `${c.id}-${n.name}`;
    const vng = vngByName.get(n.vng);
    if (!vng) throw new Error(`plan node ${n.name}: unknown VNG ${n.vng}`);
    const manifest = kwokNodeManifest(
      { name, instanceId: `i-0e2e${(0x1000000 + i).toString(16).padStart(13, '0')}`, vng, instanceType: n.instanceType, zone: n.zone ?? `${REGION}a`, region: REGION },
      catalog,
      observed,
    );
    if (!manifest) throw new Error(`plan node ${n.name}: no manifest for ${n.instanceType}`);
    manifest.metadata = { ...manifest.metadata, labels: { ...manifest.metadata?.labels, [RUN_LABEL]: c.id } };
    c.liveNode.set(n.name, name);
    c.vngOfLive.set(name, n.vng);
    await core.createNode({ body: manifest });
  }
  const vngTaints = new Map(vngs.map((v) => [v.name, v.taints.map((t) => t.key).sort(cmp)]));
  await waitFor(`${plan.newNodes.length} Ready KWOK nodes without the not-ready taint`, async () => {
    const list = (await core.listNode({ labelSelector: `${RUN_LABEL}=${c.id}` })).items;
    const ok = list.filter((n) => {
      const taints = (n.spec?.taints ?? []).map((t) => t.key);
      const want = vngTaints.get(c.vngOfLive.get(n.metadata?.name ?? '') ?? '') ?? [];
      return isReady(n.status?.conditions) && !taints.some((t) => NOT_READY_TAINTS.has(t)) && [...taints].sort(cmp).join() === want.join();
    });
    return {
      value: ok.length === plan.newNodes.length ? true : undefined,
      seen: list.map((n) => `${n.metadata?.name}:${isReady(n.status?.conditions) ? 'Ready' : 'NotReady'}[${(n.spec?.taints ?? []).map((t) => t.key).join(',')}]`).join(' '),
    };
  }, 90_000);
  const liveTaints = new Set<string>();
  for (const n of (await core.listNode({ labelSelector: `${RUN_LABEL}=${c.id}` })).items) for (const t of n.spec?.taints ?? []) liveTaints.add(`${t.key}=${t.value ?? ''}`);

  // 2. The moving pods, unbound, biggest first.
  const liveNs = (ns: string): string => `${c.id}-${ns}`;
  for (const ns of new Set(plan.pods.map((p) => liveNs(p.namespace)))) {
    c.namespaces.add(ns);
    await createNamespace(core, ns, { ...POLL, labels: { [RUN_LABEL]: c.id } });
  }
  for (const p of creationOrder(plan.pods)) {
    const src = world.pods.get(key(p));
    if (!src) throw new Error(`no source pod ${key(p)}`);
    await core.createNamespacedPod({ namespace: liveNs(p.namespace), body: { metadata: { name: p.name, labels: { ...src.labels } }, spec: src.spec } });
  }

  // 3. kube-scheduler's outcome: wait until every placed pod is bound and every misfit has a FailedScheduling event, or
  // every pod is bound or refused and nothing changed for 15 s (kube-scheduler retries a refused pod within 10 s of a
  // change in the cluster), or 90 s; then judge the last snapshot.
  const placed = plan.pods.filter((p) => p.placement !== null);
  const unplaced = plan.pods.filter((p) => p.placement === null);
  const snapshot = async (): Promise<{ pods: Map<string, k8s.V1Pod>; events: Map<string, string[]> }> => {
    const pods = new Map<string, k8s.V1Pod>();
    const events = new Map<string, string[]>();
    for (const ns of c.namespaces) {
      for (const pod of (await core.listNamespacedPod({ namespace: ns })).items) pods.set(`${ns}/${pod.metadata?.name ?? ''}`, pod);
      for (const e of (await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=FailedScheduling' })).items) {
        const k = `${ns}/${e.involvedObject.name ?? ''}`;
        events.set(k, [...(events.get(k) ?? []), e.message ?? '']);
      }
    }
    return { pods, events };
  };
  const liveKey = (p: PlannedPod): string => `${liveNs(p.namespace)}/${p.name}`;
  const scheduled = (pod: k8s.V1Pod | undefined): k8s.V1PodCondition | undefined => pod?.status?.conditions?.find((x) => x.type === 'PodScheduled');
  const isBound = (p: PlannedPod): boolean => (snap.pods.get(liveKey(p))?.spec?.nodeName ?? '') !== '';
  const isRefused = (p: PlannedPod): boolean =>
    scheduled(snap.pods.get(liveKey(p)))?.reason === 'Unschedulable' && (snap.events.get(liveKey(p)) ?? []).length > 0;
  let snap = await snapshot();
  const deadline = Date.now() + 90_000;
  let state = '';
  let since = Date.now();
  for (;;) {
    if ((placed.every(isBound) && unplaced.every(isRefused)) || Date.now() > deadline) break;
    const now = plan.pods.map((p) => (isBound(p) ? 'b' : isRefused(p) ? 'r' : '-')).join('');
    if (now !== state) [state, since] = [now, Date.now()];
    else if (!now.includes('-') && Date.now() - since > 15_000) break;
    await sleep(1000);
    snap = await snapshot();
  }
  // Misfits must stay Pending: look again a little later (kube-scheduler retries them on cluster events).
  await sleep(5000);
  snap = await snapshot();

  const rows: string[][] = [];
  const problems: string[] = [];
  for (const p of creationOrder(plan.pods)) {
    const pod = snap.pods.get(liveKey(p));
    const node = pod?.spec?.nodeName ?? '';
    const cond = scheduled(pod);
    const events = snap.events.get(liveKey(p)) ?? [];
    const lastEvent = events[events.length - 1] ?? '';
    const verdict = p.placement ? `placed on ${p.placement.node} (${p.placement.vng ?? 'staying'} ${p.placement.instanceType ?? ''})` : (p.summary ?? '');
    const outcome =
      node !== ''
        ? `bound to ${node} (${c.vngOfLive.get(node) ?? 'not a new node'})`
        : `Pending ${cond?.status ?? '?'}/${cond?.reason ?? '?'}: ${lastEvent || cond?.message || 'no FailedScheduling event'}`;
    rows.push([key(p), verdict, outcome]);
    if (p.placement) {
      if (node === '') problems.push(`${key(p)}: placed by the planner, Pending in kube-scheduler: ${cond?.message ?? lastEvent}`);
      else if (c.vngOfLive.get(node) !== p.placement.vng) problems.push(`${key(p)}: planner VNG ${p.placement.vng ?? '-'}, bound to ${node} (${c.vngOfLive.get(node) ?? 'not a new node'})`);
      continue;
    }
    if (node !== '') {
      problems.push(`${key(p)}: unschedulable for the planner, bound to ${node} by kube-scheduler`);
      continue;
    }
    if (cond?.status !== 'False' || cond.reason !== 'Unschedulable') problems.push(`${key(p)}: PodScheduled ${cond?.status ?? '-'}/${cond?.reason ?? '-'}, want False/Unschedulable`);
    const planned = phrases(reasonCounts(p.summary ?? ''));
    const want = [...new Set(planned.map(inSchedulerWords))].sort(cmp);
    for (const phrase of planned) {
      const t = NAMED_TAINT.exec(phrase);
      if (t && !liveTaints.has(`${t[1] ?? ''}=${t[2] ?? ''}`)) problems.push(`${key(p)}: the planner names taint {${t[1] ?? ''}: ${t[2] ?? ''}}, which no new node has`);
    }
    const got = reasonCounts(lastEvent);
    if (got === null) {
      problems.push(`${key(p)}: no FailedScheduling event in kube-scheduler's words (events: ${JSON.stringify(events)})`);
      continue;
    }
    if (phrases(got).join('|') !== want.join('|')) problems.push(`${key(p)}: reasons differ: planner ${JSON.stringify(planned)}, kube-scheduler ${JSON.stringify(phrases(got))}`);
    const total = [...got.values()].reduce((sum, n) => sum + n, 0);
    if (total !== plan.newNodes.length) problems.push(`${key(p)}: kube-scheduler counted ${total} nodes, want the ${plan.newNodes.length} new nodes`);
    if (phrases(reasonCounts(cond?.message ?? '')).join('|') !== phrases(got).join('|')) problems.push(`${key(p)}: PodScheduled message ${JSON.stringify(cond?.message)} does not give the event's reasons`);
  }
  // Nothing but our pods on our nodes.
  const ours = new Set(c.liveNode.values());
  for (const pod of (await core.listPodForAllNamespaces()).items) {
    const ns = pod.metadata?.namespace ?? '';
    if (ours.has(pod.spec?.nodeName ?? '') && !c.namespaces.has(ns)) problems.push(`foreign pod ${ns}/${pod.metadata?.name ?? ''} on ${pod.spec?.nodeName ?? ''}`);
  }
  const width = [0, 1].map((col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const table = ['pod | planner verdict | kube-scheduler outcome', ...rows.map((r) => r.map((cell, col) => cell.padEnd(width[col] ?? 0)).join(' | '))].join('\n');
  if (problems.length > 0) console.log(`planner vs kube-scheduler (${c.id}):\n${table}\n\nproblems:\n${problems.join('\n')}`);
  return { table, problems };
}

describe('planner vs kube-scheduler', () => {
  it('the planner marks exactly the four intended pods unschedulable, with the intended reasons', () => {
    const { plan, world, vngs } = misfits;
    const unplaced = plan.pods.filter((p) => p.placement === null);
    const byApp = new Map(unplaced.map((p) => [world.pods.get(key(p))?.app ?? p.name, p]));
    expect([...byApp.keys()].sort(cmp)).toEqual(Object.keys(EXPECTED_MISFITS).sort(cmp));
    for (const [app, want] of Object.entries(EXPECTED_MISFITS)) {
      const p = byApp.get(app);
      expect(phrases(reasonCounts(p?.summary ?? '')), `${app}: ${p?.summary ?? ''}`).toEqual([...want].sort(cmp));
      // The summary's counts are per VNG node type.
      const total = [...(reasonCounts(p?.summary ?? '')?.values() ?? [])].reduce((sum, n) => sum + n, 0);
      expect(total).toBe(plan.summary.vngNodeTypes);
    }
    expect(plan.summary.placedPods).toBe(plan.pods.length - 4);
    // Both VNGs get nodes, so the live nodes cover every kind of VNG node type the planner judged the misfits against.
    expect(new Set(plan.newNodes.map((n) => n.vng))).toEqual(new Set(vngs.map((v) => v.name)));
  });

  it('kube-scheduler binds every pod the planner placed and leaves every misfit Pending for the same reasons', async () => {
    try {
      const { table, problems } = await replay(misfits);
      expect(problems, table).toEqual([]);
    } finally {
      await cleanup(misfits);
    }
  });

  /**
   * A FINDING, kept as a characterisation test (it asserts what kube-scheduler does today, not what the issue hoped for).
   * The planner packs first-fit decreasing; kube-scheduler's default profile scores with LeastAllocated (plus
   * BalancedAllocation), which spreads. Given only the nodes the plan launches, all pods at once and biggest first (waves
   * would not help: they all leave one old node, so one batch evicts them together), kube-scheduler puts five 1100m pods on
   * the m5.2xlarge and the sixth on the then emptier m5.large (1100m of 1930m); of the 900m pods two fit the m5.2xlarge
   * and the third fits nowhere: 0/2 nodes, 2 Insufficient cpu. The plan holds only if pods are bound as the planner packs
   * them; with Ocean the stranded pod would make it launch one more node, so the plan's node count and cost are a lower
   * bound when its packing is tight. A crude offline emulation (LeastAllocated alone, biggest first, on the plan's nodes)
   * strands 1-3 pods in 30 of 300 random mixes of 2-4 Deployments of 300m-2600m pods on this VNG. If the planner learns to leave headroom for spreading, this test fails: then assert
   * `problems` is empty, as the first case does.
   */
  it('FINDING, tight packing: with only the plan\'s nodes, kube-scheduler strands a pod the planner packed', async () => {
    expect(tight.plan.feasible).toBe(true);
    expect(tight.plan.newNodes.map((n) => `${n.instanceType}:${n.pods}`)).toEqual(['m5.2xlarge:7', 'm5.large:2']);
    try {
      const { table, problems } = await replay(tight);
      expect(problems.length, table).toBe(1);
      expect(problems[0], table).toMatch(/^shop\/indexer-\S+: placed by the planner, Pending in kube-scheduler: 0\/2 nodes are available: 2 Insufficient cpu\./);
    } finally {
      await cleanup(tight);
    }
  });
});
