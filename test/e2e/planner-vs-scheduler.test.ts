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
 * One phrase is worded differently by the two (the untolerated taint, see UNTOLERATED_NOW in helpers/reason-phrases.ts); the test maps
 * it explicitly and checks the taint the planner names on its own.
 *
 * All pods go in one wave, biggest first (cpu, then memory), as a migration that drains every old node at once would send
 * them; this is the hardest case for kube-scheduler's spreading, since no pod lands on a node a former wave left settled.
 *
 * A second cluster, packed tightly (TIGHT_WORLD), shows where the promise "every pod the planner placed is bound" does not
 * hold: see the FINDING test at the end.
 *
 * Three more clusters pin scheduling semantics where a planner could differ from kube-scheduler (issue 10): topology spread
 * with nodeAffinityPolicy / nodeTaintsPolicy (SPREAD_WORLD), several required pod-affinity terms (AFFINITY_WORLD), two
 * DaemonSets with identical templates and a bound PV's zone conflict (DAEMONSETS_WORLD). Where a world has nodes that stay
 * (not in the plan's node selection), the replay creates them and their pods, bound, before the moving pods; DaemonSets and
 * bound claims are created, and waited for, before the moving pods too. Each world is built so that the old, wrong
 * semantics would give a plan kube-scheduler refuses.
 *
 * Two more pin what a new node offers (src/catalog/new-node.ts, which kwokNodeManifest shares): max pods taken from old
 * nodes of the same family when they report a cluster-wide value such as VPC CNI prefix delegation's 110 (MAX_PODS_WORLD),
 * and ephemeral storage taken from the VNG's root volume, not from old nodes with bigger disks (EPHEMERAL_WORLD, which also
 * holds a pod annotated karpenter.sh/do-not-disrupt that the plan keeps and so does not replay). There the replay shows
 * kube-scheduler honouring the figures the plan sizes nodes with; the plan's own assertions are what a wrong figure breaks.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../src/catalog/catalog.js';
import { observedResources } from '../../src/catalog/observed.js';
import { parseClusterObjects } from '../../src/model/kube/cluster.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import type { Cluster, Vng } from '../../src/model/types.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { buildPlan, type Plan, type PlannedPod } from '../../src/planner/plan.js';
import { REGION } from '../helpers/kube-objects.js';
import { connect, createNamespace, isReady, RUN_LABEL, sleep, waitForWith } from './helpers/cluster-kit.js';
import { newNodeManifest, stayingNodeManifest } from './helpers/replay-nodes.js';
import { inSchedulerWords, NAMED_TAINT, phrases, reasonCounts } from './helpers/reason-phrases.js';
import {
  AFFINITY_WORLD,
  buildWorld,
  daemonPodSpec,
  DAEMONSETS_WORLD,
  EPHEMERAL_WORLD,
  EXPECTED_MISFITS,
  GENERAL_AB_VNGS_JSON,
  GENERAL_ONLY_VNGS_JSON,
  M5_LARGE_A_VNGS_JSON,
  MAX_PODS_ENI_WORLD,
  MAX_PODS_WORLD,
  MISFITS_WORLD,
  pvSpec,
  SMALL_DISK_VNGS_JSON,
  SPREAD_WORLD,
  TIGHT_WORLD,
  VNGS_JSON,
  type World,
  type WorldSpec,
} from './helpers/planner-vs-scheduler-world.js';

const RUN = `pvs-${Date.now().toString(36)}`;
const NOT_READY_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let catalog: Catalog;

/** One cluster input, its plan, and what the test created for it on the control plane. */
interface Case {
  /** Prefix of every name the case creates (nodes, namespaces) and value of RUN_LABEL on them. */
  readonly id: string;
  readonly world: World;
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly plan: Plan;
  /** Plan node name (or name of a node that stays) -> live node name. */
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
  // Nodes that stay are left out of the selection: their pods stay, and count for the moving pods' constraints.
  const migrating = spec.oldNodes.filter((n) => n.stays !== true).map((n) => n.name);
  const params = world.stayingNodes.length > 0 ? { ...DEFAULT_PARAMS, nodes: { kind: 'nodeNames' as const, names: migrating } } : DEFAULT_PARAMS;
  const plan = buildPlan({ cluster, vngs, catalog, params });
  const c: Case = { id: `${RUN}-${name}`, world, cluster, vngs, plan, liveNode: new Map(), vngOfLive: new Map(), namespaces: new Set() };
  cases.push(c);
  return c;
}

const key = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const POLL = { timeoutMs: 60_000, everyMs: 500 };
const waitFor = waitForWith(POLL);

/** Moving pods biggest first (cpu, then memory), then by namespace/name: the order they are created in. */
function creationOrder(pods: readonly PlannedPod[]): PlannedPod[] {
  const r = (p: PlannedPod, k: string): number => p.requests[k] ?? 0;
  return [...pods].sort((a, b) => r(b, 'cpu') - r(a, 'cpu') || r(b, 'memory') - r(a, 'memory') || cmp(key(a), key(b)));
}

let misfits: Case;
let tight: Case;
let spreadCase: Case;
let affinityCase: Case;
let daemonCase: Case;
let maxPodsCase: Case;
let maxPodsEniCase: Case;
let ephemeralCase: Case;

beforeAll(() => {
  const clients = connect(inject('kubeconfigPath'));
  core = clients.core;
  apps = clients.apps;
  catalog = loadCatalog();
  misfits = makeCase('misfits', MISFITS_WORLD, VNGS_JSON);
  tight = makeCase('tight', TIGHT_WORLD, GENERAL_ONLY_VNGS_JSON);
  spreadCase = makeCase('spread', SPREAD_WORLD, GENERAL_AB_VNGS_JSON);
  affinityCase = makeCase('affinity', AFFINITY_WORLD, GENERAL_AB_VNGS_JSON);
  daemonCase = makeCase('daemons', DAEMONSETS_WORLD, M5_LARGE_A_VNGS_JSON);
  maxPodsCase = makeCase('maxpods', MAX_PODS_WORLD, M5_LARGE_A_VNGS_JSON);
  // Planned only (not replayed): the contrast for maxPodsCase.
  maxPodsEniCase = makeCase('maxpods-eni', MAX_PODS_ENI_WORLD, M5_LARGE_A_VNGS_JSON);
  ephemeralCase = makeCase('ephemeral', EPHEMERAL_WORLD, SMALL_DISK_VNGS_JSON);
});

/** Deletes what a case created and waits until its nodes are gone (the next case wants a cluster of its own nodes only). */
async function cleanup(c: Case): Promise<void> {
  for (const ns of c.namespaces) await core.deleteNamespace({ name: ns }).catch(() => undefined);
  for (const v of c.world.spec.volumes ?? []) await core.deletePersistentVolume({ name: `${c.id}-${v.pv}` }).catch(() => undefined);
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

  // 0. Nodes that stay, as KWOK nodes with the labels, taints and resources of the input.
  const wantTaints = new Map<string, string[]>();
  for (const name of world.stayingNodes) {
    const n = c.cluster.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no staying node ${name}`);
    const live = `${c.id}-${name}`;
    await core.createNode({ body: stayingNodeManifest(n, live, c.id, c.liveNode.size) });
    c.liveNode.set(name, live);
    wantTaints.set(live, n.taints.map((t) => t.key).sort(cmp));
  }

  // 1. The plan's new nodes, as KWOK nodes.
  const observed = observedResources(c.cluster.nodes);
  const vngByName = new Map(vngs.map((v) => [v.name, v]));
  for (const [i, n] of plan.packingLowerBound.newNodes.entries()) {
    const name = `${c.id}-${n.name}`;
    const vng = vngByName.get(n.vng);
    if (!vng) throw new Error(`plan node ${n.name}: unknown VNG ${n.vng}`);
    const manifest = newNodeManifest(n, name, c.id, i, vngs, catalog, observed);
    c.liveNode.set(n.name, name);
    c.vngOfLive.set(name, n.vng);
    wantTaints.set(name, vng.taints.map((t) => t.key).sort(cmp));
    await core.createNode({ body: manifest });
  }
  await waitFor(`${c.liveNode.size} Ready KWOK nodes without the not-ready taint`, async () => {
    const list = (await core.listNode({ labelSelector: `${RUN_LABEL}=${c.id}` })).items;
    const ok = list.filter((n) => {
      const taints = (n.spec?.taints ?? []).map((t) => t.key);
      const want = wantTaints.get(n.metadata?.name ?? '') ?? [];
      return isReady(n.status?.conditions) && !taints.some((t) => NOT_READY_TAINTS.has(t)) && [...taints].sort(cmp).join() === want.join();
    });
    return {
      value: ok.length === c.liveNode.size ? true : undefined,
      seen: list.map((n) => `${n.metadata?.name}:${isReady(n.status?.conditions) ? 'Ready' : 'NotReady'}[${(n.spec?.taints ?? []).map((t) => t.key).join(',')}]`).join(' '),
    };
  }, 90_000);
  const liveTaints = new Set<string>();
  for (const n of (await core.listNode({ labelSelector: `${RUN_LABEL}=${c.id}` })).items) for (const t of n.spec?.taints ?? []) liveTaints.add(`${t.key}=${t.value ?? ''}`);

  // 2. The moving pods, unbound, biggest first; before them what they must find in place: bound volumes, the DaemonSets'
  // pods on every node, the pods of nodes that stay (bound to them).
  const liveNs = (ns: string): string => `${c.id}-${ns}`;
  const spec = world.spec;
  const allNs = [
    ...plan.pods.map((p) => p.namespace),
    ...[...world.stayingPods.keys()].map((k) => k.split('/')[0] ?? ''),
    ...(spec.daemonSets ?? []).map((d) => d.namespace),
    ...(spec.volumes ?? []).map((v) => v.namespace),
  ];
  for (const ns of new Set(allNs.map(liveNs))) {
    c.namespaces.add(ns);
    await createNamespace(core, ns, { ...POLL, labels: { [RUN_LABEL]: c.id } });
  }
  for (const v of spec.volumes ?? []) {
    const pv = `${c.id}-${v.pv}`;
    await core.createPersistentVolume({ body: { metadata: { name: pv, labels: { [RUN_LABEL]: c.id } }, spec: { ...pvSpec(v, liveNs(v.namespace)) } } });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: liveNs(v.namespace),
      body: { metadata: { name: v.claim }, spec: { volumeName: pv, storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    });
    await waitFor(`claim ${v.claim} Bound to ${pv}`, async () => {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: liveNs(v.namespace), name: v.claim });
      return { value: pvc.status?.phase === 'Bound' ? true : undefined, seen: pvc.status?.phase ?? '-' };
    });
  }
  for (const d of spec.daemonSets ?? []) {
    await apps.createNamespacedDaemonSet({
      namespace: liveNs(d.namespace),
      body: {
        metadata: { name: d.name },
        spec: { selector: { matchLabels: { ...d.labels } }, template: { metadata: { labels: { ...d.labels } }, spec: daemonPodSpec(d) } },
      },
    });
  }
  if ((spec.daemonSets ?? []).length > 0) {
    await waitFor(`every DaemonSet ready on the ${c.liveNode.size} nodes`, async () => {
      const states = await Promise.all(
        (spec.daemonSets ?? []).map(async (d) => (await apps.readNamespacedDaemonSet({ namespace: liveNs(d.namespace), name: d.name })).status),
      );
      const ok = states.every((st) => st?.desiredNumberScheduled === c.liveNode.size && st.numberReady === c.liveNode.size);
      return { value: ok ? true : undefined, seen: states.map((st) => `${st?.numberReady ?? 0}/${st?.desiredNumberScheduled ?? 0}`).join(' ') };
    }, 90_000);
  }
  for (const [k, nodeName] of world.stayingPods) {
    const src = world.pods.get(k);
    if (!src) throw new Error(`no source pod ${k}`);
    await core.createNamespacedPod({
      namespace: liveNs(src.namespace),
      body: { metadata: { name: src.name, labels: { ...src.labels } }, spec: { ...src.spec, nodeName: c.liveNode.get(nodeName) ?? '' } },
    });
  }
  if (world.stayingPods.size > 0) {
    await waitFor(`the ${world.stayingPods.size} pods of nodes that stay Running`, async () => {
      let running = 0;
      for (const k of world.stayingPods.keys()) {
        const [ns = '', name = ''] = k.split('/');
        const pod = await core.readNamespacedPod({ namespace: liveNs(ns), name }).catch(() => undefined);
        if (pod?.status?.phase === 'Running') running += 1;
      }
      return { value: running === world.stayingPods.size ? true : undefined, seen: `${running} Running` };
    }, 90_000);
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
    if (total !== c.liveNode.size) problems.push(`${key(p)}: kube-scheduler counted ${total} nodes, want the ${c.liveNode.size} nodes created`);
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
    expect(new Set(plan.packingLowerBound.newNodes.map((n) => n.vng))).toEqual(new Set(vngs.map((v) => v.name)));
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
   * Topology spread's node inclusion policies (SPREAD_WORLD): pods on nodes that stay in zone b do not count for a group
   * whose nodeSelector those nodes fail (nodeAffinityPolicy Honor, the default) or whose taint it does not tolerate
   * (nodeTaintsPolicy Honor), so each group goes one pod per zone; kube-scheduler, with those nodes and pods in place, binds
   * them all. A planner counting those pods would put each group in zone a only, and kube-scheduler would refuse the second
   * pod of each group there.
   */
  it('spread with nodeAffinityPolicy / nodeTaintsPolicy Honor: kube-scheduler binds every pod where the plan spread them', async () => {
    const { plan } = spreadCase;
    expect(plan.feasible).toBe(true);
    const zonesOf = (app: string): string[] =>
      plan.pods.filter((p) => spreadCase.world.pods.get(key(p))?.app === app).map((p) => p.placement?.zone ?? '-').sort(cmp);
    expect(zonesOf('web')).toEqual([`${REGION}a`, `${REGION}b`]);
    expect(zonesOf('api')).toEqual([`${REGION}a`, `${REGION}b`]);
    try {
      const { table, problems } = await replay(spreadCase);
      expect(problems, table).toEqual([]);
    } finally {
      await cleanup(spreadCase);
    }
  });

  /**
   * Several required pod-affinity terms (AFFINITY_WORLD): zone a has one pod per term, zone b one pod matching both. Like
   * kube-scheduler, the planner counts only the pod matching both, so it puts `client` in zone b, where kube-scheduler binds it.
   */
  it('several pod-affinity terms: kube-scheduler binds the pod in the zone the plan chose, the one with a pod matching all terms', async () => {
    const { plan } = affinityCase;
    expect(plan.feasible).toBe(true);
    expect(plan.pods.map((p) => p.placement?.zone ?? '-')).toEqual([`${REGION}b`]);
    try {
      const { table, problems } = await replay(affinityCase);
      expect(problems, table).toEqual([]);
    } finally {
      await cleanup(affinityCase);
    }
  });

  /**
   * Two DaemonSets with identical pod templates (DAEMONSETS_WORLD): the DaemonSet controller puts a pod of each on every
   * node, and the plan charges both, so each m5.large holds one 800m worker and kube-scheduler binds all four. The same
   * world's `pinned` pod (a bound PV of zone c) fits nowhere, and both say why in kube-scheduler 1.36's words:
   * "node(s) didn't match PersistentVolume's node affinity".
   */
  it('two identical DaemonSets both charged, and a PV zone conflict worded as kube-scheduler 1.36 does', async () => {
    const { plan } = daemonCase;
    expect(plan.packingLowerBound.newNodes.map((n) => `${n.pods}:${n.daemonSets.join('+')}`)).toEqual(Array(4).fill('1:ops/agent-a+ops/agent-b'));
    const pinned = plan.pods.filter((p) => p.placement === null);
    expect(pinned.map((p) => daemonCase.world.pods.get(key(p))?.app)).toEqual(['pinned']);
    expect(phrases(reasonCounts(pinned[0]?.summary ?? ''))).toEqual(["node(s) didn't match PersistentVolume's node affinity"]);
    try {
      const { table, problems } = await replay(daemonCase);
      expect(problems, table).toEqual([]);
    } finally {
      await cleanup(daemonCase);
    }
  });

  /**
   * Max pods from old nodes of the same family (MAX_PODS_WORLD): the old m5.2xlarge reports 110 pods, not its EKS value 58,
   * so the plan gives a new m5.large 110 pods (VPC CNI prefix delegation), not its ENI value 29, and puts all 60 tiny pods
   * on one. kube-scheduler, given that node as kwokNodeManifest makes it, binds all 60 there. With the old node reporting its
   * EKS value (MAX_PODS_ENI_WORLD), the plan takes the ENI value and needs three m5.large.
   */
  it('max pods from old nodes of the family (prefix delegation, 110): kube-scheduler binds all 60 pods on the one m5.large the plan launches', async () => {
    const { plan } = maxPodsCase;
    expect(plan.feasible).toBe(true);
    expect(plan.packingLowerBound.newNodes.map((n) => `${n.instanceType}:${n.pods}:${n.maxPods}:${n.maxPodsSource}`)).toEqual(['m5.large:60:110:observed-family']);
    const eni = maxPodsEniCase.plan;
    expect(eni.packingLowerBound.newNodes.map((n) => `${n.instanceType}:${n.maxPods}:${n.maxPodsSource}`)).toEqual(Array(3).fill('m5.large:29:eni-formula'));
    expect(eni.packingLowerBound.newNodes.map((n) => n.pods)).toEqual([29, 29, 2]);
    try {
      const { table, problems } = await replay(maxPodsCase);
      expect(problems, table).toEqual([]);
      const live = maxPodsCase.liveNode.get(plan.packingLowerBound.newNodes[0]?.name ?? '') ?? '';
      const node = await core.readNode({ name: live });
      expect(node.status?.allocatable?.['pods']).toBe('110');
      const bound = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${live}` })).items;
      expect(bound.length, table).toBe(60);
    } finally {
      await cleanup(maxPodsCase);
    }
  });

  /**
   * A pod annotated karpenter.sh/do-not-disrupt (EPHEMERAL_WORLD's `keeper`) does not move: the plan keeps it, and its old
   * node, and it is not among the moving pods, the ones a replay creates again for kube-scheduler.
   */
  it('a pod annotated karpenter.sh/do-not-disrupt is kept with its node and is not among the moving pods', () => {
    const { plan, world } = ephemeralCase;
    const keeper = [...world.pods.values()].filter((p) => p.app === 'keeper').map((p) => key(p));
    expect(keeper).toHaveLength(1);
    expect(plan.keptPods.map((p) => `${key(p)}@${p.node}: ${p.reason}`)).toEqual([`${keeper[0] ?? ''}@old-1: annotation karpenter.sh/do-not-disrupt: "true"`]);
    expect(plan.keptNodes.map((n) => n.name)).toEqual(['old-1']);
    expect(plan.pods.map((p) => world.pods.get(key(p))?.app ?? '').sort(cmp)).toEqual(['scratch-big', 'scratch-small']);
  });

  /**
   * Ephemeral storage from the VNG's root volume (EPHEMERAL_WORLD): the VNG's 20 GiB root volume leaves a new node 17 GiB,
   * though the old m5.large has 100 GiB. The plan places the 10Gi pod and says the 30Gi pod fits no VNG, "Insufficient
   * ephemeral-storage"; kube-scheduler binds the first and leaves the second Pending with that reason.
   */
  it('ephemeral storage from the VNG root volume (20 GiB): kube-scheduler binds the 10Gi pod and refuses the 30Gi one, Insufficient ephemeral-storage', async () => {
    const { plan, world } = ephemeralCase;
    expect(plan.packingLowerBound.newNodes.map((n) => `${n.instanceType}:${n.pods}:${n.rootVolumeSizeGiB}:${n.ephemeralStorageAllocatableBytes}`)).toEqual([
      `m5.large:1:20:${17 * 1024 ** 3}`,
    ]);
    const verdicts = plan.pods.map((p) => `${world.pods.get(key(p))?.app ?? ''}: ${p.placement ? 'placed' : phrases(reasonCounts(p.summary ?? '')).join('|')}`).sort(cmp);
    expect(verdicts).toEqual(['scratch-big: Insufficient ephemeral-storage', 'scratch-small: placed']);
    try {
      const { table, problems } = await replay(ephemeralCase);
      expect(problems, table).toEqual([]);
      expect(table).toMatch(/scratch-big.*Pending False\/Unschedulable: 0\/1 nodes are available: 1 Insufficient ephemeral-storage\./);
    } finally {
      await cleanup(ephemeralCase);
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
    expect(tight.plan.packingLowerBound.newNodes.map((n) => `${n.instanceType}:${n.pods}`)).toEqual(['m5.2xlarge:7', 'm5.large:2']);
    try {
      const { table, problems } = await replay(tight);
      expect(problems.length, table).toBe(1);
      expect(problems[0], table).toMatch(/^shop\/indexer-\S+: placed by the planner, Pending in kube-scheduler: 0\/2 nodes are available: 2 Insufficient cpu\./);
    } finally {
      await cleanup(tight);
    }
  });
});
