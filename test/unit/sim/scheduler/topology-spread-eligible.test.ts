/**
 * PodTopologySpread's eligible nodes (the nodes a constraint counts, with their domains) are carried from one node-set
 * version of the cache to the next, looking again only at the nodes whose object changed, appeared or went. Through node
 * changes of every kind (new nodes, nodes gone, labels changed or dropped, taints, cordons) and pods bound and removed, the
 * filter's verdicts and the scores on the cache's snapshots stay the oracle's (reference/) on a fresh copy; and a new pod
 * asked on an earlier snapshot gets the oracle's answers for that snapshot's nodes with the pods placed now.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../../../sim/scheduler/cache.js';
import { podTopologySpreadFilter, podTopologySpreadScore } from '../../../../sim/scheduler/plugins/pod-topology-spread.js';
import type { NodeState, SchedPod, Snapshot } from '../../../../sim/scheduler/types.js';
import * as oracle from './reference/plugins/pod-topology-spread.js';
import { pod, spread } from './fixtures.js';
import { incomingArb, makeIncoming, makeNode, makePod, NAMESPACE_LABELS, nodeDrawArb, podDrawArb, type IncomingDraw } from './world-gen.js';

const change = fc.oneof(
  fc.record({ kind: fc.constant('new-node' as const), node: nodeDrawArb }),
  fc.record({ kind: fc.constant('drop-node' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('relabel' as const), at: fc.nat(), zone: fc.constantFrom<string | null>(null, 'a', 'b', 'd') }),
  fc.record({ kind: fc.constant('taint' as const), at: fc.nat(), value: fc.boolean() }),
  fc.record({ kind: fc.constant('cordon' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add-pod' as const), at: fc.nat(), pod: podDrawArb }),
  fc.record({ kind: fc.constant('add-pod' as const), at: fc.nat(), pod: podDrawArb.map((d) => ({ ...d, app: 'x', namespace: 'default' })) }),
  fc.record({ kind: fc.constant('remove-pod' as const), at: fc.nat() }),
);

/** A pod every step asks about: zone spread of app x, hard and soft, honouring taints. */
function zoneSpread(name: string): SchedPod {
  return pod(name, {
    labels: { app: 'x' },
    requests: { pods: 1 },
    topologySpread: [
      spread({ topologyKey: 'zone', labels: { app: 'x' }, nodeTaintsPolicy: 'Honor' }),
      spread({ topologyKey: 'zone', labels: { app: 'x' }, whenUnsatisfiable: 'ScheduleAnyway' }),
    ],
  });
}

describe('PodTopologySpread carried across node-set versions', () => {
  it('gives the verdicts and scores of the oracle on a fresh copy after every change', () => {
    let compared = 0;
    let backCompared = 0;
    fc.assert(
      fc.property(
        fc.array(nodeDrawArb, { minLength: 1, maxLength: 6 }),
        fc.array(incomingArb, { minLength: 2, maxLength: 2 }),
        fc.array(fc.record({ change, kind: fc.nat(1), back: fc.nat() }), { minLength: 1, maxLength: 14 }),
        (nodes, kinds, steps) => {
          const cache = new SchedulerCache({ namespaceLabels: NAMESPACE_LABELS, pdbs: () => [] });
          nodes.forEach((d, i) => cache.setNode(makeNode(`n${i}`, d)));
          const placed: SchedPod[] = [];
          let made = 0;
          // Each step's snapshot with its Node objects then (a snapshot reads the live pods, but its version's nodes).
          const history: { snapshot: Snapshot; nodes: readonly NodeState[] }[] = [];
          steps.forEach(({ change: c, kind, back }, step) => {
            const list = cache.snapshot().nodes;
            const target = list.length === 0 ? undefined : list[('at' in c ? c.at : 0) % list.length];
            if (c.kind === 'new-node') cache.setNode(makeNode(`m${made++}`, c.node));
            else if (c.kind === 'drop-node' && target !== undefined) cache.removeNode(target.node.name);
            else if (c.kind === 'relabel' && target !== undefined) {
              const { zone: _zone, ...rest } = target.node.labels;
              cache.setNode({ ...target.node, labels: c.zone === null ? rest : { ...rest, zone: c.zone } });
            } else if (c.kind === 'taint' && target !== undefined) {
              cache.setNode({ ...target.node, taints: c.value ? [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] : [] });
            } else if (c.kind === 'cordon' && target !== undefined) cache.setNode({ ...target.node, unschedulable: !target.node.unschedulable });
            else if (c.kind === 'add-pod' && target !== undefined) {
              const p = makePod(`p${made++}`, c.pod);
              cache.addPod(p, target.node.name);
              placed.push(p);
            } else if (c.kind === 'remove-pod' && placed.length > 0) cache.removePod((placed[c.at % placed.length] as SchedPod).uid);
            // Pods of the same kinds asked again after each change (their eligible nodes are carried over).
            const now = cache.snapshot();
            const copy: Snapshot = { nodes: now.nodes.map((n) => ({ node: n.node, pods: [...n.pods] })), namespaceLabels: NAMESPACE_LABELS, pdbs: [] };
            for (const incoming of [makeIncoming(`in${step}`, kinds[kind] as IncomingDraw), zoneSpread(`zone${step}`)]) {
              now.nodes.forEach((n, i) => {
                expect(podTopologySpreadFilter.filter(incoming, n, now)).toEqual(oracle.podTopologySpreadFilter.filter(incoming, copy.nodes[i] ?? n, copy));
              });
              expect(podTopologySpreadScore.score(incoming, now.nodes, now)).toEqual(oracle.podTopologySpreadScore.score(incoming, copy.nodes, copy));
              compared++;
            }
            history.push({ snapshot: now, nodes: now.nodes.map((n) => ({ node: n.node, pods: [] })) });
            // A new pod asked on an earlier step's snapshot (as the failure memo may): the eligible nodes go back to its version.
            const earlier = history[back % history.length] as (typeof history)[number];
            const then: Snapshot = {
              nodes: earlier.nodes.map((n) => ({ node: n.node, pods: [...(cache.stateOf(n.node.name)?.pods ?? [])] })),
              namespaceLabels: NAMESPACE_LABELS,
              pdbs: [],
            };
            const late = zoneSpread(`late${step}`);
            then.nodes.forEach((n) => {
              expect(podTopologySpreadFilter.filter(late, n, earlier.snapshot)).toEqual(oracle.podTopologySpreadFilter.filter(late, n, then));
            });
            expect(podTopologySpreadScore.score(late, then.nodes, earlier.snapshot)).toEqual(oracle.podTopologySpreadScore.score(late, then.nodes, then));
            backCompared++;
          });
        },
      ),
      { numRuns: 400 },
    );
    expect(compared).toBeGreaterThan(1000);
    expect(backCompared).toBeGreaterThan(500);
  });
});
