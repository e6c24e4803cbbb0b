/**
 * Issue 10: during a run the autoscaler sees a VNG's limits as the headroom its launched nodes leave; a pod that no longer
 * fits (it asks more cpu than the old m5.large has) must be told the VNG's configured limit ("maxInstanceCount 2"), not what is left of it ("maxInstanceCount 0").
 */
import { describe, expect, it } from 'vitest';
import { observedResources } from '../../../src/catalog/observed.js';
import { scaleUp, vngsWithHeadroom } from '../../../src/planner/scale-up.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

describe('VNG limit reached during a run', () => {
  it('names the configured maxInstanceCount and how many nodes of the VNG run or launch', () => {
    const vng = generalVng({ maxInstanceCount: 2 });
    const launched = [
      { vng: 'general', instanceType: 'm5.large' },
      { vng: 'general', instanceType: 'm5.large' },
    ];
    const headroom = vngsWithHeadroom([vng], catalog, launched, []);
    expect(headroom[0]?.maxInstanceCount).toBe(0);
    const web = deployment({ name: 'web', replicas: 1, nodes: ['gone'], cpu: 3000 });
    const pending = web.pods.map((p) => ({ ...p, nodeName: null, phase: 'Pending' as const }));
    const view = cluster([oldNode('old-1', 'i-0000000000000001a')], [{ pods: [], workloads: web.workloads }]);
    const r = scaleUp({ view, pending, vngs: headroom, catalog, observed: observedResources(view.nodes), architectures: null });
    expect(r.newNodes).toEqual([]);
    const summary = r.misfits[0]?.[1].summary ?? '';
    expect(summary).toContain('VNG general reached maxInstanceCount 2 (2 node(s) of it running or launching)');
    expect(summary).not.toContain('maxInstanceCount 0');
  });

  it('a plan before any launch names the limit as configured, with no running count', () => {
    const headroom = vngsWithHeadroom([generalVng({ maxInstanceCount: 0 })], catalog, [], []);
    const web = deployment({ name: 'web', replicas: 1, nodes: ['gone'], cpu: 3000 });
    const pending = web.pods.map((p) => ({ ...p, nodeName: null, phase: 'Pending' as const }));
    const view = cluster([oldNode('old-1', 'i-0000000000000001a')], [{ pods: [], workloads: web.workloads }]);
    const r = scaleUp({ view, pending, vngs: headroom, catalog, observed: observedResources(view.nodes), architectures: null });
    const summary = r.misfits[0]?.[1].summary ?? '';
    expect(summary).toContain('VNG general reached maxInstanceCount 0');
    expect(summary).not.toContain('running or launching');
  });
});
