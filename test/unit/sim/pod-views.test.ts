/**
 * The engine's pod views kept from one snapshot to the next (sim/world/pod-views.ts) equal a rebuild from every pod: for
 * random sequences of table changes, and at every reconcile of whole rehearsals (every scenario, chaos-drawn worlds with
 * faults), where a change the world forgot to tell would show as a stale view.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import type { PodView } from '../../../src/engine/ports.js';
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
import { PodViewList } from '../../../sim/world/pod-views.js';
import { key, type SimPod } from '../../../sim/world/types.js';
import { simPod } from './sim-pod.js';

const pod = simPod;

const view = (p: SimPod): PodView =>
  ({ uid: p.uid, namespace: p.namespace, name: p.name, nodeName: p.nodeName, phase: p.phase, ready: p.ready, terminating: p.terminating }) as PodView;

const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), ns: fc.constantFrom('a', 'b', 'kube-system'), name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p10', 'q') }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bind' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('touch' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('snapshot' as const) }),
);

describe('PodViewList', () => {
  it('equals a rebuild in key order after any sequence of adds, replacements, removes, binds and changes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const table = new PodTable();
        const list = new PodViewList();
        table.listen(list);
        const published: (readonly PodView[])[] = [];
        const check = (): void => {
          const got = list.list(view);
          expect(got).toEqual(table.keysInOrder().map((k) => view(table.get(k) as SimPod)));
          published.push(got);
        };
        for (const o of ops) {
          const pods = [...table.values()];
          if (o.kind === 'add') table.set(key(o.ns, o.name), pod(o.ns, o.name));
          else if (o.kind === 'snapshot') check();
          else if (pods.length > 0) {
            const p = pods[o.at % pods.length] as SimPod;
            if (o.kind === 'remove') table.delete(key(p.namespace, p.name));
            else if (o.kind === 'bind') table.bind(p, `node-${o.at % 3}`);
            else {
              p.phase = 'Running';
              p.ready = !p.ready;
              list.touched(p);
            }
          }
        }
        const frozen = published.map((l) => l.map((v) => ({ ...v })));
        check();
        // A list once handed out never changes.
        expect(published.slice(0, frozen.length).map((l) => l.map((v) => ({ ...v })))).toEqual(frozen);
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
      expect(snap.pods).toEqual(this.podViewsFromScratch());
      checked += 1;
      return snap;
    };
  }

  it('in every scenario', async () => {
    watchSnapshots();
    const catalog = loadCatalog();
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) await rehearse(scenarioInputs(loadScenario(`scenarios/${f}`), catalog), catalog);
    expect(checked).toBeGreaterThan(100);
  });

  it('in chaos-drawn worlds with faults', async () => {
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
