/** The rehearsal's timeline says when every old node was cordoned at the start (cordonAllAtStart), since no batch does it then. */
import { describe, expect, it } from 'vitest';
import { renderSimulationText, type SimulationView } from '../../../src/report/simulation-text.js';

function view(events: SimulationView['events']): SimulationView {
  return {
    status: 'Completed',
    failure: null,
    timedOut: false,
    durationSeconds: 100,
    batches: [{ nodes: ['old-1'], phase: 'done', startedAt: 1, drainedAt: 20, finishedAt: 60, evicted: 2 }],
    instances: { old: [], new: [] },
    events,
    seed: 1,
    options: { faults: [] },
    counts: { newInstances: 1, podsLaunched: 2, podsRemaining: 0, unscheduledPods: 0 },
    unscheduledPods: [],
    engineRestarts: 0,
  };
}

describe('simulation timeline and cordonAllAtStart', () => {
  it('counts the cordons made up to the cordon-all event, not those of later batches', () => {
    const text = renderSimulationText(
      view([
        { t: 0, kind: 'node.cordoned', object: 'Node old-1' },
        { t: 0, kind: 'node.cordoned', object: 'Node old-2' },
        { t: 1, kind: 'migration.cordoned-all', object: 'Migration m' },
        { t: 50, kind: 'node.cordoned', object: 'Node old-3' },
      ]),
      'vngshift simulate',
    );
    expect(text).toContain('  at t+1s: 2 old nodes cordoned at the start (cordonAllAtStart); the batches below only evict\n');
  });

  it('says nothing of it when nodes are cordoned batch by batch', () => {
    expect(renderSimulationText(view([{ t: 1, kind: 'node.cordoned', object: 'Node old-1' }]), 'r')).not.toContain('at the start');
  });
});
