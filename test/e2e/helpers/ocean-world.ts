/**
 * A MigrationWorld for the Spot API emulator that performs Ocean's migrations on the e2e control plane with vngshift's own
 * code: each migration the emulator accepts is a one-batch plan of its instances (the old nodes whose providerID names
 * them), run by the project's MigrationEngine through the live ports of src/live (cordon, evictions through the
 * Kubernetes API honouring PDBs, the KWOK capacity provider for new nodes, Node deletion for termination), its state
 * in a ConfigMap of its own namespace. Its status is read from the engine's state and the live caches, as Ocean would
 * report it: old instances Waiting, Cordoned, Drained, Terminated or Uncordoned with their running pods, the new nodes
 * created since, unscheduled pods, and Ocean's failure text when the engine failed. A stop through the API becomes the
 * engine's stop request (with terminate-drained as asked).
 */
import type { Catalog } from '../../../src/catalog/catalog.js';
import { MigrationEngine } from '../../../src/engine/engine.js';
import type { ClusterPort, Ports } from '../../../src/engine/ports.js';
import { DEFAULT_ENGINE_SETTINGS, initialState, isTerminal, type MigrationState, type StopRequest } from '../../../src/engine/state.js';
import { migrationStatus } from '../../../src/engine/status.js';
import { openLiveWorld, type LiveWorld } from '../../../src/live/index.js';
import type { Vng } from '../../../src/model/types.js';
import { parseParams } from '../../../src/model/params.js';
import type { MigrationRequestBody, MigrationWorld, WorldInstance, WorldStatus } from '../../helpers/spot-emulator.js';

export interface KubeWorldOptions {
  readonly kubeconfig: string;
  /** Where the engines keep their states (one ConfigMap per Ocean migration id). */
  readonly namespace: string;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
}

export interface KubeWorld extends MigrationWorld {
  /** Parameters Ocean keeps to itself (its own batch time budget, drain threshold), for the migrations started next. */
  settings: { batchTimeBudgetSeconds: number; drainTimeThresholdSeconds: number };
  /** The engines' states by Ocean migration id. */
  readonly engines: Map<string, MigrationEngine>;
  /** Resolves once every migration's engine has ended its loop (after a stop or at the end of a test). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const OCEAN_STATE: Record<string, string> = {
  waiting: 'Waiting',
  cordoned: 'Cordoned',
  drained: 'Drained',
  terminated: 'Terminated',
  uncordoned: 'Uncordoned',
  kept: 'Kept',
};

export async function startKubeWorld(o: KubeWorldOptions): Promise<KubeWorld> {
  const live: LiveWorld = await openLiveWorld({
    kubeconfig: o.kubeconfig,
    namespace: o.namespace,
    migrationId: 'ocean-world',
    capacity: 'kwok',
    vngs: o.vngs,
    catalog: o.catalog,
    dryRun: false,
  });
  const engines = new Map<string, MigrationEngine>();
  const loops = new Map<string, Promise<void>>();
  const stops = new Map<string, StopRequest>();
  const errors = new Map<string, string>();
  let closing = false;

  /** The live cluster port, with each engine's stop request coming from the emulator's stop instead of the ConfigMap. */
  const portsFor = (id: string): Ports => {
    const c = live.ports.cluster;
    const cluster: ClusterPort = {
      snapshot: () => c.snapshot(),
      cordon: (n) => c.cordon(n),
      uncordon: (n) => c.uncordon(n),
      evict: (ns, n) => c.evict(ns, n),
      deletePod: (ns, n) => c.deletePod(ns, n),
      deleteNode: (n) => c.deleteNode(n),
      saveState: (s) => c.saveState(s),
      loadState: (m) => c.loadState(m),
      stopRequest: () => Promise.resolve(stops.get(id) ?? null),
      recordEvent: (k, ns, n, r, m) => c.recordEvent(k, ns, n, r, m),
    };
    return { ...live.ports, cluster };
  };

  const world: KubeWorld = {
    settings: { batchTimeBudgetSeconds: 600, drainTimeThresholdSeconds: 600 },
    engines,
    start(id: string, _oceanId: string, req: MigrationRequestBody) {
      const snap = live.ports.cluster.snapshot();
      const byId = new Map(snap.nodes.flatMap((n) => (n.instanceId !== null ? [[n.instanceId, n.name] as const] : [])));
      const oldNodes = req.instanceIds.flatMap((i) => {
        const name = byId.get(i);
        return name === undefined ? [] : [{ name, instanceId: i }];
      });
      const params = parseParams(
        {
          instanceIds: [...req.instanceIds],
          batchSizePercentage: 100,
          respectPdb: req.respectPdb,
          forcePodEvictionOnPdbFailure: req.forcePodEvictionOnPdbFailure,
          shouldEvictStandAlonePods: req.shouldEvictStandAlonePods,
          shouldTerminateDrainedNodes: req.shouldTerminateDrainedNodes,
          batchMinHealthyPercentage: req.batchMinHealthyPercentage,
          batchTimeBudgetSeconds: world.settings.batchTimeBudgetSeconds,
          drainTimeThresholdSeconds: world.settings.drainTimeThresholdSeconds,
        },
        'Ocean migration request',
      );
      const clock = live.ports.clock;
      const state = initialState(id, { oldNodes, batches: [{ nodes: oldNodes.map((n) => n.name) }], params, boundSeconds: 3600 }, clock.now(), {
        ...DEFAULT_ENGINE_SETTINGS,
        intervalSeconds: 1,
      });
      const engine = new MigrationEngine(portsFor(id), state);
      engines.set(id, engine);
      const loop = (async () => {
        try {
          while (!isTerminal(engine.current.status) && !closing) {
            await engine.step();
            if (isTerminal(engine.current.status)) break;
            await clock.sleep(1);
          }
          if (isTerminal(engine.current.status)) await engine.finish();
        } catch (e) {
          errors.set(id, e instanceof Error ? e.message : String(e));
        }
      })();
      loops.set(id, loop);
    },
    status(id: string): WorldStatus {
      const engine = engines.get(id);
      if (engine === undefined) throw new Error(`the world knows no migration ${id}`);
      const state = engine.current as MigrationState;
      let snap;
      try {
        snap = live.ports.cluster.snapshot();
      } catch {
        snap = { nodes: [], pods: [] };
      }
      const view = migrationStatus(state, snap);
      const podsOn = (node: string): { id: string; name: string; kind: string }[] =>
        snap.pods
          .filter((p) => p.nodeName === node && !p.isDaemonSet && !p.isMirror && p.phase === 'Running' && !p.terminating)
          .map((p) => ({ id: p.uid, name: `${p.namespace}/${p.name}`, kind: p.ownerKind ?? 'Pod' }));
      const oldInstances: WorldInstance[] = state.oldNodes.map((n) => {
        const pods = podsOn(n.name);
        return { instanceId: n.instanceId ?? '', k8sNodeName: n.name, state: OCEAN_STATE[state.nodePhase[n.name] ?? 'waiting'] ?? 'Waiting', runningPods: pods.length, podDetails: pods };
      });
      const newInstances: WorldInstance[] = view.newInstances.map((n) => ({
        instanceId: n.instanceId ?? '',
        k8sNodeName: n.nodeName,
        state: n.state === 'running' ? 'Running' : 'Pending',
        runningPods: n.runningPods,
      }));
      const crashed = errors.get(id);
      return {
        status: crashed !== undefined ? 'Failed' : state.status,
        oldInstances,
        newInstances,
        unscheduledPodIds: view.unscheduledPods,
        ...(state.failure !== null ? { errorMessage: state.failure.message } : crashed !== undefined ? { errorMessage: `world error: ${crashed}` } : {}),
      };
    },
    stop(id: string, terminateDrained: boolean) {
      stops.set(id, { terminateDrained, requestedAt: live.ports.clock.now() });
    },
    async idle() {
      await Promise.all(loops.values());
    },
    async close() {
      closing = true;
      await Promise.all(loops.values());
      await live.close();
    },
  };
  return world;
}
