/** The rehearsal's text timeline: each batch's events by kind, with counts and first/last virtual times, in time order. */
import { describe, expect, it } from 'vitest';
import { renderSimulationText, type SimulationView } from '../../../src/report/simulation-text.js';

type Ev = SimulationView['events'][number];

function view(events: readonly Ev[], batches: SimulationView['batches']): SimulationView {
  return {
    status: 'Completed',
    failure: null,
    timedOut: false,
    durationSeconds: 900,
    batches,
    instances: { old: [], new: [] },
    events,
    seed: 1,
    options: { faults: [] },
    counts: { newInstances: 2, podsLaunched: 3, podsRemaining: 0, unscheduledPods: 0 },
    unscheduledPods: [],
    engineRestarts: 0,
  };
}

const batches: SimulationView['batches'] = [
  { nodes: ['old-1'], phase: 'done', startedAt: 10, drainedAt: 200, finishedAt: 230, evicted: 3 },
  { nodes: ['old-2'], phase: 'done', startedAt: 300, drainedAt: 320, finishedAt: 330, evicted: 0 },
];

const events: Ev[] = [
  { t: 10, kind: 'node.cordoned', object: 'Node old-1' },
  { t: 11, kind: 'pod.evicted', object: 'Pod a/p1' },
  { t: 12, kind: 'pod.evict-blocked', object: 'Pod a/p2', message: 'pdb' },
  { t: 17, kind: 'pod.evict-blocked', object: 'Pod a/p2', message: 'pdb' },
  { t: 20, kind: 'node.launched', object: 'Node new-1', vng: 'general', instanceType: 'm5.large' },
  { t: 21, kind: 'node.launched', object: 'Node new-2', vng: 'general', instanceType: 'm5.large' },
  { t: 25, kind: 'launch.failed', object: 'VNG general', error: 'InsufficientInstanceCapacity' },
  { t: 40, kind: 'pod.evicted', object: 'Pod a/p2' },
  { t: 41, kind: 'pod.evicted', object: 'Pod a/p3' },
  { t: 100, kind: 'node.ready', object: 'Node new-1' },
  { t: 130, kind: 'node.ready', object: 'Node new-2' },
  { t: 150, kind: 'pod.ready', object: 'Pod a/p1b' },
  { t: 190, kind: 'pod.ready', object: 'Pod a/p2b' },
  { t: 229, kind: 'node.terminated', object: 'Node old-1' },
  { t: 300, kind: 'node.cordoned', object: 'Node old-2' },
  { t: 330, kind: 'node.kept', object: 'Node old-2' },
];

describe('simulation text timeline', () => {
  const text = renderSimulationText(view(events, batches), 'r');
  const [first, second] = (text.split('\nFinal status')[0] ?? '').split('  batch 2 at ').map((x) => x.split('\n').filter((l) => l.startsWith('    ')));

  it('lists each kind once per batch with its count, first and last time and split, in the order they began', () => {
    expect(first).toEqual([
      '    cordoned          1  t+10s',
      '    pods evicted      3  t+11s    to t+41s',
      '    PDB refusals      2  t+12s    to t+17s    1 pod(s)',
      '    nodes launched    2  t+20s    to t+21s    2 general/m5.large',
      '    launch failures   1  t+25s                1 InsufficientInstanceCapacity',
      '    nodes Ready       2  t+1m40s  to t+2m10s',
      '    pods Ready        2  t+2m30s  to t+3m10s',
      '    drained              t+3m20s',
      '    nodes terminated  1  t+3m49s',
      '    finished             t+3m50s',
    ]);
  });

  it('keeps later events in the later batch, and leaves out kinds that did not happen but the evictions', () => {
    expect(second).toEqual([
      '    cordoned      1  t+5m00s',
      '    pods evicted  0',
      '    drained          t+5m20s',
      '    nodes kept    1  t+5m30s',
      '    finished         t+5m30s',
    ]);
  });

  it('stays one line per kind however many pods a batch moves', () => {
    const many: Ev[] = Array.from({ length: 5000 }, (_, i) => ({ t: 10 + i / 100, kind: 'pod.evicted', object: `Pod a/p${i}` }));
    const big = renderSimulationText(view(many, [{ nodes: ['old-1'], phase: 'done', startedAt: 10, drainedAt: 70, finishedAt: 80, evicted: 5000 }]), 'r');
    expect(big).toContain('    pods evicted  5000  t+10s    to t+1m00s\n');
    expect(big.split('\n').length).toBeLessThan(30);
  });
});
