import type { V1Lease } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideLease, LeaderElector, leaseRecord, type LeaseClient, type LeaseRecord } from '../../../src/live/leader.js';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const lease = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  holder: 'exec-a',
  durationSeconds: 15,
  acquireTime: T0,
  renewTime: T0,
  transitions: 2,
  ...over,
});

describe('decideLease (the pure decision)', () => {
  it('acquires a Lease that does not exist, with no transitions yet', () => {
    expect(decideLease(null, T0, 'exec-b')).toEqual({ kind: 'acquire', transitions: 0 });
  });

  it('renews its own Lease, even past its expiry', () => {
    expect(decideLease(lease(), T0 + 5_000, 'exec-a')).toEqual({ kind: 'renew' });
    expect(decideLease(lease(), T0 + 60_000, 'exec-a')).toEqual({ kind: 'renew' });
  });

  it('waits while another holder renewed within the lease duration, and says until when', () => {
    expect(decideLease(lease(), T0 + 14_999, 'exec-b')).toEqual({ kind: 'wait', holder: 'exec-a', expiresAt: T0 + 15_000 });
  });

  it('takes over an expired Lease and counts the transition', () => {
    expect(decideLease(lease(), T0 + 15_000, 'exec-b')).toEqual({ kind: 'acquire', transitions: 3 });
  });

  it('takes a released Lease (empty or absent holder) at once', () => {
    expect(decideLease(lease({ holder: '' }), T0 + 1, 'exec-b')).toEqual({ kind: 'acquire', transitions: 3 });
    expect(decideLease(lease({ holder: null }), T0 + 1, 'exec-b')).toEqual({ kind: 'acquire', transitions: 3 });
  });

  it('times the holder from when we first saw the record, not from its renewTime, when we watched it', () => {
    // The holder's clock is 10 minutes behind ours: by renewTime the Lease looks long expired, but it was renewed just now.
    const skewed = lease({ renewTime: T0 - 600_000 });
    expect(decideLease(skewed, T0 + 1_000, 'exec-b', T0).kind).toBe('wait');
    expect(decideLease(skewed, T0 + 15_000, 'exec-b', T0).kind).toBe('acquire');
  });

  it('falls back to acquireTime, and acquires a Lease with no times at all', () => {
    expect(decideLease(lease({ renewTime: null }), T0 + 1_000, 'exec-b').kind).toBe('wait');
    expect(decideLease(lease({ renewTime: null, acquireTime: null }), T0, 'exec-b').kind).toBe('acquire');
  });

  it('reads MicroTimes whether client-node hands back a Date or the API string', () => {
    const r = leaseRecord({
      spec: { holderIdentity: 'x', leaseDurationSeconds: 15, renewTime: '2026-11-25T12:00:00.000000Z' as unknown as Date, leaseTransitions: 1 },
    });
    expect(r.renewTime).toBe(T0);
    expect(leaseRecord({ spec: { renewTime: new Date(T0) } }).renewTime).toBe(T0);
    expect(leaseRecord({}).holder).toBeNull();
  });
});

/** An API server's Lease in memory: resourceVersion checked on replace, create refused when it exists. */
class FakeLeaseServer {
  lease: V1Lease | null = null;
  rv = 0;
  down = false;
  client(): LeaseClient {
    const copy = (l: V1Lease): V1Lease => JSON.parse(JSON.stringify(l)) as V1Lease;
    return {
      read: () => (this.down ? Promise.reject(new Error('connection refused')) : Promise.resolve(this.lease === null ? null : copy(this.lease))),
      create: (body) => {
        if (this.down) return Promise.reject(new Error('connection refused'));
        if (this.lease !== null) return Promise.resolve('conflict' as const);
        this.lease = { ...copy(body), metadata: { ...body.metadata, resourceVersion: String(++this.rv) } };
        return Promise.resolve(copy(this.lease));
      },
      replace: (body) => {
        if (this.down) return Promise.reject(new Error('connection refused'));
        if (this.lease === null || body.metadata?.resourceVersion !== this.lease.metadata?.resourceVersion) return Promise.resolve('conflict' as const);
        this.lease = { ...copy(body), metadata: { ...body.metadata, resourceVersion: String(++this.rv) } };
        return Promise.resolve(copy(this.lease));
      },
    };
  }
}

describe('LeaderElector', () => {
  const meta = { namespace: 'vngshift-system', name: 'vngshift-m1', migrationId: 'm1' };

  it('of two executors, exactly one holds the Lease; the other waits and takes it once it is released', async () => {
    const server = new FakeLeaseServer();
    let now = T0;
    const waits: string[] = [];
    const opts = { now: () => now, sleep: () => Promise.resolve() };
    const a = new LeaderElector(server.client(), meta, 'exec-a', opts);
    const b = new LeaderElector(server.client(), meta, 'exec-b', { ...opts, onWaiting: (h: string) => waits.push(h) });
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(waits).toEqual(['exec-a']);
    expect(server.lease?.spec?.holderIdentity).toBe('exec-a');
    expect(server.lease?.spec?.leaseDurationSeconds).toBe(15);

    now += 5_000;
    expect(await a.tryAcquireOrRenew()).toBe(true); // renew
    expect(await b.tryAcquireOrRenew()).toBe(false);

    await a.release();
    expect(server.lease?.spec?.holderIdentity).toBe('');
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(server.lease?.spec?.holderIdentity).toBe('exec-b');
    expect(server.lease?.spec?.leaseTransitions).toBe(1);
  });

  it('a write with a stale resourceVersion loses the race', async () => {
    const server = new FakeLeaseServer();
    const now = T0;
    const a = new LeaderElector(server.client(), meta, 'exec-a', { now: () => now });
    expect(await a.tryAcquireOrRenew()).toBe(true);
    // Another writer replaces the Lease between our read and our write.
    const client = server.client();
    const racing: LeaseClient = {
      read: client.read,
      create: client.create,
      replace: async (body) => {
        server.rv += 1;
        if (server.lease?.metadata) server.lease.metadata.resourceVersion = String(server.rv);
        return client.replace(body);
      },
    };
    const a2 = new LeaderElector(racing, meta, 'exec-a', { now: () => now });
    expect(await a2.tryAcquireOrRenew()).toBe(false);
  });

  it('takes over a Lease whose holder stopped renewing, after the lease duration on its own clock', async () => {
    const server = new FakeLeaseServer();
    let now = T0;
    const lost: string[] = [];
    const a = new LeaderElector(server.client(), meta, 'exec-a', { now: () => now, onLost: (w) => lost.push(w) });
    const b = new LeaderElector(server.client(), meta, 'exec-b', { now: () => now });
    expect(await a.tryAcquireOrRenew()).toBe(true);
    now += 1_000;
    expect(await b.tryAcquireOrRenew()).toBe(false); // b first sees the record now
    now += 14_999;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    now += 1;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    // a notices at its next renewal that someone else holds it and steps down at once.
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader()).toBe(false);
    expect(lost).toEqual(['the Lease is now held by exec-b']);
  });

  it('steps down when renewals fail for the renew deadline (before the Lease can expire for others)', async () => {
    const server = new FakeLeaseServer();
    let now = T0;
    const lost: string[] = [];
    let ticks = 0;
    const a = new LeaderElector(server.client(), meta, 'exec-a', {
      now: () => now,
      sleep: () => {
        ticks += 1;
        now += 2_000;
        if (ticks === 2) server.down = true;
        return new Promise((resolve) => setImmediate(resolve));
      },
      onLost: (w) => lost.push(w),
    });
    expect(await a.acquire()).toBe(true);
    for (let i = 0; i < 50 && lost.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/renewal failed: connection refused; not renewed for 1\ds/);
    expect(a.isLeader()).toBe(false);
    expect(now - T0).toBeLessThan(15_000 + 2_000);
    await a.release();
  });

  it('isLeader turns false by itself once the last renewal is older than the renew deadline', async () => {
    const server = new FakeLeaseServer();
    let now = T0;
    const a = new LeaderElector(server.client(), meta, 'exec-a', { now: () => now });
    expect(await a.tryAcquireOrRenew()).toBe(true);
    now += 9_999;
    expect(a.isLeader()).toBe(true);
    now += 1;
    expect(a.isLeader()).toBe(false);
  });
});
