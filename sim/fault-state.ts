/**
 * The faults in force at a given virtual time: the world and the ports ask it before answering a call. Window faults are
 * fixed at the start of a run (from their specs); one-off faults (engine crash, stop, new workload, node NotReady) are
 * events that simulate.ts schedules.
 */
import { PortError } from '../src/engine/ports.js';
import type { Prng } from '../src/gen/prng.js';
import type { FaultSpec } from './faults.js';

interface Window {
  readonly from: number;
  /** null: until the end of the run. */
  readonly until: number | null;
}

const within = (w: Window, now: number): boolean => now >= w.from && (w.until === null || now < w.until);

export class FaultState {
  private readonly disconnects: Window[] = [];
  private readonly throttles: (Window & { rate: number })[] = [];
  private readonly serverErrors: (Window & { rate: number })[] = [];
  private readonly capacity: (Window & { instanceType: string | null; zone: string | null })[] = [];
  private readonly terminateRefused: Window[] = [];
  private readonly uncordonRefused: Window[] = [];
  private readonly slow: (Window & { multiplier: number })[] = [];
  private readonly neverReady: { from: number; workload: string }[] = [];

  constructor(
    specs: readonly FaultSpec[],
    private readonly prng: Prng,
  ) {
    for (const f of specs) {
      const until = (d: number | null): number | null => (d === null ? null : f.at + d);
      switch (f.kind) {
        case 'api-disconnect':
          this.disconnects.push({ from: f.at, until: f.at + f.duration });
          break;
        case 'api-throttling':
          this.throttles.push({ from: f.at, until: f.at + f.duration, rate: f.rate });
          break;
        case 'api-errors':
          this.serverErrors.push({ from: f.at, until: f.at + f.duration, rate: f.rate });
          break;
        case 'insufficient-capacity':
          this.capacity.push({ from: f.at, until: until(f.duration), instanceType: f.instanceType, zone: f.zone });
          break;
        case 'terminate-refused':
          this.terminateRefused.push({ from: f.at, until: until(f.duration) });
          break;
        case 'uncordon-refused':
          this.uncordonRefused.push({ from: f.at, until: until(f.duration) });
          break;
        case 'slow-launches':
          this.slow.push({ from: f.at, until: until(f.duration), multiplier: f.multiplier });
          break;
        case 'pods-never-ready':
          this.neverReady.push({ from: f.at, workload: f.workload });
          break;
        default:
          break;
      }
    }
  }

  disconnected(now: number): boolean {
    return this.disconnects.some((w) => within(w, now));
  }

  /**
   * The error an API call made now fails with, or null. `api` is 'kube' or 'ec2': a disconnect cuts the Kubernetes API (the
   * controller's link); throttling and 5xx hit both.
   */
  apiError(api: 'kube' | 'ec2', now: number): PortError | null {
    if (api === 'kube' && this.disconnected(now)) return new PortError('connectivity', 'dial tcp: connect: connection refused');
    for (const w of this.serverErrors) {
      if (within(w, now) && this.prng.next() < w.rate) {
        return new PortError('server', 'the server is currently unable to handle the request', api === 'ec2' ? 'InternalError' : 'ServiceUnavailable');
      }
    }
    for (const w of this.throttles) {
      if (within(w, now) && this.prng.next() < w.rate) {
        return new PortError('throttled', 'too many requests, please try again later', api === 'ec2' ? 'RequestLimitExceeded' : 'TooManyRequests');
      }
    }
    return null;
  }

  /** InsufficientInstanceCapacity for a launch of this type in this zone now? */
  noCapacity(instanceType: string, zone: string | null, now: number): boolean {
    return this.capacity.some(
      (w) => within(w, now) && (w.instanceType === null || w.instanceType === instanceType) && (w.zone === null || w.zone === zone),
    );
  }

  terminateForbidden(now: number): boolean {
    return this.terminateRefused.some((w) => within(w, now));
  }

  uncordonForbidden(now: number): boolean {
    return this.uncordonRefused.some((w) => within(w, now));
  }

  /** Product of the slow-launch multipliers in force. */
  launchMultiplier(now: number): number {
    return this.slow.filter((w) => within(w, now)).reduce((m, w) => m * w.multiplier, 1);
  }

  /** Do pods of this workload (namespace/name of the workload or of the pod's owner) started now never get Ready? */
  neverReadyFor(names: readonly string[], now: number): boolean {
    return this.neverReady.some((r) => now >= r.from && names.includes(r.workload));
  }
}
