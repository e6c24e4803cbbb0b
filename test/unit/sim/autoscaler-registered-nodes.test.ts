/**
 * The world's autoscaler counts a launched node that registered but is not Ready yet as the capacity it is. Found by the
 * plan/rehearsal comparison at scale: one batch of 100 pods, three nodes launched for them; the two small ones turn Ready
 * first and kube-scheduler fills them with whichever pods come first in its queue, so some pods the big node was launched
 * for run there and some meant for the small ones still wait. The big node had registered but was not Ready: seen as no
 * capacity, the waiting pods got two more nodes, which stayed empty once it was Ready.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from './tiny-world.js';

describe("the world's autoscaler and launched nodes not Ready yet", () => {
  it('launches what the plan expects for one batch of 100 small pods, and no node stays empty', async () => {
    const nodes = Array.from({ length: 4 }, (_, i) => oldNode(`old-${i}`, `i-0aaa00000000000${i}`));
    const names = nodes.map((n) => n.name);
    const apps = Array.from({ length: 10 }, (_, i) => deployment({ name: `web${i}`, replicas: 10, nodes: names, cpu: 50, memory: 64 * 1024 * 1024 }));
    const c = cluster(nodes, apps, []);
    const vngs = [generalVng({ instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'm5.4xlarge'], maxInstanceCount: 100 })];
    const plan = planFor(c, vngs, { batchSizePercentage: 100 });
    expect(plan.batches).toHaveLength(1);
    for (const seed of [1, 2, 3]) {
      // Evictions as good as instant: the batch's replacements reach the autoscaler in one pass, as the plan models them.
      const r = await simulate({ cluster: c, vngs, catalog, plan, seed, timing: { apiLatencySeconds: 0.001 } });
      expect(r.status).toBe('Completed');
      const launched = r.events.filter((e) => e.kind === 'node.launched').map((e) => e['instanceType']);
      expect(launched.sort()).toEqual(plan.newNodes.map((n) => n.instanceType).sort());
      expect(r.instances.new.filter((i) => i.runningPods === 0).map((i) => i.nodeName)).toEqual([]);
    }
  });
});
