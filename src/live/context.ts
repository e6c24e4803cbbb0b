/** What every live adapter shares: the kubeconfig, the typed API, the call etiquette, the watch caches and the dry-run switch. */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ApiEtiquette, type EtiquetteOptions } from './etiquette.js';
import { poolConnections } from './connection-pool.js';
import { listAll, WatchedCache } from './informers.js';

export interface LiveContext {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly api: ApiEtiquette;
  readonly nodes: WatchedCache;
  readonly pods: WatchedCache;
  /** Writes go with dryRun=All and are logged; state writes go nowhere. */
  readonly dryRun: boolean;
  readonly log: (line: string) => void;
}

/** A KubeConfig from a file path (or the default places when undefined), or the given one; `context` switches context. */
export function loadKubeConfig(kubeconfig: string | KubeConfig | undefined, context?: string): KubeConfig {
  let kc: KubeConfig;
  if (kubeconfig instanceof KubeConfig) kc = kubeconfig;
  else {
    kc = new KubeConfig();
    if (kubeconfig === undefined) kc.loadFromDefault();
    else kc.loadFromFile(kubeconfig);
  }
  if (context !== undefined) kc.setCurrentContext(context);
  return poolConnections(kc);
}

export interface ContextOptions {
  readonly dryRun?: boolean;
  readonly etiquette?: EtiquetteOptions;
  readonly log?: (line: string) => void;
  /** First delay before a broken watch cache restarts, in ms. */
  readonly restartDelayMs?: number;
}

/** Builds the context; the caches are created but not started (see startContext). */
export function makeContext(kc: KubeConfig, opts: ContextOptions = {}): LiveContext {
  poolConnections(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const api = new ApiEtiquette(opts.etiquette);
  const log = opts.log ?? (() => undefined);
  const cacheOpts = { log, ...(opts.restartDelayMs !== undefined ? { restartDelayMs: opts.restartDelayMs } : {}) };
  const nodes = new WatchedCache(kc, 'nodes', '/api/v1/nodes', () => listAll(api, 'list nodes', (c) => core.listNode({ limit: 500, ...(c ? { _continue: c } : {}) })), cacheOpts);
  const pods = new WatchedCache(
    kc,
    'pods',
    '/api/v1/pods',
    () => listAll(api, 'list pods', (c) => core.listPodForAllNamespaces({ limit: 500, ...(c ? { _continue: c } : {}) })),
    cacheOpts,
  );
  return { kc, core, api, nodes, pods, dryRun: opts.dryRun === true, log };
}

/** The dryRun query value for a write. */
export function dryRunParam(ctx: LiveContext): { dryRun?: string } {
  return ctx.dryRun ? { dryRun: 'All' } : {};
}
