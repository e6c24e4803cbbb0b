/**
 * The scheduler's fast paths (per-node sums, the placed-pod index, per-cycle topology counts, preemption on an overlay, the
 * cache's incremental snapshot, the class cache, the failure memo) give the answers of the oracle - the scheduler as it was before them,
 * walking every pod of every node (reference/) - on generated worlds: each node's filter verdict, the scores, the chosen
 * node (same seed), the FitError text, and preemption's node and victims.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../src/gen/prng.js';
import { SchedulerCache } from '../../../../sim/scheduler/cache.js';
import { ClassCache } from '../../../../sim/scheduler/class-cache.js';
import { FailureMemo } from '../../../../sim/scheduler/failure-memo.js';
import { nodeSampling, runFilters, schedule, scoreNodes, type NodeLocalAnswers, type ScheduleResult } from '../../../../sim/scheduler/framework.js';
import { scheduleOne } from '../../../../sim/scheduler/schedule-one.js';
import type { NodeState, SchedPod, Snapshot } from '../../../../sim/scheduler/types.js';
import * as oracle from './reference/framework.js';
import { scheduleOne as oracleScheduleOne } from './reference/schedule-one.js';
import { incomingArb, makeIncoming, makeNode, makePod, NAMESPACE_LABELS, nodeDrawArb, podDrawArb, VOLUMES, worldArb, type IncomingDraw, type WorldDraw } from './world-gen.js';

function build(w: WorldDraw): { states: NodeState[]; incoming: SchedPod } {
  const nodes = w.nodes.map((d, i) => makeNode(`n${String(i).padStart(2, '0')}`, d));
  const pods: SchedPod[][] = nodes.map(() => []);
  w.placed.forEach(({ at, pod: d }, i) => {
    const k = at % nodes.length;
    pods[k]?.push(makePod(`p${i}`, d, { nodeName: nodes[k]?.name ?? null }));
  });
  return { states: nodes.map((node, i) => ({ node, pods: pods[i] ?? [] })), incoming: makeIncoming('incoming', w.incoming) };
}

function plain(states: readonly NodeState[]): Snapshot {
  return { nodes: [...states], namespaceLabels: NAMESPACE_LABELS, pdbs: [], volumes: VOLUMES };
}

/** What a cycle answered, in a form both schedulers give. */
function outcome(r: { kind: string; node?: string; message?: string; victims?: readonly SchedPod[] }): unknown {
  return { kind: r.kind, node: r.node ?? null, message: r.message ?? null, victims: r.victims?.map((v) => v.name) ?? null };
}

/**
 * A failed cycle's per-node results as the failure memo keeps them (everyNodeFailed: names and each position's result, counts
 * by reason) and its diagnosis are the oracle's diagnosis, node for node, when every node was evaluated.
 */
function expectFailuresAsDiagnosis(cycle: ScheduleResult & { kind: 'unschedulable' }, snapshot: Snapshot, oracleDiagnosis: ReadonlyMap<string, unknown>): void {
  const failed = cycle.everyNodeFailed();
  const diagnosis = cycle.diagnosis;
  expect(new Map([...diagnosis].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(new Map([...oracleDiagnosis].sort(([a], [b]) => (a < b ? -1 : 1))));
  if (diagnosis.size !== snapshot.nodes.length) {
    expect(failed).toBeNull();
    return;
  }
  expect(failed).not.toBeNull();
  if (failed === null) return;
  expect(failed.names).toEqual(snapshot.nodes.map((n) => n.node.name));
  expect(failed.names.map((_, at) => failed.resultAt(at))).toEqual(failed.names.map((name) => diagnosis.get(name)));
  const reasons = new Map<string, number>();
  for (const r of diagnosis.values()) if (r.code !== 'Success') for (const reason of r.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  expect(new Map([...failed.reasons].sort())).toEqual(new Map([...reasons].sort()));
}

describe('fast paths against the oracle', () => {
  it('every node verdict, the scores, the chosen node and the preemption answer are the oracle\'s', () => {
    fc.assert(
      fc.property(worldArb(), fc.nat(), (w, seed) => {
        const { states, incoming } = build(w);
        const fast = plain(states);
        const ref = plain(states);
        const feasible: NodeState[] = [];
        for (const n of states) {
          const mine = runFilters(incoming, n, fast);
          expect(mine).toEqual(oracle.runFilters(incoming, n, ref));
          if (mine.code === 'Success') feasible.push(n);
        }
        expect(scoreNodes(incoming, feasible, fast)).toEqual(oracle.scoreNodes(incoming, feasible, ref));
        expect(outcome(schedule(incoming, fast, new Prng(seed)))).toEqual(outcome(oracle.schedule(incoming, ref, new Prng(seed))));
        expect(outcome(scheduleOne(incoming, plain(states), new Prng(seed)))).toEqual(outcome(oracleScheduleOne(incoming, plain(states), new Prng(seed))));
      }),
      { numRuns: 300 },
    );
  });

  it("the cache's snapshot, built in any order with pods moved and removed, answers as a fresh plain one", () => {
    fc.assert(
      fc.property(worldArb(8), fc.array(fc.record({ pod: fc.nat(), to: fc.nat(), remove: fc.boolean() }), { maxLength: 8 }), fc.nat(), (w, moves, seed) => {
        const { states, incoming } = build(w);
        const cache = new SchedulerCache({ namespaceLabels: NAMESPACE_LABELS, volumes: VOLUMES, pdbs: () => [] });
        for (const s of [...states].reverse()) cache.setNode(s.node);
        const all = states.flatMap((s) => s.pods.map((p) => ({ p, node: s.node.name })));
        for (const { p, node } of all) cache.addPod(p, node);
        for (const m of moves) {
          const pick = all[m.pod % Math.max(1, all.length)];
          if (pick === undefined) break;
          if (m.remove) cache.removePod(pick.p.uid);
          else cache.addPod(pick.p, states[m.to % states.length]?.node.name ?? '');
        }
        const now = cache.snapshot();
        const copy = plain(now.nodes.map((n) => ({ node: n.node, pods: [...n.pods] })));
        expect(outcome(scheduleOne(incoming, now, new Prng(seed)))).toEqual(outcome(oracleScheduleOne(incoming, copy, new Prng(seed))));
      }),
      { numRuns: 200 },
    );
  });

  it('cycles answered from the class cache, as pods are bound and removed, are the oracle\'s', () => {
    fc.assert(
      fc.property(worldArb(8), fc.array(fc.record({ cls: fc.nat(2), remove: fc.nat() }), { minLength: 1, maxLength: 20 }), fc.array(incomingArb, { minLength: 3, maxLength: 3 }), (w, steps, classes) => {
        const { states } = build(w);
        const cache = new SchedulerCache({ namespaceLabels: NAMESPACE_LABELS, volumes: VOLUMES, pdbs: () => [] });
        const answers = new ClassCache(cache);
        for (const s of states) cache.setNode(s.node);
        const placed: SchedPod[] = [];
        for (const s of states) for (const p of s.pods) {
          cache.addPod(p, s.node.name);
          placed.push(p);
        }
        const mine = new Prng(3);
        const theirs = new Prng(3);
        steps.forEach((step, i) => {
          const d = classes[step.cls] as IncomingDraw;
          const p = makeIncoming(`new-${i}`, d);
          const snap = cache.snapshot();
          const copy = plain(snap.nodes.map((n) => ({ node: n.node, pods: [...n.pods] })));
          const local = answers.answers(`class-${step.cls}`, p, snap);
          const cycle = schedule(p, snap, new Prng(i), undefined, local);
          const want = oracle.schedule(p, copy, new Prng(i));
          expect(outcome(cycle)).toEqual(outcome(want));
          if (cycle.kind === 'scheduled' && want.kind === 'scheduled') expect(cycle.scores).toEqual(want.scores);
          const got = scheduleOne(p, snap, mine, undefined, local);
          expect(outcome(got)).toEqual(outcome(oracleScheduleOne(p, copy, theirs)));
          if (got.kind === 'scheduled') {
            cache.addPod({ ...p, nodeName: got.node }, got.node);
            placed.push(p);
          } else if (placed.length > 0) cache.removePod((placed[step.remove % placed.length] as SchedPod).uid);
        });
      }),
      { numRuns: 300 },
    );
  });

  /**
   * The first cycle, whose failure the memo keeps, walks the nodes in full from the first (plain), from a drawn start
   * (sampled: the results come in a rotated order), or reads the class cache's feasible index (indexed).
   */
  it.each(['plain', 'sampled', 'indexed'] as const)('a remembered failure stays the answer a full cycle gives, through node and pod changes, or is dropped (%s first cycle)', (walk) => {
    const change = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), at: fc.nat(), pod: podDrawArb }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('cordon' as const), at: fc.nat(), value: fc.boolean() }),
      fc.record({ kind: fc.constant('drop-node' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('taint' as const), at: fc.nat(), value: fc.boolean() }),
      fc.record({ kind: fc.constant('new-node' as const), at: fc.nat(), node: nodeDrawArb }),
    );
    let checked = 0;
    let indexedRecords = 0;
    fc.assert(
      fc.property(worldArb(5), fc.array(change, { maxLength: 12 }), fc.nat(), (w, changes, start) => {
        const { states, incoming } = build(w);
        const cache = new SchedulerCache({ namespaceLabels: NAMESPACE_LABELS, volumes: VOLUMES, pdbs: () => [] });
        const classes = new ClassCache(cache, { useIndex: () => true });
        const memo = new FailureMemo((p) => cache.hasPriorityBelow(p), (name) => cache.stateOf(name));
        cache.listen(memo);
        for (const s of states) cache.setNode(s.node);
        const placed: SchedPod[] = [];
        for (const s of states) for (const p of s.pods) {
          cache.addPod(p, s.node.name);
          placed.push(p);
        }
        const snapshot = cache.snapshot();
        const local: NodeLocalAnswers | null = walk === 'indexed' ? classes.answers('k', incoming, snapshot) : null;
        const sampling = walk === 'plain' ? undefined : { ...nodeSampling(100), nextStartNodeIndex: start };
        const cycle = schedule(incoming, snapshot, new Prng(1), sampling, local);
        if (cycle.kind === 'unschedulable') {
          const want = oracle.schedule(incoming, plain(snapshot.nodes.map((s) => ({ node: s.node, pods: [...s.pods] }))), new Prng(1));
          expect(want.kind).toBe('unschedulable');
          if (want.kind === 'unschedulable') expectFailuresAsDiagnosis(cycle, snapshot, want.diagnosis);
        }
        const first = scheduleOne(incoming, snapshot, new Prng(1), sampling === undefined ? undefined : { ...nodeSampling(100), nextStartNodeIndex: start }, local);
        if (first.kind !== 'unschedulable') return;
        // The indexed walk leaves a hopeless failure to the class cache: remember it as a caller that keeps it would.
        const kept = first.cycle ?? (cycle.kind === 'unschedulable' ? cycle : undefined);
        if (kept === undefined) return;
        if (walk === 'indexed') indexedRecords++;
        memo.record('k', incoming, snapshot, kept);
        let n = 0;
        for (const c of changes) {
          const nodes = cache.snapshot().nodes;
          const target = nodes[c.at % Math.max(1, nodes.length)];
          if (c.kind === 'add' && target !== undefined) {
            const p = makePod(`q${n++}`, c.pod);
            cache.addPod(p, target.node.name);
            placed.push(p);
          } else if (c.kind === 'remove' && placed.length > 0) {
            cache.removePod((placed[c.at % placed.length] as SchedPod).uid);
          } else if (c.kind === 'cordon' && target !== undefined) {
            cache.setNode({ ...target.node, unschedulable: c.value });
          } else if (c.kind === 'drop-node' && target !== undefined) {
            cache.removeNode(target.node.name);
          } else if (c.kind === 'taint' && target !== undefined) {
            cache.setNode({ ...target.node, taints: c.value ? [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] : [] });
          } else if (c.kind === 'new-node') {
            cache.setNode(makeNode(`m${n++}`, c.node));
          }
          const known = memo.message('k');
          if (known === null) return;
          const copy = plain(cache.snapshot().nodes.map((s) => ({ node: s.node, pods: [...s.pods] })));
          expect(outcome(oracleScheduleOne(incoming, copy, new Prng(1)))).toEqual(outcome({ kind: 'unschedulable', message: known }));
          checked++;
        }
      }),
      { numRuns: 1500 },
    );
    // The property is not vacuous: remembered answers were checked after changes (and some came from indexed walks).
    expect(checked).toBeGreaterThan(50);
    if (walk === 'indexed') expect(indexedRecords).toBeGreaterThan(50);
  });
});
