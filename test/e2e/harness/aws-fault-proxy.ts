/**
 * A small HTTP proxy in front of moto's server that answers chosen API actions with an AWS error instead of passing them
 * on, in the error format of the service's query protocol (EC2: `<Response><Errors><Error>`; Auto Scaling and the other
 * awsQuery services: `<ErrorResponse><Error>`), so tests see exactly what the SDK sees from AWS when a permission is
 * missing, a request is throttled or capacity is short (for every request of an action, or those whose parameters a
 * predicate accepts, e.g. one instance type). Everything else goes to moto unchanged. It runs inside the test worker on
 * 127.0.0.1, counts the requests per action and keeps the ones it refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InjectedError {
  /** The API action, as the query protocol's `Action` parameter names it (TerminateInstances, ...). */
  readonly action: string;
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** How many requests get the error before the action passes again (Infinity: all of them). */
  times: number;
  /** Only requests whose parameters this accepts get the error (e.g. one InstanceType); default: every request. */
  readonly when?: (params: URLSearchParams) => boolean;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Requests seen per action (answered with an error or passed on). */
  readonly seen: Map<string, number>;
  /** The requests answered with an injected error: the action, the code and the request's parameters. */
  readonly refused: { action: string; code: string; params: URLSearchParams }[];
  inject(e: Omit<InjectedError, 'times'> & { times?: number }): void;
  clear(): void;
  close(): Promise<void>;
}

function errorBody(action: string, code: string, message: string): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // EC2's API version is 2016-11-15; Auto Scaling's 2011-01-01 (the proxy tells them apart by the request's Version).
  if (action.startsWith('ec2:')) {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>`;
  }
  return `<ErrorResponse xmlns="https://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules: InjectedError[] = [];
  const seen = new Map<string, number>();
  const refused: { action: string; code: string; params: URLSearchParams }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const params = new URLSearchParams(body.toString('utf8'));
        const action = params.get('Action') ?? '';
        const service = params.get('Version') === '2016-11-15' ? 'ec2' : 'other';
        seen.set(action, (seen.get(action) ?? 0) + 1);
        const rule = rules.find((r) => r.action === action && r.times > 0 && (r.when === undefined || r.when(params)));
        if (rule !== undefined) {
          rule.times -= 1;
          refused.push({ action, code: rule.code, params });
          res.writeHead(rule.status, { 'content-type': 'text/xml' });
          res.end(errorBody(`${service}:${action}`, rule.code, rule.message));
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const r = await fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, ...(req.method === 'GET' ? {} : { body }) });
        const out = Buffer.from(await r.arrayBuffer());
        const back: Record<string, string> = {};
        r.headers.forEach((v, k) => {
          if (!['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(k)) back[k] = v;
        });
        res.writeHead(r.status, back);
        res.end(out);
      })().catch((e: unknown) => {
        res.writeHead(502);
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    refused,
    inject: (e) => rules.push({ ...e, times: e.times ?? Number.POSITIVE_INFINITY }),
    clear: () => {
      rules.length = 0;
      seen.clear();
      refused.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
