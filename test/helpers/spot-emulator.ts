/**
 * A contract emulator of the parts of the Spot API vngshift uses, an HTTP server on 127.0.0.1 for tests. Paths, the
 * envelope and the error body follow Spot's SDKs (spotinst-sdk-go: service/ocean/providers/aws cluster.go ReadCluster,
 * launchspec.go ListLaunchSpecs, spotinst/client/response.go for `{request: {id}, response: {status, errors}}`):
 *
 *   GET /ocean/aws/k8s/cluster/{oceanClusterId}          -> items: [cluster]
 *   GET /ocean/aws/k8s/launchSpec?oceanId={id}            -> items: launch specs of the cluster
 *
 * Every request needs `Authorization: Bearer <token>` (else 401) and, when the emulator has an account, `accountId` equal
 * to it (else 403). An unknown cluster is a 400 with error code CLUSTER_DOES_NOT_EXIST (the emulator's choice: the public
 * SDKs do not show the code). `fail()` makes the next requests to a path answer with a given status and error code
 * (429 throttling, 5xx). Requests are recorded for the tests to assert on.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OceanClusterFixture {
  readonly cluster: Record<string, unknown>;
  readonly launchSpecs: readonly Record<string, unknown>[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string;
  readonly body: unknown;
}

export interface SpotEmulator {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The next `times` requests whose path matches answer `status` with `code`. */
  fail(path: RegExp, status: number, code: string, times?: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

export interface SpotEmulatorOptions {
  readonly token: string;
  readonly account: string | null;
  readonly clusters: Readonly<Record<string, OceanClusterFixture>>;
}

const KIND = { cluster: 'spotinst:ocean:aws:k8s', launchSpec: 'spotinst:ocean:aws:k8s:launchSpec' };

function envelope(method: string, url: string, status: number, body: Record<string, unknown>): string {
  return JSON.stringify({
    request: { id: randomUUID(), url, method, timestamp: new Date(0).toISOString() },
    response: { status: { code: status, message: status === 200 ? 'OK' : 'Error' }, ...body },
  });
}

export async function startSpotEmulator(o: SpotEmulatorOptions): Promise<SpotEmulator> {
  const requests: RecordedRequest[] = [];
  const failures: { path: RegExp; status: number; code: string; times: number; retryAfter: number | null }[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(url.searchParams);
    let body: unknown = null;
    try {
      body = raw === '' ? null : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query, authorization: req.headers.authorization ?? '', body });
    const send = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(envelope(method, url.pathname, status, payload));
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
      send(status, { errors: [{ code, message }] }, headers);
    if (req.headers.authorization !== `Bearer ${o.token}`) return error(401, 'UNAUTHORIZED', 'Unauthorized: invalid token');
    if (o.account !== null && query['accountId'] !== o.account) return error(403, 'ACCESS_DENIED', `Access denied to account ${query['accountId'] ?? '(none)'}`);
    const failure = failures.find((f) => f.times > 0 && f.path.test(url.pathname));
    if (failure !== undefined) {
      failure.times -= 1;
      return error(failure.status, failure.code, `injected ${failure.code}`, failure.retryAfter !== null ? { 'retry-after': String(failure.retryAfter) } : {});
    }
    const clusterPath = /^\/ocean\/aws\/k8s\/cluster\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && clusterPath !== null) {
      const c = o.clusters[decodeURIComponent(clusterPath[1] as string)];
      if (c === undefined) return error(400, 'CLUSTER_DOES_NOT_EXIST', `Cluster ${clusterPath[1] ?? ''} does not exist`);
      return send(200, { kind: KIND.cluster, items: [c.cluster], count: 1 });
    }
    if (method === 'GET' && url.pathname === '/ocean/aws/k8s/launchSpec') {
      const id = query['oceanId'];
      const specs = id === undefined ? Object.values(o.clusters).flatMap((c) => c.launchSpecs) : (o.clusters[id]?.launchSpecs ?? []);
      return send(200, { kind: KIND.launchSpec, items: specs, count: specs.length });
    }
    return error(404, 'NOT_FOUND', `${method} ${url.pathname} is not part of the emulated API`);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    fail: (path, status, code, times = 1, retryAfterSeconds) => failures.push({ path, status, code, times, retryAfter: retryAfterSeconds ?? null }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
