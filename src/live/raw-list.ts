/**
 * List pages fetched as plain JSON, straight from the API server: client-node's typed list calls turn every object into
 * class instances (and Dates) that the reader then turns back into JSON, which costs about three times the JSON decoding
 * itself on 150,000 pods. Here the kubeconfig still supplies the credentials, TLS settings and proxy (applyToHTTPSOptions),
 * one keep-alive connection serves every page, and each item is decoded as its bytes arrive (list-stream.ts).
 *
 * Errors look like client-node's: a status other than 200 throws an object with the HTTP `code` and the Status `body`
 * (text), which errors.ts and the CLI already understand; transport errors are Node's (with their system `code`).
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { JsonListStream } from './list-stream.js';
import type { ListPageMeta, ListRequest, PageGetter } from './paged-list.js';

/** A non-200 answer, shaped as client-node's ApiException (code, body, headers). */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
  ) {
    super(`HTTP ${code}: ${body.slice(0, 300)}`);
  }
}

/** Bytes received but not decoded yet, at most (then the socket waits). */
const MAX_BACKLOG_BYTES = 256 * 1024 * 1024;
/** Decoding runs in slices of this many milliseconds, so the socket is read in between. */
const SLICE_MS = 20;
const EMPTY = Buffer.alloc(0);

/** The query string of a page request. */
export function listQuery(req: ListRequest): string {
  const q = new URLSearchParams();
  q.set('limit', String(req.limit));
  if (req.continue !== undefined) q.set('continue', req.continue);
  if (req.resourceVersion !== undefined) q.set('resourceVersion', req.resourceVersion);
  return q.toString();
}

/**
 * A PageGetter for the collection at `path` (e.g. `/api/v1/pods`) of the kubeconfig's current cluster. `agent` is shared
 * by the getters of one read (keep-alive); leave it out to use one from the kubeconfig per request.
 */
export function rawPageGetter(kc: KubeConfig, path: string, agent?: http.Agent): PageGetter {
  return async (req, onItem) => {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(`${cluster.server.replace(/\/+$/, '')}${path}?${listQuery(req)}`);
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    // The kubeconfig's proxy, if any, lives in its own agent; otherwise the shared keep-alive one serves.
    if (agent !== undefined && !cluster.proxyUrl) opts.agent = agent;
    const isHttp = url.protocol === 'http:';
    if (isHttp && opts.agent instanceof https.Agent) delete opts.agent;
    return new Promise<ListPageMeta>((resolve, reject) => {
      const request = (isHttp ? http : https).request(url, opts, (res) => {
        const status = res.statusCode ?? 0;
        let failed = false;
        res.on('error', (e) => {
          failed = true;
          reject(e);
        });
        if (status !== 200) {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < 65536) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => reject(new ApiStatusError(status, Buffer.concat(chunks).toString('utf8').slice(0, 65536), res.headers)));
          return;
        }
        // Items are decoded (and handed over) as the bytes arrive: a page may be the whole cluster. The bytes are taken off
        // the socket at once and decoded a slice at a time in between, so the server is not kept writing by a slow parse
        // (it cuts a request off after a minute); past MAX_BACKLOG_BYTES unread, the socket waits.
        const stream = new JsonListStream(onItem);
        const queue: Buffer[] = [];
        let head = 0;
        let backlog = 0;
        let ended = false;
        let scheduled = false;
        const fail = (e: unknown): void => {
          failed = true;
          res.destroy();
          reject(e instanceof Error ? e : new Error(String(e)));
        };
        const drain = (): void => {
          scheduled = false;
          if (failed) return;
          const until = performance.now() + SLICE_MS;
          try {
            while (head < queue.length && performance.now() < until) {
              const chunk = queue[head] as Buffer;
              queue[head++] = EMPTY;
              backlog -= chunk.length;
              stream.feed(chunk);
            }
            if (head === queue.length) {
              queue.length = 0;
              head = 0;
            }
            if (res.isPaused() && backlog < MAX_BACKLOG_BYTES / 2) res.resume();
            if (head < queue.length) schedule();
            else if (ended) resolve(stream.end() as ListPageMeta);
          } catch (e) {
            fail(e);
          }
        };
        const schedule = (): void => {
          if (scheduled) return;
          scheduled = true;
          setImmediate(drain);
        };
        res.on('data', (c: Buffer) => {
          if (failed) return;
          queue.push(c);
          backlog += c.length;
          if (backlog > MAX_BACKLOG_BYTES) res.pause();
          schedule();
        });
        res.on('end', () => {
          ended = true;
          schedule();
        });
      });
      request.on('error', reject);
      request.end();
    });
  };
}

/**
 * One keep-alive agent with the kubeconfig's TLS settings, for the pages of one read; null when the kubeconfig goes
 * through a proxy (its own agent is used then). Destroy it when done.
 */
export async function keepAliveAgent(kc: KubeConfig): Promise<http.Agent | null> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null || cluster.proxyUrl) return null;
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  if (cluster.server.startsWith('http:')) return new http.Agent({ keepAlive: true, maxSockets: 4 });
  return new https.Agent({
    keepAlive: true,
    maxSockets: 4,
    ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
    ...(opts.cert !== undefined ? { cert: opts.cert } : {}),
    ...(opts.key !== undefined ? { key: opts.key } : {}),
    ...(opts.pfx !== undefined ? { pfx: opts.pfx } : {}),
    ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
    ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
    ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
  });
}
