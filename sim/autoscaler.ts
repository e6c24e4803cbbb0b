/**
 * An autoscaler in the manner of Ocean's: every few seconds it takes the Pending pods kube-scheduler could not place, runs the
 * planner's own `solve()` over the cluster as it is now (nodes still booting count as nodes, with the pods already waiting
 * for them), and launches the new nodes solve() asks for, within each VNG's limits. Pods solve() cannot place are reported as
 * unplaceable with kube-scheduler's summary; InsufficientInstanceCapacity makes it back off that type/zone and try another.
 */
import type { CapacitySignal } from '../src/engine/ports.js';
import type { Cluster, Node, Pod, Vng } from '../src/model/types.js';
import { clusterArchitectures, constrainsArch } from '../src/planner/architecture-policy.js';
import { solve } from '../src/planner/pack.js';
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
  ticks = 0;

  constructor(private readonly world: World) {}

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
    return this.world.ec2.list().filter((i) => {
      if (i.old || i.state === 'shutting-down' || i.state === 'terminated') return false;
      const node = this.world.nodes.get(i.nodeName);
      return !node || !node.ready;
    });
  }

  tick(): void {
    const w = this.world;
    const now = w.queue.now;
    this.ticks += 1;
    this.backoffs = this.backoffs.filter((b) => b.until > now);
    const inFlight = this.inFlight();
    const flying = new Set(inFlight.map((i) => i.id));
    for (const [uid, id] of [...this.covered]) if (!flying.has(id)) this.covered.delete(uid);

    const pending = w.pendingPods();
    const stuck = pending.filter((p) => p.unschedulable !== null);
    if (stuck.length === 0) {
      this.unplaceable = [];
      if (pending.length === 0) this.launchErrors = [];
      return;
    }
    const candidates = stuck.filter((p) => !this.covered.has(p.uid)).sort((a, b) => cmp(podKey(a), podKey(b)));
    this.unplaceable = this.unplaceable.filter((u) => stuck.some((p) => podKey(p) === u.pod));
    if (candidates.length === 0) return;
    // Nothing changed since the last pass: the same answer (solve() is pure).
    const signature = `${w.generation}|${this.backoffs.length}|${inFlight.length}|${candidates.map((p) => p.uid).join(',')}`;
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;

    // The cluster as it is, plus the nodes still booting (with the pods already waiting for them).
    const nodes: Node[] = [...w.nodes.values()].sort((a, b) => cmp(a.name, b.name)).map((n) => w.modelNode(n));
    const pods: Pod[] = [];
    for (const k of [...w.pods.keys()].sort()) {
      const p = w.pods.get(k) as SimPod;
      if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
      const at = p.nodeName ?? p.assumed;
      if (at !== null) pods.push(w.modelPod(p, at));
    }
    const vngByName = new Map(w.vngs.map((v) => [v.name, v]));
    const flyingNodes = new Set<string>();
    for (const inst of inFlight) {
      const vng = inst.vng === null ? undefined : vngByName.get(inst.vng);
      if (!vng || inst.instanceType === null || inst.zone === null || w.nodes.has(inst.nodeName)) continue;
      const labels = w.launchLabels(vng, inst.instanceType, inst.zone, inst.nodeName);
      const res = w.nodeResourcesFor(vng, inst.instanceType);
      if (!labels || !res) continue;
      flyingNodes.add(inst.nodeName);
      nodes.push({
        name: inst.nodeName,
        uid: `booting-${inst.id}`,
        labels,
        annotations: {},
        taints: vng.taints,
        capacity: res.capacity,
        allocatable: res.allocatable,
        unschedulable: false,
        providerID: `aws:///${inst.zone}/${inst.id}`,
        instanceType: inst.instanceType,
        zone: inst.zone,
        instanceId: inst.id,
        ready: true,
      });
      for (const d of w.daemonSetsFor(inst.nodeName, labels, vng.taints)) pods.push({ ...w.daemonPodBase(d, inst.nodeName), uid: `ds-${d.uid}-${inst.id}`, name: `${d.name}-${inst.id}` });
    }
    for (const k of [...w.pods.keys()].sort()) {
      const p = w.pods.get(k) as SimPod;
      const id = this.covered.get(p.uid);
      const inst = id === undefined ? undefined : w.ec2.get(id);
      if (inst && flyingNodes.has(inst.nodeName) && p.nodeName === null && p.assumed === null) pods.push(w.modelPod(p, inst.nodeName));
    }
    nodes.sort((a, b) => cmp(a.name, b.name));
    const view: Cluster = { ...w.input, nodes, pods, pdbs: [], workloads: [] };
    const moving = candidates.map((p) => w.modelPod(p, null));
    const archs = clusterArchitectures(w.input);
    const result = solve({
      ...(w.allowArchitectureChange ? {} : { podArchitectures: moving.map((p) => (constrainsArch(p) ? null : archs)) }),
      cluster: view,
      vngs: this.vngView(inFlight),
      catalog: w.catalog,
      migratingNodes: new Set(),
      movingPods: moving,
      observed: w.observed,
    });

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
    let misfits = [...result.unschedulable.entries()].sort((a, b) => a[0] - b[0]);
    if (misfits.length > 0 && this.backoffs.length > 0) {
      // Pods that only lack the types/zones in backoff wait for capacity (the launch errors say why); they are not misfits.
      const again = solve({
        cluster: view,
        vngs: this.vngView(inFlight, false),
        catalog: w.catalog,
        migratingNodes: new Set(),
        movingPods: misfits.map(([i]) => moving[i] as Pod),
        observed: w.observed,
      });
      misfits = misfits.filter((_, j) => again.placements[j] === null);
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
    const used = new Map<string, { count: number; vcpu: number; memoryGiB: number }>();
    const count = (vng: string | null, type: string | null): void => {
      if (vng === null) return;
      const u = used.get(vng) ?? { count: 0, vcpu: 0, memoryGiB: 0 };
      const it = type === null ? undefined : w.catalog.byName.get(type);
      u.count += 1;
      u.vcpu += it?.vcpu ?? 0;
      u.memoryGiB += (it?.memoryMiB ?? 0) / 1024;
      used.set(vng, u);
    };
    const flying = new Set(inFlight.map((i) => i.id));
    for (const n of w.nodes.values()) if (n.vng !== null && (n.instanceId === null || !flying.has(n.instanceId))) count(n.vng, n.instanceType);
    for (const i of inFlight) count(i.vng, i.instanceType);
    return w.vngs.map((v) => {
      const u = used.get(v.name) ?? { count: 0, vcpu: 0, memoryGiB: 0 };
      const off = withBackoffs ? this.backoffs.filter((b) => b.vng === v.name) : [];
      // Types in backoff are left out everywhere (solve() picks type and zone together); a zone where two or more types
      // failed is left out too (the shortage is the zone's).
      let types = v.instanceTypes.filter((t) => !off.some((b) => b.instanceType === t));
      const badZone = (z: string): boolean => new Set(off.filter((b) => b.zone === z).map((b) => b.instanceType)).size >= 2;
      const zones = v.zones.filter((z) => !badZone(z));
      if (v.zones.length > 0 && zones.length === 0) types = [];
      return {
        ...v,
        instanceTypes: types,
        zones,
        minInstanceCount: Math.max(0, v.minInstanceCount - u.count),
        maxInstanceCount: v.maxInstanceCount === null ? null : Math.max(0, v.maxInstanceCount - u.count),
        maxVCpu: v.maxVCpu === null ? null : Math.max(0, v.maxVCpu - u.vcpu),
        maxMemoryGiB: v.maxMemoryGiB === null ? null : Math.max(0, v.maxMemoryGiB - u.memoryGiB),
      };
    });
  }
}

function podKey(p: SimPod): string {
  return `${p.namespace}/${p.name}`;
}
