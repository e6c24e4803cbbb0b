/**
 * One place that turns what @kubernetes/client-node throws into the engine's PortError, and an Eviction answer into an
 * EvictOutcome.
 *
 * client-node 1.x throws an ApiException for every status its generated code does not model: `code` is the HTTP status and
 * `body` the raw text of the API's Status (JSON), or undefined for a 401. Transport failures come from node-fetch as a
 * FetchError whose `code` is the system error (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...), sometimes wrapped in `cause`.
 */
import { PortError, type EvictOutcome, type PortErrorKind } from '../engine/ports.js';

/** The parts of a metav1.Status this adapter reads. */
export interface KubeStatus {
  readonly message: string;
  readonly reason: string;
  readonly code: number | null;
  readonly causes: readonly { readonly reason: string; readonly message: string }[];
  /** Seconds the server asks the client to wait (details.retryAfterSeconds), if any. */
  readonly retryAfterSeconds: number | null;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Parses a Status from an ApiException body (a JSON string, an object, or nothing). */
export function parseStatus(body: unknown): KubeStatus | null {
  let value: unknown = body;
  if (typeof body === 'string') {
    if (body.trim() === '') return null;
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body.trim().slice(0, 500), reason: '', code: null, causes: [], retryAfterSeconds: null };
    }
  }
  if (!isRecord(value)) return null;
  const details = isRecord(value['details']) ? value['details'] : {};
  const causes = Array.isArray(details['causes'])
    ? details['causes'].filter(isRecord).map((c) => ({ reason: str(c['reason']), message: str(c['message']) }))
    : [];
  const retry = details['retryAfterSeconds'];
  return {
    message: str(value['message']),
    reason: str(value['reason']),
    code: typeof value['code'] === 'number' ? value['code'] : null,
    causes,
    retryAfterSeconds: typeof retry === 'number' && retry > 0 ? retry : null,
  };
}

/** The HTTP status of an ApiException-like error (a number `code` in 100..599, or `statusCode`); null for anything else. */
export function httpStatusOf(e: unknown): number | null {
  if (!isRecord(e)) return null;
  for (const key of ['code', 'statusCode']) {
    const v = e[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
  }
  return null;
}

/** The system error code of a transport failure (ECONNREFUSED, ...), looking through `cause`; null when not one. */
export function networkCodeOf(e: unknown): string | null {
  for (let cur: unknown = e, depth = 0; isRecord(cur) && depth < 4; cur = cur['cause'], depth++) {
    const code = cur['code'];
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.startsWith('UND_ERR'))) return code;
    const errno = cur['errno'];
    if (typeof errno === 'string' && NETWORK_CODES.has(errno)) return errno;
    if (cur['type'] === 'system' && typeof code === 'string') return code;
    if (cur['name'] === 'AbortError' || cur['type'] === 'aborted') return 'ABORTED';
    if (cur['type'] === 'request-timeout') return 'ETIMEDOUT';
  }
  return null;
}

/** Seconds from a Retry-After header or the Status's retryAfterSeconds, if any. */
export function retryAfterOf(e: unknown): number | null {
  if (!isRecord(e)) return null;
  const headers = e['headers'];
  if (isRecord(headers)) {
    const v = headers['retry-after'] ?? headers['Retry-After'];
    const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
    if (Number.isFinite(n) && n > 0) return n;
  }
  return parseStatus(e['body'])?.retryAfterSeconds ?? null;
}

function kindForStatus(status: number): PortErrorKind {
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 410) return 'conflict';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server';
  return 'invalid';
}

const DEFAULT_REASON: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * Any error from a client-node call as a PortError. `what` names the call for the message (e.g. `cordon node a`).
 * A PortError passes through unchanged.
 */
export function toPortError(e: unknown, what: string): PortError {
  if (e instanceof PortError) return e;
  const status = httpStatusOf(e);
  if (status !== null) {
    const s = isRecord(e) ? parseStatus(e['body']) : null;
    const reason = s?.reason || DEFAULT_REASON[status] || `HTTP${status}`;
    const detail = s?.message || (status === 401 ? 'Unauthorized' : `HTTP ${status}`);
    return new PortError(kindForStatus(status), `${what}: ${detail}`, reason);
  }
  const net = networkCodeOf(e);
  if (net !== null) {
    const msg = e instanceof Error ? e.message : String(e);
    return new PortError('connectivity', `${what}: ${msg}`, net);
  }
  const msg = e instanceof Error ? e.message : String(e);
  // Anything else thrown by the transport (a TypeError from fetch, a parse failure of a truncated body) is a lost API.
  return new PortError('connectivity', `${what}: ${msg}`, null);
}

/** True when a 429's Status says a PodDisruptionBudget refused the eviction. */
export function isDisruptionBudgetRefusal(s: KubeStatus | null): boolean {
  if (s === null) return false;
  if (s.causes.some((c) => c.reason === 'DisruptionBudget')) return true;
  return /disruption budget/i.test(s.message) || s.causes.some((c) => /disruption budget/i.test(c.message));
}

/** The full refusal text: the Status message and its causes' messages (the cause names the PDB and its counts). */
export function refusalMessage(s: KubeStatus): string {
  const parts = [s.message.trim(), ...s.causes.map((c) => c.message.trim())].filter((p) => p !== '');
  return [...new Set(parts)].join(' ');
}

/**
 * An error from the Eviction call as an outcome: 404 is `gone`, a 429 from a PodDisruptionBudget is `blocked-by-pdb`.
 * Anything else throws the mapped PortError (other 429s are 'throttled', 5xx 'server', a pod under two PDBs answers 500).
 */
export function evictionErrorOutcome(e: unknown, what: string): EvictOutcome {
  const status = httpStatusOf(e);
  if (status === 404) return { kind: 'gone' };
  if (status === 429) {
    const s = isRecord(e) ? parseStatus(e['body']) : null;
    if (s !== null && isDisruptionBudgetRefusal(s)) return { kind: 'blocked-by-pdb', message: refusalMessage(s) };
  }
  throw toPortError(e, what);
}
