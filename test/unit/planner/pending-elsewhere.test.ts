/**
 * The plan of a partial migration (a node selection) and the Pending pods elsewhere in the cluster: context (with whether a
 * VNG could host them), not part of the verdict or the predicted failure. With every node selected, the VNGs become the
 * cluster's only capacity, so a Pending pod is one the migration must place, as before.
 */
import { describe, expect, it } from 'vitest';
import type { MigrationParams } from '../../../src/model/params.js';
import type { Cluster, Pod } from '../../../src/model/types.js';
import { renderPlanMarkdown } from '../../../src/report/markdown.js';
import { renderPlanText } from '../../../src/report/text.js';
import { cluster, deployment, generalVng, oldNode, planFor } from '../sim/tiny-world.js';

const BY_NAME: Partial<MigrationParams> = { nodes: { kind: 'nodeNames', names: ['old-1'] } };
const BY_LABEL: Partial<MigrationParams> = {
  nodes: { kind: 'labelSelector', text: 'kubernetes.io/hostname=old-1', selector: { matchLabels: { 'kubernetes.io/hostname': 'old-1' }, matchExpressions: [] } },
};
const vngs = [generalVng()];

/** old-1 (selected) runs web; stay-1 runs a nearly full api; plus the Pending pods given. */
function world(pending: (c: Cluster) => Pod[]): Cluster {
  const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('stay-1', 'i-0ccc0000000000001')];
  const c = cluster(nodes, [deployment({ name: 'web', replicas: 2, nodes: ['old-1'] }), deployment({ name: 'api', replicas: 1, nodes: ['stay-1'], cpu: 1800 })]);
  return { ...c, pods: [...c.pods, ...pending(c)] };
}

function pendingPod(name: string, over: Partial<Pod> = {}): Pod {
  const base = deployment({ name, namespace: 'ml', replicas: 1, nodes: [] }).pods[0] as Pod;
  return { ...base, name: `${name}-p`, uid: `pod-${name}-pending`, nodeName: null, phase: 'Pending', ready: false, ...over };
}

const gpu = (): Pod => pendingPod('trainer', { nodeSelector: { accelerator: 'nvidia' } });
const onVng = (): Pod => pendingPod('batch', { nodeSelector: { 'vngshift.io/pool': 'general' } });
const standAlone = (): Pod => pendingPod('shell', { owner: null, workload: null, requests: { cpu: 4000, memory: 1024, pods: 1 } });

describe('a partial migration and the Pending pods elsewhere', () => {
  it('leaves a Pending pod no VNG fits out of the verdict and the predicted failure, by node names or by label', () => {
    for (const params of [BY_NAME, BY_LABEL]) {
      const plan = planFor(world(() => [gpu()]), vngs, params);
      expect(plan.oldNodes.map((n) => n.name)).toEqual(['old-1']);
      expect(plan.feasible).toBe(true);
      expect(plan.predictedFailure).toBeNull();
      expect(plan.summary).toMatchObject({ movingPods: 2, placedPods: 2, unschedulablePods: 0, pendingElsewhere: 1 });
      expect(plan.pendingElsewhere.map((p) => [p.name, p.fitsVng, p.placement])).toEqual([['trainer-p', false, null]]);
      expect(plan.pendingElsewhere[0]?.summary).toMatch(/didn't match Pod's node affinity\/selector/);
      expect(plan.risks.flatMap((r) => r.objects)).not.toContain('Pod ml/trainer-p');
    }
  });

  it('says which VNG would host one that fits, and counts it in no batch', () => {
    const plan = planFor(world(() => [onVng()]), vngs, BY_NAME);
    expect(plan.pendingElsewhere).toEqual([
      { namespace: 'ml', name: 'batch-p', owner: 'Deployment/batch', fitsVng: true, placement: expect.objectContaining({ vng: 'general', instanceType: 'm5.large' }) },
    ]);
    expect(plan.batches.reduce((n, b) => n + b.pods, 0)).toBe(2);
  });

  it('lists a stand-alone Pending pod elsewhere too (no controller of the migration owns it)', () => {
    const plan = planFor(world(() => [standAlone()]), vngs, BY_NAME);
    expect(plan.feasible).toBe(true);
    expect(plan.pendingElsewhere.map((p) => [p.name, p.owner, p.fitsVng])).toEqual([['shell-p', null, false]]);
  });

  it('keeps a Pending replica of a controller it moves as one of its pods: it decides the verdict (the engine waits for it)', () => {
    const plan = planFor(
      world((c) => {
        const web = c.pods.find((p) => p.owner?.uid === 'rs-web') as Pod;
        return [pendingPod('web-extra', { owner: web.owner, workload: web.workload, namespace: 'default', nodeSelector: { accelerator: 'nvidia' } })];
      }),
      vngs,
      BY_NAME,
    );
    expect(plan.pendingElsewhere).toEqual([]);
    expect(plan.feasible).toBe(false);
    expect(plan.pods.find((p) => p.name === 'web-extra-p')?.placement).toBeNull();
    expect(plan.predictedFailure?.code).toBe('InsufficientCapacity');
  });

  it('shows the pods as context in the text and Markdown reports, grouped by where they would fit', () => {
    const plan = planFor(world(() => [gpu(), onVng()]), vngs, BY_NAME);
    const text = renderPlanText(plan);
    expect(text).toContain('Pending pods elsewhere (context: not moved by this migration, not in the verdict)');
    expect(text).toContain('  1 pod would fit VNG general\n    ml/batch-p\n');
    expect(text).toMatch(/ {2}1 pod would fit nowhere: 0\/\d+ VNG node types are available: .*\n {4}ml\/trainer-p\n/);
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('## Pending pods elsewhere (context: not moved by this migration, not in the verdict)');
    expect(md).toContain('| 1 | VNG general | ml/batch-p |');
  });
});

describe('a migration of every node and the Pending pods', () => {
  it('counts a Pending pod no VNG fits as one of its own: not feasible, InsufficientCapacity predicted, no context list', () => {
    const plan = planFor(world(() => [gpu()]), vngs);
    expect(plan.pendingElsewhere).toEqual([]);
    expect(plan.summary.pendingElsewhere).toBe(0);
    expect(plan.feasible).toBe(false);
    expect(plan.pods.find((p) => p.name === 'trainer-p')?.placement).toBeNull();
    expect(plan.predictedFailure?.code).toBe('InsufficientCapacity');
    expect(plan.predictedFailure?.objects).toEqual(['Pod ml/trainer-p']);
    expect(renderPlanText(plan)).not.toContain('Pending pods elsewhere');
  });
});
