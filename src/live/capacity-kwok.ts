/**
 * A CapacityPort that plays Ocean with KWOK: on each reconcile it takes the Pending pods kube-scheduler could not place
 * (PodScheduled=False, reason Unschedulable), reads the cluster into the model, and asks the planner's scale-up (the same
 * pure code the simulator's autoscaler runs, src/planner/scale-up.ts) which nodes of which VNG, instance type and zone to
 * launch. Each becomes a Node object KWOK manages (annotation kwok.x-k8s.io/node=fake): the VNG's labels and taints, the
 * well-known labels, capacity and allocatable of the instance type (the EKS formulas of src/catalog, or what nodes of the type
 * report), and a providerID aws:///<zone>/i-<17 hex>. KWOK then makes it Ready and kube-scheduler binds the pods.
 *
 * Pods solve() cannot place are reported unplaceable with kube-scheduler's summary. KWOK never fails to launch, so there are
 * no launch errors.
 */
import type { V1Node } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import type { AllocatableOptions, NodeResources } from '../catalog/allocatable.js';
import type { Catalog } from '../catalog/catalog.js';
import { observedResources } from '../catalog/observed.js';
import type { CapacityPort, CapacitySignal } from '../engine/ports.js';
import { ec2PrivateDnsName } from '../gen/names.js';
import { CPU, type Cluster, type Node, type Pod, type ResourceList, type Vng } from '../model/types.js';
import { clusterArchitectures } from '../planner/architecture-policy.js';
import { bootingNodeModel, launchLabels, launchResources, scaleUp, vngsWithHeadroom, type LaunchedNode } from '../planner/scale-up.js';
import { dryRunParam, type LiveContext } from './context.js';
import { toPortError } from './errors.js';
import { readClusterLive } from './read-cluster.js';
import { conditionIs, unschedulableMessage } from './views.js';

export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
/** On nodes this provider creates: the VNG that launched it. */
export const VNG_ANNOTATION = 'vngshift.io/vng';
export const CREATED_BY_ANNOTATION = 'vngshift.io/created-by';
export const KWOK_CREATOR = 'vngshift-kwok';

/** A node not Ready this long after its creation is no longer waited for (KWOK makes nodes Ready within seconds). */
const BOOT_GIVE_UP_MS = 10 * 60 * 1000;
/** The same pending pods and nodes are solved again at least this often. */
const RESOLVE_MS = 60 * 1000;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A model resource amount as a Kubernetes quantity (cpu in millicores, everything else in base units). */
export function quantityText(resource: string, amount: number): string {
  return resource === CPU ? `${amount}m` : String(amount);
}

function quantities(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(list).sort()) out[k] = quantityText(k, list[k] as number);
  return out;
}

/** A random EC2-like instance id (i- and 17 hex digits). */
export function randomInstanceId(): string {
  return `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** A node name as EC2's private DNS names look, in 10.0.0.0/8. */
export function randomNodeName(region: string): string {
  const low = randomBytes(3).readUIntBE(0, 3);
  return ec2PrivateDnsName(10 * 2 ** 24 + low, region);
}

export interface KwokNodeSpec {
  readonly name: string;
  readonly instanceId: string;
  readonly vng: Vng;
  readonly instanceType: string;
  readonly zone: string;
  readonly region: string;
}

/** The Node object of a KWOK node launched by a VNG; null for an instance type the catalog does not know. */
export function kwokNodeManifest(
  spec: KwokNodeSpec,
  catalog: Catalog,
  observed: ReadonlyMap<string, NodeResources>,
  allocatable: AllocatableOptions = {},
): V1Node | null {
  const labels = launchLabels(spec.vng, spec.instanceType, spec.zone, spec.region, spec.name, catalog);
  const res = launchResources(spec.vng, spec.instanceType, catalog, observed, allocatable);
  const it = catalog.byName.get(spec.instanceType);
  if (!labels || !res || !it) return null;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: { ...labels, type: 'kwok' },
      annotations: {
        [KWOK_ANNOTATION]: 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
        [VNG_ANNOTATION]: spec.vng.name,
        [CREATED_BY_ANNOTATION]: KWOK_CREATOR,
      },
    },
    spec: {
      providerID: `aws:///${spec.zone}/${spec.instanceId}`,
      ...(spec.vng.taints.length > 0 ? { taints: spec.vng.taints.map((t) => ({ key: t.key, ...(t.value !== '' ? { value: t.value } : {}), effect: t.effect })) } : {}),
    },
    status: {
      capacity: quantities(res.capacity),
      allocatable: quantities(res.allocatable),
    },
  };
}

interface Booting {
  readonly name: string;
  readonly instanceId: string;
  readonly vng: Vng;
  readonly instanceType: string;
  readonly zone: string;
  readonly createdAtMs: number;
}

export interface KwokCapacityOptions {
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  /** Let pods without an architecture constraint land on another CPU architecture than the cluster's. */
  readonly allowArchitectureChange?: boolean;
  /** Node options of the plan (--max-pods, --vm-memory-overhead-percent). */
  readonly allocatable?: AllocatableOptions;
  /** How the cluster is read into the model (default: readClusterLive with the caches' nodes and pods); tests replace it. */
  readonly readCluster?: (nodes: readonly unknown[], pods: readonly unknown[]) => Promise<Cluster>;
}

export class KwokCapacity implements CapacityPort {
  private readonly booting = new Map<string, Booting>();
  /** Pending pod uid -> the booting node it waits for. */
  private readonly covered = new Map<string, string>();
  private unplaceable: { pod: string; reason: string }[] = [];
  private lastSignature = '';
  private lastSolveMs = 0;
  private archs: readonly string[] | null = null;
  /** Nodes created so far (for logs and tests). */
  readonly created: string[] = [];

  constructor(
    private readonly ctx: LiveContext,
    private readonly opts: KwokCapacityOptions,
  ) {}

  signal(): CapacitySignal {
    return { unplaceable: this.unplaceable.map((u) => ({ ...u })), launchErrors: [] };
  }

  async reconcile(): Promise<void> {
    const ctx = this.ctx;
    const rawNodes = ctx.nodes.list();
    const rawPods = ctx.pods.list();
    const nowMs = Date.now();
    const readyNames = new Set<string>();
    for (const n of rawNodes) {
      const o = n as { metadata?: { name?: string }; status?: unknown };
      if (conditionIs(o.status, 'Ready') && typeof o.metadata?.name === 'string') readyNames.add(o.metadata.name);
    }
    for (const [name, b] of [...this.booting]) if (readyNames.has(name) || nowMs - b.createdAtMs > BOOT_GIVE_UP_MS) this.booting.delete(name);
    for (const [uid, node] of [...this.covered]) if (!this.booting.has(node)) this.covered.delete(uid);

    const stuck: { uid: string; key: string }[] = [];
    for (const p of rawPods) {
      if (unschedulableMessage(p) === null) continue;
      const m = (p as { metadata?: { uid?: string; namespace?: string; name?: string } }).metadata ?? {};
      stuck.push({ uid: m.uid ?? '', key: `${m.namespace ?? 'default'}/${m.name ?? ''}` });
    }
    stuck.sort((a, b) => cmp(a.key, b.key));
    if (stuck.length === 0) {
      this.unplaceable = [];
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
    const signature = `${nodeSig}|${[...this.booting.keys()].join(',')}|${candidates.map((c) => c.uid).join(',')}`;
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
    const { catalog, vngs } = this.opts;
    const region = cluster.nodes.map((n) => n.labels['topology.kubernetes.io/region']).find((r): r is string => r !== undefined) ?? catalog.region;
    const observed = observedResources(cluster.nodes);
    if (this.archs === null) this.archs = clusterArchitectures(cluster);
    const podByKey = new Map(cluster.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    const vngByName = new Map(vngs.map((v) => [v.name, v]));

    // The cluster as it is, with each node still booting counted as it will be once Ready: a registered one as Ready, one
    // not registered yet as its VNG template (with its DaemonSet pods), and the pods waiting for it placed there.
    const registered = new Set(cluster.nodes.map((n) => n.name));
    const nodes: Node[] = cluster.nodes.map((n) => (this.booting.has(n.name) && !n.ready ? { ...n, ready: true } : n));
    const pods: Pod[] = [];
    const allocatable = this.opts.allocatable ?? {};
    const launchCtx = { catalog, observed, allocatable, region, daemonSets: cluster.daemonSets };
    for (const b of [...this.booting.values()].sort((x, y) => cmp(x.name, y.name))) {
      if (registered.has(b.name)) continue;
      const model = bootingNodeModel(b, launchCtx);
      if (!model) continue;
      nodes.push(model.node);
      pods.push(...model.daemonPods);
    }
    for (const p of cluster.pods) {
      if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
      const at = p.nodeName ?? this.covered.get(p.uid) ?? null;
      if (at !== null) pods.push(p.nodeName === at ? p : { ...p, nodeName: at });
    }
    nodes.sort((a, b) => cmp(a.name, b.name));
    const view: Cluster = { ...cluster, nodes, pods, pdbs: [], workloads: [] };

    const candidates = candidateKeys.map((k) => podByKey.get(k)).filter((p): p is Pod => p !== undefined && p.nodeName === null);
    if (candidates.length === 0) return;
    const launched: LaunchedNode[] = [];
    for (const n of cluster.nodes) {
      const vng = n.annotations[VNG_ANNOTATION];
      if (vng !== undefined) launched.push({ vng, instanceType: n.instanceType });
    }
    for (const b of this.booting.values()) if (!registered.has(b.name)) launched.push({ vng: b.vng.name, instanceType: b.instanceType });
    const result = scaleUp({
      view,
      pending: candidates,
      vngs: vngsWithHeadroom(vngs, catalog, launched, []),
      catalog,
      observed,
      allocatable,
      architectures: this.opts.allowArchitectureChange === true ? null : this.archs,
    });

    // Pods that fit a node still booting wait for it.
    result.placements.forEach((pl, i) => {
      const pod = candidates[i];
      if (pl && pod && pl.vng === null && this.booting.has(pl.node)) this.covered.set(pod.uid, pl.node);
    });
    for (const n of result.newNodes) {
      const vng = vngByName.get(n.vng);
      if (!vng) continue;
      const b: Booting = {
        name: randomNodeName(region),
        instanceId: randomInstanceId(),
        vng,
        instanceType: n.instanceType,
        zone: n.zone ?? `${region}a`,
        createdAtMs: Date.now(),
      };
      const manifest = kwokNodeManifest({ ...b, region }, catalog, observed, allocatable);
      if (!manifest) continue;
      const what = `create KWOK node ${b.name} (${vng.name} ${b.instanceType} ${b.zone})`;
      if (this.ctx.dryRun) this.ctx.log(`dry run: ${what}`);
      try {
        await this.ctx.api.call(what, 'throttled-only', () => this.ctx.core.createNode({ body: manifest, ...dryRunParam(this.ctx) }));
      } catch (e) {
        throw toPortError(e, what);
      }
      this.ctx.log(`${what} for ${n.pods.length} pod(s)`);
      this.created.push(b.name);
      if (this.ctx.dryRun) continue;
      this.booting.set(b.name, b);
      for (const i of n.pods) {
        const pod = candidates[i];
        if (pod) this.covered.set(pod.uid, b.name);
      }
    }
    const unplaceable: { pod: string; reason: string }[] = [];
    for (const [i, why] of result.misfits) {
      const pod = candidates[i];
      if (pod) unplaceable.push({ pod: `${pod.namespace}/${pod.name}`, reason: why.summary });
    }
    this.unplaceable = unplaceable.sort((a, b) => cmp(a.pod, b.pod));
  }
}
