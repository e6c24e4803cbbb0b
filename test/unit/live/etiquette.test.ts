import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ApiEtiquette, backoffSeconds, shouldRetry, TokenBucket } from '../../../src/live/etiquette.js';

const status = (code: number, extra: Record<string, unknown> = {}): ApiException<unknown> =>
  new ApiException<unknown>(code, 'Unknown API Status Code!', JSON.stringify({ code, ...extra }), {});
const pdb = status(429, { message: "Cannot evict pod as it would violate the pod's disruption budget.", details: { causes: [{ reason: 'DisruptionBudget' }] } });
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('token bucket', () => {
  it('lets a burst through, then paces at qps', () => {
    let now = 0;
    const b = new TokenBucket(20, 40, () => now);
    for (let i = 0; i < 40; i++) expect(b.reserve()).toBe(0);
    expect(b.reserve()).toBe(50); // one token takes 1/20 s
    expect(b.reserve()).toBe(100); // queued behind the first
    now += 100;
    expect(b.available()).toBeCloseTo(0, 6);
    now += 10_000;
    expect(b.available()).toBe(40); // never above the burst
  });

  it('refuses a bucket that could never give a token', () => {
    expect(() => new TokenBucket(0, 10)).toThrow(RangeError);
    expect(() => new TokenBucket(5, 0)).toThrow(RangeError);
  });
});

describe('retry policy', () => {
  it('retries throttling, 5xx and transport errors of idempotent calls, never a PDB refusal or a 4xx', () => {
    expect(shouldRetry(status(429), 'idempotent')).toBe(true);
    expect(shouldRetry(status(503), 'idempotent')).toBe(true);
    expect(shouldRetry(refused, 'idempotent')).toBe(true);
    expect(shouldRetry(pdb, 'idempotent')).toBe(false);
    expect(shouldRetry(status(404), 'idempotent')).toBe(false);
    expect(shouldRetry(status(409), 'idempotent')).toBe(false);
  });

  it('a create is repeated only on a throttling 429 (a 5xx may have been processed)', () => {
    expect(shouldRetry(status(429), 'throttled-only')).toBe(true);
    expect(shouldRetry(status(500), 'throttled-only')).toBe(false);
    expect(shouldRetry(refused, 'throttled-only')).toBe(false);
    expect(shouldRetry(status(429), 'none')).toBe(false);
  });

  it('backs off exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffSeconds(a, 0.5, 8))).toEqual([0.5, 1, 2, 4, 8, 8]);
  });
});

describe('ApiEtiquette.call', () => {
  it('repeats a throttled call with growing delays, then succeeds', async () => {
    const sleeps: number[] = [];
    const api = new ApiEtiquette({ retries: 4, backoffBaseSeconds: 1, backoffMaxSeconds: 8 }, async (ms) => void sleeps.push(ms));
    let calls = 0;
    const out = await api.call('list nodes', 'idempotent', async () => {
      calls += 1;
      if (calls < 3) throw status(429);
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(1000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeLessThanOrEqual(2000);
  });

  it('gives up after the retries and throws the last error as it came', async () => {
    const api = new ApiEtiquette({ retries: 2 }, async () => undefined);
    let calls = 0;
    const e = status(503);
    await expect(
      api.call('x', 'idempotent', async () => {
        calls += 1;
        throw e;
      }),
    ).rejects.toBe(e);
    expect(calls).toBe(3);
  });

  it('does not repeat a PDB refusal', async () => {
    const api = new ApiEtiquette({}, async () => undefined);
    let calls = 0;
    await expect(
      api.call('evict', 'throttled-only', async () => {
        calls += 1;
        throw pdb;
      }),
    ).rejects.toBe(pdb);
    expect(calls).toBe(1);
  });

  it('fails a call that does not answer in time as a transport error', async () => {
    const api = new ApiEtiquette({ timeoutSeconds: 0.05, retries: 0 });
    await expect(api.call('hang', 'idempotent', () => new Promise(() => undefined))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
