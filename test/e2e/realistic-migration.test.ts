/**
 * A realistic migration on the real control plane, judged by the simulator's own invariant checkers.
 *
 * 20 old KWOK nodes shaped like m5.xlarge (4 vCPU, 16 GiB, 58 pods) in us-east-1a/b/c, labelled vngshift.io/migrate=true,
 * carry 582 pods: four Deployments (one with a required pod anti-affinity on the hostname, one spread over zones with
 * DoNotSchedule) and a StatefulSet pinned to "storage" nodes, all under PodDisruptionBudgets. Two VNGs match: a general one
 * (m5.xlarge) and a tainted stateful one (m5.large) that only the StatefulSet tolerates.
 *
 * `plan --kubeconfig` must say feasible; `simulate --kubeconfig` rehearses it; then `run --capacity kwok` migrates for real
 * while a recorder (helpers/live-trace.ts) watches the API server. The recorded trace goes through sim/invariants 1-6
 * unchanged, and the simulator's outcome is compared with the real one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkInvariants, formatViolations } from '../../sim/invariants/index.js';
import { pdbCount } from '../../sim/invariants/pdb-respected.js';
import { walk } from '../../sim/invariants/replay.js';
import { simulate, type SimResult } from '../../sim/simulate.js';
import type { SimTiming } from '../../sim/timing.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import type { Cluster } from '../../src/model/types.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import type { Plan } from '../../src/planner/plan.js';
import { cleanup, cli, connect, createKwokNode, createNamespace, describePods, RUN_LABEL, runningReady, waitFor, waitForeignPodsGone } from './helpers/cluster-kit.js';
import { LiveTraceRecorder, newNodesPerVng, readEngineTrace, type RunOutcome } from './helpers/live-trace.js';

const RUN = `rm${Date.now().toString(36)}`;
const NS = `e2e-real-${RUN}`;
const STATE_NS = `vngshift-e2e-${RUN}`;
const STORAGE = 'vngshift.e2e/storage';
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;
const OLD = Array.from({ length: 20 }, (_, i) => `old-${RUN}-${String(i).padStart(2, '0')}`);
const SELECTOR = `vngshift.io/migrate=true,${RUN_LABEL}=${RUN}`;
const BATCH = '50';

interface Workload {
  readonly name: string;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  readonly pdb: { maxUnavailable?: string | number; minAvailable?: string | number };
  readonly extra?: (labels: Record<string, string>) => Partial<k8s.V1PodSpec>;
}

const WORKLOADS: readonly Workload[] = [
  { name: 'web', kind: 'Deployment', replicas: 260, cpu: '100m', memory: '128Mi', pdb: { maxUnavailable: '50%' } },
  { name: 'worker', kind: 'Deployment', replicas: 150, cpu: '150m', memory: '192Mi', pdb: { maxUnavailable: '50%' } },
  {
    name: 'api',
    kind: 'Deployment',
    replicas: 150,
    cpu: '100m',
    memory: '128Mi',
    pdb: { minAvailable: '50%' },
    extra: (labels) => ({
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } }],
    }),
  },
  {
    name: 'cache',
    kind: 'Deployment',
    replicas: 10,
    cpu: '200m',
    memory: '512Mi',
    pdb: { maxUnavailable: '50%' },
    extra: (labels) => ({
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } }] } },
    }),
  },
  {
    name: 'db',
    kind: 'StatefulSet',
    replicas: 12,
    cpu: '250m',
    memory: '512Mi',
    pdb: { maxUnavailable: '50%' },
    extra: () => ({
      nodeSelector: { [RUN_LABEL]: RUN, [STORAGE]: 'true' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'stateful', effect: 'NoSchedule' }],
    }),
  },
];
const TOTAL = WORKLOADS.reduce((a, w) => a + w.replicas, 0);

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-real-'));
const vngsFile = join(dir, 'vngs.json');
const traceFile = join(dir, 'engine-trace.jsonl');
let kubeconfig = '';
let core: k8s.CoreV1Api | undefined;
const timings: Record<string, number> = {};

function podTemplateSpec(w: Workload, labels: Record<string, string>): k8s.V1PodSpec {
  return {
    nodeSelector: { [RUN_LABEL]: RUN },
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'app', image: 'registry.invalid/app:1', resources: { requests: { cpu: w.cpu, memory: w.memory } } }],
    ...(w.extra ? w.extra(labels) : {}),
  };
}

beforeAll(async () => {
  const started = Date.now();
  kubeconfig = inject('kubeconfigPath');
  const { core: c, apps, policy } = connect(kubeconfig);
  core = c;

  const subnets = ZONES.map((_, i) => `subnet-${RUN}-${i}`);
  writeFileSync(
    vngsFile,
    JSON.stringify({
      launchSpecs: [
        {
          name: 'general',
          instanceTypes: ['m5.xlarge'],
          subnetIds: subnets,
          labels: [{ key: RUN_LABEL, value: RUN }],
          resourceLimits: { maxInstanceCount: 40 },
        },
        {
          name: 'stateful',
          instanceTypes: ['m5.large'],
          subnetIds: subnets,
          labels: [
            { key: RUN_LABEL, value: RUN },
            { key: STORAGE, value: 'true' },
          ],
          taints: [{ key: 'dedicated', value: 'stateful', effect: 'NoSchedule' }],
          resourceLimits: { maxInstanceCount: 10 },
        },
      ],
      subnetZones: Object.fromEntries(subnets.map((s, i) => [s, ZONES[i]])),
    }),
  );

  // 20 m5.xlarge-like old nodes, round robin over three zones; the first six also take the StatefulSet.
  for (const [i, name] of OLD.entries()) {
    await createKwokNode(c, {
      name,
      zone: ZONES[i % 3] as string,
      instanceType: 'm5.xlarge',
      capacity: { cpu: '4', memory: '16Gi', pods: '58' },
      allocatable: { cpu: '3920m', memory: '15136Mi', pods: '58' },
      labels: { [RUN_LABEL]: RUN, 'vngshift.io/migrate': 'true', ...(i < 6 ? { [STORAGE]: 'true' } : {}) },
    });
  }
  await createNamespace(c, NS);
  for (const w of WORKLOADS) {
    const labels = { app: w.name };
    const template = { metadata: { labels }, spec: podTemplateSpec(w, labels) };
    if (w.kind === 'Deployment') {
      await apps.createNamespacedDeployment({ namespace: NS, body: { metadata: { name: w.name }, spec: { replicas: w.replicas, selector: { matchLabels: labels }, template } } });
    } else {
      await apps.createNamespacedStatefulSet({
        namespace: NS,
        body: { metadata: { name: w.name }, spec: { replicas: w.replicas, serviceName: w.name, podManagementPolicy: 'Parallel', selector: { matchLabels: labels }, template } },
      });
    }
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: w.name }, spec: { ...w.pdb, selector: { matchLabels: labels } } } });
  }
  await waitFor(
    `${TOTAL} pods Running and Ready on the old nodes`,
    async () => {
      const pods = (await c.listNamespacedPod({ namespace: NS })).items;
      const ok = pods.filter((p) => runningReady(p) && OLD.includes(p.spec?.nodeName ?? '')).length;
      return { value: ok === TOTAL && pods.length === TOTAL ? true : undefined, seen: `${ok} ok; ${describePods(pods)}` };
    },
    180_000,
    2000,
  );
  await waitFor('the PDBs counted every pod', async () => {
    const list = (await policy.listNamespacedPodDisruptionBudget({ namespace: NS })).items;
    const n = list.reduce((a, p) => a + (p.status?.currentHealthy ?? 0), 0);
    return { value: n === TOTAL ? true : undefined, seen: `${n}/${TOTAL}` };
  });
  timings['setup'] = Date.now() - started;
}, 300_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanup(core, RUN, [NS, STATE_NS]);
  process.stderr.write(`[realistic-migration] wall times (ms): ${JSON.stringify(timings)}\n`);
}, 120_000);

const flags = ['--vngs', vngsFile, '--nodes', SELECTOR, '--batch-size-percentage', BATCH];

describe('a realistic migration on the real control plane, judged by the simulator invariants', () => {
  let plan: Plan;
  let sim: SimResult;

  it('plan --kubeconfig: feasible, every moving pod placed', async () => {
    // plan and simulate read the whole cluster: pods other e2e files left behind (Pending, pinned to their own nodes) would
    // be pods no VNG fits, and the rehearsal would end InsufficientCapacity for them.
    await waitForeignPodsGone(core as k8s.CoreV1Api, [NS, STATE_NS]);
    const r = await cli(['plan', '--kubeconfig', kubeconfig, ...flags, '-o', 'json']);
    timings['plan'] = r.ms;
    expect(r.code, r.err).toBe(0);
    plan = JSON.parse(r.out) as Plan;
    expect(plan.feasible).toBe(true);
    expect(plan.predictedFailure).toBeNull();
    expect(plan.oldNodes.map((n) => n.name).sort()).toEqual([...OLD].sort());
    expect(plan.summary.movingPods).toBe(TOTAL);
    expect(plan.summary.unschedulablePods).toBe(0);
  });

  it('simulate --kubeconfig rehearses it', async () => {
    const r = await cli(['simulate', '--kubeconfig', kubeconfig, ...flags, '--seed', '1', '-o', 'json']);
    timings['simulate'] = r.ms;
    sim = JSON.parse(r.out) as SimResult;
    process.stderr.write(
      `[realistic-migration] plan: ${plan.batches.length} batches, new nodes ${JSON.stringify(plan.nodes.map((n) => [n.vng, n.instanceType, n.count]))}; ` +
        `simulated: ${sim.status} ${sim.failure?.code ?? ''} in ${sim.durationSeconds}s virtual, new nodes ${JSON.stringify(newNodesPerVng(sim))}\n`,
    );
    expect([0, 3]).toContain(r.code);
  });

  it('run --capacity kwok completes; invariants 1-6 hold over the recorded trace; the rehearsal agrees', async () => {
    const rec = await LiveTraceRecorder.start({ kubeconfig, namespace: NS, nodeLabelSelector: `${RUN_LABEL}=${RUN}` });
    const r = await cli(['run', '--kubeconfig', kubeconfig, ...flags, '--capacity', 'kwok', '--namespace', STATE_NS, '--migration-id', 'e2e', '--trace-out', traceFile, '-o', 'json']);
    timings['run'] = r.ms;
    if (process.env['VNGSHIFT_E2E_VERBOSE']) process.stderr.write(`--- run (exit ${r.code})\n${r.err}\n`);
    expect(r.code, r.err.split('\n').slice(-30).join('\n')).toBe(0);
    const outcome = JSON.parse(r.out) as RunOutcome;
    expect(outcome.status).toBe('Completed');

    // Every replacement Running and Ready before the recording ends (the run completes once enough are).
    const c = core as k8s.CoreV1Api;
    await waitFor(`${TOTAL} pods Running and Ready`, async () => {
      const pods = (await c.listNamespacedPod({ namespace: NS })).items;
      const ok = pods.filter(runningReady).length;
      return { value: ok === TOTAL && pods.length === TOTAL ? true : undefined, seen: describePods(pods) };
    }, 60_000);
    await rec.stop();
    expect(rec.incomplete).toEqual([]);

    const engine = readEngineTrace(traceFile);
    const result = rec.result(plan, engine, outcome);
    const t0 = engine[0]?.t ?? 0;
    const timeline = engine
      .filter((e) => e.kind.startsWith('batch.') || e.kind.startsWith('migration.'))
      .map((e) => `${Math.round(e.t - t0)}s ${e.kind} ${e.object}`);
    process.stderr.write(`[realistic-migration] engine timeline: ${timeline.join('; ')}\n`);

    // The recorder saw the migration, not an empty world: every old node's instance shut down, every evicted pod
    // terminating as evicted, replacements created and chained.
    const kinds = (k: string): number => result.events.filter((e) => e.kind === k).length;
    const evictedByEngine = engine.filter((e) => e.kind === 'pod.evicted').length;
    const evictedInWorld = result.events.filter((e) => e.kind === 'pod.terminating' && e['reason'] === 'evicted').length;
    process.stderr.write(
      `[realistic-migration] recorded ${rec.rawCount} watch events -> ${result.events.length} trace events; engine evicted ${evictedByEngine}, ` +
        `world: ${evictedInWorld} terminating as evicted, ${kinds('pod.created')} pods created, ${kinds('node.registered')} nodes registered, ` +
        `${kinds('instance.shutting-down')} instances shut down; engine: ${engine.filter((e) => e.kind === 'pod.evict-blocked').length} evictions refused (429)\n`,
    );
    expect(evictedByEngine).toBeGreaterThanOrEqual(TOTAL);
    expect(evictedInWorld).toBe(evictedByEngine);
    expect(result.instances.old.map((i) => i.state)).toEqual(OLD.map(() => 'terminated'));
    expect(result.events.filter((e) => e.kind === 'pod.created' && e['replaces'] !== null).length).toBeGreaterThanOrEqual(evictedByEngine);

    // Invariants 1-6 of the design notes, by the simulator's own checkers, over what the API server did.
    const violations = checkInvariants({ plan, cluster: rec.cluster, result }, [1, 2, 3, 4, 5, 6]);
    expect(violations, formatViolations(violations)).toEqual([]);

    // The checkers are not blind on this trace: each of these edits of what was recorded must be caught.
    expect(mutantViolations(plan, rec.cluster, result)).toEqual({ chainsCut: 1, pdbStricter: 2, nodeDeletedEarly: 4, nodeOutsidePlan: 5 });

    // The checkers' PDB arithmetic (invariant 2) agrees with the disruption controller's own status at the end. One
    // difference is known and allowed for: the controller does not count a pod as healthy while its name is in the PDB's
    // status.disruptedPods (evicted less than 2 minutes ago, its DeletionTimeout), and a StatefulSet's replacement bears
    // the evicted pod's name, so a Ready db pod may be left out for a while. The checker counts what runs and is Ready; the
    // API server's stricter count only refuses evictions earlier than the checker would require.
    const replay = walk(rec.cluster, result.events, {});
    const replicas = new Map<string, number>();
    for (const w of rec.cluster.workloads) if (w.replicas !== null) replicas.set(w.uid, w.replicas);
    await waitFor('PDB status as the checkers count it', async () => {
      const live = await rec.pdbStatus();
      const ours = rec.cluster.pdbs.map((b) => {
        const n = pdbCount(b, replay.pods.values(), replicas);
        return { name: b.name, expectedPods: n.expected, currentHealthy: n.healthy, desiredHealthy: n.desired };
      });
      const readyNow = (name: string): boolean => {
        const p = replay.pods.get(`${NS}/${name}`);
        return p !== undefined && p.phase === 'Running' && p.ready && !p.terminating;
      };
      const theirs = live.map(({ name, expectedPods, currentHealthy, desiredHealthy, disruptedPods }) => ({
        name,
        expectedPods,
        currentHealthy: currentHealthy + disruptedPods.filter(readyNow).length,
        desiredHealthy,
      }));
      const same = JSON.stringify(ours.sort((a, b) => (a.name < b.name ? -1 : 1))) === JSON.stringify(theirs);
      return { value: same ? true : undefined, seen: `checkers ${JSON.stringify(ours)} vs controller ${JSON.stringify(live)}` };
    }, 30_000);

    // The rehearsal agrees with the real run: status, failure code, new nodes per VNG.
    expect(sim.status).toBe(outcome.status);
    expect(sim.failure?.code ?? null).toBe(outcome.failure?.code ?? null);
    const real = newNodesPerVng(result);
    const rehearsed = newNodesPerVng(sim);
    // New nodes per VNG are not guaranteed to be equal. Both worlds launch nodes only for pods that are Pending at that
    // moment (the simulator's autoscaler and --capacity kwok share src/planner/scale-up.ts), and which pods are Pending
    // depends on where the scheduler put the replacements of earlier batches: kube-scheduler weighs several scores
    // (LeastAllocated over cpu and memory, BalancedAllocation, topology spread, ...) and binds in its own queue order, while
    // the simulator's scheduler runs the same filters but picks the feasible node with the least share of cpu requested; so
    // some replacements land on old nodes of later batches in one world and not in the other (the run evicts more pods
    // than there are: those that bounced once). And the simulator's nodes take minutes to boot (EC2's timings), KWOK's a
    // second, so each scale-up sees a different group of pending pods. Hence a tolerance of a quarter of the simulated
    // count (at least 2). Seen so far: real 18-19 general nodes, simulated 19-22 (the plan says 17), stateful 2 everywhere.
    //
    // A second rehearsal, in process, of the same cluster and plan with KWOK's timings instead of EC2's (nodes Ready in about
    // a second, pods Running at once, the capacity provider acting on the engine's 5 s reconcile) takes launch latency out
    // of the difference.
    const catalog = loadCatalog();
    const vngs = parseVngText(readFileSync(vngsFile, 'utf8'), vngsFile, catalog).vngs;
    const kwokTimed = await simulate({ cluster: rec.cluster, vngs, catalog, plan, seed: 1, timing: KWOK_TIMING });
    expect(kwokTimed.status).toBe(outcome.status);
    expect(kwokTimed.failure?.code ?? null).toBe(outcome.failure?.code ?? null);
    const rehearsedKwok = newNodesPerVng(kwokTimed);
    process.stderr.write(
      `[realistic-migration] new nodes per VNG: real ${JSON.stringify(real)}, simulated ${JSON.stringify(rehearsed)}, simulated with KWOK timings ${JSON.stringify(rehearsedKwok)}, ` +
        `planned ${JSON.stringify(plan.nodes.map((n) => [n.vng, n.count]))}\n`,
    );
    for (const [what, counts] of [
      ['simulated', rehearsed],
      ['simulated with KWOK timings', rehearsedKwok],
    ] as const) {
      expect(Object.keys(real).sort(), what).toEqual(Object.keys(counts).sort());
      for (const [vng, n] of Object.entries(counts)) {
        const got = real[vng] ?? 0;
        expect(Math.abs(got - n), `VNG ${vng}: real ${got}, ${what} ${n}`).toBeLessThanOrEqual(TOLERANCE(n));
      }
    }
  }, 420_000);
});

/** How far the real count of new nodes of a VNG may be from the simulated one (see the comment where it is used). */
function TOLERANCE(simulated: number): number {
  return Math.max(2, Math.ceil(simulated * 0.25));
}

/** The simulator's timing model set to what KWOK and this harness do (sim/timing.ts for the fields). */
const KWOK_TIMING: Partial<SimTiming> = {
  autoscalerIntervalSeconds: 5,
  instanceBootSeconds: 0,
  nodeJoinSeconds: 0,
  nodeReadySeconds: 1,
  launchJitter: 0,
  podStartSeconds: 1,
  podReadySeconds: 0,
  podJitter: 0,
  maxTerminationSeconds: 1,
  instanceShutdownSeconds: 0,
  nodeDeleteSeconds: 0,
};

/**
 * Edits of the recorded run that the checkers must catch (the invariant that fires first for each), so a pass above means
 * the recorded trace was judged, not that the checkers saw nothing to judge:
 * - chainsCut: no `replaces` on any created pod: every evicted pod's chain ends with the pod gone (invariant 1);
 * - pdbStricter: the same evictions judged against budgets of maxUnavailable 0 (invariant 2);
 * - nodeDeletedEarly: an old node's Node object deleted just before its first pod started terminating (invariant 4);
 * - nodeOutsidePlan: a plan without one of the old nodes it terminated (invariant 5).
 */
function mutantViolations(plan: Plan, cluster: Cluster, result: SimResult): Record<string, number | null> {
  const first = (violations: readonly { invariant: number }[]): number | null => (violations.length === 0 ? null : Math.min(...violations.map((v) => v.invariant)));
  const chainsCut: SimResult = { ...result, events: result.events.map((e) => (e.kind === 'pod.created' ? { ...e, replaces: null } : e)) };
  const strict: Cluster = { ...cluster, pdbs: cluster.pdbs.map((b) => ({ ...b, minAvailable: null, maxUnavailable: { kind: 'int', value: 0 } })) };
  const victim = plan.oldNodes[0]?.name ?? '';
  const at = result.events.findIndex((e) => e.kind === 'pod.terminating' && e['node'] === victim);
  const early: SimResult = {
    ...result,
    events: [...result.events.slice(0, at), { t: result.events[at]?.t ?? 0, kind: 'node.deleted', object: `Node ${victim}`, reason: 'deleted' }, ...result.events.slice(at)],
  };
  const smaller: Plan = { ...plan, oldNodes: plan.oldNodes.slice(1) };
  return {
    chainsCut: first(checkInvariants({ plan, cluster, result: chainsCut }, [1, 2, 3, 4, 5, 6])),
    pdbStricter: first(checkInvariants({ plan, cluster: strict, result }, [1, 2, 3, 4, 5, 6])),
    nodeDeletedEarly: first(checkInvariants({ plan, cluster, result: early }, [1, 2, 3, 4, 5, 6])),
    nodeOutsidePlan: first(checkInvariants({ plan: smaller, cluster, result }, [5])),
  };
}
