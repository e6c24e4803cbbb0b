/**
 * Who launches the new nodes in a rehearsal. With an autoscaler of its own (Ocean's loop, the default) launches happen on
 * its period whatever the engine is doing; with engine-driven capacity (`simulate --capacity kwok|ec2`, as `run --capacity
 * kwok|ec2`) they happen only at the start of an engine reconcile, so a reconcile busy evicting a batch launches nothing
 * until the next one: the first launch comes after the batch's last eviction.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type SimResult } from '../../../sim/simulate.js';
import { KWOK_SIM_TIMING } from '../../../sim/timing-file.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from './tiny-world.js';

function world() {
  const nodes = Array.from({ length: 4 }, (_, i) => oldNode(`old-${i + 1}`, `i-0bbb000000000000${i + 1}`));
  const names = nodes.map((n) => n.name);
  const parts = Array.from({ length: 3 }, (_, i) => deployment({ name: `app-${i}`, replicas: 20, nodes: names, cpu: 50, memory: 64 * 1024 * 1024 }));
  const c = cluster(nodes, parts);
  const vngs = [generalVng()];
  return { c, vngs, plan: planFor(c, vngs, { batchSizePercentage: 100 }) };
}

/** Slow requests (0.5 s an eviction): evicting the one batch's 60 pods takes half a minute, several autoscaler periods. */
const SLOW = { ...KWOK_SIM_TIMING, apiLatencySeconds: 0.5, evictLatencySeconds: 0.5 };

function firstLaunchAndLastEviction(r: SimResult): { launch: number; lastEviction: number } {
  const launches = r.events.filter((e) => e.kind === 'node.launched').map((e) => e.t);
  const evictions = r.events.filter((e) => e.kind === 'pod.evicted').map((e) => e.t);
  return { launch: Math.min(...launches), lastEviction: Math.max(...evictions) };
}

describe('simulate: capacity', () => {
  it('engine-driven capacity launches at the reconcile after the evictions, an autoscaler of its own during them', async () => {
    const { c, vngs, plan } = world();
    expect(plan.batches.length).toBe(1);
    const own = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, timing: SLOW });
    const engine = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, timing: SLOW, capacity: 'engine' });
    expect(own.status).toBe('Completed');
    expect(engine.status).toBe('Completed');
    const a = firstLaunchAndLastEviction(own);
    const b = firstLaunchAndLastEviction(engine);
    expect(a.launch).toBeLessThan(a.lastEviction);
    expect(b.launch).toBeGreaterThanOrEqual(b.lastEviction + 5);
    expect(engine.durationSeconds).toBeGreaterThan(own.durationSeconds);
    // The result says which it was (absent for the default, so default results are what they were).
    expect(engine.options.capacity).toBe('engine');
    expect(own.options.capacity).toBeUndefined();
  });

  it('is deterministic: the same seed gives the same result', async () => {
    const { c, vngs, plan } = world();
    const one = await simulate({ cluster: c, vngs, catalog, plan, seed: 9, timing: SLOW, capacity: 'engine' });
    const two = await simulate({ cluster: c, vngs, catalog, plan, seed: 9, timing: SLOW, capacity: 'engine' });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });
});
