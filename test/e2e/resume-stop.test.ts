/**
 * Resume and stop of `vngshift run` against the real control plane (test/e2e/harness), each scenario in its own namespaces,
 * KWOK old nodes and migration id:
 *
 * 1. SIGKILL in the middle of batch 2 (caught there by tightening the PDB to maxUnavailable 0 once batch 1 is done, and
 *    loosening it back after the kill): the executor dies without releasing anything (no safe point, no Lease release).
 *    The state stays Running with the batch's node cordoned. The same command, started again, waits for the dead holder's
 *    Lease to expire (at most its 15 s duration plus a retry period), takes it over, resumes from the persisted state (the
 *    batch index never goes back, no batch is started or finished twice, terminated old nodes are not touched again) and
 *    completes: every pod Running and Ready on new nodes, no old node left, nothing cordoned that still has pods.
 * 2. `vngshift stop` while batch 2 is draining (its node still has pods: a PDB with maxUnavailable 1 serialises the
 *    evictions, and once batch 1 is done the test tightens it to 0 so the PDB's pods on batch 2's node stay there, their
 *    evictions refused, until the stop lands), with shouldTerminateDrainedNodes off so that batch 1's drained node is still
 *    there to look at:
 *    a. without --terminate-drained: the run ends Stopped (exit 3), the node being drained is uncordoned, batch 1's drained
 *       node stays cordoned and is not deleted, later batches' nodes (cordoned once when the migration started, as
 *       cordonAllAtStart does by default) are uncordoned with their pods untouched; `status` says Stopped.
 *    b. with --terminate-drained: the same, but batch 1's drained node is deleted (the kwok cloud deletes the Node).
 * After each scenario, no old node that still has workload pods is unschedulable.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MigrationState } from '../../src/engine/state.js';
import {
  cleanup,
  connect,
  createDeployment,
  createKwokNode,
  createNamespace,
  M5_LARGE,
  RUN_LABEL,
  sleep,
  startCli,
  waitForWith,
  waitOldNodesReady,
  waitPodsReady,
  writeNewPoolVngs,
  type CliResult,
  type RunningCli,
} from './helpers/cluster-kit.js';

const RUN = `r${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const ZONES = ['us-east-1a', 'us-east-1b'];
const VERBOSE = process.env['VNGSHIFT_E2E_VERBOSE'] !== undefined;

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-resume-'));
let kubeconfig = '';
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let policy: k8s.PolicyV1Api;
let coordination: k8s.CoordinationV1Api;

const POLL = { timeoutMs: 120_000, everyMs: 500 };
const waitFor = waitForWith(POLL);

// ---- the CLI as a child process ------------------------------------------------------------------------------------------

/** Children still running: killed when the file ends, so a failed assertion leaves no executor behind. */
const alive = new Set<ChildProcess>();

function start(args: readonly string[], timeoutMs = 600_000): RunningCli {
  const run = startCli(args, timeoutMs);
  alive.add(run.child);
  const forget = (): void => void alive.delete(run.child);
  void run.done.then(forget, forget);
  return run;
}

const cli = (args: readonly string[], timeoutMs = 120_000): Promise<CliResult> => start(args, timeoutMs).done;

// ---- cluster helpers -----------------------------------------------------------------------------------------------------

interface Workload {
  readonly name: string;
  readonly replicas: number;
  /** A PodDisruptionBudget with maxUnavailable 1 over the workload: its evictions go one at a time. */
  readonly pdb: boolean;
}

/** One scenario's world: its own namespaces, old nodes, VNG labels and migration id. */
interface World {
  readonly id: string;
  readonly ns: string;
  readonly stateNs: string;
  readonly migration: string;
  readonly old: readonly string[];
  readonly vngsFile: string;
  readonly total: number;
  readonly runArgs: readonly string[];
}

async function createWorld(name: string, nodes: number, workloads: readonly Workload[], extraArgs: readonly string[]): Promise<World> {
  const id = `${RUN}-${name}`;
  const ns = `e2e-${id}`;
  const stateNs = `vngshift-${id}`;
  const migration = `mig-${name}`;
  const old = Array.from({ length: nodes }, (_, i) => `old-${id}-${i}`);
  const vngsFile = join(dir, `vngs-${name}.json`);
  const total = workloads.reduce((a, w) => a + w.replicas, 0);
  writeNewPoolVngs(vngsFile, `new-${name}`, id);
  for (const [i, node] of old.entries()) {
    await createKwokNode(core, { ...M5_LARGE, name: node, zone: ZONES[i % 2] as string, labels: { pool: 'old', [RUN_LABEL]: id } });
  }
  await waitOldNodesReady(core, `pool=old,${RUN_LABEL}=${id}`, nodes, POLL);
  await createNamespace(core, ns, POLL);
  for (const w of workloads) {
    await createDeployment(apps, ns, {
      name: w.name,
      replicas: w.replicas,
      nodeSelector: { [RUN_LABEL]: id },
      terminationGracePeriodSeconds: 1,
      requests: { cpu: '100m', memory: '128Mi' },
      // A soft spread (kube-scheduler scores it; the planner's predicates ignore it): the PDB's pods land on every node.
      pod: w.pdb
        ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: w.name } } }] }
        : {},
    });
    if (w.pdb) {
      await policy.createNamespacedPodDisruptionBudget({
        namespace: ns,
        body: { metadata: { name: w.name }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: w.name } } } },
      });
    }
  }
  const world: World = {
    id,
    ns,
    stateNs,
    migration,
    old,
    vngsFile,
    total,
    runArgs: [
      'run',
      '--kubeconfig',
      kubeconfig,
      '--vngs',
      vngsFile,
      '--capacity',
      'kwok',
      '--nodes',
      `pool=old,${RUN_LABEL}=${id}`,
      '--namespace',
      stateNs,
      '--migration-id',
      migration,
      ...extraArgs,
    ],
  };
  await waitPodsReady(core, ns, total, (n) => old.includes(n), `${total} pods Running and Ready on the old nodes`, POLL);
  for (const w of workloads.filter((x) => x.pdb)) {
    await waitFor(`the PDB ${w.name} status`, async () => {
      const s = (await policy.readNamespacedPodDisruptionBudget({ name: w.name, namespace: ns })).status;
      return { value: s?.expectedPods === w.replicas && s.disruptionsAllowed === 1 ? true : undefined, seen: JSON.stringify(s) };
    });
  }
  return world;
}

async function destroyWorld(w: World): Promise<void> {
  for (const child of alive) child.kill('SIGKILL');
  await cleanup(core, w.id, [w.ns, w.stateNs]);
  // The Events vngshift recorded on the old nodes (in "default", where Events on Nodes go).
  const names = new Set(w.old);
  const events = (await core.listNamespacedEvent({ namespace: 'default' }).catch(() => null))?.items ?? [];
  for (const e of events.filter((x) => names.has(x.involvedObject.name ?? ''))) {
    await core.deleteNamespacedEvent({ name: e.metadata?.name ?? '', namespace: 'default' }).catch(() => undefined);
  }
}

const podsOf = async (w: World): Promise<k8s.V1Pod[]> => (await core.listNamespacedPod({ namespace: w.ns })).items;
const nodesOf = async (w: World, pool: 'old' | 'new'): Promise<k8s.V1Node[]> => (await core.listNode({ labelSelector: `pool=${pool},${RUN_LABEL}=${w.id}` })).items;

/** Workload pods (not terminating) per node name. */
function podsPerNode(pods: readonly k8s.V1Pod[]): Map<string, number> {
  const by = new Map<string, number>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n === undefined || p.metadata?.deletionTimestamp !== undefined) continue;
    by.set(n, (by.get(n) ?? 0) + 1);
  }
  return by;
}

/** The migration's state as persisted in its ConfigMap; null before the first save. */
async function persisted(w: World): Promise<MigrationState | null> {
  try {
    const cm = await core.readNamespacedConfigMap({ name: `vngshift-${w.migration}`, namespace: w.stateNs });
    const text = cm.data?.['state'];
    return text === undefined ? null : (JSON.parse(text) as MigrationState);
  } catch (e) {
    if (e instanceof k8s.ApiException && e.code === 404) return null;
    throw e;
  }
}

function brief(s: MigrationState | null): string {
  if (s === null) return 'no state';
  const b = s.batches[s.current];
  return `${s.status}, batch ${s.current + 1}/${s.batches.length} ${b?.phase ?? '-'} (${b?.evicted.length ?? 0} evicted), nodes ${JSON.stringify(s.nodePhase)}`;
}

/**
 * Waits until batch `index` (0-based) is draining, with pods evicted and pods still on one of its nodes; with `blocked`, one
 * of those pods must also be waiting for its eviction to be retried (refused by its PDB).
 */
async function waitDraining(w: World, index: number, timeoutMs: number, blocked = false): Promise<MigrationState> {
  return waitFor(
    `batch ${index + 1} draining with pods evicted and pods left${blocked ? ', one of them refused by its PDB' : ''}`,
    async () => {
      const s = await persisted(w);
      const b = s?.batches[s.current];
      if (s === null || b === undefined || s.current !== index || b.phase !== 'draining' || b.evicted.length === 0) return { seen: brief(s) };
      const onBatch = (await podsOf(w)).filter((p) => p.metadata?.deletionTimestamp === undefined && b.nodes.includes(p.spec?.nodeName ?? ''));
      const refused = onBatch.some((p) => s.evictRetry[`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`] !== undefined);
      return { value: onBatch.length > 0 && (!blocked || refused) ? s : undefined, seen: `${brief(s)}; ${onBatch.length} pod(s) left on the batch` };
    },
    timeoutMs,
    250,
  );
}

/**
 * Every old node carries pods of the PDB `api`, so batch 2's node does. The soft spread usually puts 3 on each, but it is
 * a score, not a rule: when a node got none, one pod of the node with the most is deleted and its replacement (scored
 * towards the empty node) awaited, a few times at most, before the check.
 */
async function expectPdbPodsOnEveryOldNode(w: World): Promise<void> {
  const apiPods = async (): Promise<k8s.V1Pod[]> => (await podsOf(w)).filter((p) => p.metadata?.labels?.['app'] === 'api');
  for (let attempt = 0; attempt < 6; attempt++) {
    const pods = await apiPods();
    const perNode = podsPerNode(pods);
    if (w.old.every((n) => (perNode.get(n) ?? 0) > 0)) break;
    const fullest = [...perNode].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    const victim = pods.find((p) => p.spec?.nodeName === fullest && p.metadata?.deletionTimestamp === undefined);
    if (victim === undefined) break;
    await core.deleteNamespacedPod({ name: victim.metadata?.name ?? '', namespace: w.ns, gracePeriodSeconds: 0 });
    await waitPodsReady(core, w.ns, w.total, (n) => w.old.includes(n), `${w.total} pods Running and Ready on the old nodes again`, POLL);
    await waitFor(`the PDB api allowing a disruption again`, async () => {
      const st = (await policy.readNamespacedPodDisruptionBudget({ name: 'api', namespace: w.ns })).status;
      return { value: st?.disruptionsAllowed === 1 ? true : undefined, seen: JSON.stringify(st) };
    });
  }
  const perNode = podsPerNode(await apiPods());
  for (const n of w.old) expect(perNode.get(n) ?? 0, `pods of api on ${n}`).toBeGreaterThan(0);
}

/** Once batch 1 is done, tightens the PDB `api` to maxUnavailable 0: no more of its pods can be evicted. */
async function freezeAfterBatch1(w: World): Promise<void> {
  await waitFor(
    'batch 1 done',
    async () => {
      const s = await persisted(w);
      return { value: s !== null && s.current >= 1 ? true : undefined, seen: brief(s) };
    },
    300_000,
    250,
  );
  await setApiMaxUnavailable(w, 0);
}

/**
 * Batch 2 caught mid-drain with the PDB frozen (freezeAfterBatch1, then waitDraining); if that does not come, the run is
 * killed and the error carries its output, under `label`.
 */
async function batch2Draining(w: World, run: RunningCli, label: string): Promise<MigrationState> {
  return freezeAfterBatch1(w)
    .then(() => waitDraining(w, 1, 300_000, true))
    .catch(async (e: unknown) => {
      run.child.kill('SIGKILL');
      const r = await run.done;
      throw new Error(`${String(e)}\n--- ${label}\n${r.out}${r.err}`);
    });
}

async function setApiMaxUnavailable(w: World, n: number): Promise<void> {
  const pdb = await policy.readNamespacedPodDisruptionBudget({ name: 'api', namespace: w.ns });
  await policy.replaceNamespacedPodDisruptionBudget({ name: 'api', namespace: w.ns, body: { ...pdb, spec: { ...pdb.spec, maxUnavailable: n } } });
}

/** Invariant 6 and more: no old node that still carries workload pods is cordoned. */
async function expectNothingCordonedWithPods(w: World): Promise<void> {
  const per = podsPerNode(await podsOf(w));
  const stuck = (await nodesOf(w, 'old')).filter((n) => n.spec?.unschedulable === true && (per.get(n.metadata?.name ?? '') ?? 0) > 0).map((n) => n.metadata?.name);
  expect(stuck, 'old nodes cordoned with workload pods on them').toEqual([]);
}

/** Every workload pod Running and Ready, and on the given nodes when given. */
async function waitAllReady(w: World, on: ((node: string) => boolean) | null): Promise<k8s.V1Pod[]> {
  return waitPodsReady(core, w.ns, w.total, on ?? (() => true), `${w.total} pods Running and Ready${on ? ' on new nodes' : ''}`, POLL);
}

/** MigrationCordon Events per old node (Events on Nodes go to "default"), counting repeats. */
async function cordonEvents(w: World): Promise<Map<string, number>> {
  const names = new Set(w.old);
  const by = new Map<string, number>();
  const list = (await core.listNamespacedEvent({ namespace: 'default' })).items;
  for (const e of list) {
    const n = e.involvedObject.name ?? '';
    if (e.reason !== 'MigrationCordon' || !names.has(n)) continue;
    by.set(n, (by.get(n) ?? 0) + (e.count ?? 1));
  }
  return by;
}

const lines = (text: string, re: RegExp): number[] => [...text.matchAll(re)].map((m) => Number(m[1]));

beforeAll(() => {
  kubeconfig = inject('kubeconfigPath');
  ({ core, apps, policy, coordination } = connect(kubeconfig));
});

afterAll(() => {
  for (const child of alive) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

// ---- 1. SIGKILL mid-batch, then resume ---------------------------------------------------------------------------------

describe('vngshift run killed (SIGKILL) in the middle of a batch resumes where it was', () => {
  let w: World | null = null;
  afterAll(async () => {
    if (w !== null) await destroyWorld(w);
  });

  it('the second executor takes the dead holder\'s Lease once it expires, resumes without redoing a batch, and completes', async () => {
    // 8 old nodes, 120 pods: 96 without a PDB, 24 under maxUnavailable 1 (about 3 a node), so each batch drains in a few
    // reconciles (the PDB's evictions go one at a time, refused ones retried with backoff).
    const world = await createWorld(
      'kill',
      8,
      [
        { name: 'web', replicas: 96, pdb: false },
        { name: 'api', replicas: 24, pdb: true },
      ],
      ['--batch-size-percentage', '25'],
    );
    w = world;
    await expectPdbPodsOnEveryOldNode(world);
    const leaseName = `vngshift-${world.migration}`;

    const first = start([...world.runArgs]);
    // Kill inside batch 2: batch 1's old node is then already terminated, and must not be touched again. The PDB is
    // tightened once batch 1 is done, so batch 2 is caught mid-drain whatever the machine's speed; it is loosened again
    // before the second executor starts (which then retries the refused evictions on the backoff it resumes with).
    const atKill = await batch2Draining(world, first, 'first run');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    await setApiMaxUnavailable(world, 1);
    const killedAt = Date.now();
    if (VERBOSE) process.stderr.write(`--- first run (killed)\n${killed.out}${killed.err}\n`);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.out).toMatch(/migration started/);
    const holder1 = /holding the Lease \S+ as (\S+)/.exec(killed.out)?.[1] ?? '';
    expect(holder1).not.toBe('');

    // What the dead executor left: Running, the batch under way cordoned, the Lease still held by it.
    const left = await persisted(world);
    expect(left?.status).toBe('Running');
    const killedIndex = left?.current ?? -1;
    expect(killedIndex).toBeGreaterThanOrEqual(atKill.current);
    const killedBatch = left?.batches[killedIndex];
    expect(killedBatch?.phase, brief(left)).toBe('draining');
    const oldNow = await nodesOf(world, 'old');
    const cordoned = oldNow.filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata?.name ?? '');
    expect(cordoned.length).toBeGreaterThan(0);
    for (const n of killedBatch?.nodes ?? []) expect(cordoned).toContain(n);
    const terminatedBefore = Object.entries(left?.nodePhase ?? {})
      .filter(([, p]) => p === 'terminated')
      .map(([n]) => n);
    expect(terminatedBefore.length).toBeGreaterThan(0);
    for (const n of terminatedBefore) expect(oldNow.map((x) => x.metadata?.name)).not.toContain(n);
    const leaseBefore = await coordination.readNamespacedLease({ name: leaseName, namespace: world.stateNs });
    expect(leaseBefore.spec?.holderIdentity).toBe(holder1);
    const renewedBefore = new Date(String(leaseBefore.spec?.renewTime)).getTime();
    const transitionsBefore = leaseBefore.spec?.leaseTransitions ?? 0;

    // The same command again, while the persisted batch index is watched: it must never go back.
    const second = start([...world.runArgs]);
    const seenIndex: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = await persisted(world).catch(() => null);
        if (s !== null) seenIndex.push(s.current);
        await sleep(1000);
      }
    })();
    const res = await second.done;
    watching = false;
    await watcher;
    const out = res.out;
    if (VERBOSE) process.stderr.write(`--- second run (exit ${res.code})\n${out}${res.err}\n`);
    expect(res.code, out + res.err).toBe(0);
    expect(out).toMatch(new RegExp(`resuming migration ${world.migration} from its persisted state \\(Running, batch ${killedIndex + 1} of ${left?.batches.length}\\)`));
    expect(out).toMatch(/migration resumed/);
    expect(out).toMatch(/migration completed/);
    expect(out).toMatch(new RegExp(`Migration ${world.migration}: Completed`));

    // Leader election: it waited on the dead holder, then took the Lease once that had not been renewed for its duration.
    expect(out).toContain(`waiting for the Lease ${world.stateNs}/${leaseName}, held by ${holder1}`);
    const holder2 = /holding the Lease \S+ as (\S+)/.exec(out)?.[1] ?? '';
    expect(holder2).not.toBe('');
    expect(holder2).not.toBe(holder1);
    const leaseAfter = await coordination.readNamespacedLease({ name: leaseName, namespace: world.stateNs });
    const acquired = new Date(String(leaseAfter.spec?.acquireTime)).getTime();
    expect(leaseAfter.spec?.leaseTransitions).toBe(transitionsBefore + 1);
    expect(leaseAfter.spec?.holderIdentity ?? '').toBe(''); // released at the end
    // Not before the dead holder's term ran out (15 s from its last renewal, 1 s for clock granularity)...
    expect(acquired - renewedBefore).toBeGreaterThanOrEqual(14_000);
    // ...and not much later: the Lease's 15 s counted from when the second executor first saw it, plus a 2 s retry period
    // (and, on a busy machine, the process's start-up and the API's latency).
    expect(acquired - second.startedAt).toBeLessThanOrEqual(15_000 + 2_000 + 10_000);
    expect(acquired).toBeGreaterThan(killedAt);

    // Resumed, not restarted: the batch index never went back, and no batch was started or finished twice.
    expect(seenIndex.length).toBeGreaterThan(0);
    expect(seenIndex[0]).toBeGreaterThanOrEqual(killedIndex);
    for (let i = 1; i < seenIndex.length; i++) expect(seenIndex[i]).toBeGreaterThanOrEqual(seenIndex[i - 1] as number);
    const batches = left?.batches.length ?? 0;
    const started = [...lines(killed.out, /batch (\d+)\/\d+: started/g), ...lines(out, /batch (\d+)\/\d+: started/g)].sort((a, b) => a - b);
    const finished = [...lines(killed.out, /batch (\d+)\/\d+: done/g), ...lines(out, /batch (\d+)\/\d+: done/g)].sort((a, b) => a - b);
    const oneEach = Array.from({ length: batches }, (_, i) => i + 1);
    expect(started, `${killed.out}\n---\n${out}`).toEqual(oneEach);
    expect(finished, `${killed.out}\n---\n${out}`).toEqual(oneEach);
    for (const b of lines(out, /batch (\d+)\/\d+: (?:started|drained|done)/g)) expect(b).toBeGreaterThanOrEqual(killedIndex + 1);
    // Every old node was cordoned at most once over both runs (the killed batch's node was already cordoned at resume).
    for (const [node, n] of await cordonEvents(world)) expect(n, `MigrationCordon events on ${node}`).toBeLessThanOrEqual(1);

    // The end: Completed, no old node left, every pod Running and Ready on the new nodes, nothing cordoned with pods.
    const final = await persisted(world);
    expect(final?.status).toBe('Completed');
    expect(Object.values(final?.nodePhase ?? {})).toEqual(world.old.map(() => 'terminated'));
    expect((await nodesOf(world, 'old')).map((n) => n.metadata?.name)).toEqual([]);
    const fresh = new Set((await nodesOf(world, 'new')).map((n) => n.metadata?.name ?? ''));
    expect(fresh.size).toBeGreaterThan(0);
    const pods = await waitAllReady(world, (n) => fresh.has(n));
    expect(pods).toHaveLength(world.total);
    const per = podsPerNode(await podsOf(world));
    const allNodes = (await core.listNode({ labelSelector: `${RUN_LABEL}=${world.id}` })).items;
    expect(allNodes.filter((n) => n.spec?.unschedulable === true && (per.get(n.metadata?.name ?? '') ?? 0) > 0).map((n) => n.metadata?.name)).toEqual([]);
    await expectNothingCordonedWithPods(world);
    const status = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', world.stateNs, '--migration-id', world.migration, '-o', 'json']);
    expect(status.code, status.err).toBe(0);
    expect((JSON.parse(status.out) as { status: string }).status).toBe('Completed');
  }, 900_000);
});

// ---- 2. vngshift stop mid-batch ----------------------------------------------------------------------------------------

/**
 * 6 old nodes, 60 pods, 24 of them (about 4 a node) under a PDB with maxUnavailable 1: every batch is one node (the planner
 * never puts more evictions of a PDB in a batch than it allows) and drains in several reconciles. shouldTerminateDrainedNodes
 * is off, so batch 1's drained node is still there when the stop comes during batch 2.
 */
async function stopScenario(name: string, terminateDrained: boolean): Promise<void> {
  const world = await createWorld(
    name,
    6,
    [
      { name: 'web', replicas: 36, pdb: false },
      { name: 'api', replicas: 24, pdb: true },
    ],
    ['--batch-size-percentage', '34', '--no-should-terminate-drained-nodes'],
  );
  try {
    await expectPdbPodsOnEveryOldNode(world);
    const run = start([...world.runArgs]);
    // Once batch 1 is done, the PDB is tightened to maxUnavailable 0: batch 2's node then keeps its PDB's pods (their
    // evictions refused and retried) for as long as the test needs, so the stop lands mid-batch whatever the machine's speed.
    const atStop = await batch2Draining(world, run, 'run');
    const stopArgs = ['stop', '--kubeconfig', kubeconfig, '--namespace', world.stateNs, '--migration-id', world.migration];
    const stop = await cli(terminateDrained ? [...stopArgs, '--terminate-drained'] : stopArgs);
    expect(stop.code, stop.err).toBe(0);
    expect(stop.out).toMatch(new RegExp(`stop requested for migration ${world.migration} \\(Running, batch 2 of \\d+\\); drained old nodes will be ${terminateDrained ? 'terminated' : 'left running'}`));
    const res = await run.done;
    if (VERBOSE) process.stderr.write(`--- run ${name} (exit ${res.code})\n${res.out}${res.err}\n`);
    // README: exit 3 for Failed or Stopped.
    expect(res.code, res.out + res.err).toBe(3);
    expect(res.out).toMatch(/migration stop-requested/);
    expect(res.out).toMatch(/migration stopped/);
    expect(res.out).toMatch(new RegExp(`Migration ${world.migration}: Stopped`));
    expect(res.out).not.toMatch(/batch [3-9]\/\d+: started/);

    const final = await persisted(world);
    expect(final?.status).toBe('Stopped');
    expect(final?.failure).toBeNull();
    expect(final?.stop?.terminateDrained).toBe(terminateDrained);
    const batch1 = atStop.batches[0]?.nodes ?? [];
    const batch2 = atStop.batches[1]?.nodes ?? [];
    const later = atStop.batches.slice(2).flatMap((b) => b.nodes);
    expect(batch1.length).toBeGreaterThan(0);
    expect(batch2.length).toBeGreaterThan(0);
    const nodes = new Map((await nodesOf(world, 'old')).map((n) => [n.metadata?.name ?? '', n]));
    // Batch 1 was drained before the stop: left cordoned and running unless --terminate-drained.
    for (const n of batch1) {
      if (terminateDrained) {
        expect(final?.nodePhase[n]).toBe('terminated');
        expect(nodes.has(n), `${n} deleted`).toBe(false);
      } else {
        expect(final?.nodePhase[n]).toBe('drained');
        expect(nodes.get(n)?.spec?.unschedulable, `${n} still cordoned`).toBe(true);
      }
    }
    // Batch 2 was still draining: its node is uncordoned (and kept, whatever --terminate-drained says), its pods still there.
    const left = podsPerNode(await podsOf(world));
    for (const n of batch2) {
      expect(left.get(n) ?? 0, `pods left on ${n}`).toBeGreaterThan(0);
      expect(final?.nodePhase[n]).toBe('uncordoned');
      expect(nodes.has(n), `${n} kept`).toBe(true);
      expect(nodes.get(n)?.spec?.unschedulable ?? false, `${n} uncordoned`).toBe(false);
    }
    // The batches after it were cordoned when the migration started (cordonAllAtStart, the default) and never drained: the
    // stop uncordons them, and nothing was evicted from them.
    for (const n of later) {
      expect(final?.nodePhase[n]).toBe('uncordoned');
      expect(nodes.get(n)?.spec?.unschedulable ?? false, `${n} uncordoned`).toBe(false);
      expect(left.get(n) ?? 0, `pods left on ${n}`).toBeGreaterThan(0);
    }
    const events = await cordonEvents(world);
    for (const n of later) expect(events.get(n) ?? 0, `MigrationCordon events on ${n}`).toBe(1);
    // Every old node that was not drained is schedulable; all the workload is back to Running and Ready.
    const notDrained = [...nodes.values()].filter((n) => final?.nodePhase[n.metadata?.name ?? ''] !== 'drained');
    expect(notDrained.filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata?.name)).toEqual([]);
    await waitAllReady(world, null);
    await expectNothingCordonedWithPods(world);

    const text = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', world.stateNs, '--migration-id', world.migration]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(new RegExp(`^Migration ${world.migration}: Stopped`));
    const json = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', world.stateNs, '--migration-id', world.migration, '-o', 'json']);
    expect(json.code, json.err).toBe(0);
    const view = JSON.parse(json.out) as { status: string; stop: { terminateDrained: boolean } | null; failure: unknown };
    expect(view.status).toBe('Stopped');
    expect(view.failure).toBeNull();
    expect(view.stop?.terminateDrained).toBe(terminateDrained);
    // A stopped migration stays stopped: stop again is a no-op.
    const again = await cli(stopArgs);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('has already ended: Stopped');
  } finally {
    await destroyWorld(world);
  }
}

describe('vngshift stop in the middle of a batch', () => {
  it('without --terminate-drained: Stopped (exit 3), the draining node uncordoned, the drained one cordoned and kept', async () => {
    await stopScenario('stop', false);
  }, 900_000);

  it('with --terminate-drained: Stopped, the draining node uncordoned, the drained one deleted', async () => {
    await stopScenario('stopterm', true);
  }, 900_000);
});

// ---- 3. stop asked while no executor runs (the last one was SIGKILLed), then the same command again --------------------

describe('vngshift stop while the executor is dead, then run again', () => {
  it('the stop waits in the ConfigMap; the next executor takes the Lease, resumes into the stop and uncordons the killed batch', async () => {
    const world = await createWorld(
      'killstop',
      6,
      [
        { name: 'web', replicas: 36, pdb: false },
        { name: 'api', replicas: 24, pdb: true },
      ],
      ['--batch-size-percentage', '34'],
    );
    try {
      const first = start([...world.runArgs]);
      const atKill = await batch2Draining(world, first, 'first run');
      first.child.kill('SIGKILL');
      const killed = await first.done;
      if (VERBOSE) process.stderr.write(`--- killstop first run (killed)\n${killed.out}${killed.err}\n`);
      expect(killed.signal).toBe('SIGKILL');
      const batch1 = atKill.batches[0]?.nodes ?? [];
      const batch2 = atKill.batches[1]?.nodes ?? [];
      for (const n of batch2) expect((await core.readNode({ name: n })).spec?.unschedulable, `${n} cordoned by the dead executor`).toBe(true);

      const stopArgs = ['stop', '--kubeconfig', kubeconfig, '--namespace', world.stateNs, '--migration-id', world.migration];
      const stop = await cli(stopArgs);
      expect(stop.code, stop.err).toBe(0);
      expect(stop.out).toMatch(/stop requested for migration mig-killstop \(Running, batch 2 of \d+\); drained old nodes will be left running/);
      // Nobody acts on it yet: status shows the request beside a migration still Running.
      const pending = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', world.stateNs, '--migration-id', world.migration, '-o', 'json']);
      expect(pending.code, pending.err).toBe(0);
      const pv = JSON.parse(pending.out) as { status: string; stop: { terminateDrained: boolean } | null };
      expect(pv.status).toBe('Running');
      expect(pv.stop?.terminateDrained).toBe(false);

      const second = await cli([...world.runArgs], 300_000);
      if (VERBOSE) process.stderr.write(`--- killstop second run (exit ${second.code})\n${second.out}${second.err}\n`);
      expect(second.code, second.out + second.err).toBe(3);
      expect(second.out).toMatch(/resuming migration mig-killstop from its persisted state \(Running, batch 2 of \d+\)/);
      expect(second.out).toMatch(/waiting for the Lease/);
      expect(second.out).toMatch(/migration stop-requested/);
      expect(second.out).toMatch(/migration stopped/);
      expect(second.out).not.toMatch(/batch \d+\/\d+: (started|done)/);

      const final = await persisted(world);
      expect(final?.status).toBe('Stopped');
      const nodes = new Map((await nodesOf(world, 'old')).map((n) => [n.metadata?.name ?? '', n]));
      // Batch 1 finished before the kill: terminated by the run itself (shouldTerminateDrainedNodes is on by default).
      for (const n of batch1) {
        expect(final?.nodePhase[n]).toBe('terminated');
        expect(nodes.has(n)).toBe(false);
      }
      // The batch the dead executor was draining is uncordoned by the executor that took over.
      for (const n of batch2) {
        expect(final?.nodePhase[n]).toBe('uncordoned');
        expect(nodes.get(n)?.spec?.unschedulable ?? false, `${n} uncordoned`).toBe(false);
      }
      expect([...nodes.values()].filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata?.name)).toEqual([]);
      await waitAllReady(world, null);
      await expectNothingCordonedWithPods(world);
    } finally {
      await destroyWorld(world);
    }
  }, 900_000);
});
