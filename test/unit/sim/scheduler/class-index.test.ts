/**
 * The class index (class-index.ts) must give every cycle the answer the node-by-node walk gives: the same node, the same
 * message, the same victims and the same next start node of kube-scheduler's sampling - on clusters past 100 nodes, where a
 * cycle stops after numFeasibleNodesToFind feasible nodes - as nodes come, go and are cordoned and pods are bound and
 * removed. And a failure it reports without a cycle (knownFailure) must be the one a full cycle gives, also for pods whose
 * claims differ from those of the pods sharing their store (their volume filters are not in it). And pods whose claims keys are
 * equal (the world's scheduler pool answers them together) must get equal known failures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../src/gen/prng.js';
import { SchedulerCache } from '../../../../sim/scheduler/cache.js';
import { ClassCache } from '../../../../sim/scheduler/class-cache.js';
import { nodeSampling } from '../../../../sim/scheduler/framework.js';
import { scheduleOne } from '../../../../sim/scheduler/schedule-one.js';
import { hasClaims } from '../../../../sim/scheduler/plugins/volume-binding.js';
import type { SchedPod } from '../../../../sim/scheduler/types.js';
import { incomingArb, makeIncoming, makeNode, makePod, NAMESPACE_LABELS, nodeDrawArb, podDrawArb, VOLUMES, type IncomingDraw, type NodeDraw } from './world-gen.js';

const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('cycle' as const),
      cls: fc.nat(3),
      // Another claim than the class's (undefined: the class's own): pods of one node-local key with different claims.
      claim: fc.constantFrom<string | null | undefined>(undefined, undefined, null, 'bound-a', 'wffc', 'immediate'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-pod' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cordon' as const), at: fc.nat(), value: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop-node' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('new-node' as const), at: fc.nat(), node: nodeDrawArb }) },
);

/** One scheduler: its cache, its class answers (or none), its sampling state and PRNG. */
function scheduler(useIndex: ((feasible: number, all: number) => boolean) | null) {
  const cache = new SchedulerCache({ namespaceLabels: NAMESPACE_LABELS, volumes: VOLUMES, pdbs: () => [] });
  const classes = useIndex === null ? null : new ClassCache(cache, { useIndex });
  return { cache, classes, sampling: nodeSampling(), prng: new Prng(7) };
}

type Scheduler = ReturnType<typeof scheduler>;

const CLAIMS = [null, 'bound-a', 'bound-a2', 'wffc', 'wffc-2', 'immediate', 'missing'] as const;

/**
 * The pods of p's drawn class with any claim (so the same node-local key, priority and preemption policy) whose claims key
 * is p's - the pods the world's scheduler pool answers together - must get p's known failure. How many such other pods,
 * and how many of them with a known failure (not both null).
 */
function checkShared(w: Scheduler, p: SchedPod, drawn: IncomingDraw, step: number): { checked: number; failing: number } {
  const none = { checked: 0, failing: 0 };
  const classes = w.classes as ClassCache;
  const snapshot = () => w.cache.snapshot();
  if (!hasClaims(p)) return none;
  const key = classes.claimsKey(p, snapshot());
  if (key === null) return none;
  const answer = classes.knownFailure(p, snapshot);
  let checked = 0;
  for (const claim of CLAIMS) {
    if (claim === drawn.claim) continue;
    const q = makeIncoming(`shared-${step}-${claim ?? 'none'}`, { ...drawn, claim });
    if (!hasClaims(q) || classes.claimsKey(q, snapshot()) !== key) continue;
    expect(classes.knownFailure(q, snapshot)).toBe(answer);
    checked++;
  }
  return { checked, failing: answer === null ? 0 : checked };
}

const outcome = (r: { kind: string; node?: string; message?: string; victims?: readonly SchedPod[] }) => ({
  kind: r.kind,
  node: r.node ?? null,
  message: r.message ?? null,
  victims: r.victims?.map((v) => v.name) ?? null,
});

describe('class index', () => {
  it('answers every cycle as the walk does, sampling included, through node and pod changes', () => {
    let indexedFailures = 0;
    let claimFailures = 0;
    let partialWalks = 0;
    let sharedAnswers = 0;
    let sharedFailures = 0;
    fc.assert(
      fc.property(
        fc.array(nodeDrawArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 95, max: 140 }),
        fc.array(fc.record({ at: fc.nat(), pod: podDrawArb }), { maxLength: 60 }),
        fc.array(incomingArb, { minLength: 4, maxLength: 4 }),
        fc.array(step, { minLength: 5, maxLength: 40 }),
        (draws, count, placed, classes, steps) => {
          const worlds = [scheduler(() => true), scheduler(() => false), scheduler(null)];
          const names: string[] = [];
          const nodes = new Map<string, NodeDraw>();
          for (let i = 0; i < count; i++) {
            const name = `n${String(i).padStart(3, '0')}`;
            names.push(name);
            nodes.set(name, draws[i % draws.length] as NodeDraw);
            for (const w of worlds) w.cache.setNode(makeNode(name, draws[i % draws.length] as NodeDraw));
          }
          const bound: { pod: SchedPod }[] = [];
          placed.forEach(({ at, pod }, i) => {
            const p = makePod(`p${i}`, pod);
            for (const w of worlds) w.cache.addPod(p, names[at % names.length] as string);
            bound.push({ pod: p });
          });
          steps.forEach((s, i) => {
            if (s.kind === 'cycle') {
              const drawn = classes[s.cls] as IncomingDraw;
              const p = makeIncoming(`new-${i}`, s.claim === undefined ? drawn : { ...drawn, claim: s.claim });
              const key = `class-${s.cls}-${s.claim === undefined ? drawn.claim : s.claim}`;
              const startBefore = worlds[2]?.sampling.nextStartNodeIndex;
              const known = worlds[0]?.classes?.knownFailure(p, () => (worlds[0] as { cache: SchedulerCache }).cache.snapshot()) ?? null;
              const shared = checkShared(worlds[0] as Scheduler, p, s.claim === undefined ? drawn : { ...drawn, claim: s.claim }, i);
              sharedAnswers += shared.checked;
              sharedFailures += shared.failing;
              const answers = worlds.map((w) => {
                const snap = w.cache.snapshot();
                return scheduleOne(p, snap, w.prng, w.sampling, w.classes?.answers(key, p, snap) ?? null);
              });
              const [indexed, walked, plain] = answers.map(outcome);
              expect(indexed).toEqual(plain);
              expect(walked).toEqual(plain);
              expect(worlds.map((w) => w.sampling.nextStartNodeIndex)).toEqual(worlds.map(() => worlds[2]?.sampling.nextStartNodeIndex));
              if (worlds[2]?.sampling.nextStartNodeIndex !== startBefore) partialWalks++;
              if (known !== null) {
                indexedFailures++;
                if (p.volumes.length > 0) claimFailures++;
                expect(plain).toEqual({ kind: 'unschedulable', node: null, message: known, victims: null });
              }
              const first = answers[0];
              if (first?.kind === 'scheduled') {
                for (const w of worlds) w.cache.addPod(p, first.node);
                bound.push({ pod: p });
              }
            } else if (s.kind === 'remove-pod' && bound.length > 0) {
              const [gone] = bound.splice(s.at % bound.length, 1);
              if (gone) for (const w of worlds) w.cache.removePod(gone.pod.uid);
            } else if (s.kind === 'cordon' && names.length > 0) {
              const name = names[s.at % names.length] as string;
              const node = makeNode(name, nodes.get(name) as NodeDraw);
              for (const w of worlds) w.cache.setNode({ ...node, unschedulable: s.value });
            } else if (s.kind === 'drop-node' && names.length > 1) {
              const [name] = names.splice(s.at % names.length, 1);
              if (name) for (const w of worlds) w.cache.removeNode(name);
            } else if (s.kind === 'new-node') {
              const name = `m${String(i).padStart(3, '0')}`;
              names.splice(s.at % (names.length + 1), 0, name);
              nodes.set(name, s.node);
              for (const w of worlds) w.cache.setNode(makeNode(name, s.node));
            }
          });
        },
      ),
      { numRuns: 60 },
    );
    // The shortcut must have been taken for the comparison to mean anything.
    expect(indexedFailures).toBeGreaterThan(0);
    expect(claimFailures).toBeGreaterThan(0);
    expect(partialWalks).toBeGreaterThan(0);
    expect(sharedAnswers).toBeGreaterThan(0);
    // And some of the pods compared had a known failure (not only null against null).
    expect(sharedFailures).toBeGreaterThan(0);
  });
});
