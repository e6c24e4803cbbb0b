/**
 * One kind listed page by page: `limit` objects a request, following the continue token, through the API etiquette.
 *
 * - `fromCache`: the first request asks for resourceVersion=0, which lets the API server answer from its watch cache
 *   instead of a quorum read of etcd for every page: much cheaper for a large cluster, at the price of a view that may lag
 *   the latest write by a moment. The following requests carry only the continue token (the server refuses a
 *   resourceVersion next to one). A server that serves such a list from its cache may ignore the limit and answer in one
 *   page (before paginated cache lists); that is fine here.
 * - A continue token can expire (410 Gone, "the provided continue parameter is too old", once etcd compacted its revision):
 *   the list starts again from the first page, a few times at most.
 * - The watch cache's one-piece answer can fail for its size: the API server cuts a request off after its timeout (a
 *   minute by default) while a slow client is still reading 150,000 pods. Then the list is read page by page without
 *   resourceVersion (small pages; from etcd on older servers, from the cache on those that serve consistent lists from
 *   it), and the etiquette's retries apply again.
 * - Each item goes through `keep` as it is decoded (to prune it, or drop it with null), so only what is kept stays in
 *   memory, even when one answer holds the whole cluster.
 */
import { shouldRetry, type ApiEtiquette } from './etiquette.js';
import { httpStatusOf } from './errors.js';

/** What a list page says besides its items. */
export interface ListPageMeta {
  readonly metadata?: { readonly continue?: string; readonly resourceVersion?: string } | null;
}

/** The query of one page request. */
export interface ListRequest {
  readonly limit: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
}

/** Fetches one page, handing each item (plain JSON) to `onItem` as it is decoded. */
export type PageGetter = (req: ListRequest, onItem: (item: unknown) => void) => Promise<ListPageMeta>;

export interface PagedListOptions {
  /** Objects a page. */
  readonly limit: number;
  /** Start with resourceVersion=0 (the watch cache); false for a consistent (quorum) read. */
  readonly fromCache: boolean;
  /** Fresh starts after an expired continue token before giving up. Default 3. */
  readonly maxRestarts?: number;
  /** Told about each fresh start (for logs and tests). */
  readonly onRestart?: (restarts: number) => void;
  /** Told when the watch cache's answer failed and the list goes on as a consistent paged read. */
  readonly onFallback?: (error: unknown) => void;
}

export interface PagedListResult<T> {
  readonly items: T[];
  /** Requests made (pages, restarts included). */
  readonly pages: number;
  readonly restarts: number;
  /** Whether the watch cache's answer failed and the list was read page by page without it. */
  readonly fellBack: boolean;
}

/** Every item of the list, each passed through `keep` (null drops it). The last error is thrown as it came. */
export async function listPaged<T>(
  api: ApiEtiquette,
  what: string,
  get: PageGetter,
  opts: PagedListOptions,
  keep: (item: unknown) => T | null,
): Promise<PagedListResult<T>> {
  const maxRestarts = opts.maxRestarts ?? 3;
  let restarts = 0;
  let pages = 0;
  let fromCache = opts.fromCache;
  let fellBack = false;
  for (;;) {
    const items: T[] = [];
    let cont: string | undefined;
    try {
      for (;;) {
        const cacheAnswer = cont === undefined && fromCache;
        const req: ListRequest = cont !== undefined ? { limit: opts.limit, continue: cont } : { limit: opts.limit, ...(fromCache ? { resourceVersion: '0' } : {}) };
        // The items of one attempt: a page the etiquette tries again must not leave a partial copy behind. The watch cache's
        // answer is not tried again as it is: it may be the whole kind in one piece, too slow for the server's timeout.
        const page = await api.call(what, cacheAnswer ? 'none' : 'idempotent', async () => {
          const got: T[] = [];
          const meta = await get(req, (item) => {
            const kept = keep(item);
            if (kept !== null) got.push(kept);
          });
          return { got, meta };
        });
        pages++;
        for (const item of page.got) items.push(item);
        const next = page.meta.metadata?.continue;
        if (next === undefined || next === null || next === '') return { items, pages, restarts, fellBack };
        cont = next;
      }
    } catch (e) {
      if (cont === undefined && fromCache && shouldRetry(e, 'idempotent')) {
        // The watch cache's answer failed (cut off, timed out, throttled): read page by page without it instead, each page
        // small (and, on servers that can, still served from the cache, consistently).
        fromCache = false;
        fellBack = true;
        opts.onFallback?.(e);
        continue;
      }
      // Only a continue token that expired starts the list again; a 410 on the first page is an error like any other.
      if (cont === undefined || httpStatusOf(e) !== 410 || restarts >= maxRestarts) throw e;
      restarts++;
      opts.onRestart?.(restarts);
    }
  }
}
