/**
 * The engine's Kubernetes Events (core/v1), so `kubectl get events` and `kubectl describe node` show what the migration did.
 * Events on a Node (cluster-scoped) go to the "default" namespace, as kubectl and the kubelet put them. The same event
 * (object, reason, message) recorded again by this process bumps the count and lastTimestamp of the first one, as client-go's
 * event correlator does. Failures reach the engine, which ignores them (best effort).
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions, type CoreV1Event } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { dryRunParam, type LiveContext } from './context.js';
import { httpStatusOf, toPortError } from './errors.js';

export const REPORTING_COMPONENT = 'vngshift';

/** Reasons that describe trouble are Warnings; the rest are Normal. */
export function eventType(reason: string): 'Normal' | 'Warning' {
  return /fail|block|refus|error|timeout|lost|forbid|unschedul|insufficient/i.test(reason) ? 'Warning' : 'Normal';
}

export interface EventTarget {
  readonly kind: 'Node' | 'Pod';
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | null;
}

/** The Event object for a first occurrence at `now`. */
export function buildEvent(target: EventTarget, reason: string, message: string, now: Date, host: string, suffix: string): CoreV1Event {
  const namespace = target.kind === 'Node' || target.namespace === '' ? 'default' : target.namespace;
  return {
    metadata: { name: `${target.name}.${suffix}`, namespace },
    involvedObject: {
      apiVersion: 'v1',
      kind: target.kind,
      name: target.name,
      ...(target.kind === 'Pod' ? { namespace: target.namespace } : {}),
      ...(target.uid !== null ? { uid: target.uid } : {}),
    },
    reason,
    // The API refuses messages over 1 KiB.
    message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
    type: eventType(reason),
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: REPORTING_COMPONENT, host },
    reportingComponent: REPORTING_COMPONENT,
    reportingInstance: host,
  };
}

export class EventRecorder {
  private readonly sent = new Map<string, { namespace: string; name: string; count: number }>();
  private readonly host: string;

  constructor(
    private readonly ctx: LiveContext,
    host = process.env['HOSTNAME'] ?? 'vngshift',
  ) {
    this.host = host;
  }

  private uidOf(kind: 'Node' | 'Pod', namespace: string, name: string): string | null {
    const cache = kind === 'Node' ? this.ctx.nodes : this.ctx.pods;
    const o = cache.get(name, kind === 'Node' ? undefined : namespace) as { metadata?: { uid?: unknown } } | undefined;
    const uid = o?.metadata?.uid;
    return typeof uid === 'string' ? uid : null;
  }

  async record(kind: 'Node' | 'Pod', namespace: string, name: string, reason: string, message: string): Promise<void> {
    const core: CoreV1Api = this.ctx.core;
    const key = `${kind}\u0000${namespace}\u0000${name}\u0000${reason}\u0000${message}`;
    const now = new Date();
    const earlier = this.sent.get(key);
    if (earlier !== undefined) {
      try {
        await this.ctx.api.call(`update event ${earlier.namespace}/${earlier.name}`, 'idempotent', () =>
          core.patchNamespacedEvent(
            { name: earlier.name, namespace: earlier.namespace, body: { count: earlier.count + 1, lastTimestamp: now.toISOString() }, ...dryRunParam(this.ctx) },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          ),
        );
        earlier.count += 1;
        return;
      } catch (e) {
        if (httpStatusOf(e) !== 404) throw toPortError(e, `update event ${earlier.namespace}/${earlier.name}`);
        this.sent.delete(key); // expired (events live an hour): record it afresh
      }
    }
    const body = buildEvent({ kind, namespace, name, uid: this.uidOf(kind, namespace, name) }, reason, message, now, this.host, randomBytes(8).toString('hex'));
    const ns = body.metadata?.namespace ?? 'default';
    try {
      await this.ctx.api.call(`create event on ${kind} ${name}`, 'throttled-only', () => core.createNamespacedEvent({ namespace: ns, body, ...dryRunParam(this.ctx) }));
    } catch (e) {
      throw toPortError(e, `create event on ${kind} ${name}`);
    }
    if (this.ctx.dryRun) this.ctx.log(`dry run: event ${reason} on ${kind} ${namespace === '' ? '' : `${namespace}/`}${name}: ${message}`);
    this.sent.set(key, { namespace: ns, name: body.metadata?.name ?? '', count: 1 });
  }
}
