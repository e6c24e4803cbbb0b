/**
 * A small client of the Spot API (the Ocean endpoints vngshift uses), as Spot's SDKs call it: base URL
 * https://api.spotinst.io (`--spot-api-url` elsewhere, e.g. the tests' emulator), `Authorization: Bearer <token>`, the
 * account as the `accountId` query parameter. Answers carry `{request: {id}, response: {status, kind, items, count}}`;
 * errors `{request: {id}, response: {status: {code, message}, errors: [{code, message, field}]}}`. Paths and shapes
 * follow spotinst-sdk-go (service/ocean/providers/aws: cluster.go, launchspec.go, migrationstatus.go,
 * migrationsummary.go; spotinst/client/response.go for errors) and spotinst-sdk-python (clients/ocean: create_migration,
 * stop_migration, get_migration_status, get_migration_discovery). The calls made: GET /ocean/aws/k8s/cluster/{id},
 * GET /ocean/aws/k8s/launchSpec?oceanId={id} (ocean-read.ts); POST, GET and PUT under
 * /ocean/aws/k8s/cluster/{id}/migration (migration.ts); GET /ocean/aws/k8s/cluster/{id}/migration/discovery?shouldFetchPods=
 * (discovery.ts: Ocean's VNG per node, `Default`, a launch spec id or null, as Spot's guide to the workload migration
 * through the API describes it; the node fields' names are guesses). Their shapes, with sources, are in the tests'
 * fixtures (test/fixtures/spot-api).
 *
 * 429 and 5xx answers and transport failures are tried again (up to 4 attempts, backoff 0.5 s doubling, or the server's
 * Retry-After); anything else fails at once with a SpotApiError naming the call.
 */
import { networkCodeOf } from '../errors.js';
import type { SpotCredentials } from './credentials.js';

export const DEFAULT_SPOT_API_URL = 'https://api.spotinst.io';

/** An item of an answer as an object (anything else as an empty one): answers are read leniently. */
export function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export class SpotApiError extends Error {
  override readonly name = 'SpotApiError';
  constructor(
    /** The call, e.g. `GET /ocean/aws/k8s/cluster/o-123`. */
    readonly call: string,
    /** HTTP status; null when the API was not reached. */
    readonly status: number | null,
    /** The API's error code (e.g. CLUSTER_DOES_NOT_EXIST), or the status text. */
    readonly code: string,
    readonly detail: string,
    readonly requestId: string | null,
  ) {
    super(
      status === null
        ? `Spot API ${call}: unreachable (${code}${detail !== '' && detail !== code ? `: ${detail}` : ''})`
        : `Spot API ${call}: ${status} ${code}${detail !== '' ? `: ${detail}` : ''}${requestId ? ` (request ${requestId})` : ''}`,
    );
  }

  get transient(): boolean {
    return this.status === null || this.status === 429 || this.status >= 500;
  }
}

export interface SpotClientOptions {
  readonly baseUrl?: string;
  readonly credentials: SpotCredentials;
  /** Attempts per call for answers worth retrying (429, 5xx, unreachable). Default 4. */
  readonly attempts?: number;
  /** Waits between attempts; tests pass a fast one. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetch?: typeof fetch;
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

interface Envelope {
  readonly request?: { readonly id?: string };
  readonly response?: {
    readonly status?: { readonly code?: number; readonly message?: string };
    readonly items?: readonly unknown[];
    readonly errors?: readonly { readonly code?: string; readonly message?: string; readonly field?: string }[];
  };
}

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SpotClient {
  private readonly base: string;

  constructor(private readonly o: SpotClientOptions) {
    this.base = (o.baseUrl ?? DEFAULT_SPOT_API_URL).replace(/\/+$/, '');
  }

  get(path: string, query: Query = {}): Promise<readonly unknown[]> {
    return this.call('GET', path, query, undefined);
  }

  post(path: string, body: unknown, query: Query = {}): Promise<readonly unknown[]> {
    return this.call('POST', path, query, body);
  }

  put(path: string, body: unknown, query: Query = {}): Promise<readonly unknown[]> {
    return this.call('PUT', path, query, body);
  }

  /** The answer's `response.items`. */
  private async call(method: string, path: string, query: Query, body: unknown): Promise<readonly unknown[]> {
    const url = new URL(`${this.base}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    if (this.o.credentials.account !== null) url.searchParams.set('accountId', this.o.credentials.account);
    const what = `${method} ${path}`;
    const attempts = this.o.attempts ?? 4;
    const doFetch = this.o.fetch ?? fetch;
    const sleep = this.o.sleep ?? sleepMs;
    for (let attempt = 1; ; attempt++) {
      let err: SpotApiError;
      let retryAfterMs: number | null = null;
      try {
        const res = await doFetch(url, {
          method,
          headers: { Authorization: `Bearer ${this.o.credentials.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        let env: Envelope = {};
        try {
          env = text === '' ? {} : (JSON.parse(text) as Envelope);
        } catch {
          env = {};
        }
        if (res.ok) return env.response?.items ?? [];
        const first = env.response?.errors?.[0];
        const code = first?.code ?? env.response?.status?.message ?? res.statusText ?? '';
        const detail = [first?.message, first?.field ? `field ${first.field}` : undefined].filter((x): x is string => x !== undefined && x !== '').join(', ');
        err = new SpotApiError(what, res.status, code, detail, env.request?.id ?? null);
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = ra * 1000;
      } catch (e) {
        if (e instanceof SpotApiError) throw e;
        const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
        err = new SpotApiError(what, null, networkCodeOf(e) ?? 'unreachable', cause !== '' ? cause : e instanceof Error ? e.message : String(e), null);
      }
      if (!err.transient || attempt >= attempts) throw err;
      await sleep(retryAfterMs ?? 500 * 2 ** (attempt - 1));
    }
  }
}
