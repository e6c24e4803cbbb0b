import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PortError } from '../../../src/engine/ports.js';
import { evictionErrorOutcome, networkCodeOf, parseStatus, retryAfterOf, toPortError } from '../../../src/live/errors.js';

/** What client-node 1.x throws for a status it does not model: the raw Status JSON as the body. */
function apiError(code: number, status: Record<string, unknown> | undefined, headers: Record<string, string> = {}): ApiException<unknown> {
  return new ApiException<unknown>(code, 'Unknown API Status Code!', status === undefined ? undefined : JSON.stringify(status), headers);
}

const pdbRefusal = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: "Cannot evict pod as it would violate the pod's disruption budget.",
  reason: 'TooManyRequests',
  details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }] },
  code: 429,
};

function fetchError(code: string): Error {
  return Object.assign(new Error(`request to https://127.0.0.1:6443/api/v1/nodes failed, reason: connect ${code} 127.0.0.1:6443`), {
    type: 'system',
    code,
    errno: code,
    name: 'FetchError',
  });
}

describe('eviction answers', () => {
  it('a 429 with a DisruptionBudget cause is blocked-by-pdb, with the budget named in the message', () => {
    const out = evictionErrorOutcome(apiError(429, pdbRefusal), 'evict pod default/web-1');
    expect(out.kind).toBe('blocked-by-pdb');
    expect(out.kind === 'blocked-by-pdb' && out.message).toContain('web-pdb needs 2 healthy pods');
  });

  it('a 429 whose message alone names the disruption budget is blocked-by-pdb too', () => {
    const out = evictionErrorOutcome(apiError(429, { message: "Cannot evict pod as it would violate the pod's disruption budget.", code: 429 }), 'evict');
    expect(out.kind).toBe('blocked-by-pdb');
  });

  it('a 404 is gone', () => {
    expect(evictionErrorOutcome(apiError(404, { reason: 'NotFound', message: 'pods "x" not found', code: 404 }), 'evict')).toEqual({ kind: 'gone' });
  });

  it('another 429 is throttled, a 500 (pod under two PDBs) is server: both thrown as transient PortErrors', () => {
    const throttled = () => evictionErrorOutcome(apiError(429, { reason: 'TooManyRequests', message: 'too many requests', code: 429 }), 'evict');
    expect(throttled).toThrowError(PortError);
    try {
      throttled();
    } catch (e) {
      expect((e as PortError).kind).toBe('throttled');
      expect((e as PortError).transient).toBe(true);
    }
    try {
      evictionErrorOutcome(
        apiError(500, { reason: 'InternalError', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 }),
        'evict pod a/b',
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PortError);
      expect((e as PortError).kind).toBe('server');
      expect((e as PortError).message).toContain('more than one PodDisruptionBudget');
    }
  });
});

describe('toPortError', () => {
  it.each([
    [401, 'forbidden', 'Unauthorized'],
    [403, 'forbidden', 'Forbidden'],
    [404, 'not-found', 'NotFound'],
    [409, 'conflict', 'Conflict'],
    [410, 'conflict', 'Gone'],
    [422, 'invalid', 'Invalid'],
    [429, 'throttled', 'TooManyRequests'],
    [500, 'server', 'InternalError'],
    [503, 'server', 'ServiceUnavailable'],
  ] as const)('HTTP %i is %s', (code, kind, reason) => {
    // A 401 comes without a body from client-node.
    const e = toPortError(code === 401 ? apiError(401, undefined) : apiError(code, { code, message: 'm' }), 'patch node a');
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(reason);
    expect(e.message.startsWith('patch node a: ')).toBe(true);
  });

  it("uses the Status's own reason and message", () => {
    const e = toPortError(apiError(403, { reason: 'Forbidden', message: 'nodes "a" is forbidden: User "x" cannot patch resource "nodes"', code: 403 }), 'cordon node a');
    expect(e.message).toBe('cordon node a: nodes "a" is forbidden: User "x" cannot patch resource "nodes"');
    expect(e.code).toBe('Forbidden');
  });

  it('transport errors are connectivity, with the system code', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND']) {
      const e = toPortError(fetchError(code), 'list nodes');
      expect(e.kind).toBe('connectivity');
      expect(e.code).toBe(code);
    }
    const wrapped = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    expect(networkCodeOf(wrapped)).toBe('ECONNREFUSED');
    expect(toPortError(wrapped, 'x').kind).toBe('connectivity');
  });

  it('passes a PortError through', () => {
    const p = new PortError('conflict', 'c');
    expect(toPortError(p, 'x')).toBe(p);
  });
});

describe('Status parsing', () => {
  it('reads causes and retryAfterSeconds; tolerates text that is not JSON', () => {
    expect(parseStatus(JSON.stringify(pdbRefusal))?.causes[0]?.reason).toBe('DisruptionBudget');
    expect(parseStatus('upstream connect error')?.message).toBe('upstream connect error');
    expect(parseStatus(undefined)).toBeNull();
    expect(retryAfterOf(apiError(429, { code: 429, details: { retryAfterSeconds: 3 } }))).toBe(3);
    expect(retryAfterOf(apiError(429, { code: 429 }, { 'retry-after': '2' }))).toBe(2);
  });
});
