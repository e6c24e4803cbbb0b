/**
 * A PodDisruptionBudget that allows no disruption (maxUnavailable 0) over a Deployment on the one old node: the plan
 * predicts the failure, and the real run meets it. Every eviction is refused by the API server (429, the budget's message),
 * the engine retries with backoff until the batch runs past its time budget, and the run ends Failed with the code the plan
 * predicted, naming the pods the budget kept. The recorded trace (helpers/live-trace.ts) still satisfies invariants 1-6:
 * no pod was lost or evicted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkInvariants, formatViolations } from '../../sim/invariants/index.js';
import type { Plan } from '../../src/planner/plan.js';
import { cleanup, cli, connect, createDeployment, createKwokNode, createNamespace, describePods, RUN_LABEL, runningReady, waitFor } from './helpers/cluster-kit.js';
import { LiveTraceRecorder, readEngineTrace, type RunOutcome } from './helpers/live-trace.js';

const RUN = `pb${Date.now().toString(36)}`;
const NS = `e2e-pdb-${RUN}`;
const STATE_NS = `vngshift-e2e-${RUN}`;
const OLD = `old-${RUN}-0`;
const SELECTOR = `vngshift.io/migrate=true,${RUN_LABEL}=${RUN}`;
const REPLICAS = 3;
const BUDGET_SECONDS = 60;
const DRAIN_SECONDS = 60;

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-pdb-'));
const vngsFile = join(dir, 'vngs.json');
const traceFile = join(dir, 'engine-trace.jsonl');
let kubeconfig = '';
let core: k8s.CoreV1Api | undefined;

beforeAll(async () => {
  kubeconfig = inject('kubeconfigPath');
  const { core: c, apps, policy } = connect(kubeconfig);
  core = c;
  writeFileSync(
    vngsFile,
    JSON.stringify({
      launchSpecs: [{ name: 'general', instanceTypes: ['m5.large'], subnetIds: ['subnet-a'], labels: [{ key: RUN_LABEL, value: RUN }], resourceLimits: { maxInstanceCount: 4 } }],
      subnetZones: { 'subnet-a': 'us-east-1a' },
    }),
  );
  await createKwokNode(c, {
    name: OLD,
    zone: 'us-east-1a',
    instanceType: 'm5.large',
    capacity: { cpu: '2', memory: '8Gi', pods: '29' },
    allocatable: { cpu: '1930m', memory: '7Gi', pods: '29' },
    labels: { [RUN_LABEL]: RUN, 'vngshift.io/migrate': 'true' },
  });
  await createNamespace(c, NS);
  await createDeployment(apps, NS, { name: 'locked', replicas: REPLICAS, nodeSelector: { [RUN_LABEL]: RUN }, terminationGracePeriodSeconds: 1, requests: { cpu: '100m', memory: '128Mi' } });
  await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: 'locked' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'locked' } } } } });
  await waitFor(`${REPLICAS} pods Running and Ready on ${OLD}`, async () => {
    const pods = (await c.listNamespacedPod({ namespace: NS })).items;
    const ok = pods.filter((p) => runningReady(p) && p.spec?.nodeName === OLD).length;
    return { value: ok === REPLICAS ? true : undefined, seen: describePods(pods) };
  });
  await waitFor('the PDB to allow no disruption with every pod healthy', async () => {
    const s = (await policy.readNamespacedPodDisruptionBudget({ name: 'locked', namespace: NS })).status;
    return { value: s?.currentHealthy === REPLICAS && s.disruptionsAllowed === 0 ? true : undefined, seen: JSON.stringify(s) };
  });
}, 180_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanup(core, RUN, [NS, STATE_NS]);
}, 120_000);

const flags = ['--vngs', vngsFile, '--nodes', SELECTOR, '--batch-time-budget', `${BUDGET_SECONDS}s`, '--drain-time-threshold', `${DRAIN_SECONDS}s`];

describe('a PDB that allows no disruption, predicted and met', () => {
  let plan: Plan;

  it('the plan is feasible but predicts the failure the blocking PDB causes', async () => {
    const r = await cli(['plan', '--kubeconfig', kubeconfig, ...flags, '-o', 'json']);
    // README: exit 3 when every pod fits but a failure is predicted.
    expect(r.code, r.err).toBe(3);
    plan = JSON.parse(r.out) as Plan;
    expect(plan.feasible).toBe(true);
    expect(plan.verdict).toBe('FAILURE_PREDICTED');
    expect(plan.predictedFailure?.code).toBe('TechnicalTimeout');
    expect(plan.predictedFailure?.objects).toContain(`PodDisruptionBudget ${NS}/locked`);
    expect(plan.risks.map((x) => x.code)).toContain('PdbAllowsNoDisruption');
  });

  it('run refuses the plan without --allow-predicted-failure, and touches nothing', async () => {
    const r = await cli(['run', '--kubeconfig', kubeconfig, ...flags, '--capacity', 'kwok', '--namespace', STATE_NS, '--migration-id', 'e2e-refused']);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('--allow-predicted-failure runs it anyway');
    const old = (await (core as k8s.CoreV1Api).listNode({ labelSelector: SELECTOR })).items;
    expect(old.length).toBeGreaterThan(0);
    expect(old.filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata?.name)).toEqual([]);
  });

  it('the real run (--allow-predicted-failure): evictions refused with 429, Failed with the predicted code, naming the blocked pods', async () => {
    const rec = await LiveTraceRecorder.start({ kubeconfig, namespace: NS, nodeLabelSelector: `${RUN_LABEL}=${RUN}` });
    const started = Date.now();
    const r = await cli(['run', '--kubeconfig', kubeconfig, ...flags, '--allow-predicted-failure', '--capacity', 'kwok', '--namespace', STATE_NS, '--migration-id', 'e2e', '--trace-out', traceFile, '-o', 'json']);
    await rec.stop();
    expect(r.code, r.err).toBe(3);
    const outcome = JSON.parse(r.out) as RunOutcome;
    expect(outcome.status).toBe('Failed');
    expect(outcome.failure?.code).toBe(plan.predictedFailure?.code);
    // It failed at the budget, not before (and not long after: the engine checks every few seconds).
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(BUDGET_SECONDS);
    expect(seconds).toBeLessThan(BUDGET_SECONDS + 60);

    const pods = ((await (core as k8s.CoreV1Api).listNamespacedPod({ namespace: NS })).items ?? []).map((p) => `${NS}/${p.metadata?.name ?? ''}`).sort();
    expect(pods).toHaveLength(REPLICAS);
    for (const p of pods) expect(outcome.failure?.objects).toContain(`Pod ${p}`);
    expect(outcome.failure?.why).toMatch(/evictions still refused by PodDisruptionBudgets/);

    // The API server refused every eviction with the budget's 429 (the engine's trace keeps its answers).
    const engine = readEngineTrace(traceFile);
    const refused = engine.filter((e) => e.kind === 'pod.evict-blocked');
    expect(new Set(refused.map((e) => e.object.slice(4)))).toEqual(new Set(pods));
    for (const e of refused) expect(String(e.detail?.['message'])).toMatch(/disruption budget locked/i);
    expect(engine.filter((e) => e.kind === 'pod.evicted' || e.kind === 'pod.deleted')).toEqual([]);

    // What the API server did: the node cordoned, no pod terminating, the node kept; invariants 1-6 hold.
    const result = rec.result(plan, engine, outcome);
    expect(rec.incomplete).toEqual([]);
    expect(result.events.filter((e) => e.kind === 'node.updated' && e.object === `Node ${OLD}` && e['unschedulable'] === true)).toHaveLength(1);
    expect(result.events.filter((e) => e.kind === 'pod.terminating')).toEqual([]);
    expect(result.instances.old.map((i) => i.state)).toEqual(['running']);
    const violations = checkInvariants({ plan, cluster: rec.cluster, result }, [1, 2, 3, 4, 5, 6]);
    expect(violations, formatViolations(violations)).toEqual([]);
  }, 240_000);
});
