/**
 * Watch-backed caches of the objects the live adapters read (nodes, pods, events): a list, then a watch from its
 * resourceVersion, kept by client-node's ListWatch. The reads of the engine come from here, never from per-object polling.
 *
 * ListWatch itself relists after 410 Gone and re-watches when the server closes a watch; on any other error it emits 'error'
 * and stops. This wrapper then marks the cache broken (reads refuse with PortError('connectivity')) and restarts it after a
 * delay that doubles up to 30 s, until the list and the watch succeed again.
 *
 * Every object in a cache is plain JSON as the API serves it: the initial list goes through client-node's typed API (which
 * turns timestamps into Dates and drops unknown fields), so it is turned back into JSON, the same as what watch events carry.
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { PortError } from '../engine/ports.js';
import type { ApiEtiquette } from './etiquette.js';
import { toPortError } from './errors.js';

/** A list page as the typed API returns it. */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly metadata?: { readonly resourceVersion?: string; readonly _continue?: string } | undefined;
}

/** Plain JSON of a typed client-node object (Dates become RFC 3339 text; undefined fields go). */
export function plainJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Lists every page (`limit` per page) and returns all items as plain JSON, with the list's resourceVersion. */
export async function listAll(
  api: ApiEtiquette,
  what: string,
  page: (cont: string | undefined) => Promise<ListPage>,
): Promise<{ items: unknown[]; resourceVersion: string }> {
  const items: unknown[] = [];
  let cont: string | undefined;
  let resourceVersion = '';
  for (;;) {
    const res = await api.call(what, 'idempotent', () => page(cont));
    for (const item of res.items) items.push(plainJson(item));
    resourceVersion = res.metadata?.resourceVersion ?? resourceVersion;
    cont = res.metadata?._continue;
    if (cont === undefined || cont === '') break;
  }
  return { items, resourceVersion };
}

export type CacheState = 'starting' | 'synced' | 'broken' | 'stopped';

export interface InformerOptions {
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  /** First restart delay after an error, in ms (doubles up to 30 s). Default 1000. */
  readonly restartDelayMs?: number;
  readonly log?: (line: string) => void;
}

export class WatchedCache {
  private readonly lw: ListWatch<KubernetesObject>;
  private stateNow: CacheState = 'starting';
  private errorText: string | null = null;
  private errorGen = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private readonly firstDelayMs: number;
  private readonly log: (line: string) => void;
  /** Wall-clock ms when the cache last broke (null while synced). */
  brokenSince: number | null = null;

  constructor(
    kc: KubeConfig,
    readonly name: string,
    path: string,
    list: () => Promise<{ items: unknown[]; resourceVersion: string }>,
    opts: InformerOptions = {},
  ) {
    const listFn = async (): Promise<{ items: KubernetesObject[]; metadata: { resourceVersion: string } }> => {
      const r = await list();
      return { items: r.items as KubernetesObject[], metadata: { resourceVersion: r.resourceVersion } };
    };
    this.lw = new ListWatch<KubernetesObject>(path, new Watch(kc), listFn, false, opts.labelSelector, opts.fieldSelector);
    this.firstDelayMs = opts.restartDelayMs ?? 1000;
    this.delayMs = this.firstDelayMs;
    this.log = opts.log ?? (() => undefined);
    this.lw.on('error', (err?: unknown) => this.onError(err));
  }

  get state(): CacheState {
    return this.stateNow;
  }

  get lastError(): string | null {
    return this.errorText;
  }

  private onError(err: unknown): void {
    if (this.stateNow === 'stopped') return;
    this.errorGen += 1;
    this.errorText = toPortError(err, `watch ${this.name}`).message;
    if (this.stateNow !== 'broken') this.brokenSince = Date.now();
    this.stateNow = 'broken';
    this.log(`${this.name} cache broken (${this.errorText}); restarting in ${this.delayMs} ms`);
    if (this.restartTimer !== null) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.run();
    }, this.delayMs);
    this.delayMs = Math.min(30_000, this.delayMs * 2);
  }

  private async run(): Promise<void> {
    if (this.stateNow === 'stopped') return;
    const gen = this.errorGen;
    try {
      await this.lw.start();
    } catch (e) {
      this.onError(e);
      return;
    }
    if (gen === this.errorGen && this.state !== 'stopped') {
      if (this.stateNow === 'broken') this.log(`${this.name} cache restored`);
      this.stateNow = 'synced';
      this.errorText = null;
      this.brokenSince = null;
      this.delayMs = this.firstDelayMs;
    }
  }

  /** Starts the list and watch; resolves once synced, or rejects with PortError('connectivity') after `timeoutMs`. */
  async start(timeoutMs = 30_000): Promise<void> {
    void this.run();
    const until = Date.now() + timeoutMs;
    while (this.state !== 'synced') {
      if (this.state === 'stopped') throw new PortError('connectivity', `${this.name} cache stopped before it synced`);
      if (Date.now() > until) throw new PortError('connectivity', `${this.name} cache not synced after ${timeoutMs} ms: ${this.errorText ?? 'no answer'}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The objects; throws PortError('connectivity') unless synced. */
  list(): readonly unknown[] {
    if (this.stateNow !== 'synced') {
      throw new PortError('connectivity', `${this.name} cache ${this.stateNow === 'broken' ? `broken: ${this.errorText ?? ''}` : 'not synced'}`);
    }
    return this.lw.list();
  }

  /** The objects whatever the state (possibly stale). */
  peek(): readonly unknown[] {
    return this.lw.list();
  }

  get(name: string, namespace?: string): unknown {
    return this.lw.get(name, namespace);
  }

  async stop(): Promise<void> {
    this.stateNow = 'stopped';
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    await this.lw.stop();
  }
}
