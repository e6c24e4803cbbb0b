/**
 * A CapacityPort for an autoscaler that runs on its own (Ocean's controller, Karpenter, cluster-autoscaler): reconcile() does
 * nothing, the autoscaler launches nodes for pending pods by itself.
 *
 * What signal() reports: an external autoscaler's verdict is not known to us unless it says it, so a pod counts as unplaceable
 * only when both
 * - kube-scheduler could not place it (PodScheduled=False, reason Unschedulable: the FailedScheduling of its events), and
 * - the autoscaler said it will not add capacity for it, in an Event on the pod seen in the last 10 minutes:
 *   cluster-autoscaler's `NotTriggerScaleUp` ("pod didn't trigger scale-up: ..."), or Karpenter's `FailedScheduling`
 *   (source component "karpenter": "Failed to schedule pod, incompatible with nodepool ...").
 * The reason given is the autoscaler's own message. Ocean's controller emits no such event that we know of, so with Ocean the
 * engine sees no capacity verdict and a pod that never gets a node ends the run as PodsUnschedulable (after the drain
 * threshold) rather than InsufficientCapacity. Launch errors are not visible through the Kubernetes API: none are reported.
 */
import type { CapacityPort, CapacitySignal } from '../engine/ports.js';
import type { LiveContext } from './context.js';
import { listAll, WatchedCache } from './informers.js';
import { epochSeconds, unschedulableMessage } from './views.js';

/** An autoscaler's word on a pod older than this is not taken as its current verdict. */
export const VERDICT_FRESH_SECONDS = 600;

/** The autoscaler events watched: a field selector each. */
export const AUTOSCALER_EVENT_SELECTORS: readonly string[] = ['involvedObject.kind=Pod,reason=NotTriggerScaleUp', 'involvedObject.kind=Pod,reason=FailedScheduling,source=karpenter'];

interface Verdict {
  readonly at: number;
  readonly text: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});

/** Per pod uid, the latest autoscaler refusal among `events` (core/v1 Event objects as JSON). */
export function autoscalerVerdicts(events: readonly unknown[]): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const e of events) {
    const o = obj(e);
    const involved = obj(o['involvedObject']);
    const uid = involved['uid'];
    if (typeof uid !== 'string' || uid === '') continue;
    const at = Math.max(epochSeconds(o['lastTimestamp']), epochSeconds(o['eventTime']), epochSeconds(obj(o['series'])['lastObservedTime']), epochSeconds(o['firstTimestamp']));
    const source = String(obj(o['source'])['component'] ?? o['reportingComponent'] ?? 'autoscaler') || 'autoscaler';
    const text = `${source}: ${String(o['message'] ?? o['reason'] ?? '').trim()}`;
    const prev = out.get(uid);
    if (prev === undefined || at >= prev.at) out.set(uid, { at, text });
  }
  return out;
}

/** Pods (namespace/name) Pending and Unschedulable with a fresh autoscaler refusal, with that refusal as the reason. */
export function externalUnplaceable(pods: readonly unknown[], verdicts: ReadonlyMap<string, Verdict>, nowSeconds: number): { pod: string; reason: string }[] {
  const out: { pod: string; reason: string }[] = [];
  for (const p of pods) {
    if (unschedulableMessage(p) === null) continue;
    const m = obj(obj(p)['metadata']);
    const v = verdicts.get(String(m['uid'] ?? ''));
    if (v === undefined || nowSeconds - v.at > VERDICT_FRESH_SECONDS) continue;
    out.push({ pod: `${String(m['namespace'] ?? 'default')}/${String(m['name'] ?? '')}`, reason: v.text });
  }
  return out.sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
}

export class ExternalCapacity implements CapacityPort {
  private readonly caches: WatchedCache[];

  constructor(private readonly ctx: LiveContext) {
    this.caches = AUTOSCALER_EVENT_SELECTORS.map(
      (fieldSelector, i) =>
        new WatchedCache(
          ctx.kc,
          `autoscaler events ${i + 1}`,
          '/api/v1/events',
          () => listAll(ctx.api, 'list autoscaler events', (c) => ctx.core.listEventForAllNamespaces({ fieldSelector, limit: 500, ...(c ? { _continue: c } : {}) })),
          { fieldSelector, log: ctx.log },
        ),
    );
  }

  /** Starts the event watches (not waiting for them: until synced, no verdict is reported). */
  start(): void {
    for (const c of this.caches) void c.start().catch(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.caches.map((c) => c.stop()));
  }

  reconcile(): Promise<void> {
    return Promise.resolve();
  }

  signal(): CapacitySignal {
    const events = this.caches.flatMap((c) => [...c.peek()]);
    const unplaceable = externalUnplaceable(this.ctx.pods.peek(), autoscalerVerdicts(events), Date.now() / 1000);
    return { unplaceable, launchErrors: [] };
  }
}
