/**
 * A fake API server for list requests only: each collection path serves its objects page by page (`limit`, `continue`),
 * records every request, and can misbehave the ways real servers do: expire continue tokens (410 Gone), ignore the limit
 * when asked for resourceVersion=0 (a watch cache that does not paginate), or answer an error status.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeListOptions {
  /** Objects by collection path (e.g. `/api/v1/pods`); other paths answer an empty list. */
  readonly collections: Readonly<Record<string, readonly unknown[]>>;
  /** How many continue requests answer 410 Gone (the first ones). */
  expireContinues?: number;
  /** With resourceVersion=0, answer every object in one page, as a watch cache that ignores the limit. */
  readonly ignoreLimitFromCache?: boolean;
  /** Paths that answer this status (and a Status body). */
  readonly failing?: Readonly<Record<string, number>>;
  /** Cut the connection of requests with resourceVersion=0 midway, as a server timing out a slow one-piece answer. */
  readonly abortFromCache?: boolean;
}

export interface FakeListServer {
  readonly url: string;
  /** Every request: path and query parameters. */
  readonly requests: { path: string; query: Record<string, string> }[];
  close(): Promise<void>;
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
}

export async function startFakeListServer(opts: FakeListOptions): Promise<FakeListServer> {
  const requests: FakeListServer['requests'] = [];
  let generation = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    requests.push({ path: url.pathname, query });
    const fail = opts.failing?.[url.pathname];
    if (fail !== undefined) {
      res.writeHead(fail, { 'content-type': 'application/json' }).end(status(fail, 'Forbidden', `pods is forbidden: User "test" cannot list resource`));
      return;
    }
    if (query['continue'] !== undefined && query['resourceVersion'] !== undefined) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(status(400, 'BadRequest', 'specifying resource version is not allowed when using continue'));
      return;
    }
    const all = opts.collections[url.pathname] ?? [];
    if (opts.abortFromCache === true && query['resourceVersion'] === '0') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[${JSON.stringify(all[0] ?? {})},`);
      setTimeout(() => res.destroy(), 5);
      return;
    }
    let offset = 0;
    if (query['continue'] !== undefined) {
      if ((opts.expireContinues ?? 0) > 0) {
        opts.expireContinues = (opts.expireContinues ?? 0) - 1;
        generation++;
        res.writeHead(410, { 'content-type': 'application/json' }).end(status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.'));
        return;
      }
      const [gen, at] = query['continue'].split(':');
      if (Number(gen) !== generation) {
        res.writeHead(410, { 'content-type': 'application/json' }).end(status(410, 'Expired', 'continue token of an older list'));
        return;
      }
      offset = Number(at);
    }
    const limit = Number(query['limit'] ?? '0');
    const onePage = limit <= 0 || (opts.ignoreLimitFromCache === true && query['resourceVersion'] === '0');
    const end = onePage ? all.length : Math.min(all.length, offset + limit);
    const more = end < all.length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '42', ...(more ? { continue: `${generation}:${end}` } : {}) }, items: all.slice(offset, end) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
