/**
 * cordonAllAtStart: every selected old node is cordoned in the first reconcile (so an evicted pod never lands on an old node
 * of a later batch and moves twice), pods are still evicted batch by batch, a stop uncordons every node not drained, and a
 * resumed engine neither misses a cordon nor repeats one.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import type { FakeWorld } from '../../helpers/fake-ports.js';
import { rewritten, twoNodePlan, twoNodeWorld, withCluster } from '../../helpers/engine-world.js';

const world = (): FakeWorld => twoNodeWorld({ daemonSet: false });
const on = (params: Parameters<typeof twoNodePlan>[0] = {}): EnginePlan => twoNodePlan({ cordonAllAtStart: true, ...params });
const nodeCalls = (w: FakeWorld): string[] => w.calls.filter((c) => /^(un)?cordon /.test(c));

async function engineFor(ports: Ports, p: EnginePlan): Promise<MigrationEngine> {
  return MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0));
}

describe('cordonAllAtStart on', () => {
  it('is the default of the migration parameters', () => {
    expect(DEFAULT_PARAMS.cordonAllAtStart).toBe(true);
  });

  it('cordons every old node of the plan before the first eviction, and evicts only the first batch', async () => {
    const w = world();
    const engine = await engineFor(w.ports(), on());
    await engine.step();
    expect(w.calls).toEqual(['cordon old-a', 'cordon old-b', 'evict shop/api-1', 'evict shop/web-1']);
    expect(engine.current.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'cordoned' });
    expect(engine.current.cordonedAllAt).toBe(0);
    expect(w.nodes.get('old-b')?.unschedulable).toBe(true);
    expect(w.events.filter((e) => e.kind === 'node.cordoned').map((e) => e.object)).toEqual(['Node old-a', 'Node old-b']);
    expect(w.events.find((e) => e.kind === 'migration.cordoned-all')?.detail).toEqual({ nodes: 2 });
  });

  it('records a Kubernetes Event on each node it cordons at the start, naming the node\'s batch', async () => {
    const w = world();
    const events: string[] = [];
    const ports = withCluster(w, () => ({
      recordEvent: async (kind, namespace, name, reason, message) => void events.push(`${kind} ${namespace}/${name} ${reason}: ${message}`),
    }));
    await (await engineFor(ports, on())).run();
    expect(events).toEqual([
      'Node /old-a MigrationCordon: vngshift migration m1: cordoned at the start of the migration (batch 1)',
      'Node /old-b MigrationCordon: vngshift migration m1: cordoned at the start of the migration (batch 2)',
    ]);
  });

  it('saves the cordons ahead of making them (write-ahead), and when all are made', async () => {
    const w = world();
    const saves: string[] = [];
    const ports = withCluster(w, (base) => ({
      cordon: async (n) => {
        saves.push(`cordon ${n} after saving ${JSON.stringify(w.saved?.nodePhase)} ${String(w.saved?.cordonedAllAt)}`);
        await base.cordon(n);
      },
    }));
    const engine = await engineFor(ports, on());
    await engine.step();
    expect(saves).toEqual([
      'cordon old-a after saving {"old-a":"cordoned","old-b":"cordoned"} null',
      'cordon old-b after saving {"old-a":"cordoned","old-b":"cordoned"} null',
    ]);
    expect(w.saved?.cordonedAllAt).toBe(0);
  });

  it('cordons each node once over the whole run, and completes', async () => {
    const w = world();
    const s = await (await engineFor(w.ports(), on())).run();
    expect(s.status).toBe('Completed');
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b']);
    expect(w.terminated).toEqual(['i-0aaa', 'i-0bbb']);
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'terminated' });
  });

  it('a stop uncordons the nodes of batches not started yet (invariant 6), and those not drained', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await engineFor(w.ports(), on())).run();
    expect(s.status).toBe('Stopped');
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b', 'uncordon old-a', 'uncordon old-b']);
    expect(s.nodePhase).toEqual({ 'old-a': 'uncordoned', 'old-b': 'uncordoned' });
    expect([...w.nodes.values()].filter((n) => n.unschedulable)).toEqual([]);
  });

  it('a stop after batch 1 is drained leaves batch 1 cordoned and uncordons the pre-cordoned batch 2', async () => {
    const w = world();
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await engineFor(w.ports(), on())).run();
    expect(s.status).toBe('Stopped');
    expect(s.nodePhase).toEqual({ 'old-a': 'drained', 'old-b': 'uncordoned' });
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b', 'uncordon old-b']);
  });

  it('leaves a node an operator cordoned before the start as it would without the parameter: not the migration\'s until its batch', async () => {
    const w = world();
    const b = w.nodes.get('old-b');
    if (b) w.nodes.set('old-b', { ...b, unschedulable: true });
    w.faults.pdbBlocked.add('shop/web-1');
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const engine = await engineFor(w.ports(), on());
    await engine.step();
    expect(engine.current.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'waiting' });
    expect(w.events.find((e) => e.kind === 'migration.cordoned-all')?.detail).toEqual({ nodes: 1 });
    const s = await engine.run();
    expect(s.status).toBe('Stopped');
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'uncordon old-a']);
    expect(w.nodes.get('old-b')?.unschedulable).toBe(true);
  });

  it('leaves an old node missing from the first snapshot waiting, and cordons it when its batch starts', async () => {
    const w = world();
    const ports = rewritten(w, (ps) => ps, (t) => (t < 5 ? ['old-b'] : []));
    const engine = await engineFor(ports, on());
    await engine.step();
    expect(engine.current.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'waiting' });
    const s = await engine.run();
    expect(s.status).toBe('Completed');
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b']);
    expect(w.events.filter((e) => e.kind === 'migration.cordoned-all')).toHaveLength(1);
  });
});

describe('cordonAllAtStart across a restart', () => {
  it('a resumed engine cordons the nodes saved as cordoned whose cordon never landed, and not the others again', async () => {
    const w = world();
    const flaky = withCluster(w, (base) => ({
      cordon: async (n) => {
        if (n === 'old-b') throw new PortError('connectivity', 'connection reset');
        await base.cordon(n);
      },
    }));
    const first = await engineFor(flaky, on());
    await first.step();
    expect(w.saved?.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'cordoned' });
    expect(w.saved?.cordonedAllAt).toBeNull();
    expect(w.calls.filter((c) => c.startsWith('evict'))).toEqual([]);
    w.calls.length = 0;
    const second = await engineFor(w.ports(), on());
    await second.step();
    expect(nodeCalls(w)).toEqual(['cordon old-b']);
    expect(second.current.cordonedAllAt).toBe(0);
    expect(w.calls.filter((c) => c.startsWith('evict'))).toEqual(['evict shop/api-1', 'evict shop/web-1']);
  });

  it('a resumed engine does not cordon again a later batch\'s node uncordoned by hand once all were cordoned; its batch does', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const first = await engineFor(w.ports(), on());
    await first.step();
    const b = w.nodes.get('old-b');
    if (b) w.nodes.set('old-b', { ...b, unschedulable: false });
    w.calls.length = 0;
    const second = await engineFor(w.ports(), on());
    await second.step();
    expect(nodeCalls(w)).toEqual([]);
    w.faults.pdbBlocked.clear();
    const s = await second.run();
    expect(s.status).toBe('Completed');
    expect(nodeCalls(w)).toEqual(['cordon old-b']);
  });

  it('a stop that finds the cordons saved but not made marks the nodes uncordoned without calling the API', async () => {
    const w = world();
    const dead = withCluster(w, () => ({
      cordon: async () => {
        throw new PortError('connectivity', 'connection reset');
      },
    }));
    await (await engineFor(dead, on())).step();
    w.stop = { terminateDrained: false, requestedAt: 0 };
    const s = await (await engineFor(w.ports(), on())).run();
    expect(s.status).toBe('Stopped');
    expect(s.nodePhase).toEqual({ 'old-a': 'uncordoned', 'old-b': 'uncordoned' });
    expect(nodeCalls(w)).toEqual([]);
  });
});

describe('cordonAllAtStart off', () => {
  it('cordons only the current batch\'s nodes, the next batch\'s when it starts', async () => {
    const w = world();
    const engine = await engineFor(w.ports(), twoNodePlan({ cordonAllAtStart: false }));
    await engine.step();
    expect(nodeCalls(w)).toEqual(['cordon old-a']);
    expect(engine.current.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'waiting' });
    expect(engine.current.cordonedAllAt).toBeNull();
    expect(w.events.filter((e) => e.kind === 'migration.cordoned-all')).toEqual([]);
    const s = await engine.run();
    expect(s.status).toBe('Completed');
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b']);
  });
});
