/**
 * The engine's pod views kept from one snapshot to the next (sim/world/pod-views.ts: every pod, by node, by controller, the
 * unsettled ones) equal a rebuild from every pod: for
 * random sequences of table changes, and at every reconcile of whole rehearsals (every scenario, chaos-drawn worlds with
 * faults), where a change the world forgot to tell would show as a stale view.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import type { PodView } from '../../../src/engine/ports.js';
import { indexLists } from '../../../src/engine/snapshot-index.js';
import { generateClusterObjects } from '../../../src/gen/cluster.js';
import { Prng } from '../../../src/gen/prng.js';
import { parseClusterObjects } from '../../../src/model/kube/index.js';
import { parseParams } from '../../../src/model/params.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { drawRunFaults, vngSet } from '../../../sim/chaos/draw.js';
import { drawCase } from '../../../sim/chaos/run.js';
import { World } from '../../../sim/cluster.js';
import { rehearse } from '../../../sim/rehearse.js';
import { loadScenario } from '../../../sim/scenario.js';
import { scenarioInputs } from '../../../sim/scenario-inputs.js';
import { simulate } from '../../../sim/simulate.js';
import { PodTable } from '../../../sim/world/pod-table.js';
import { PodViewIndex, type PodViewsFrame } from '../../../sim/world/pod-views.js';
import { key, type SimPod } from '../../../sim/world/types.js';
import { simPod } from './sim-pod.js';

const owners = ['rs-a', 'rs-b', null] as const;

/** A pod of one of three owners (by name), so the owner groups hold several pods. */
const pod = (ns: string, name: string): SimPod => {
  const p = simPod(ns, name);
  const owner = owners[name.length % owners.length] ?? null;
  return { ...p, owner: owner === null ? null : { kind: 'ReplicaSet', name: owner, uid: owner } } as SimPod;
};

const view = (p: SimPod): PodView =>
  ({
    uid: p.uid,
    namespace: p.namespace,
    name: p.name,
    nodeName: p.nodeName,
    phase: p.phase,
    ready: p.ready,
    terminating: p.terminating,
    ownerUid: p.owner?.uid ?? null,
  }) as PodView;

const NODES = ['node-0', 'node-1', 'node-2'];

/** What a frame shows, as plain data: every pod, each node's, each owner's and the unsettled ones. */
function shown(f: PodViewsFrame): unknown {
  const plain = (l: readonly PodView[]): PodView[] => l.map((v) => ({ ...v }));
  return {
    all: plain(f.all()),
    nodes: NODES.map((n) => plain(f.podsOn(n))),
    owners: owners.map((o) => (o === null ? [] : plain(f.podsOf(o)))),
    unsettled: plain(f.unsettled()),
  };
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), ns: fc.constantFrom('a', 'b', 'kube-system'), name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p10', 'q') }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bind' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('touch' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('snapshot' as const) }),
  // The same pod object put back after it was removed (between two frames it leaves its groups and joins them again).
  fc.record({ kind: fc.constant('readd' as const) }),
);

describe('PodViewIndex', () => {
  it('equals views built from every pod after any sequence of adds, replacements, removes, binds and changes, and its frames never change', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const table = new PodTable();
        const index = new PodViewIndex();
        table.listen(index);
        const published: { frame: PodViewsFrame; then: unknown }[] = [];
        const check = (): void => {
          const frame = index.frame(view);
          const all = table.keysInOrder().map((k) => view(table.get(k) as SimPod));
          const rebuilt = indexLists([], all);
          expect(frame.all()).toEqual(all);
          for (const n of NODES) expect(frame.podsOn(n)).toEqual(rebuilt.podsOn(n));
          for (const o of owners) if (o !== null) expect(frame.podsOf(o)).toEqual(rebuilt.podsOf(o));
          expect(frame.unsettled()).toEqual(rebuilt.unsettled());
          published.push({ frame, then: shown(frame) });
        };
        const gone: SimPod[] = [];
        for (const o of ops) {
          const pods = [...table.values()];
          if (o.kind === 'add') table.set(key(o.ns, o.name), pod(o.ns, o.name));
          else if (o.kind === 'snapshot') check();
          else if (o.kind === 'readd') {
            const back = gone.pop();
            if (back !== undefined && !table.has(back.key)) table.set(back.key, back);
          } else if (o.kind === 'remove' && pods.length > 0) {
            const p = pods[o.at % pods.length] as SimPod;
            gone.push(p);
            table.delete(key(p.namespace, p.name));
          } else if (o.kind !== 'remove' && pods.length > 0) {
            const p = pods[o.at % pods.length] as SimPod;
            if (o.kind === 'bind') table.bind(p, NODES[o.at % NODES.length] as string);
            else {
              p.phase = 'Running';
              p.ready = !p.ready;
              index.touched(p);
            }
          }
        }
        check();
        // A frame once handed out shows the same, whatever changed after it.
        for (const { frame, then } of published) expect(shown(frame)).toEqual(then);
      }),
    );
  });
});

describe('the world keeps its pod views exact through whole rehearsals', () => {
  const original = World.prototype.snapshot;
  let checked = 0;
  afterEach(() => {
    World.prototype.snapshot = original;
  });
  function watchSnapshots(): void {
    World.prototype.snapshot = function (this: World) {
      const snap = original.call(this);
      const scratch = this.podViewsFromScratch();
      const rebuilt = indexLists(snap.nodes, scratch);
      const index = snap.index;
      expect(index).toBeDefined();
      if (index !== undefined) {
        // Views of unchanged pods are the same objects: lists compare element by element by identity (cheap at every reconcile).
        const same = (a: readonly PodView[], b: readonly PodView[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
        const wrong: string[] = [];
        if (!same(index.unsettled(), rebuilt.unsettled())) wrong.push('unsettled');
        for (const n of snap.nodes) if (index.node(n.name) !== n) wrong.push(`node ${n.name}`);
        // The node views (kept from snapshot to snapshot, checked only where the node map told of a change) show every node
        // as it is now.
        if (snap.nodes.map((n) => n.name).join() !== [...this.nodes.keys()].sort().join()) wrong.push('node names');
        for (const n of snap.nodes) {
          const now = this.nodes.get(n.name);
          if (now === undefined || now.ready !== n.ready || now.unschedulable !== n.unschedulable) wrong.push(`node view ${n.name}`);
        }
        // Every node's pods, a deleted node's included.
        const names = new Set([...snap.nodes.map((n) => n.name), ...scratch.flatMap((p) => (p.nodeName === null ? [] : [p.nodeName]))]);
        for (const name of names) if (!same(index.podsOn(name), rebuilt.podsOn(name))) wrong.push(`pods on ${name}`);
        for (const uid of new Set(scratch.flatMap((p) => (p.ownerUid === null ? [] : [p.ownerUid])))) {
          if (!same(index.podsOf(uid), rebuilt.podsOf(uid))) wrong.push(`pods of ${uid}`);
        }
        expect(wrong).toEqual([]);
      }
      expect(snap.pods).toEqual(scratch);
      checked += 1;
      return snap;
    };
  }

  it('in every scenario', { timeout: 240_000 }, async () => {
    watchSnapshots();
    const catalog = loadCatalog();
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) await rehearse(scenarioInputs(loadScenario(`scenarios/${f}`), catalog), catalog);
    expect(checked).toBeGreaterThan(100);
  });

  it('in chaos-drawn worlds with faults', { timeout: 240_000 }, async () => {
    watchSnapshots();
    checked = 0;
    const catalog = loadCatalog();
    for (let seed = 1; seed <= 12; seed++) {
      const c = drawCase(seed * 7919, 'swarm');
      const cluster = parseClusterObjects(generateClusterObjects(c.world.generate, new Prng(c.world.clusterSeed)), 'chaos');
      const { vngs } = vngSet(c.world.vngSet, catalog);
      const plan = buildPlan({ cluster, vngs, catalog, params: parseParams(c.params, 'chaos') });
      const drawn = drawRunFaults(c.seed, 'swarm', cluster, plan);
      await simulate({ cluster, vngs, catalog, plan, faults: drawn.faults, seed: c.seed });
    }
    expect(checked).toBeGreaterThan(100);
  });
});
