/**
 * The live cluster read into the model: every kind the file input reads (README "Inputs") is listed through the API, page by
 * page (paged-list.ts), as plain JSON (raw-list.ts), and fed to the same parser `--cluster FILE` uses (parseClusterObjects),
 * so a live read and `kubectl get ... -o json` give the same Cluster. Read only.
 *
 * Two ways to read, chosen by the caller:
 * - `plan`, `simulate` and `snapshot` read once to plan: they ask the watch cache (resourceVersion=0, `fromCache`) and keep
 *   only the fields the planner reads (`keepFields`, the snapshot's field list), page by page, so 150,000 pods never sit in
 *   memory whole.
 * - `run` keeps consistent reads (a quorum read of etcd, the default): it acts on what it reads (cordons, evictions, the
 *   nodes its plan names), so it must not start from a view older than a write it could race with, such as a node or a
 *   PodDisruptionBudget created a moment before; and the caches of its capacity provider hand over whole objects.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { parseClusterObjects } from '../model/kube/index.js';
import { snapshotObject } from '../model/snapshot/format.js';
import type { Cluster } from '../model/types.js';
import { ApiEtiquette } from './etiquette.js';
import { toPortError } from './errors.js';
import { listPaged, type PageGetter } from './paged-list.js';
import { keepAliveAgent, rawPageGetter } from './raw-list.js';

/** A kind the model reads, and where the API serves it. */
export interface KindPath {
  readonly kind: string;
  readonly apiVersion: string;
  /** The collection across all namespaces, e.g. `/api/v1/pods`. */
  readonly path: string;
}

/** The kinds and their collections, in the order the README names them. */
export const KIND_PATHS: readonly KindPath[] = [
  { kind: 'Node', apiVersion: 'v1', path: '/api/v1/nodes' },
  { kind: 'Pod', apiVersion: 'v1', path: '/api/v1/pods' },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', path: '/apis/policy/v1/poddisruptionbudgets' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/daemonsets' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/replicasets' },
  { kind: 'Deployment', apiVersion: 'apps/v1', path: '/apis/apps/v1/deployments' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/statefulsets' },
  { kind: 'Job', apiVersion: 'batch/v1', path: '/apis/batch/v1/jobs' },
  { kind: 'CronJob', apiVersion: 'batch/v1', path: '/apis/batch/v1/cronjobs' },
  { kind: 'ReplicationController', apiVersion: 'v1', path: '/api/v1/replicationcontrollers' },
  { kind: 'PersistentVolumeClaim', apiVersion: 'v1', path: '/api/v1/persistentvolumeclaims' },
  { kind: 'PersistentVolume', apiVersion: 'v1', path: '/api/v1/persistentvolumes' },
  { kind: 'Namespace', apiVersion: 'v1', path: '/api/v1/namespaces' },
  { kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', path: '/apis/storage.k8s.io/v1/storageclasses' },
];

export interface ReadClusterOptions {
  readonly api?: ApiEtiquette;
  /** Nodes and pods already held by watch caches (plain JSON): used instead of listing them again. */
  readonly prefetched?: { readonly nodes?: readonly unknown[]; readonly pods?: readonly unknown[] };
  /** Page size of the lists. Default 500. */
  readonly pageSize?: number;
  /** Ask the watch cache (resourceVersion=0) rather than etcd: for reads that plan, not for reads that act. Default false. */
  readonly fromCache?: boolean;
  /** Keep only the fields the planner reads (the snapshot's), as each page arrives. Default false (whole objects). */
  readonly keepFields?: boolean;
  /** How a kind's pages are fetched; default straight from the kubeconfig's API server. Tests give fakes. */
  readonly pages?: (kind: KindPath) => PageGetter;
  /** Told after each kind is read (for progress lines and benchmarks). */
  readonly onKind?: (
    kind: string,
    stats: { readonly objects: number; readonly pages: number; readonly restarts: number; readonly fellBack: boolean; readonly ms: number },
  ) => void;
}

/** Every object of the kinds the model reads, as plain JSON with kind and apiVersion set (pruned with keepFields). */
export async function listClusterObjects(kc: KubeConfig, opts: ReadClusterOptions = {}): Promise<unknown[]> {
  // One answer may hold a whole kind (a watch cache that ignores the page size): give a call minutes, not seconds.
  const api = opts.api ?? new ApiEtiquette({ qps: 50, burst: 100, timeoutSeconds: 300 });
  const out: unknown[] = [];
  const agent = opts.pages === undefined ? await keepAliveAgent(kc) : null;
  const pages = opts.pages ?? ((k: KindPath): PageGetter => rawPageGetter(kc, k.path, agent ?? undefined));
  const tag = (k: KindPath, item: unknown): unknown => {
    if (typeof item !== 'object' || item === null) return null;
    const full = { ...(item as Record<string, unknown>), apiVersion: k.apiVersion, kind: k.kind };
    return opts.keepFields === true ? snapshotObject(full) : full;
  };
  try {
    for (const k of KIND_PATHS) {
      const started = performance.now();
      const pre = k.kind === 'Node' ? opts.prefetched?.nodes : k.kind === 'Pod' ? opts.prefetched?.pods : undefined;
      if (pre !== undefined) {
        for (const item of pre) {
          const kept = tag(k, item);
          if (kept !== null) out.push(kept);
        }
        continue;
      }
      try {
        const r = await listPaged(api, `list ${k.kind}`, pages(k), { limit: opts.pageSize ?? 500, fromCache: opts.fromCache === true }, (item) => tag(k, item));
        for (const item of r.items) out.push(item);
        opts.onKind?.(k.kind, { objects: r.items.length, pages: r.pages, restarts: r.restarts, fellBack: r.fellBack, ms: performance.now() - started });
      } catch (e) {
        throw toPortError(e, `list ${k.kind} objects`);
      }
    }
  } finally {
    agent?.destroy();
  }
  return out;
}

/** The live cluster as the model's Cluster (InputError naming the context when an object is malformed). */
export async function readClusterLive(kc: KubeConfig, opts: ReadClusterOptions = {}): Promise<Cluster> {
  const objects = await listClusterObjects(kc, opts);
  return parseClusterObjects(objects, `cluster (context ${kc.getCurrentContext()})`);
}
