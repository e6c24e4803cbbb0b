/**
 * A small in-memory fake of every engine port, for unit tests of the engine alone: time advances only through sleep(),
 * evicted pods are replaced at once on a new node (ready after `replacementReadySeconds`), and faults are switches.
 */
import {
  PortError,
  type CapacitySignal,
  type ClusterSnapshot,
  type EngineEvent,
  type EvictOutcome,
  type NodeView,
  type PodView,
  type Ports,
} from '../../src/engine/ports.js';
import type { MigrationState, StopRequest } from '../../src/engine/state.js';
import { stateText } from '../../src/engine/state-text.js';

export interface FakeFaults {
  pdbBlocked: Set<string>;
  terminateForbidden: boolean;
  uncordonForbidden: boolean;
  apiDown: boolean;
  unplaceable: { pod: string; reason: string }[];
  /** Replacements of these owners never become Ready. */
  neverReadyOwners: Set<string>;
}

/**
 * The fake clock's end of the world: a run still sleeping past it never ends, and the test fails at once with this error
 * instead of spinning forever (a wrong engine that never reaches a terminal state is a failure, not a hang).
 */
export const FAKE_HORIZON_SECONDS = 86_400;

export class FakeWorld {
  t = 0;
  nodes = new Map<string, NodeView>();
  pods = new Map<string, PodView & { readyAt: number; replacement: boolean }>();
  saved: MigrationState | null = null;
  stop: StopRequest | null = null;
  /** The stop request becomes visible at this time. */
  stopAt = 0;
  terminated: string[] = [];
  events: EngineEvent[] = [];
  calls: string[] = [];
  replacementReadySeconds = 20;
  private seq = 0;
  faults: FakeFaults = {
    pdbBlocked: new Set(),
    terminateForbidden: false,
    uncordonForbidden: false,
    apiDown: false,
    unplaceable: [],
    neverReadyOwners: new Set(),
  };

  addNode(name: string, instanceId: string | null): void {
    this.nodes.set(name, { name, instanceId, unschedulable: false, ready: true, labels: {}, createdAt: 0 });
  }

  addPod(namespace: string, name: string, nodeName: string, ownerUid: string | null, extra: Partial<PodView> = {}): void {
    this.pods.set(`${namespace}/${name}`, {
      uid: `${namespace}/${name}`,
      namespace,
      name,
      nodeName,
      phase: 'Running',
      ready: true,
      terminating: false,
      ownerKind: ownerUid === null ? null : 'ReplicaSet',
      ownerUid,
      isDaemonSet: false,
      isMirror: false,
      disruptionOptOuts: [],
      createdAt: 0,
      readyAt: 0,
      replacement: false,
      ...extra,
    });
  }

  private refresh(): void {
    for (const [k, p] of this.pods) {
      const ready = p.readyAt <= this.t && !(p.ownerUid !== null && this.faults.neverReadyOwners.has(p.ownerUid) && p.replacement);
      if (ready !== p.ready) this.pods.set(k, { ...p, ready });
    }
  }

  private down(): void {
    if (this.faults.apiDown) throw new PortError('connectivity', 'connection refused');
  }

  private replace(p: PodView): void {
    this.pods.delete(`${p.namespace}/${p.name}`);
    if (p.ownerUid === null) return;
    const name = `${p.name}-r${++this.seq}`;
    if (!this.nodes.has('new-1')) this.nodes.set('new-1', { name: 'new-1', instanceId: 'i-new1', unschedulable: false, ready: true, labels: {}, createdAt: this.t });
    this.pods.set(`${p.namespace}/${name}`, {
      ...p,
      uid: `${p.namespace}/${name}`,
      name,
      nodeName: 'new-1',
      ready: false,
      createdAt: this.t,
      readyAt: this.t + this.replacementReadySeconds,
      replacement: true,
    });
  }

  ports(): Ports {
    const w = this;
    return {
      cluster: {
        snapshot(): ClusterSnapshot {
          w.down();
          w.refresh();
          return { nodes: [...w.nodes.values()], pods: [...w.pods.values()] };
        },
        async cordon(node) {
          w.down();
          w.calls.push(`cordon ${node}`);
          const n = w.nodes.get(node);
          if (n) w.nodes.set(node, { ...n, unschedulable: true });
        },
        async uncordon(node) {
          w.down();
          w.calls.push(`uncordon ${node}`);
          if (w.faults.uncordonForbidden) throw new PortError('forbidden', 'nodes is forbidden: cannot patch');
          const n = w.nodes.get(node);
          if (n) w.nodes.set(node, { ...n, unschedulable: false });
        },
        async evict(namespace, name): Promise<EvictOutcome> {
          w.down();
          const key = `${namespace}/${name}`;
          w.calls.push(`evict ${key}`);
          const p = w.pods.get(key);
          if (!p) return { kind: 'gone' };
          if (w.faults.pdbBlocked.has(key)) return { kind: 'blocked-by-pdb', message: 'Cannot evict pod as it would violate the pod disruption budget.' };
          w.replace(p);
          return { kind: 'evicted' };
        },
        async deletePod(namespace, name) {
          w.down();
          const key = `${namespace}/${name}`;
          w.calls.push(`delete ${key}`);
          const p = w.pods.get(key);
          if (p) w.replace(p);
        },
        async deleteNode(node) {
          w.calls.push(`delete-node ${node}`);
          w.nodes.delete(node);
        },
        async saveState(state) {
          w.down();
          const text = JSON.stringify(state);
          // The engine's kept state text (state-text.ts) must be what it saves: a change it did not tell would show here.
          if (stateText(state) !== text) throw new Error('the kept state text is out of date');
          w.saved = JSON.parse(text) as MigrationState;
        },
        async loadState() {
          return w.saved === null ? null : (JSON.parse(JSON.stringify(w.saved)) as MigrationState);
        },
        async stopRequest() {
          return w.t >= w.stopAt ? w.stop : null;
        },
        async recordEvent() {},
      },
      cloud: {
        async terminateInstances(ids) {
          w.calls.push(`terminate ${ids.join(',')}`);
          if (w.faults.terminateForbidden) throw new PortError('forbidden', 'You are not authorized to perform this operation.', 'UnauthorizedOperation');
          w.terminated.push(...ids);
        },
      },
      capacity: {
        async reconcile() {},
        signal(): CapacitySignal {
          return { unplaceable: w.faults.unplaceable, launchErrors: [] };
        },
      },
      clock: {
        now: () => w.t,
        async sleep(s) {
          w.t += s;
          if (w.t > FAKE_HORIZON_SECONDS) throw new Error(`fake clock: still running at t=${w.t}s, past the ${FAKE_HORIZON_SECONDS}s horizon`);
        },
      },
      trace: { record: (e) => w.events.push(e) },
    };
  }
}
