/**
 * An autoscaler in the manner of Ocean's: every few seconds it takes the Pending pods kube-scheduler could not place, runs the
 * planner's own `solve()` over the nodes still booting (with the pods already waiting for them) and the cluster context their
 * constraints count (autoscaler-view.ts: the Ready nodes are kube-scheduler's to fill), and launches the new nodes solve()
 * asks for, within each VNG's limits. Pods solve() cannot place, and that no existing node would hold either, are reported as
 * unplaceable with kube-scheduler's summary; InsufficientInstanceCapacity makes it back off that type/zone and try another.
 */
import type { CapacitySignal } from '../src/engine/ports.js';
import type { Cluster, Pod, Vng } from '../src/model/types.js';
import { clusterArchitectures } from '../src/planner/architecture-policy.js';
import { scaleUp, stillUnplaceable, vngsWithHeadroom, type LaunchedNode } from '../src/planner/scale-up.js';
import { fullView, NodeRequests, packingView } from './autoscaler-view.js';
import { ClassKeys } from './class-keys.js';
import type { SimPod, World } from './cluster.js';
import type { SimInstance } from './ec2.js';

interface Backoff {
  readonly vng: string;
  readonly instanceType: string;
  readonly zone: string;
  readonly until: number;
}

interface LaunchError {
  readonly vng: string;
  readonly text: string;
  readonly at: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class Autoscaler {
  /** Pending pod uid -> the instance launched (or booting) for it. */
  private readonly covered = new Map<string, string>();
  private unplaceable: { pod: string; reason: string }[] = [];
  private launchErrors: LaunchError[] = [];
  private backoffs: Backoff[] = [];
  private started = false;
  private lastSignature = '';
  private readonly requests: NodeRequests;
  /** The class keys of the pods solve() is given, kept from pass to pass. */
  private readonly classKeys: ClassKeys;
  /** The architectures solve() keeps pods on (the input cluster's, which never changes), worked out at the first pass. */
  private architectures: readonly string[] | null | undefined = undefined;
  ticks = 0;

  constructor(private readonly world: World) {
    this.requests = new NodeRequests(world);
    this.classKeys = new ClassKeys((m) => world.podOfModel(m));
  }

  /** Starts the periodic loop (first pass one interval from now). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const loop = (): void => {
      this.tick();
      this.world.queue.after(this.world.timing.autoscalerIntervalSeconds, 'autoscaler', loop);
    };
    this.world.queue.after(this.world.timing.autoscalerIntervalSeconds, 'autoscaler', loop);
  }

  signal(): CapacitySignal {
    return {
      unplaceable: this.unplaceable.map((u) => ({ ...u })),
      launchErrors: [...new Set(this.launchErrors.map((e) => e.text))],
    };
  }

  /** Instances launched and not yet a Ready node. */
  private inFlight(): SimInstance[] {
    const nodes = this.world.nodes;
    const out: SimInstance[] = [];
    for (const i of this.world.ec2.launched()) {
      if (i.state === 'shutting-down' || i.state === 'terminated') continue;
      const node = nodes.get(i.nodeName);
      if (!node || !node.ready) out.push(i);
    }
    return out;
  }

  tick(): void {
    const w = this.world;
    const now = w.queue.now;
    this.ticks += 1;
    this.backoffs = this.backoffs.filter((b) => b.until > now);
    const inFlight = this.inFlight();
    const flying = new Set(inFlight.map((i) => i.id));
    // Deleting the entry a Map iteration is at is safe: the walk goes on with the next.
    for (const [uid, id] of this.covered) if (!flying.has(id)) this.covered.delete(uid);

    const pending = w.pendingPods();
    const stuck = pending.filter((p) => p.unschedulable !== null);
    if (stuck.length === 0) {
      this.unplaceable = [];
      if (pending.length === 0) this.launchErrors = [];
      return;
    }
    const candidates = stuck.filter((p) => !this.covered.has(p.uid)).sort((a, b) => cmp(a.key, b.key));
    if (this.unplaceable.length > 0) {
      const stuckKeys = new Set(stuck.map(podKey));
      this.unplaceable = this.unplaceable.filter((u) => stuckKeys.has(u.pod));
    }
    if (candidates.length === 0) return;
    // Nothing changed since the last pass: the same answer (solve() is pure).
    const signature = `${w.generation}|${this.backoffs.length}|${inFlight.length}|${candidates.map((p) => p.uid).join(',')}`;
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;

    // The pods are packed onto the nodes still booting and new nodes (see autoscaler-view.ts).
    const { nodes, pods } = packingView(w, inFlight, this.covered, candidates, this.requests);
    const vngByName = new Map(w.vngs.map((v) => [v.name, v]));
    const view: Cluster = { ...w.input, nodes, pods, pdbs: [], workloads: [] };
    const moving = candidates.map((p) => w.modelPod(p, null));
    // null (architecture changes allowed) is an answer too: worked out once either way.
    if (this.architectures === undefined) this.architectures = w.allowArchitectureChange ? null : clusterArchitectures(w.input);
    const input = {
      view,
      pending: moving,
      vngs: this.vngView(inFlight),
      catalog: w.catalog,
      observed: w.observed,
      allocatable: w.allocatable,
      architectures: this.architectures,
      knownClassKey: this.classKeys.of,
    };
    const result = scaleUp(input);

    // Pods that fit a node still booting wait for it.
    const instByNode = new Map(inFlight.map((i) => [i.nodeName, i.id]));
    result.placements.forEach((pl, i) => {
      const pod = candidates[i];
      if (!pl || !pod || pl.vng !== null) return;
      const id = instByNode.get(pl.node);
      if (id !== undefined) this.covered.set(pod.uid, id);
    });
    for (const n of result.newNodes) {
      const vng = vngByName.get(n.vng);
      if (!vng) continue;
      const zone = n.zone ?? `${w.region}a`;
      if (w.faults.noCapacity(n.instanceType, zone, now)) {
        const text = `InsufficientInstanceCapacity: ${n.instanceType} in ${zone} (VNG ${vng.name})`;
        this.launchErrors = this.launchErrors.filter((e) => e.text !== text);
        this.launchErrors.push({ vng: vng.name, text, at: now });
        this.backoffs.push({ vng: vng.name, instanceType: n.instanceType, zone, until: now + w.timing.capacityBackoffSeconds });
        w.emit('launch.failed', `VNG ${vng.name}`, { instanceType: n.instanceType, zone, error: 'InsufficientInstanceCapacity' });
        continue;
      }
      const inst = w.launch(vng, n.instanceType, zone, w.nextNodeName());
      // A launch EC2 accepted resolves the VNG's earlier launch errors.
      this.launchErrors = this.launchErrors.filter((e) => e.vng !== vng.name);
      for (const i of n.pods) {
        const pod = candidates[i];
        if (pod) this.covered.set(pod.uid, inst.id);
      }
    }
    let misfits = result.misfits;
    if (misfits.length > 0) {
      // Pods an existing node would hold are not unplaceable: kube-scheduler places them once room frees.
      const full = fullView(w, inFlight, this.covered);
      const fullInput = { ...input, view: { ...view, nodes: full.nodes, pods: full.pods } };
      const again = scaleUp({ ...fullInput, pending: misfits.map(([i]) => moving[i] as Pod) });
      misfits = misfits.filter((_, j) => again.placements[j] === null);
      // Pods that only lack the types/zones in backoff wait for capacity (the launch errors say why); they are not misfits.
      if (misfits.length > 0 && this.backoffs.length > 0) misfits = stillUnplaceable({ ...fullInput, vngs: this.vngView(inFlight, false) }, misfits);
    }
    const unplaceable: { pod: string; reason: string }[] = [];
    for (const [i, why] of misfits) {
      const pod = candidates[i];
      if (pod) unplaceable.push({ pod: podKey(pod), reason: why.summary });
    }
    this.unplaceable = unplaceable.sort((a, b) => cmp(a.pod, b.pod));
  }

  /** The VNGs with what is already up (or booting) taken off their limits, and the types/zones in backoff left out. */
  private vngView(inFlight: readonly SimInstance[], withBackoffs = true): Vng[] {
    const w = this.world;
    const flying = new Set(inFlight.map((i) => i.id));
    const launched: LaunchedNode[] = [];
    // The registered nodes of launched instances (the only nodes with a VNG) not in flight. The order differs from the node
    // map's, and the sums do not depend on it: counts, whole vCPUs and memory in MiB / 1024 (integers in the catalog) are
    // exact in any order.
    for (const i of w.ec2.launched()) {
      const n = w.nodes.get(i.nodeName);
      if (n === undefined || n.vng === null || n.instanceId !== i.id || flying.has(i.id)) continue;
      launched.push({ vng: n.vng, instanceType: n.instanceType });
    }
    for (const i of inFlight) launched.push({ vng: i.vng, instanceType: i.instanceType });
    return vngsWithHeadroom(w.vngs, w.catalog, launched, withBackoffs ? this.backoffs : []);
  }
}

function podKey(p: SimPod): string {
  return p.key;
}
