/**
 * What the capacity providers that launch nodes themselves (kwok: KWOK Node objects, capacity-kwok.ts; ec2: EC2
 * RunInstances, aws/ec2-capacity.ts) share: the decision. On each reconcile it takes the Pending pods kube-scheduler could
 * not place (PodScheduled=False, reason Unschedulable), reads the cluster into the model, and asks the planner's scale-up
 * (the same pure code the simulator's autoscaler runs, src/planner/scale-up.ts) which nodes of which VNG, instance type and
 * zone to launch; a NodeLauncher launches each one.
 *
 * A launched node is booting until a Ready Node is seen whose name is its name or whose providerID names its instance
 * (or until a give-up time); the pods it was launched for wait for it, and later solves count it as a node of its VNG
 * (a registered one as Ready, one not registered yet as its VNG template with its DaemonSet pods).
 *
 * A launch the cloud refuses for want of capacity (the launcher says `unavailable`, e.g. InsufficientInstanceCapacity)
 * puts that VNG, instance type and zone in backoff for a while (vngsWithHeadroom leaves it out), is reported in
 * signal().launchErrors until a launch of the VNG succeeds or no pod waits any more, and the pods it was for are solved
 * again at the next reconcile, against the types and zones left. Pods that fit no VNG are reported unplaceable with
 * kube-scheduler's summary; pods that would fit only the types and zones in backoff, with the launch errors as reason.
 */
import type { AllocatableOptions, NodeResources } from '../catalog/allocatable.js';
import type { Catalog } from '../catalog/catalog.js';
import { observedResources } from '../catalog/observed.js';
import type { CapacitySignal } from '../engine/ports.js';
import { instanceIdFromProviderId } from '../model/kube/node.js';
import type { Cluster, Node, Pod, Vng } from '../model/types.js';
import { clusterArchitectures } from '../planner/architecture-policy.js';
import { bootingNodeModel, scaleUp, stillUnplaceable, vngsWithHeadroom, type CapacityBackoff, type LaunchedNode } from '../planner/scale-up.js';
import type { LiveContext } from './context.js';
import { readClusterLive } from './read-cluster.js';
import { conditionIs, unschedulableMessage } from './views.js';

/** On nodes vngshift creates (KWOK) or instances it launches (EC2, as a tag): the VNG that launched it. */
export const VNG_ANNOTATION = 'vngshift.io/vng';

/** The same pending pods and nodes are solved again at least this often. */
const RESOLVE_MS = 60 * 1000;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One node to launch, as the scale-up chose it. */
export interface LaunchRequest {
  readonly vng: Vng;
  readonly instanceType: string;
  readonly zone: string;
  readonly region: string;
  /** How many pending pods it is launched for. */
  readonly podCount: number;
  /** What nodes of each instance type report (for a node manifest). */
  readonly observed: ReadonlyMap<string, NodeResources>;
  readonly allocatable: AllocatableOptions;
}

export type LaunchOutcome =
  /** Launched: waited for until a Ready Node has this name or names this instance in its providerID. */
  | { readonly kind: 'booting'; readonly name: string; readonly instanceId: string }
  /** Nothing to wait for (a dry run, or an instance type the catalog does not know). */
  | { readonly kind: 'untracked' }
  /** The cloud has no capacity for this type in this zone now: back off from it, and say why. */
  | { readonly kind: 'unavailable'; readonly error: string };

export interface NodeLauncher {
  /** Launches one node; a failure other than `unavailable` throws (a PortError). */
  launch(req: LaunchRequest): Promise<LaunchOutcome>;
}

/** A launched node not Ready yet. */
export interface Booting {
  readonly name: string;
  readonly instanceId: string;
  readonly vng: Vng;
  readonly instanceType: string;
  readonly zone: string;
  readonly createdAtMs: number;
}

export interface ScaleUpProviderOptions {
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  /** Let pods without an architecture constraint land on another CPU architecture than the cluster's. */
  readonly allowArchitectureChange?: boolean;
  /** Node options of the plan (--max-pods, --vm-memory-overhead-percent). */
  readonly allocatable?: AllocatableOptions;
  /** How the cluster is read into the model (default: readClusterLive with the caches' nodes and pods); tests replace it. */
  readonly readCluster?: (nodes: readonly unknown[], pods: readonly unknown[]) => Promise<Cluster>;
  /** A node not Ready this long after its launch is no longer waited for. */
  readonly bootGiveUpMs: number;
  /** How long a VNG instance type and zone refused for capacity is left out. */
  readonly backoffMs?: number;
  /** Called when a booting node is given up (not Ready in time); the text, if any, is reported as a launch error. */
  readonly onGiveUp?: (b: Booting) => string | null;
  /** The wall clock in ms (tests replace it). */
  readonly nowMs?: () => number;
}

interface Backoff extends CapacityBackoff {
  readonly untilMs: number;
}

export class ScaleUpProvider {
  private readonly booting = new Map<string, Booting>();
  /** Pending pod uid -> the instance id of the booting node it waits for. */
  private readonly covered = new Map<string, string>();
  /** Instance id -> the VNG that launched it (this process, or found again), to count a node toward its VNG's limits. */
  private readonly vngOfInstance = new Map<string, string>();
  private unplaceable: { pod: string; reason: string }[] = [];
  private launchErrors: { vng: string; text: string }[] = [];
  private backoffs: Backoff[] = [];
  private lastSignature = '';
  private lastSolveMs = 0;
  private archs: readonly string[] | null = null;
  private vngs: readonly Vng[];

  constructor(
    private readonly ctx: LiveContext,
    private readonly opts: ScaleUpProviderOptions,
    private readonly launcher: NodeLauncher,
  ) {
    this.vngs = opts.vngs;
  }

  private now(): number {
    return this.opts.nowMs ? this.opts.nowMs() : Date.now();
  }

  /** Replaces the VNGs launched from (e.g. with their zones as the cloud knows them). */
  useVngs(vngs: readonly Vng[]): void {
    this.vngs = vngs;
    this.lastSignature = '';
  }

  /** A node launched before (by an earlier process of the migration) that is to be waited for as if launched now. */
  adopt(b: Booting): void {
    this.booting.set(b.instanceId, b);
    this.vngOfInstance.set(b.instanceId, b.vng.name);
  }

  /** The VNG types and zones in backoff now. */
  activeBackoffs(): readonly CapacityBackoff[] {
    const now = this.now();
    return this.backoffs.filter((b) => b.untilMs > now).map(({ vng, instanceType, zone }) => ({ vng, instanceType, zone }));
  }

  signal(): CapacitySignal {
    return { unplaceable: this.unplaceable.map((u) => ({ ...u })), launchErrors: [...new Set(this.launchErrors.map((e) => e.text))] };
  }

  async reconcile(): Promise<void> {
    const ctx = this.ctx;
    const rawNodes = ctx.nodes.list();
    const rawPods = ctx.pods.list();
    const nowMs = this.now();
    this.backoffs = this.backoffs.filter((b) => b.untilMs > nowMs);
    const readyNames = new Set<string>();
    const readyIds = new Set<string>();
    for (const n of rawNodes) {
      const o = n as { metadata?: { name?: string }; spec?: { providerID?: unknown }; status?: unknown };
      if (!conditionIs(o.status, 'Ready')) continue;
      if (typeof o.metadata?.name === 'string') readyNames.add(o.metadata.name);
      const id = typeof o.spec?.providerID === 'string' ? instanceIdFromProviderId(o.spec.providerID) : null;
      if (id !== null) readyIds.add(id);
    }
    for (const [id, b] of [...this.booting]) {
      if (readyNames.has(b.name) || readyIds.has(id)) this.booting.delete(id);
      else if (nowMs - b.createdAtMs > this.opts.bootGiveUpMs) {
        this.booting.delete(id);
        const text = this.opts.onGiveUp?.(b) ?? null;
        if (text !== null) this.launchErrors.push({ vng: b.vng.name, text });
      }
    }
    for (const [uid, id] of [...this.covered]) if (!this.booting.has(id)) this.covered.delete(uid);

    const stuck: { uid: string; key: string }[] = [];
    for (const p of rawPods) {
      if (unschedulableMessage(p) === null) continue;
      const m = (p as { metadata?: { uid?: string; namespace?: string; name?: string } }).metadata ?? {};
      stuck.push({ uid: m.uid ?? '', key: `${m.namespace ?? 'default'}/${m.name ?? ''}` });
    }
    stuck.sort((a, b) => cmp(a.key, b.key));
    if (stuck.length === 0) {
      this.unplaceable = [];
      this.launchErrors = [];
      return;
    }
    const stuckKeys = new Set(stuck.map((s) => s.key));
    this.unplaceable = this.unplaceable.filter((u) => stuckKeys.has(u.pod));
    const candidates = stuck.filter((s) => !this.covered.has(s.uid));
    if (candidates.length === 0) return;
    const nodeSig = rawNodes
      .map((n) => {
        const o = n as { metadata?: { name?: string }; spec?: { unschedulable?: boolean } };
        return `${o.metadata?.name ?? ''}:${readyNames.has(o.metadata?.name ?? '') ? 1 : 0}${o.spec?.unschedulable === true ? 'u' : ''}`;
      })
      .sort()
      .join(',');
    const backoffSig = this.backoffs.map((b) => `${b.vng}/${b.instanceType}/${b.zone}`).join(',');
    const signature = `${nodeSig}|${[...this.booting.keys()].join(',')}|${backoffSig}|${candidates.map((c) => c.uid).join(',')}`;
    if (signature === this.lastSignature && nowMs - this.lastSolveMs < RESOLVE_MS) return;
    this.lastSignature = signature;
    this.lastSolveMs = nowMs;

    const cluster = this.opts.readCluster
      ? await this.opts.readCluster(rawNodes, rawPods)
      : await readClusterLive(ctx.kc, { api: ctx.api, prefetched: { nodes: rawNodes, pods: rawPods } });
    await this.solveAndLaunch(cluster, candidates.map((c) => c.key));
  }

  /** One scale-up pass over the cluster read just now, for the candidate pods (namespace/name, in order). */
  private async solveAndLaunch(cluster: Cluster, candidateKeys: readonly string[]): Promise<void> {
    const { catalog } = this.opts;
    const vngs = this.vngs;
    const region = cluster.nodes.map((n) => n.labels['topology.kubernetes.io/region']).find((r): r is string => r !== undefined) ?? catalog.region;
    const observed = observedResources(cluster.nodes);
    if (this.archs === null) this.archs = clusterArchitectures(cluster);
    const podByKey = new Map(cluster.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    const vngByName = new Map(vngs.map((v) => [v.name, v]));

    // The cluster as it is, with each node still booting counted as it will be once Ready: a registered one as Ready, one
    // not registered yet as its VNG template (with its DaemonSet pods), and the pods waiting for it placed there.
    const isBooting = (n: Node): boolean => (n.instanceId !== null && this.booting.has(n.instanceId)) || [...this.booting.values()].some((b) => b.name === n.name);
    const registeredIds = new Set(cluster.nodes.map((n) => n.instanceId).filter((id): id is string => id !== null));
    const registeredNames = new Set(cluster.nodes.map((n) => n.name));
    const registered = (b: Booting): boolean => registeredIds.has(b.instanceId) || registeredNames.has(b.name);
    // The name each booting instance has in the view (its Node's once registered), to tell which pods wait for it.
    const bootingByViewName = new Map<string, string>();
    const nodes: Node[] = cluster.nodes.map((n) => {
      if (!isBooting(n)) return n;
      const id = n.instanceId !== null && this.booting.has(n.instanceId) ? n.instanceId : ([...this.booting.values()].find((b) => b.name === n.name)?.instanceId ?? '');
      bootingByViewName.set(n.name, id);
      return n.ready ? n : { ...n, ready: true };
    });
    const pods: Pod[] = [];
    const allocatable = this.opts.allocatable ?? {};
    const launchCtx = { catalog, observed, allocatable, region, daemonSets: cluster.daemonSets };
    for (const b of [...this.booting.values()].sort((x, y) => cmp(x.name, y.name))) {
      if (registered(b)) continue;
      const model = bootingNodeModel(b, launchCtx);
      if (!model) continue;
      nodes.push(model.node);
      pods.push(...model.daemonPods);
      bootingByViewName.set(b.name, b.instanceId);
    }
    const nameOfInstance = new Map([...bootingByViewName].map(([name, id]) => [id, name]));
    for (const p of cluster.pods) {
      if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
      const waitsOn = this.covered.get(p.uid);
      const at = p.nodeName ?? (waitsOn !== undefined ? (nameOfInstance.get(waitsOn) ?? null) : null);
      if (at !== null) pods.push(p.nodeName === at ? p : { ...p, nodeName: at });
    }
    nodes.sort((a, b) => cmp(a.name, b.name));
    const view: Cluster = { ...cluster, nodes, pods, pdbs: [], workloads: [] };

    const candidates = candidateKeys.map((k) => podByKey.get(k)).filter((p): p is Pod => p !== undefined && p.nodeName === null);
    if (candidates.length === 0) return;
    const launched: LaunchedNode[] = [];
    for (const n of cluster.nodes) {
      const vng = n.annotations[VNG_ANNOTATION] ?? (n.instanceId !== null ? this.vngOfInstance.get(n.instanceId) : undefined);
      if (vng !== undefined) launched.push({ vng, instanceType: n.instanceType });
    }
    for (const b of this.booting.values()) if (!registered(b)) launched.push({ vng: b.vng.name, instanceType: b.instanceType });
    const backoffs = this.activeBackoffs();
    const input = { view, pending: candidates, catalog, observed, allocatable };
    const result = scaleUp({
      ...input,
      vngs: vngsWithHeadroom(vngs, catalog, launched, backoffs),
      architectures: this.opts.allowArchitectureChange === true ? null : this.archs,
    });

    // Pods that fit a node still booting wait for it.
    result.placements.forEach((pl, i) => {
      const pod = candidates[i];
      const id = pl && pl.vng === null ? bootingByViewName.get(pl.node) : undefined;
      if (pod && id !== undefined) this.covered.set(pod.uid, id);
    });
    for (const n of result.newNodes) {
      const vng = vngByName.get(n.vng);
      if (!vng) continue;
      const zone = n.zone ?? `${region}a`;
      const outcome = await this.launcher.launch({ vng, instanceType: n.instanceType, zone, region, podCount: n.pods.length, observed, allocatable });
      if (outcome.kind === 'untracked') continue;
      if (outcome.kind === 'unavailable') {
        this.launchErrors = this.launchErrors.filter((e) => e.text !== outcome.error);
        this.launchErrors.push({ vng: vng.name, text: outcome.error });
        this.backoffs.push({ vng: vng.name, instanceType: n.instanceType, zone, untilMs: this.now() + (this.opts.backoffMs ?? 0) });
        continue;
      }
      // A launch the cloud accepted resolves the VNG's earlier launch errors.
      this.launchErrors = this.launchErrors.filter((e) => e.vng !== vng.name);
      this.booting.set(outcome.instanceId, { name: outcome.name, instanceId: outcome.instanceId, vng, instanceType: n.instanceType, zone, createdAtMs: this.now() });
      this.vngOfInstance.set(outcome.instanceId, vng.name);
      for (const i of n.pods) {
        const pod = candidates[i];
        if (pod) this.covered.set(pod.uid, outcome.instanceId);
      }
    }
    // Pods that would fit the types and zones in backoff are unplaceable for now: the launch errors say why.
    const stillNot = backoffs.length > 0 && result.misfits.length > 0 ? new Set(stillUnplaceable({ ...input, vngs: vngsWithHeadroom(vngs, catalog, launched, []) }, result.misfits).map(([i]) => i)) : null;
    const noneLeft = `no instance type and zone of its VNGs is left to launch: ${[...new Set(this.launchErrors.map((e) => e.text))].join('; ')}`;
    const unplaceable: { pod: string; reason: string }[] = [];
    for (const [i, why] of result.misfits) {
      const pod = candidates[i];
      if (pod) unplaceable.push({ pod: `${pod.namespace}/${pod.name}`, reason: stillNot === null || stillNot.has(i) ? why.summary : noneLeft });
    }
    this.unplaceable = unplaceable.sort((a, b) => cmp(a.pod, b.pod));
  }
}
