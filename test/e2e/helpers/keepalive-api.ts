/**
 * A small JSON client of the e2e API server over one kept-alive TLS connection pool. The generated client opens a new
 * connection (and TLS handshake) per request, about 20 ms each here; a replay that creates thousands of pods one after
 * another, in order, spends most of its time on that. Credentials and CA come from the kubeconfig, as for the client.
 */
import * as https from 'node:https';
import type * as k8s from '@kubernetes/client-node';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class KeepAliveApi {
  private constructor(
    private readonly server: URL,
    private readonly agent: https.Agent,
    private readonly headers: Readonly<Record<string, string>>,
  ) {}

  static async of(kc: k8s.KubeConfig): Promise<KeepAliveApi> {
    const server = new URL(kc.getCurrentCluster()?.server ?? '');
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: opts.ca, cert: opts.cert, key: opts.key });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    if (typeof opts.auth === 'string') headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return new KeepAliveApi(server, agent, headers);
  }

  /** The parsed JSON answer; an ApiError for a status of 300 or more. */
  request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          hostname: this.server.hostname,
          port: this.server.port,
          path,
          method,
          agent: this.agent,
          headers: { ...this.headers, Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 300) reject(new ApiError(status, `${method} ${path}: ${status} ${text.slice(0, 300)}`));
            else resolve(text === '' ? null : (JSON.parse(text) as unknown));
          });
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The few fields of a pod a replay reads. */
export interface PodView {
  readonly name: string;
  readonly nodeName: string;
  /** The PodScheduled condition, if any. */
  readonly scheduled: { readonly status: string; readonly reason: string; readonly message: string } | null;
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The pods of a PodList answer. */
export function podViews(list: unknown): PodView[] {
  const items = obj(list)['items'];
  if (!Array.isArray(items)) return [];
  return items.map((item: unknown) => {
    const pod = obj(item);
    const conditions = obj(pod['status'])['conditions'];
    const c = Array.isArray(conditions) ? conditions.map(obj).find((x) => x['type'] === 'PodScheduled') : undefined;
    return {
      name: str(obj(pod['metadata'])['name']),
      nodeName: str(obj(pod['spec'])['nodeName']),
      scheduled: c ? { status: str(c['status']), reason: str(c['reason']), message: str(c['message']) } : null,
    };
  });
}
