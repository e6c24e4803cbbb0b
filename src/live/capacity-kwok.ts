/**
 * A CapacityPort that plays Ocean with KWOK: on each reconcile it takes the Pending pods kube-scheduler could not place
 * (PodScheduled=False, reason Unschedulable), reads the cluster into the model, and asks the planner's scale-up (the same
 * pure code the simulator's autoscaler runs, src/planner/scale-up.ts) which nodes of which VNG, instance type and zone to
 * launch (that decision is capacity-scale-up.ts, shared with the ec2 provider). Each becomes a Node object KWOK manages (annotation kwok.x-k8s.io/node=fake): the VNG's labels and taints, the
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
import type { CapacityPort, CapacitySignal } from '../engine/ports.js';
import { ec2PrivateDnsName } from '../gen/names.js';
import { CPU, type Cluster, type ResourceList, type Vng } from '../model/types.js';
import { launchLabels, launchResources } from '../planner/scale-up.js';
import { ScaleUpProvider, VNG_ANNOTATION, type LaunchOutcome, type LaunchRequest } from './capacity-scale-up.js';
import { dryRunParam, type LiveContext } from './context.js';
import { toPortError } from './errors.js';

export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
/** On nodes this provider creates: the VNG that launched it. */
export { VNG_ANNOTATION };
export const CREATED_BY_ANNOTATION = 'vngshift.io/created-by';
export const KWOK_CREATOR = 'vngshift-kwok';

/** A node not Ready this long after its creation is no longer waited for (KWOK makes nodes Ready within seconds). */
const BOOT_GIVE_UP_MS = 10 * 60 * 1000;
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
  private readonly provider: ScaleUpProvider;
  /** Nodes created so far (for logs and tests). */
  readonly created: string[] = [];

  constructor(
    private readonly ctx: LiveContext,
    private readonly opts: KwokCapacityOptions,
  ) {
    this.provider = new ScaleUpProvider(ctx, { ...opts, bootGiveUpMs: BOOT_GIVE_UP_MS }, { launch: (req) => this.launch(req) });
  }

  signal(): CapacitySignal {
    return this.provider.signal();
  }

  reconcile(): Promise<void> {
    return this.provider.reconcile();
  }

  /** One KWOK Node object of the VNG, type and zone the scale-up chose. */
  private async launch(req: LaunchRequest): Promise<LaunchOutcome> {
    const { vng, instanceType, zone, region } = req;
    const name = randomNodeName(region);
    const instanceId = randomInstanceId();
    const manifest = kwokNodeManifest({ name, instanceId, vng, instanceType, zone, region }, this.opts.catalog, req.observed, req.allocatable);
    if (!manifest) return { kind: 'untracked' };
    const what = `create KWOK node ${name} (${vng.name} ${instanceType} ${zone})`;
    if (this.ctx.dryRun) this.ctx.log(`dry run: ${what}`);
    try {
      await this.ctx.api.call(what, 'throttled-only', () => this.ctx.core.createNode({ body: manifest, ...dryRunParam(this.ctx) }));
    } catch (e) {
      throw toPortError(e, what);
    }
    this.ctx.log(`${what} for ${req.podCount} pod(s)`);
    this.created.push(name);
    if (this.ctx.dryRun) return { kind: 'untracked' };
    return { kind: 'booting', name, instanceId };
  }
}
