/**
 * Pods that ask not to be disrupted (Karpenter's do-not-disrupt, cluster-autoscaler's safe-to-evict "false", Ocean's
 * restrict-scale-down label): the engine does not evict them, does not wait for them, and keeps their node, as Ocean keeps
 * a node whose pods restrict scale-down; the parameters respectDoNotDisrupt / respectRestrictScaleDown evict them anyway.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import type { Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import {
  DO_NOT_DISRUPT_ANNOTATION,
  RESTRICT_SCALE_DOWN_LABEL,
  SAFE_TO_EVICT_ANNOTATION,
  type DisruptionOptOut,
} from '../../../src/model/kube/disruption-opt-out.js';
import type { FakeWorld } from '../../helpers/fake-ports.js';
import { podGoneFrom, twoNodePlan, twoNodeWorld } from '../../helpers/engine-world.js';

async function run(ports: Ports, p: EnginePlan) {
  const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0));
  return engine.run();
}

/** The two-node world with `shop/cache-1` (a ReplicaSet pod) on old-a carrying these opt-outs. */
function worldWith(optOuts: DisruptionOptOut[]): FakeWorld {
  const w = twoNodeWorld();
  w.addPod('shop', 'cache-1', 'old-a', 'rs-cache', { disruptionOptOuts: optOuts });
  return w;
}

const evictions = (w: FakeWorld): string[] => w.calls.filter((c) => c.startsWith('evict ') || c.startsWith('delete '));

describe('pods that ask not to be disrupted', () => {
  it.each([DO_NOT_DISRUPT_ANNOTATION, SAFE_TO_EVICT_ANNOTATION, RESTRICT_SCALE_DOWN_LABEL] as const)(
    '%s: the pod is not evicted, the batch does not wait for it, its node is kept cordoned and not terminated',
    async (key) => {
      const w = worldWith([key]);
      const s = await run(w.ports(), twoNodePlan());
      expect(s.status).toBe('Completed');
      expect(evictions(w)).toEqual(['evict shop/api-1', 'evict shop/web-1', 'evict shop/web-2']);
      expect(w.pods.get('shop/cache-1')?.nodeName).toBe('old-a');
      expect(s.nodePhase).toEqual({ 'old-a': 'kept', 'old-b': 'terminated' });
      expect(w.terminated).toEqual(['i-0bbb']);
      expect(w.nodes.get('old-a')?.unschedulable).toBe(true);
      // Batch 1 drained on its second reconcile (the evicted pods' replacements), not past the drain threshold.
      expect(s.batches[0]?.drainedAt).toBeLessThan(60);
      expect(s.batches[0]).toMatchObject({ evicted: [], evictedCount: 2 });
      // Traced once, with the key, although drain() looked at the pod on more than one reconcile.
      const kept = w.events.filter((e) => e.kind === 'pod.kept');
      expect(kept).toEqual([{ t: 0, kind: 'pod.kept', object: 'Pod shop/cache-1', detail: { node: 'old-a', reason: key } }]);
    },
  );

  it('respectDoNotDisrupt false evicts do-not-disrupt and safe-to-evict "false" pods, and their node is terminated', async () => {
    for (const key of [DO_NOT_DISRUPT_ANNOTATION, SAFE_TO_EVICT_ANNOTATION] as const) {
      const w = worldWith([key]);
      const s = await run(w.ports(), twoNodePlan({ respectDoNotDisrupt: false }));
      expect(s.status).toBe('Completed');
      expect(evictions(w)).toContain('evict shop/cache-1');
      expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'terminated' });
      expect(w.events.filter((e) => e.kind === 'pod.kept')).toEqual([]);
    }
  });

  it("Ocean's restrict-scale-down label follows respectRestrictScaleDown only", async () => {
    // respectDoNotDisrupt false does not release a pod that only carries Ocean's label.
    const w1 = worldWith([RESTRICT_SCALE_DOWN_LABEL]);
    const s1 = await run(w1.ports(), twoNodePlan({ respectDoNotDisrupt: false }));
    expect(evictions(w1)).not.toContain('evict shop/cache-1');
    expect(s1.nodePhase['old-a']).toBe('kept');
    // respectRestrictScaleDown false does.
    const w2 = worldWith([RESTRICT_SCALE_DOWN_LABEL]);
    const s2 = await run(w2.ports(), twoNodePlan({ respectRestrictScaleDown: false }));
    expect(evictions(w2)).toContain('evict shop/cache-1');
    expect(s2.nodePhase['old-a']).toBe('terminated');
    // ... but not a pod that also carries do-not-disrupt while respectDoNotDisrupt holds.
    const w3 = worldWith([DO_NOT_DISRUPT_ANNOTATION, RESTRICT_SCALE_DOWN_LABEL]);
    const s3 = await run(w3.ports(), twoNodePlan({ respectRestrictScaleDown: false }));
    expect(evictions(w3)).not.toContain('evict shop/cache-1');
    expect(s3.nodePhase['old-a']).toBe('kept');
    expect(w3.events.find((e) => e.kind === 'pod.kept')?.detail?.['reason']).toBe(DO_NOT_DISRUPT_ANNOTATION);
  });

  it('keeps a stand-alone pod that asks not to be disrupted even when stand-alone pods are evicted', async () => {
    const w = twoNodeWorld();
    w.addPod('shop', 'debug', 'old-b', null, { disruptionOptOuts: [SAFE_TO_EVICT_ANNOTATION] });
    const s = await run(w.ports(), twoNodePlan({ shouldEvictStandAlonePods: true }));
    expect(s.status).toBe('Completed');
    expect(evictions(w)).not.toContain('evict shop/debug');
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'kept' });
  });

  it('waits for an opted-out pod that is already terminating (someone else deleted it) until it is gone', async () => {
    const w = worldWith([DO_NOT_DISRUPT_ANNOTATION]);
    const p = w.pods.get('shop/cache-1');
    if (p) w.pods.set('shop/cache-1', { ...p, terminating: true });
    const ports = podGoneFrom(w, 'shop/cache-1', 30);
    const s = await run(ports, twoNodePlan());
    expect(s.status).toBe('Completed');
    expect(w.events.find((e) => e.kind === 'batch.drained')?.t).toBe(30);
    expect(w.events.filter((e) => e.kind === 'pod.kept')).toEqual([]);
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'terminated' });
  });
});
