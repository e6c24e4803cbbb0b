/** The two-node world most engine unit tests start from: old-a (web-1, api-1, a DaemonSet pod) and old-b (web-2). */
import type { MigrationEngine } from '../../src/engine/engine.js';
import type { CapacityPort, ClusterPort, PodView, Ports } from '../../src/engine/ports.js';
import { isTerminal, type EnginePlan, type MigrationState } from '../../src/engine/state.js';
import { DEFAULT_PARAMS, type MigrationParams } from '../../src/model/params.js';
import { FakeWorld } from './fake-ports.js';

export function twoNodeWorld(opts: { daemonSet?: boolean } = {}): FakeWorld {
  const w = new FakeWorld();
  w.addNode('old-a', 'i-0aaa');
  w.addNode('old-b', 'i-0bbb');
  w.addPod('shop', 'web-1', 'old-a', 'rs-web');
  w.addPod('shop', 'web-2', 'old-b', 'rs-web');
  w.addPod('shop', 'api-1', 'old-a', 'rs-api');
  if (opts.daemonSet !== false) w.addPod('kube-system', 'aws-node-x', 'old-a', 'ds-aws', { isDaemonSet: true, ownerKind: 'DaemonSet' });
  return w;
}

/**
 * One batch per node by default. Nodes are cordoned batch by batch (cordonAllAtStart off) unless `params` says otherwise: most
 * tests pin what happens to one batch's nodes; test/unit/engine/engine-cordon-all.test.ts pins the cordon of all at start.
 */
export function twoNodePlan(params: Partial<MigrationParams> = {}, batches: EnginePlan['batches'] = [{ nodes: ['old-a'] }, { nodes: ['old-b'] }]): EnginePlan {
  return {
    oldNodes: [
      { name: 'old-a', instanceId: 'i-0aaa' },
      { name: 'old-b', instanceId: 'i-0bbb' },
    ],
    batches,
    params: { ...DEFAULT_PARAMS, cordonAllAtStart: false, ...params },
    boundSeconds: 7200,
  };
}

/** The fake's ports, with `after(t)` called each time the engine's sleep has moved the clock (to change the world then). */
export function afterEachSleep(w: FakeWorld, after: (t: number) => void): Ports {
  const base = w.ports();
  return {
    ...base,
    clock: {
      now: base.clock.now,
      sleep: async (s) => {
        await base.clock.sleep(s);
        after(w.t);
      },
    },
  };
}

/** The fake's ports with the API down while `down(t)` holds (its apiDown switch, flipped as the clock moves). */
export function outage(w: FakeWorld, down: (t: number) => boolean): Ports {
  w.faults.apiDown = down(w.t);
  return afterEachSleep(w, (t) => {
    w.faults.apiDown = down(t);
  });
}

/** The fake's ports with the pod `namespace/name` gone (its termination finished) from time `at` on. */
export function podGoneFrom(w: FakeWorld, key: string, at: number): Ports {
  return afterEachSleep(w, (t) => {
    if (t >= at) w.pods.delete(key);
  });
}

/** The fake's ports (or `base`) with some cluster calls replaced; `overrides` is given the base cluster port to delegate to. */
export function withCluster(w: FakeWorld, overrides: (base: ClusterPort) => Partial<ClusterPort>, base: Ports = w.ports()): Ports {
  return { ...base, cluster: { ...base.cluster, ...overrides(base.cluster) } };
}

/** The fake's ports (or `base`) with the capacity signal and/or reconcile replaced. */
export function withCapacity(w: FakeWorld, overrides: Partial<CapacityPort>, base: Ports = w.ports()): Ports {
  return { ...base, capacity: { ...base.capacity, ...overrides } };
}

/** The fake's ports with the snapshot's pods (and maybe nodes, by time) rewritten. */
export function rewritten(w: FakeWorld, pods: (ps: PodView[]) => PodView[], hideNodes: (t: number) => readonly string[] = () => []): Ports {
  return withCluster(w, (base) => ({
    snapshot: () => {
      const snap = base.snapshot();
      const hidden = new Set(hideNodes(w.t));
      return { nodes: snap.nodes.filter((n) => !hidden.has(n.name)), pods: pods([...snap.pods]) };
    },
  }));
}

/**
 * Reconciles as run() does, but gives up at `untilT` on the fake's clock: for worlds where a wrong engine would never end.
 * Returns the state reached (the final save of run() is not made).
 */
export async function stepUntil(engine: MigrationEngine, w: FakeWorld, untilT: number): Promise<Readonly<MigrationState>> {
  while (!isTerminal(engine.current.status) && w.t <= untilT) {
    await engine.step();
    if (isTerminal(engine.current.status)) break;
    w.t += engine.current.settings.intervalSeconds;
  }
  return engine.current;
}
