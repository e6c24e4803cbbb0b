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
        res.on('error', reject);
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
        // Items are decoded (and handed over) as the bytes arrive: a page may be the whole cluster.
        const stream = new JsonListStream(onItem);
        let failed = false;
        res.on('data', (c: Buffer) => {
          if (failed) return;
          try {
            stream.feed(c);
          } catch (e) {
            failed = true;
            res.destroy();
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
        res.on('end', () => {
          if (failed) return;
          try {
            resolve(stream.end() as ListPageMeta);
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
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
