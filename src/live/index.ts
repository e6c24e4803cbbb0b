/**
 * The live world: the engine's ports over a real cluster. `openLiveWorld` loads the kubeconfig, starts the node and pod watch
 * caches (and, for an external autoscaler, its event watches), waits until they are synced, and returns the ports and a
 * close(). The engine never imports this; the CLI does.
 */
import type { AllocatableOptions } from '../catalog/allocatable.js';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Catalog } from '../catalog/catalog.js';
import type { CapacityPort, EngineEvent, Ports, TracePort } from '../engine/ports.js';
import type { Vng } from '../model/types.js';
import { ExternalCapacity } from './capacity-external.js';
import { KwokCapacity } from './capacity-kwok.js';
import { makeAwsClients, type AwsClients, type AwsSettings } from './aws/clients.js';
import { Ec2Capacity } from './aws/ec2-capacity.js';
import { InputError } from '../model/errors.js';
import { WallClock } from './clock.js';
import { makeCloudPort, type AwsCloudSetup, type CloudKind } from './cloud-port.js';
import { makeClusterPort } from './cluster-port.js';
import { loadKubeConfig, makeContext, type LiveContext } from './context.js';
import type { EtiquetteOptions } from './etiquette.js';
import { EventRecorder } from './events.js';
import { DEFAULT_STATE_NAMESPACE, StateStore } from './state-store.js';

export type { AwsCloudSetup, CloudKind } from './cloud-port.js';
export { DEFAULT_STATE_NAMESPACE, readState, readStopRequest, requestStop } from './state-store.js';
export { readClusterLive } from './read-cluster.js';

export interface LiveWorldOptions {
  /** A kubeconfig file, a loaded KubeConfig, or undefined for the default places (KUBECONFIG, ~/.kube/config, in-cluster). */
  readonly kubeconfig?: string | KubeConfig;
  readonly context?: string;
  /** Where the migration's state ConfigMap lives. Default vngshift-system (created when missing). */
  readonly namespace?: string;
  readonly migrationId: string;
  readonly capacity: 'kwok' | 'external' | 'ec2';
  /** With capacity ec2: the AWS settings and the cluster name the launched instances are tagged with. */
  readonly ec2?: { readonly settings: AwsSettings; readonly clusterName: string };
  /** How old instances are terminated; default: kwok with kwok capacity, external with external. */
  readonly cloud?: CloudKind;
  /** With cloud aws: the AWS settings, the cluster name and the migration's old nodes. */
  readonly aws?: AwsCloudSetup;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  /** Writes go with dryRun=All (and are logged); state writes go nowhere. */
  readonly dryRun: boolean;
  readonly allowArchitectureChange?: boolean;
  /** Node options of the plan (--max-pods, --vm-memory-overhead-percent) for the nodes the KWOK provider creates. */
  readonly allocatable?: AllocatableOptions;
  readonly etiquette?: EtiquetteOptions;
  /** Where the adapters' own log lines go. Default: standard error when dryRun or VNGSHIFT_DEBUG is set, else nowhere. */
  readonly log?: (line: string) => void;
  /** Where the engine's trace goes. Default: kept in memory (the last 10,000 events, see LiveWorld.trace). */
  readonly trace?: TracePort;
  /** How long to wait for the watch caches' first sync. Default 30 s. */
  readonly syncTimeoutSeconds?: number;
}

export interface LiveWorld {
  readonly ports: Ports;
  readonly context: LiveContext;
  readonly capacity: CapacityPort;
  /** The KWOK provider when capacity is kwok (the nodes it created are in `created`), else null. */
  readonly kwok: KwokCapacity | null;
  /** The EC2 provider when capacity is ec2 (the instances it launched are in `launched`), else null. */
  readonly ec2: Ec2Capacity | null;
  /** The trace kept when no trace port was given. */
  readonly trace: readonly EngineEvent[];
  /** The AWS settings when old instances are terminated on AWS (cloud aws), else null. */
  readonly aws: AwsCloudSetup | null;
  close(): Promise<void>;
}

const TRACE_KEEP = 10_000;

export async function openLiveWorld(opts: LiveWorldOptions): Promise<LiveWorld> {
  const kc = loadKubeConfig(opts.kubeconfig, opts.context);
  const log =
    opts.log ??
    (opts.dryRun || process.env['VNGSHIFT_DEBUG'] !== undefined ? (line: string) => void process.stderr.write(`vngshift: live: ${line}\n`) : () => undefined);
  const ctx = makeContext(kc, { dryRun: opts.dryRun, log, ...(opts.etiquette ? { etiquette: opts.etiquette } : {}) });
  const cloud = makeCloudPort(opts.cloud ?? (opts.capacity === 'kwok' ? 'kwok' : 'external'), ctx, opts.aws);
  const store = new StateStore(ctx.core, ctx.api, { namespace: opts.namespace ?? DEFAULT_STATE_NAMESPACE, dryRun: opts.dryRun });
  const events = new EventRecorder(ctx);
  const cluster = makeClusterPort(ctx, store, events);
  let external: ExternalCapacity | null = null;
  let kwok: KwokCapacity | null = null;
  let ec2: Ec2Capacity | null = null;
  let ec2Clients: AwsClients | null = null;
  let capacity: CapacityPort;
  if (opts.capacity === 'ec2') {
    if (opts.ec2 === undefined) throw new Error('the ec2 capacity provider needs its settings');
    ec2Clients = makeAwsClients(opts.ec2.settings);
    ec2 = new Ec2Capacity(ctx, ec2Clients, {
      migrationId: opts.migrationId,
      clusterName: opts.ec2.clusterName,
      vngs: opts.vngs,
      catalog: opts.catalog,
      ...(opts.allowArchitectureChange ? { allowArchitectureChange: true } : {}),
      ...(opts.allocatable ? { allocatable: opts.allocatable } : {}),
    });
    capacity = ec2;
  } else if (opts.capacity === 'kwok') {
    kwok = new KwokCapacity(ctx, {
      vngs: opts.vngs,
      catalog: opts.catalog,
      ...(opts.allowArchitectureChange ? { allowArchitectureChange: true } : {}),
      ...(opts.allocatable ? { allocatable: opts.allocatable } : {}),
    });
    capacity = kwok;
  } else {
    external = new ExternalCapacity(ctx);
    capacity = external;
  }
  const kept: EngineEvent[] = [];
  const trace: TracePort = opts.trace ?? {
    record(ev) {
      kept.push(ev);
      if (kept.length > TRACE_KEEP) kept.splice(0, kept.length - TRACE_KEEP);
    },
  };
  const clock = new WallClock();
  const close = async (): Promise<void> => {
    await Promise.all([ctx.nodes.stop(), ctx.pods.stop(), external?.stop()]);
    ec2Clients?.destroy();
  };
  try {
    const timeoutMs = (opts.syncTimeoutSeconds ?? 30) * 1000;
    await Promise.all([ctx.nodes.start(timeoutMs), ctx.pods.start(timeoutMs)]);
    external?.start();
    // The VNGs' subnets and this migration's earlier instances, asked of EC2 before anything is done.
    if (ec2 !== null) {
      try {
        await ec2.prepare();
      } catch (e) {
        throw new InputError('flag --capacity', '', '', `ec2: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { ports: { cluster, cloud, capacity, clock, trace }, context: ctx, capacity, kwok, ec2, trace: kept, aws: opts.cloud === 'aws' ? (opts.aws ?? null) : null, close };
}
