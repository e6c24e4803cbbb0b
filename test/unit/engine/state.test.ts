/** The persisted state's starting point (initialState), the terminal statuses, and the plan-to-engine conversion. */
import { describe, expect, it } from 'vitest';
import { enginePlanOf } from '../../../src/engine/engine-plan.js';
import { addEvicted, closeBatchRecord, DEFAULT_ENGINE_SETTINGS, initialState, isTerminal, type EnginePlan, type EngineSettings, type MigrationStatus } from '../../../src/engine/state.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';

function plan(): EnginePlan {
  return {
    oldNodes: [
      { name: 'old-a', instanceId: 'i-a' },
      { name: 'old-b', instanceId: null },
    ],
    batches: [{ nodes: ['old-a'] }, { nodes: ['old-b'] }],
    params: { ...DEFAULT_PARAMS, batchTimeBudgetSeconds: 1234 },
    boundSeconds: 4321,
  };
}

describe('initialState', () => {
  it('starts Running at the first pending batch, every old node waiting, nothing recorded yet', () => {
    const p = plan();
    expect(initialState('m-1', p, 42)).toEqual({
      version: 1,
      id: 'm-1',
      status: 'Running',
      params: p.params,
      settings: DEFAULT_ENGINE_SETTINGS,
      oldNodes: [
        { name: 'old-a', instanceId: 'i-a' },
        { name: 'old-b', instanceId: null },
      ],
      batches: [
        { nodes: ['old-a'], phase: 'pending', startedAt: null, drainedAt: null, finishedAt: null, evicted: [], evictedCount: 0, baseline: [] },
        { nodes: ['old-b'], phase: 'pending', startedAt: null, drainedAt: null, finishedAt: null, evicted: [], evictedCount: 0, baseline: [] },
      ],
      current: 0,
      nodePhase: { 'old-a': 'waiting', 'old-b': 'waiting' },
      cordonedAllAt: null,
      createdAt: 42,
      completedAt: null,
      stoppedAt: null,
      erroredAt: null,
      failure: null,
      stop: null,
      evictRetry: {},
      lastEvictedAt: {},
      apiLostSince: null,
      capacityTroubleSince: null,
      boundSeconds: 4321,
    });
  });

  it('takes the given engine settings, and defaults to Ocean-like ones', () => {
    const settings: EngineSettings = { intervalSeconds: 1, connectivityLostSeconds: 2, capacityGraceSeconds: 3, evictionBackoffSeconds: 4, evictionBackoffMaxSeconds: 5 };
    expect(initialState('m-1', plan(), 0, settings).settings).toEqual(settings);
    expect(DEFAULT_ENGINE_SETTINGS).toEqual({
      intervalSeconds: 5,
      connectivityLostSeconds: 300,
      capacityGraceSeconds: 300,
      evictionBackoffSeconds: 5,
      evictionBackoffMaxSeconds: 60,
    });
  });

  it('copies the plan: the state it persists does not share arrays with the plan', () => {
    const p = plan();
    const s = initialState('m-1', p, 0);
    (p.batches[0]?.nodes as string[]).push('intruder');
    (p.oldNodes as { name: string; instanceId: string | null }[]).push({ name: 'intruder', instanceId: null });
    expect(s.batches[0]?.nodes).toEqual(['old-a']);
    expect(s.oldNodes.map((n) => n.name)).toEqual(['old-a', 'old-b']);
    // Each batch has its own lists.
    s.batches[0]?.evicted.push({ pod: 'ns/p', ownerUid: null });
    s.batches[0]?.baseline.push('uid');
    expect(s.batches[1]?.evicted).toEqual([]);
    expect(s.batches[1]?.baseline).toEqual([]);
  });

  it('counts a batch\'s removals with its list, and keeps only the count once the batch is done', () => {
    const s = initialState('m-1', plan(), 0);
    const b = s.batches[0]!;
    addEvicted(b, 'ns/p1', 'rs-1');
    addEvicted(b, 'ns/p2', null);
    expect(b).toMatchObject({ evicted: [{ pod: 'ns/p1', ownerUid: 'rs-1' }, { pod: 'ns/p2', ownerUid: null }], evictedCount: 2 });
    closeBatchRecord(b);
    expect(b).toMatchObject({ evicted: [], evictedCount: 2 });
    // Closing again (a resumed engine that finishes the batch once more) keeps the count.
    closeBatchRecord(b);
    expect(b.evictedCount).toBe(2);
    expect(JSON.stringify(b)).not.toContain('ns/p1');
  });
});

describe('isTerminal', () => {
  it('is true for Completed, Failed and Stopped only', () => {
    const all: MigrationStatus[] = ['Running', 'Stopping', 'Stopped', 'Completed', 'Failed'];
    expect(all.filter(isTerminal)).toEqual(['Stopped', 'Completed', 'Failed']);
  });
});

describe('enginePlanOf', () => {
  it('keeps the old nodes (name and instance), the batches\' nodes, the parameters and the bound, as copies', () => {
    const nodes = ['old-a', 'old-b'];
    // A whole plan's batch: the engine keeps its nodes only.
    const batch = { nodes, destinations: ['vng-1'], pods: 3, newNodes: 1, estimatedSeconds: 60, estimatedRange: { lowSeconds: 50, highSeconds: 70 }, serialisedBy: [], overBudget: false, repeatMoves: 0 };
    const p = enginePlanOf({
      oldNodes: [
        { name: 'old-a', instanceType: 'm5.large', zone: 'eu-west-1a', instanceId: 'i-a' },
        { name: 'old-b', instanceType: null, zone: null, instanceId: null },
      ],
      batches: [batch],
      params: DEFAULT_PARAMS,
      boundSeconds: 999,
    });
    expect(p).toEqual({
      oldNodes: [
        { name: 'old-a', instanceId: 'i-a' },
        { name: 'old-b', instanceId: null },
      ],
      batches: [{ nodes: ['old-a', 'old-b'] }],
      params: DEFAULT_PARAMS,
      boundSeconds: 999,
    });
    nodes.push('intruder');
    expect(p.batches[0]?.nodes).toEqual(['old-a', 'old-b']);
  });
});
