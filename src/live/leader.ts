/**
 * Leader election for `vngshift run`: one coordination.k8s.io/v1 Lease per migration in the executor's namespace. Only the
 * holder acts; the others wait. The rules are client-go's leaderelection ones:
 * - a Lease nobody holds (absent, empty holderIdentity) is taken at once;
 * - a Lease someone else holds is taken only when it has not changed for leaseDurationSeconds of *our* clock (we time the
 *   record from when we first saw it, so clocks that disagree between machines do not matter), or by its renewTime when we
 *   have not watched it ourselves;
 * - every write carries the resourceVersion read just before (optimistic concurrency): of two executors racing for the same
 *   Lease, the API server lets exactly one win (409 Conflict for the other);
 * - the holder renews every `retryPeriodSeconds` and stops acting (steps down) once it has not renewed for
 *   `renewDeadlineSeconds`, which is shorter than the lease duration, so it stops before anyone else may take over;
 * - on a clean exit the holder releases the Lease (empty holder, duration 1 s) so a waiting executor takes over at once.
 *
 * `decideLease` is the pure decision (unit-tested); `LeaderElector` does the I/O through a small `LeaseClient`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ApiException, CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';

export const LEASE_DURATION_SECONDS = 15;
export const RENEW_DEADLINE_SECONDS = 10;
export const RETRY_PERIOD_SECONDS = 2;

/** What the decision needs of a Lease, with times in milliseconds since the epoch. */
export interface LeaseRecord {
  readonly holder: string | null;
  readonly durationSeconds: number;
  readonly acquireTime: number | null;
  readonly renewTime: number | null;
  readonly transitions: number;
}

export type LeaseDecision =
  /** Take the Lease (create it, or replace it with us as holder); `transitions` is the new leaseTransitions. */
  | { readonly kind: 'acquire'; readonly transitions: number }
  /** We hold it: write a new renewTime. */
  | { readonly kind: 'renew' }
  /** Someone else holds it and it has not expired: wait. */
  | { readonly kind: 'wait'; readonly holder: string; readonly expiresAt: number };

/**
 * Acquire, renew or wait, given the Lease as read (null when there is none), the time now, our identity and, when known, the
 * time on our own clock at which we first saw this exact record (it then replaces renewTime as the start of the holder's term).
 */
export function decideLease(lease: LeaseRecord | null, now: number, identity: string, observedAt: number | null = null): LeaseDecision {
  if (lease === null) return { kind: 'acquire', transitions: 0 };
  const holder = lease.holder ?? '';
  if (holder === identity) return { kind: 'renew' };
  if (holder === '') return { kind: 'acquire', transitions: lease.transitions + 1 };
  const since = observedAt ?? lease.renewTime ?? lease.acquireTime;
  if (since === null) return { kind: 'acquire', transitions: lease.transitions + 1 };
  const expiresAt = since + Math.max(1, lease.durationSeconds) * 1000;
  if (now >= expiresAt) return { kind: 'acquire', transitions: lease.transitions + 1 };
  return { kind: 'wait', holder, expiresAt };
}

/** Milliseconds of a MicroTime as client-node hands it back (typed as a Date, at run time often the API's string). */
function millis(t: unknown): number | null {
  if (t instanceof Date) return Number.isNaN(t.getTime()) ? null : t.getTime();
  if (typeof t === 'string' && t !== '') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

export function leaseRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holder: spec.holderIdentity ?? null,
    durationSeconds: spec.leaseDurationSeconds ?? LEASE_DURATION_SECONDS,
    acquireTime: millis(spec.acquireTime),
    renewTime: millis(spec.renewTime),
    transitions: spec.leaseTransitions ?? 0,
  };
}

/** The Lease's name for a migration. */
export function leaseName(migrationId: string): string {
  return `vngshift-${migrationId}`;
}

/** Who this executor is: the pod's name in a Deployment (downward API), else host and a random suffix. */
export function defaultIdentity(): string {
  const pod = process.env['VNGSHIFT_IDENTITY'] ?? process.env['POD_NAME'];
  if (pod !== undefined && pod !== '') return pod;
  return `${hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** The Lease API, narrowed: `null` from read means absent; `conflict` from a write means another writer won. */
export interface LeaseClient {
  read(): Promise<V1Lease | null>;
  create(body: V1Lease): Promise<V1Lease | 'conflict'>;
  replace(body: V1Lease): Promise<V1Lease | 'conflict'>;
}

export function kubeLeaseClient(kc: KubeConfig, namespace: string, name: string): LeaseClient {
  const api = kc.makeApiClient(CoordinationV1Api);
  const conflict = (e: unknown): boolean => e instanceof ApiException && (e.code === 409 || e.code === 422);
  return {
    async read() {
      try {
        return await api.readNamespacedLease({ name, namespace });
      } catch (e) {
        if (e instanceof ApiException && e.code === 404) return null;
        throw e;
      }
    },
    async create(body) {
      try {
        return await api.createNamespacedLease({ namespace, body });
      } catch (e) {
        if (conflict(e)) return 'conflict';
        throw e;
      }
    },
    async replace(body) {
      try {
        return await api.replaceNamespacedLease({ name, namespace, body });
      } catch (e) {
        if (conflict(e) || (e instanceof ApiException && e.code === 404)) return 'conflict';
        throw e;
      }
    },
  };
}

export interface LeaderOptions {
  readonly durationSeconds?: number;
  readonly renewDeadlineSeconds?: number;
  readonly retryPeriodSeconds?: number;
  /** Milliseconds now (tests pass a fake). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called when the holder changes while we wait (once per holder). */
  readonly onWaiting?: (holder: string) => void;
  /** Called when an attempt to read or write the Lease fails (once per distinct message). */
  readonly onError?: (message: string) => void;
  /** Called once when we lose the Lease (renewal failed past the deadline, or someone else took it). */
  readonly onLost?: (why: string) => void;
}

export class LeaderElector {
  private readonly durationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The record we last saw and when, on our clock (client-go's observedRecord / observedTime). */
  private observed: { key: string; at: number } | null = null;
  private held = false;
  private lastRenew = 0;
  private renewing: Promise<void> | null = null;
  private stopped = false;
  private lostReason: string | null = null;

  constructor(
    private readonly client: LeaseClient,
    private readonly meta: { readonly namespace: string; readonly name: string; readonly migrationId: string },
    readonly identity: string,
    private readonly options: LeaderOptions = {},
  ) {
    this.durationSeconds = options.durationSeconds ?? LEASE_DURATION_SECONDS;
    this.renewDeadlineMs = (options.renewDeadlineSeconds ?? RENEW_DEADLINE_SECONDS) * 1000;
    this.retryMs = (options.retryPeriodSeconds ?? RETRY_PERIOD_SECONDS) * 1000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => this.realSleep(ms));
  }

  private wake: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** A timer that release() cuts short, so a finished run does not linger for a retry period. */
  private realSleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  /** True while we hold the Lease and renewed it within the renew deadline: only then may the caller act. */
  isLeader(): boolean {
    return this.held && this.lostReason === null && this.now() - this.lastRenew < this.renewDeadlineMs;
  }

  /** Why we stepped down, once we did. */
  get lost(): string | null {
    return this.lostReason;
  }

  /** One attempt to take or keep the Lease. True when we hold it afterwards. API errors propagate. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const current = await this.client.read();
    if (current === null) {
      const made = await this.client.create(this.body(null, now, { kind: 'acquire', transitions: 0 }));
      return this.took(made, now);
    }
    const rec = leaseRecord(current);
    const key = `${current.metadata?.resourceVersion ?? ''}|${rec.holder ?? ''}|${rec.renewTime ?? ''}`;
    if (this.observed === null || this.observed.key !== key) this.observed = { key, at: now };
    const decision = decideLease(rec, now, this.identity, this.observed.at);
    if (decision.kind === 'wait') {
      if (this.held) this.stepDown(`the Lease is now held by ${decision.holder}`);
      this.waitingFor(decision.holder);
      return false;
    }
    const replaced = await this.client.replace(this.body(current, now, decision));
    return this.took(replaced, now);
  }

  private lastWaitingFor: string | null = null;
  private lastError: string | null = null;
  private waitingFor(holder: string): void {
    if (holder === this.lastWaitingFor) return;
    this.lastWaitingFor = holder;
    this.options.onWaiting?.(holder);
  }

  private took(result: V1Lease | 'conflict', now: number): boolean {
    if (result === 'conflict') return false;
    this.held = true;
    this.lastRenew = now;
    const rec = leaseRecord(result);
    this.observed = { key: `${result.metadata?.resourceVersion ?? ''}|${rec.holder ?? ''}|${rec.renewTime ?? ''}`, at: now };
    return true;
  }

  private body(current: V1Lease | null, now: number, decision: Exclude<LeaseDecision, { kind: 'wait' }>): V1Lease {
    const spec = current?.spec ?? {};
    const stamp = new V1MicroTime(now);
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.meta.name,
        namespace: this.meta.namespace,
        labels: { 'app.kubernetes.io/name': 'vngshift', 'vngshift.io/migration-id': this.meta.migrationId },
        ...(current?.metadata?.resourceVersion !== undefined ? { resourceVersion: current.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: decision.kind === 'acquire' ? stamp : (spec.acquireTime ?? stamp),
        renewTime: stamp,
        leaseTransitions: decision.kind === 'acquire' ? decision.transitions : (spec.leaseTransitions ?? 0),
      },
    };
  }

  /** Waits until we hold the Lease (retrying API errors), then renews it in the background. False when cancelled first. */
  async acquire(cancelled: () => boolean = () => false): Promise<boolean> {
    while (!cancelled() && !this.stopped) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
        this.lastError = null;
      } catch (e) {
        // the API is unreachable or refused: say so once, try again after the retry period
        const msg = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
        if (msg !== this.lastError) this.options.onError?.(msg);
        this.lastError = msg;
      }
      if (ok) {
        this.renewing = this.renewLoop();
        return true;
      }
      await this.sleep(this.retryMs);
    }
    return false;
  }

  private async renewLoop(): Promise<void> {
    while (!this.stopped && this.held && this.lostReason === null) {
      await this.sleep(this.retryMs);
      if (this.stopped) return;
      let ok = false;
      let why = 'renewal failed';
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (e) {
        why = `renewal failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      }
      if (this.lostReason !== null) return;
      if (!ok && this.now() - this.lastRenew >= this.renewDeadlineMs) {
        this.stepDown(`${why}; not renewed for ${Math.round((this.now() - this.lastRenew) / 1000)}s`);
        return;
      }
    }
  }

  private stepDown(why: string): void {
    if (this.lostReason !== null) return;
    this.lostReason = why;
    this.held = false;
    this.options.onLost?.(why);
  }

  /** Stops renewing and, when we still hold the Lease, hands it back so a waiting executor takes over at once. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    this.wake = null;
    await this.renewing?.catch(() => undefined);
    if (!this.held || this.lostReason !== null) return;
    this.held = false;
    try {
      const current = await this.client.read();
      if (current === null || (current.spec?.holderIdentity ?? '') !== this.identity) return;
      await this.client.replace({
        ...current,
        spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime(this.now()) },
      });
    } catch {
      // best effort: the Lease expires on its own
    }
  }
}
