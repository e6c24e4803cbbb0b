/**
 * The anti-affinity groups filed by namespace and label (sim/scheduler/anti-affinity-labels.ts), and the InterPodAffinity
 * filter that finds through them the placed pods repelling an incoming pod: on selectors of every shape (matchLabels, In
 * with one, several or no values, NotIn, Exists, DoesNotExist, empty, null) and terms reaching their own namespace, named
 * ones or any (namespaceSelector), the lists name every group a from-scratch scan finds repelling the pod, and the filter
 * kept by the cache's index from cycle to cycle (its relation book grows as groups appear) answers as the oracle
 * (reference/) on a fresh copy of the cluster.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AntiAffinityLabels } from '../../../../sim/scheduler/anti-affinity-labels.js';
import { SchedulerCache } from '../../../../sim/scheduler/cache.js';
import { termSelects } from '../../../../sim/scheduler/match.js';
import type { PodGroup } from '../../../../sim/scheduler/placed-index.js';
import { interPodAffinityFilter } from '../../../../sim/scheduler/plugins/inter-pod-affinity.js';
import type { SchedPod, Snapshot } from '../../../../sim/scheduler/types.js';
import type { LabelSelector, LabelSelectorRequirement, Labels, PodAffinityTerm } from '../../../../src/model/types.js';
import { node, pod } from './fixtures.js';
import * as oracle from './reference/plugins/inter-pod-affinity.js';

const NAMESPACE_LABELS: Readonly<Record<string, Labels>> = { a: { team: 'x' }, b: { team: 'y' }, c: {} };

const requirementArb: fc.Arbitrary<LabelSelectorRequirement> = fc.record({
  key: fc.constantFrom('app', 'tier'),
  operator: fc.constantFrom<LabelSelectorRequirement['operator']>('In', 'In', 'NotIn', 'Exists', 'DoesNotExist'),
  values: fc.subarray(['1', '2', '3']),
});

const selectorArb: fc.Arbitrary<LabelSelector | null> = fc.oneof(
  fc.constant(null),
  fc.record({
    matchLabels: fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('1', '2', '3'), { maxKeys: 2 }),
    matchExpressions: fc.array(requirementArb, { maxLength: 2 }),
  }),
);

const termArb: fc.Arbitrary<PodAffinityTerm> = fc.record({
  labelSelector: selectorArb,
  namespaces: fc.constantFrom<string[]>([], [], ['a'], ['b', 'c']),
  namespaceSelector: fc.constantFrom<LabelSelector | null>(null, null, null, { matchLabels: { team: 'y' }, matchExpressions: [] }, { matchLabels: {}, matchExpressions: [] }),
  topologyKey: fc.constantFrom('zone', 'kubernetes.io/hostname'),
});

interface PodDraw {
  readonly namespace: string;
  readonly labels: Labels;
  readonly anti: PodAffinityTerm[];
  readonly affinity: PodAffinityTerm[];
}

const podArb: fc.Arbitrary<PodDraw> = fc.record({
  namespace: fc.constantFrom('a', 'a', 'b', 'c'),
  labels: fc.dictionary(fc.constantFrom('app', 'tier', 'other'), fc.constantFrom('1', '2', '3'), { maxKeys: 3 }),
  anti: fc.array(termArb, { maxLength: 2 }),
  affinity: fc.array(termArb, { maxLength: 1 }),
});

function makePod(name: string, d: PodDraw): SchedPod {
  return pod(name, { namespace: d.namespace, labels: d.labels, podAntiAffinity: d.anti, podAffinity: d.affinity, requests: { pods: 1 } });
}

const snap: Snapshot = { nodes: [], namespaceLabels: NAMESPACE_LABELS, pdbs: [] };

function group(p: SchedPod): PodGroup {
  return { namespace: p.namespace, rep: p, nodes: new Map() };
}

describe('AntiAffinityLabels', () => {
  it('names every group whose anti-affinity selects the pod, as the groups come', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 12 }), fc.array(podArb, { maxLength: 12 }), fc.array(podArb, { minLength: 1, maxLength: 4 }), (early, late, incoming) => {
        const all: PodGroup[] = [];
        const filed = new AntiAffinityLabels(() => all);
        all.push(...early.map((d, i) => group(makePod(`e${i}`, d))).filter((g) => g.rep.podAntiAffinity.length > 0));
        const pods = incoming.map((d, i) => makePod(`in${i}`, d));
        const lists = pods.map((p) => filed.candidatesOf(p));
        all.push(...late.map((d, i) => group(makePod(`l${i}`, d))).filter((g) => g.rep.podAntiAffinity.length > 0));
        filed.catchUp();
        pods.forEach((p, i) => {
          const named = new Set((lists[i] ?? []).flat());
          const repelling = all.filter((g) => g.rep.podAntiAffinity.some((t) => termSelects(t, g.rep, p, snap)));
          for (const g of repelling) expect(named.has(g)).toBe(true);
          checked += repelling.length;
        });
      }),
      { numRuns: 500 },
    );
    // The drawn worlds hold repelling groups often enough for the property to say something.
    expect(checked).toBeGreaterThan(100);
  });

  it('files a matchLabels term under its first label only, so unrelated pods do not see it', () => {
    const all: PodGroup[] = [];
    const filed = new AntiAffinityLabels(() => all);
    const t = (matchLabels: Labels): PodAffinityTerm => ({ labelSelector: { matchLabels, matchExpressions: [] }, namespaces: [], namespaceSelector: null, topologyKey: 'zone' });
    const web = group(pod('web', { namespace: 'a', podAntiAffinity: [t({ app: 'web' })] }));
    const db = group(pod('db', { namespace: 'a', podAntiAffinity: [t({ app: 'db' })] }));
    all.push(web, db);
    const named = (labels: Labels, namespace = 'a'): PodGroup[] => [...new Set(filed.candidatesOf(pod('p', { namespace, labels })).flat())];
    expect(named({ app: 'web' })).toEqual([web]);
    expect(named({ app: 'db', tier: '1' })).toEqual([db]);
    expect(named({ app: 'web' }, 'b')).toEqual([]);
  });
});

describe('InterPodAffinity filter through the cache, cycle after cycle', () => {
  it('answers as the oracle on a fresh copy while groups appear and pods come and go', () => {
    // Incoming pods of a few kinds, so that a kind's relation book is read again after groups appeared.
    const step = fc.record({ kind: fc.nat(2), place: fc.boolean(), at: fc.nat(), remove: fc.nat() });
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 10 }), fc.array(podArb, { minLength: 3, maxLength: 3 }), fc.array(step, { minLength: 1, maxLength: 16 }), (initial, kinds, steps) => {
        const cache = new SchedulerCache({ namespaceLabels: NAMESPACE_LABELS, pdbs: () => [] });
        const zones = ['z1', 'z1', 'z2', 'z3'];
        zones.forEach((zone, i) => cache.setNode(node(`n${i}`, { labels: { zone } })));
        const placed: SchedPod[] = [];
        const place = (p: SchedPod, at: number): void => {
          cache.addPod(p, `n${at % zones.length}`);
          placed.push(p);
        };
        initial.forEach((d, i) => place(makePod(`p${i}`, d), i));
        steps.forEach((s, i) => {
          const incoming = makePod(`q${i}`, kinds[s.kind] as PodDraw);
          const now = cache.snapshot();
          const copy: Snapshot = { nodes: now.nodes.map((n) => ({ node: n.node, pods: [...n.pods] })), namespaceLabels: NAMESPACE_LABELS, pdbs: [] };
          for (const n of now.nodes) {
            const want = oracle.interPodAffinityFilter.filter(incoming, copy.nodes.find((c) => c.node.name === n.node.name) ?? n, copy);
            expect(interPodAffinityFilter.filter(incoming, n, now)).toEqual(want);
          }
          // Placed pods of the incoming kinds are new groups, or grow known ones.
          if (s.place) place(incoming, s.at);
          else if (placed.length > 0) cache.removePod((placed[s.remove % placed.length] as SchedPod).uid);
        });
      }),
      { numRuns: 400 },
    );
  });
});
