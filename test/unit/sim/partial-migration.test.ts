/**
 * A partial migration (a node selection) rehearsed with a Pending pod elsewhere in the cluster that no VNG fits: the plan
 * reports it as context and stays feasible, and the rehearsal completes (the simulated autoscaler calls the pod unplaceable,
 * the engine does not answer for it), with invariants 1-6 and 9 intact. A migration of every node, or a Pending pod of a
 * controller the migration moves, still fails on it, in the plan and in the rehearsal alike (invariant 8).
 */
import { describe, expect, it } from 'vitest';
import type { MigrationParams } from '../../../src/model/params.js';
import type { Cluster, Pod } from '../../../src/model/types.js';
import { parseFault } from '../../../sim/faults.js';
import { checkInvariants, formatViolations } from '../../../sim/invariants/index.js';
import { simulate } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from './tiny-world.js';

const SELECTED: Partial<MigrationParams> = { nodes: { kind: 'nodeNames', names: ['old-1', 'old-2'] }, batchSizePercentage: 50 };
const GPU_ONLY = { accelerator: 'nvidia' };

/** old-1 and old-2 run web (4 replicas); stay-1 runs metrics and stays; `extra` adds Pending pods. */
function world(extra: (c: Cluster) => Pod[] = () => []): Cluster {
  const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002'), oldNode('stay-1', 'i-0ccc0000000000001')];
  const c = cluster(nodes, [deployment({ name: 'web', replicas: 4, nodes: ['old-1', 'old-2'] }), deployment({ name: 'metrics', namespace: 'ops', replicas: 1, nodes: ['stay-1'] })]);
  return { ...c, pods: [...c.pods, ...extra(c)] };
}

/** A Pending, unbound pod with its own ReplicaSet (or that of `like`), selecting `selector`. */
function pendingPod(name: string, selector: Record<string, string>, like?: Pod): Pod {
  const base = deployment({ name, namespace: 'ml', replicas: 1, nodes: [] }).pods[0] as Pod;
  const owner = like ? { owner: like.owner, workload: like.workload, namespace: like.namespace, labels: like.labels } : {};
  return { ...base, ...owner, name: `${name}-p`, uid: `pod-${name}-pending`, nodeName: null, phase: 'Pending', ready: false, nodeSelector: selector };
}

const vngs = [generalVng()];

describe('a partial migration with a Pending pod elsewhere that no VNG fits', () => {
  const c = world(() => [pendingPod('trainer', GPU_ONLY)]);
  const plan = planFor(c, vngs, SELECTED);

  it('plans feasible with no predicted failure, and lists the pod as context with kube-scheduler\'s reason', () => {
    expect(plan.feasible).toBe(true);
    expect(plan.predictedFailure).toBeNull();
    expect(plan.summary.movingPods).toBe(4);
    expect(plan.summary.pendingElsewhere).toBe(1);
    expect(plan.pods.map((p) => p.name)).not.toContain('trainer-p');
    expect(plan.pendingElsewhere).toEqual([
      {
        namespace: 'ml',
        name: 'trainer-p',
        owner: 'Deployment/trainer',
        fitsVng: false,
        placement: null,
        summary: expect.stringMatching(/^0\/\d+ VNG node types are available: .*node\(s\) didn't match Pod's node affinity\/selector/),
      },
    ]);
  });

  it('rehearses to Completed: the autoscaler calls the pod unplaceable, the engine does not answer for it; invariants hold', async () => {
    // A capacity grace far shorter than the run: an engine that answered for the pod would fail InsufficientCapacity.
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, engineSettings: { capacityGraceSeconds: 20 } });
    expect(r.status).toBe('Completed');
    expect(r.failure).toBeNull();
    expect(r.events.map((e) => e.kind)).not.toContain('capacity.trouble');
    expect(r.unscheduledPods).toEqual(['ml/trainer-p']);
    expect(r.instances.old.map((i) => [i.nodeName, i.state])).toEqual([
      ['old-1', 'terminated'],
      ['old-2', 'terminated'],
      ['stay-1', 'running'],
    ]);
    const violations = checkInvariants({ plan, cluster: c, result: r });
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('rehearses to Completed when someone creates a workload no VNG fits during the run', async () => {
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, faults: [parseFault('new-workload@10:unplaceable=true,replicas=2')] });
    expect(r.status).toBe('Completed');
    expect(r.unscheduledPods.filter((p) => p.startsWith('default/surprise-'))).toHaveLength(2);
    const violations = checkInvariants({ plan, cluster: c, result: r });
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});

describe('the same Pending pod where the migration does answer for it', () => {
  it('a migration of every node: not feasible, InsufficientCapacity predicted, and the rehearsal fails with it', async () => {
    const c = world(() => [pendingPod('trainer', GPU_ONLY)]);
    const plan = planFor(c, vngs, { batchSizePercentage: 50 });
    expect(plan.feasible).toBe(false);
    expect(plan.pendingElsewhere).toEqual([]);
    expect(plan.predictedFailure?.code).toBe('InsufficientCapacity');
    expect(plan.predictedFailure?.objects).toEqual(['Pod ml/trainer-p']);
    // The engine fails on it once the capacity grace has run out (with the default 300 s grace, a faster run completes first).
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, engineSettings: { capacityGraceSeconds: 20 } });
    expect(r.failure?.code).toBe('InsufficientCapacity');
    expect(r.failure?.objects).toContain('Pod ml/trainer-p');
  });

  it('a Pending replica of a controller the partial migration moves: not feasible, and the rehearsal fails InsufficientCapacity', async () => {
    const c = world((base) => [pendingPod('web-extra', GPU_ONLY, base.pods.find((p) => p.owner?.uid === 'rs-web'))]);
    const plan = planFor(c, vngs, SELECTED);
    expect(plan.feasible).toBe(false);
    expect(plan.pendingElsewhere).toEqual([]);
    expect(plan.pods.find((p) => p.name === 'web-extra-p')?.placement).toBeNull();
    expect(plan.predictedFailure?.code).toBe('InsufficientCapacity');
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5 });
    expect(r.failure?.code).toBe('InsufficientCapacity');
    expect(r.failure?.objects).toContain('Pod default/web-extra-p');
  });
});

describe('a partial migration with a Pending pod elsewhere that a VNG fits', () => {
  it('lists it as context with its VNG; the autoscaler launches for it and the rehearsal completes', async () => {
    // It selects the VNG's own label, so only a new node of the VNG can host it.
    const c = world(() => [pendingPod('batch', { 'vngshift.io/pool': 'general' })]);
    const plan = planFor(c, vngs, SELECTED);
    expect(plan.feasible).toBe(true);
    expect(plan.pendingElsewhere).toEqual([
      { namespace: 'ml', name: 'batch-p', owner: 'Deployment/batch', fitsVng: true, placement: expect.objectContaining({ vng: 'general' }) },
    ]);
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5 });
    expect(r.status).toBe('Completed');
    const violations = checkInvariants({ plan, cluster: c, result: r });
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
