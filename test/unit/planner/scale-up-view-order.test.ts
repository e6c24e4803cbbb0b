/**
 * The scale-up view (src/planner/scale-up-view.ts) hands scaleUp() the pending pods in the order it is given them:
 * scaleUp() answers by position (a placement per pending pod, the pod indexes of each new node), and expected-fleet.ts
 * reads those answers against its own list. A view that re-sorted them (it once sorted by namespace/name while the caller
 * listed them in queue order, by priority) made the caller read one pod's answer as another's.
 */
import { describe, expect, it } from 'vitest';
import { observedResources } from '../../../src/catalog/observed.js';
import type { Pod } from '../../../src/model/types.js';
import { RunScheduler, type RunPod } from '../../../src/planner/run-scheduler.js';
import { scaleUp } from '../../../src/planner/scale-up.js';
import { scaleUpInputOf } from '../../../src/planner/scale-up-view.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

const MI = 1024 ** 2;

describe('scale-up view', () => {
  it('keeps the pending pods in the caller order, so answers read by position belong to the pod at that position', () => {
    const old = oldNode('old-1', 'i-0000000000000001a');
    const small = deployment({ name: 'aa', replicas: 1, nodes: ['old-1'] });
    const big = deployment({ name: 'zz', replicas: 1, nodes: ['old-1'] });
    const c = cluster([{ ...old, unschedulable: true }], [small, big]);
    const cpuOf: Record<string, number> = { aa: 100, zz: 1500 };
    const pending: Pod[] = c.pods.map((p) => ({ ...p, nodeName: null, requests: { cpu: cpuOf[p.labels['app'] ?? ''] ?? 0, memory: 64 * MI } }));
    const sched = new RunScheduler(c);
    sched.addNode(old, false);
    const run = (p: Pod): RunPod => ({ key: `${p.namespace}/${p.name}`, namespace: p.namespace, labels: p.labels, spec: p, classKey: `class-${p.name}` });
    // Queue order (zz first, say by priority) is not name order (aa first).
    const queued = [...pending].sort((a, b) => (a.name < b.name ? 1 : -1));
    expect(queued.map((p) => p.labels['app'])).toEqual(['zz', 'aa']);
    for (const p of queued) sched.know(run(p));
    const input = scaleUpInputOf({
      cluster: c,
      vngs: [generalVng()],
      catalog,
      observed: observedResources(c.nodes),
      architectures: null,
      scheduler: sched,
      nodes: new Map([[old.name, { ...old, unschedulable: true }]]),
      pods: new Map(queued.map((p) => [`${p.namespace}/${p.name}`, p])),
      launched: [],
      booting: [],
      pending: queued.map(run),
    });
    expect(input.pending.map((p) => p.name)).toEqual(queued.map((p) => p.name));
    // And scaleUp() answers in that order: each new node's pod indexes name the pods of `queued` it was launched for.
    const result = scaleUp(input);
    expect(result.placements).toHaveLength(2);
    const meant = result.newNodes.flatMap((n) => n.pods.map((i) => queued[i]?.name));
    expect([...meant].sort()).toEqual(queued.map((p) => p.name).sort());
  });
});
