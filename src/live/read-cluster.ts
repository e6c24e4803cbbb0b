/**
 * The live cluster read into the model: every kind the file input reads (README "Inputs") is listed through the API, page by
 * page, and fed to the same parser `--cluster FILE` uses (parseClusterObjects), so a live read and `kubectl get ... -o json`
 * give the same Cluster. Read only.
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, PolicyV1Api, StorageV1Api, type KubeConfig } from '@kubernetes/client-node';
import { parseClusterObjects } from '../model/kube/index.js';
import type { Cluster } from '../model/types.js';
import { ApiEtiquette } from './etiquette.js';
import { toPortError } from './errors.js';
import { listAll, type ListPage } from './informers.js';

interface KindList {
  readonly kind: string;
  readonly apiVersion: string;
  readonly list: (cont: string | undefined) => Promise<ListPage>;
}

export interface ReadClusterOptions {
  readonly api?: ApiEtiquette;
  /** Nodes and pods already held by watch caches (plain JSON): used instead of listing them again. */
  readonly prefetched?: { readonly nodes?: readonly unknown[]; readonly pods?: readonly unknown[] };
  /** Page size of the lists. Default 500. */
  readonly pageSize?: number;
}

/** The kinds and how to list them, in the order the README names them. */
function kindLists(kc: KubeConfig, limit: number): KindList[] {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const policy = kc.makeApiClient(PolicyV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const page = (c: string | undefined): { limit: number; _continue?: string } => ({ limit, ...(c ? { _continue: c } : {}) });
  return [
    { kind: 'Node', apiVersion: 'v1', list: (c) => core.listNode(page(c)) },
    { kind: 'Pod', apiVersion: 'v1', list: (c) => core.listPodForAllNamespaces(page(c)) },
    { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', list: (c) => policy.listPodDisruptionBudgetForAllNamespaces(page(c)) },
    { kind: 'DaemonSet', apiVersion: 'apps/v1', list: (c) => apps.listDaemonSetForAllNamespaces(page(c)) },
    { kind: 'ReplicaSet', apiVersion: 'apps/v1', list: (c) => apps.listReplicaSetForAllNamespaces(page(c)) },
    { kind: 'Deployment', apiVersion: 'apps/v1', list: (c) => apps.listDeploymentForAllNamespaces(page(c)) },
    { kind: 'StatefulSet', apiVersion: 'apps/v1', list: (c) => apps.listStatefulSetForAllNamespaces(page(c)) },
    { kind: 'Job', apiVersion: 'batch/v1', list: (c) => batch.listJobForAllNamespaces(page(c)) },
    { kind: 'CronJob', apiVersion: 'batch/v1', list: (c) => batch.listCronJobForAllNamespaces(page(c)) },
    { kind: 'ReplicationController', apiVersion: 'v1', list: (c) => core.listReplicationControllerForAllNamespaces(page(c)) },
    { kind: 'PersistentVolumeClaim', apiVersion: 'v1', list: (c) => core.listPersistentVolumeClaimForAllNamespaces(page(c)) },
    { kind: 'PersistentVolume', apiVersion: 'v1', list: (c) => core.listPersistentVolume(page(c)) },
    { kind: 'Namespace', apiVersion: 'v1', list: (c) => core.listNamespace(page(c)) },
    { kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', list: (c) => storage.listStorageClass(page(c)) },
  ];
}

/** Every object of the kinds the model reads, as plain JSON with kind and apiVersion set. */
export async function listClusterObjects(kc: KubeConfig, opts: ReadClusterOptions = {}): Promise<unknown[]> {
  const api = opts.api ?? new ApiEtiquette();
  const out: unknown[] = [];
  for (const k of kindLists(kc, opts.pageSize ?? 500)) {
    const pre = k.kind === 'Node' ? opts.prefetched?.nodes : k.kind === 'Pod' ? opts.prefetched?.pods : undefined;
    let items: readonly unknown[];
    if (pre !== undefined) items = pre;
    else {
      try {
        items = (await listAll(api, `list ${k.kind}`, k.list)).items;
      } catch (e) {
        throw toPortError(e, `list ${k.kind} objects`);
      }
    }
    for (const item of items) {
      if (typeof item === 'object' && item !== null) out.push({ ...(item as Record<string, unknown>), apiVersion: k.apiVersion, kind: k.kind });
    }
  }
  return out;
}

/** The live cluster as the model's Cluster (InputError naming the context when an object is malformed). */
export async function readClusterLive(kc: KubeConfig, opts: ReadClusterOptions = {}): Promise<Cluster> {
  const objects = await listClusterObjects(kc, opts);
  return parseClusterObjects(objects, `cluster (context ${kc.getCurrentContext()})`);
}
