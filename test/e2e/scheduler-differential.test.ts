/**
 * Issue 11: the planner and the simulated world's scheduler (sim/scheduler) against the real kube-scheduler, over seeded
 * generated worlds (test/e2e/helpers/differential-worlds.ts; DIFF_WORLDS worlds, 50 unless raised, from seed DIFF_SEED, 1
 * unless set). For each world, buildPlan's plan is replayed on the e2e control plane (kube-scheduler v1.36, default
 * profile) in the order a migration runs it (helpers/differential-case.ts replaySteps): the nodes that stay and their pods
 * first, then per batch the moving pods of its old nodes, unbound, in queue order, then the new nodes the plan launches for
 * that batch, round by round (all of them before the first batch when the plan's new nodes carry no batch; each round made
 * atomic by creating the Pending pods again once all its nodes are Ready), waiting after each step until the pods settle
 * (helpers/kube-replay.ts). The same steps go through sim/scheduler (helpers/sim-replay.ts). Then, per world
 * (helpers/differential-compare.ts):
 *
 * 1. every pod the planner places is bound;
 * 2. every pod the planner calls unschedulable stays Pending, refused with the same reason phrases;
 * 3. sim/scheduler agrees with kube-scheduler: decision by decision (each of kube-scheduler's bindings is to a node
 *    sim/scheduler accepts and scores highest, in the cluster those bindings made; each pod it leaves Pending fits no node
 *    for sim/scheduler either, for the same reasons), and running on its own, sim/scheduler leaves the same pods Pending
 *    (per workload), with the same phrases.
 *
 * The agreement figures are printed as a table. Any disagreement fails the world's test and is printed with the seed, the
 * pod and both sides' reasons. Two documented exceptions: ROOM_SHORT (helpers/differential-compare.ts: a placed pod left
 * Pending for room where the expected fleet is a node short, excused up to 1% of the placed pods over the run, pinned by
 * test/unit/differential/room-short.test.ts), and TIE_BREAKS (helpers/differential-compare.ts, pinned by
 * test/unit/differential/tie-breaks.test.ts), which excuses sim/scheduler on its own leaving other pods Pending than
 * kube-scheduler when the decision-by-decision check found nothing: both break ties between equally scored nodes at
 * random. One difference of wording is not a disagreement: kube-scheduler 1.36 (and sim/scheduler) say "node(s) had
 * untolerated taint(s)" where the planner names the taint (helpers/reason-phrases.ts).
 *
 * Run one world again with DIFF_SEED=<seed> DIFF_WORLDS=1; DIFF_DEBUG=1 prints every pod's planner, kube-scheduler and
 * sim/scheduler node.
 */
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../src/catalog/catalog.js';
import { observedResources } from '../../src/catalog/observed.js';
import { parseClusterObjects } from '../../src/model/kube/cluster.js';
import type { Node, Pod } from '../../src/model/types.js';
import type { Plan } from '../../src/planner/plan.js';
import { connect, createNamespace, RUN_LABEL, waitFor } from './helpers/cluster-kit.js';
import { buildDiffCase, fleetPosition, podKey, replaySteps } from './helpers/differential-case.js';
import { agreementTable, compareWorld, ROOM_SHORT_MAX_SHARE, type WorldAgreement } from './helpers/differential-compare.js';
import { KeepAliveApi } from './helpers/keepalive-api.js';
import { cleanupReplay, kubeReplay, type ReplayTiming } from './helpers/kube-replay.js';
import { newNodeManifest, stayingNodeManifest } from './helpers/replay-nodes.js';
import { guidedReplay, simReplay } from './helpers/sim-replay.js';

const RUN = `dif-${Date.now().toString(36)}`;
const WORLDS = Number(process.env['DIFF_WORLDS'] ?? 50);
const FIRST_SEED = Number(process.env['DIFF_SEED'] ?? 1);
const SEEDS = Array.from({ length: WORLDS }, (_, i) => FIRST_SEED + i);

let core: k8s.CoreV1Api;
let api: KeepAliveApi;
let catalog: Catalog;
const rows: WorldAgreement[] = [];
/** Where the control plane replays spent their time, summed over the worlds (ms). */
const timing: ReplayTiming = { nodes: 0, deletes: 0, creates: 0, settle: 0, staleSettles: 0 };
const cleanups: (() => Promise<void>)[] = [];
const startedAt = Date.now();

beforeAll(async () => {
  const clients = connect(inject('kubeconfigPath'));
  core = clients.core;
  api = await KeepAliveApi.of(clients.kc);
  catalog = loadCatalog();
});

afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  api?.close();
});

/**
 * The plan with fleet positions made up from its packing: each new node in the first batch whose pods the planner put on
 * it, the nodes of a batch in two scale-up rounds. For exercising the batch-by-batch replay before plans carry positions.
 */
function withSyntheticPositions(plan: Plan): Plan {
  const batchOf = new Map<string, number>();
  plan.batches.forEach((b, i) => b.nodes.forEach((n) => batchOf.set(n, i + 1)));
  const first = new Map<string, number>();
  for (const p of plan.pods) {
    if (p.placement === null || p.from === null) continue;
    const b = batchOf.get(p.from) ?? 1;
    first.set(p.placement.node, Math.min(first.get(p.placement.node) ?? b, b));
  }
  const seen = new Map<number, number>();
  const newNodes = plan.newNodes.map((n) => {
    const batch = first.get(n.name) ?? 1;
    const k = seen.get(batch) ?? 0;
    seen.set(batch, k + 1);
    return Object.assign({}, n, { batch, round: 1 + (k % 2) });
  });
  return { ...plan, newNodes };
}

async function runWorld(seed: number, position: (plan: Plan) => Plan = (plan) => plan): Promise<WorldAgreement> {
  const t0 = Date.now();
  const built = buildDiffCase(catalog, seed);
  const c = { ...built, plan: position(built.plan) };
  const id = `${RUN}-${seed}${position === withSyntheticPositions ? 'p' : ''}`;
  const liveNs = (ns: string): string => `${id}-${ns}`;
  const steps = replaySteps(c.plan, c.cluster);

  // The nodes both schedulers get: those that stay (their input's labels, taints and resources), the plan's new ones.
  const stayingManifests = c.world.stayingNodes.map((name, i) => {
    const n = c.cluster.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no staying node ${name}`);
    return stayingNodeManifest(n, `${id}-${name}`, id, i);
  });
  const observed = observedResources(c.cluster.nodes);
  const newManifests = new Map(c.plan.newNodes.map((n, i) => [n.name, newNodeManifest(n, `${id}-${n.name}`, id, i, c.vngs, catalog, observed)]));
  const liveNameOfNew = new Map(c.plan.newNodes.map((n) => [n.name, `${id}-${n.name}`]));
  const liveNodeVng = new Map(c.plan.newNodes.map((n) => [`${id}-${n.name}`, n.vng]));
  const modelNodes = new Map<string, Node>(parseClusterObjects([...stayingManifests, ...newManifests.values()], `world ${seed} live nodes`).nodes.map((n) => [n.name, n]));
  const podByKey = new Map<string, Pod>(c.cluster.pods.map((p) => [podKey(p), p]));
  const stayingPods = [...c.world.stayingPods].map(([k, node]) => {
    const pod = podByKey.get(k);
    const src = c.world.pods.get(k);
    if (!pod || !src) throw new Error(`no staying pod ${k}`);
    return { pod, src, node: `${id}-${node}` };
  });

  const simInput = {
    nodes: modelNodes,
    liveNameOfNew,
    stayingNodes: stayingManifests.map((m) => m.metadata?.name ?? ''),
    stayingPods: stayingPods.map(({ pod, node }) => ({ pod, node })),
    podsByKey: podByKey,
    steps,
    seed,
  };
  const sim = simReplay(simInput);

  // The control plane must hold no node but this world's, or kube-scheduler would count (and maybe use) it.
  await waitFor('no node of an earlier world', async () => {
    const names = (await core.listNode()).items.map((n) => n.metadata?.name ?? '');
    return { value: names.length === 0 ? true : undefined, seen: names.join(', ') };
  }, 60_000, 100);
  const namespaces = [...new Set([...c.world.pods.values()].map((p) => liveNs(p.namespace)))];
  const cleanup = (): Promise<void> => cleanupReplay(core, id, namespaces);
  cleanups.push(cleanup);
  try {
    for (const ns of namespaces) await createNamespace(core, ns, { labels: { [RUN_LABEL]: id }, everyMs: 100, timeoutMs: 30_000 });
    const real = await kubeReplay(api, core, {
      runId: id,
      liveNs,
      stayingNodes: stayingManifests,
      stayingPods: stayingPods.map(({ src, node }) => ({ pod: src, node })),
      newNodes: newManifests,
      steps,
      pods: c.world.pods,
    });
    if (process.env['DIFF_DEBUG'] !== undefined) {
      for (const step of steps) {
        if (step.kind === 'nodes') console.log(`step nodes ${step.nodes.map((n) => `${n.name}:${n.instanceType}:${n.zone ?? ''}`).join(' ')}`);
        else for (const p of step.pods) console.log(`pod ${podKey(p)} ${JSON.stringify(p.requests)} planner=${p.placement?.node ?? '-'} real=${real.outcomes.get(podKey(p))?.node ?? '-'} sim=${sim.get(podKey(p))?.node ?? '-'}`);
      }
    }
    const guided = guidedReplay({ ...simInput, real: real.outcomes, boundAfterStep: real.boundAfterStep, createdInStep: real.createdInStep, scheduledAt: real.scheduledAt });
    for (const k of ['nodes', 'deletes', 'creates', 'settle', 'staleSettles'] as const) timing[k] += real.timing[k];
    // Pods created again: the Pending ones at each round of new nodes, and at the end those judged against fewer nodes.
    const recreated = real.createdInStep.reduce((n, keys, i) => n + (i >= steps.length || steps[i]?.kind === 'nodes' ? keys.length : 0), 0);
    return compareWorld(c, real.outcomes, sim, guided, { recreated, ms: Date.now() - t0, liveNodeVng });
  } finally {
    await cleanup();
    cleanups.splice(cleanups.indexOf(cleanup), 1);
  }
}

describe(`planner and sim/scheduler vs kube-scheduler over ${WORLDS} generated worlds (seeds ${FIRST_SEED}-${FIRST_SEED + WORLDS - 1})`, () => {
  it('runs at least 50 worlds unless told otherwise', () => {
    if (process.env['DIFF_WORLDS'] === undefined) expect(WORLDS).toBeGreaterThanOrEqual(50);
  });

  for (const seed of SEEDS) {
    it(`world ${seed}: the planner's placements bound, its misfits Pending for its reasons, sim/scheduler Pending = kube-scheduler Pending`, async () => {
      const row = await runWorld(seed);
      rows.push(row);
      if (row.excused.length > 0) console.log(`world ${seed}: excused\n${row.excused.join('\n')}`);
      if (row.problems.length > 0) console.log(`world ${seed}: ${row.problems.length} disagreement(s)\n${row.problems.join('\n')}`);
      expect(row.problems, `world ${seed}`).toEqual([]);
    }, 120_000);
  }

  /**
   * The batch-by-batch replay (pods before the nodes of their batch, nodes round by round) on plans given made-up fleet
   * positions, while plans carry none of their own (skipped once they do, issue 11): the checks that do not depend on the
   * fleet being the planner's hold, sim/scheduler's decision by decision and the misfits'.
   */
  const positioned = (): boolean => buildDiffCase(loadCatalog(), 2).plan.newNodes.some((n) => fleetPosition(n).batch !== undefined);
  it.skipIf(positioned()).each([2, 29, 42])('world %i with synthetic fleet positions: sim/scheduler agrees decision by decision, the misfits stay Pending for their reasons', async (seed) => {
    const row = await runWorld(seed, withSyntheticPositions);
    const fleetless = (line: string): boolean => / placed by the planner \(/.test(line) || /^workload /.test(line);
    if (row.problems.length > 0) console.log(`world ${seed} (synthetic fleet positions): ${row.problems.length} disagreement(s)\n${row.problems.join('\n')}`);
    expect(row.problems.filter((l) => !fleetless(l)), `world ${seed}`).toEqual([]);
    expect(row.decisionsAgreed).toBe(row.decisions);
    expect(row.unschedulablePendingSame).toBe(row.plannerUnschedulable);
    // The moving pods of the first batch wait for its nodes, and are created again once they are in place.
    expect(row.recreated).toBeGreaterThan(0);
  }, 120_000);

  it('agreement figures', () => {
    const secs = (ms: number): string => `${Math.round(ms / 1000)} s`;
    console.log(
      `agreement figures (${rows.length} of ${WORLDS} worlds replayed, ${secs(Date.now() - startedAt)}; replays: nodes ${secs(timing.nodes)}, ` +
        `pod deletes ${secs(timing.deletes)}, pod creates ${secs(timing.creates)}, settling ${secs(timing.settle)} (${timing.staleSettles} on the long wait)):\n${agreementTable(rows)}`,
    );
    expect(rows).toHaveLength(WORLDS);
    // ROOM_SHORT (helpers/differential-compare.ts): the expected fleet may be a node short here and there, not more.
    const placed = rows.reduce((n, r) => n + r.plannerPlaced, 0);
    const short = rows.reduce((n, r) => n + r.roomShort, 0);
    console.log(`ROOM_SHORT: ${short} of ${placed} placed pods left Pending for room (limit ${Math.floor(placed * ROOM_SHORT_MAX_SHARE)})`);
    expect(short).toBeLessThanOrEqual(Math.floor(placed * ROOM_SHORT_MAX_SHARE));
  });
});
