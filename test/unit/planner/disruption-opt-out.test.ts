/**
 * The plan keeps pods that ask not to be disrupted (karpenter.sh/do-not-disrupt, cluster-autoscaler's safe-to-evict
 * "false", Ocean's spotinst.io/restrict-scale-down label with respectRestrictScaleDown) where they are, and says which old
 * nodes stay because of them, or of stand-alone pods that are not evicted.
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/types.js';
import { renderPlanMarkdown } from '../../../src/report/markdown.js';
import { renderPlanText } from '../../../src/report/text.js';
import { cluster, deployment, generalVng, oldNode, planFor } from '../sim/tiny-world.js';

function world(cache: { annotations?: Record<string, string>; labels?: Record<string, string> }) {
  const web = deployment({ name: 'web', replicas: 2, nodes: ['old-1'] });
  const c = deployment({ name: 'cache', replicas: 1, nodes: ['old-2'] });
  const pod = c.pods[0] as Pod;
  c.pods[0] = { ...pod, annotations: { ...pod.annotations, ...cache.annotations }, labels: { ...pod.labels, ...cache.labels } };
  const lonely = deployment({ name: 'lonely', replicas: 1, nodes: ['old-3'] });
  lonely.pods[0] = { ...(lonely.pods[0] as Pod), name: 'lonely', owner: null, workload: null };
  return cluster([oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002'), oldNode('old-3', 'i-0aaa0000000000003')], [web, c, lonely]);
}

const DND = { annotations: { 'karpenter.sh/do-not-disrupt': 'true' } };
const SAFE = { annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } };
const OCEAN = { labels: { 'spotinst.io/restrict-scale-down': 'true' } };
const CACHE = 'cache-5c7d8-p0';

describe('plan: pods that ask not to be disrupted', () => {
  it.each([
    ['karpenter.sh/do-not-disrupt', DND, 'annotation karpenter.sh/do-not-disrupt: "true"'],
    ['safe-to-evict "false"', SAFE, 'annotation cluster-autoscaler.kubernetes.io/safe-to-evict: "false"'],
    ['spotinst.io/restrict-scale-down', OCEAN, 'label spotinst.io/restrict-scale-down: "true"'],
  ] as const)('%s: the pod does not move and its node is listed as kept, with the stand-alone pod\'s node', (_n, cache, reason) => {
    const plan = planFor(world(cache), [generalVng()]);
    expect(plan.pods.map((p) => p.name)).not.toContain(CACHE);
    expect(plan.summary.movingPods).toBe(2);
    expect(plan.summary.standAlonePods).toBe(1);
    expect(plan.summary.keptPods).toBe(2);
    expect(plan.keptPods).toEqual([
      { namespace: 'default', name: CACHE, node: 'old-2', reason },
      { namespace: 'default', name: 'lonely', node: 'old-3', reason: 'no controller (shouldEvictStandAlonePods is false)' },
    ]);
    expect(plan.keptNodes).toEqual([
      { name: 'old-2', reasons: [`Pod default/${CACHE}: ${reason}`] },
      { name: 'old-3', reasons: ['Pod default/lonely: no controller (shouldEvictStandAlonePods is false)'] },
    ]);
    const risk = plan.risks.find((r) => r.code === 'DoNotDisrupt');
    expect(risk?.message).toContain('1 old node(s) stay too, cordoned and not terminated');
    expect(risk?.objects).toEqual([`Pod default/${CACHE}`, 'Node old-2']);
    expect(plan.risks.map((r) => r.code)).not.toContain('DoNotDisruptOverridden');
    // The reports show the nodes that stay and why.
    const text = renderPlanText(plan);
    expect(text).toContain('Old nodes that stay (cordoned, not terminated; counted in the cost after): 2, keeping 2 pods that do not move');
    expect(text).toMatch(new RegExp(`old-2 +default/${CACHE}: ${reason.replace(/[.*"]/g, '\\$&')}`));
    expect(renderPlanMarkdown(plan)).toContain(`| old-2 | default/${CACHE}: ${reason} |`);
  });

  it('respectDoNotDisrupt false moves the annotated pod: only the stand-alone pod keeps a node, and the risk says it is evicted anyway', () => {
    for (const cache of [DND, SAFE]) {
      const plan = planFor(world(cache), [generalVng()], { respectDoNotDisrupt: false });
      expect(plan.pods.map((p) => p.name)).toContain(CACHE);
      expect(plan.keptNodes.map((n) => n.name)).toEqual(['old-3']);
      expect(plan.risks.map((r) => r.code)).not.toContain('DoNotDisrupt');
      const over = plan.risks.find((r) => r.code === 'DoNotDisruptOverridden');
      expect(over?.message).toContain('but respectDoNotDisrupt is false: they are evicted anyway');
      expect(over?.objects).toEqual([`Pod default/${CACHE}`]);
    }
  });

  it("Ocean's label follows respectRestrictScaleDown, not respectDoNotDisrupt", () => {
    expect(planFor(world(OCEAN), [generalVng()], { respectDoNotDisrupt: false }).keptNodes.map((n) => n.name)).toEqual(['old-2', 'old-3']);
    const plan = planFor(world(OCEAN), [generalVng()], { respectRestrictScaleDown: false });
    expect(plan.keptNodes.map((n) => n.name)).toEqual(['old-3']);
    expect(plan.pods.map((p) => p.name)).toContain(CACHE);
  });

  it('with shouldEvictStandAlonePods no node is kept but the opted-out one; an opted-out stand-alone pod still stays', () => {
    const plan = planFor(world(DND), [generalVng()], { shouldEvictStandAlonePods: true });
    expect(plan.keptNodes.map((n) => n.name)).toEqual(['old-2']);
    const c = world({});
    const i = c.pods.findIndex((p) => p.name === 'lonely');
    (c.pods as Pod[])[i] = { ...(c.pods[i] as Pod), annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } };
    const p2 = planFor(c, [generalVng()], { shouldEvictStandAlonePods: true });
    expect(p2.keptPods).toEqual([{ namespace: 'default', name: 'lonely', node: 'old-3', reason: 'annotation cluster-autoscaler.kubernetes.io/safe-to-evict: "false"' }]);
    expect(p2.summary.standAlonePods).toBe(0);
  });

  it('nothing kept: empty lists and no kept-nodes section', () => {
    const c = world({});
    const plan = planFor(c, [generalVng()], { shouldEvictStandAlonePods: true });
    expect(plan.keptPods).toEqual([]);
    expect(plan.keptNodes).toEqual([]);
    expect(renderPlanText(plan)).not.toContain('Old nodes that stay');
  });
});
