/**
 * Node and Pod objects as the API serves them (plain JSON, or client-node's typed objects whose timestamps are Dates) to the
 * engine's NodeView and PodView. Times are seconds since the epoch, the live Clock's scale (clock.ts).
 */
import type { NodeView, PodView } from '../engine/ports.js';
import { disruptionOptOutsOf } from '../model/kube/disruption-opt-out.js';
import { instanceIdFromProviderId } from '../model/kube/index.js';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** A timestamp (RFC 3339 text or a Date) as epoch seconds; 0 when absent or unreadable. */
export function epochSeconds(v: unknown): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms / 1000 : 0;
}

/** status.conditions[type].status == "True" (false when absent). */
export function conditionIs(status: unknown, type: string, want = 'True'): boolean {
  const list = obj(status)['conditions'];
  if (!Array.isArray(list)) return false;
  return list.some((c) => isObj(c) && c['type'] === type && c['status'] === want);
}

/** The condition of `type`, if any. */
export function conditionOf(status: unknown, type: string): { status: string; reason: string; message: string } | null {
  const list = obj(status)['conditions'];
  if (!Array.isArray(list)) return null;
  for (const c of list) {
    if (isObj(c) && c['type'] === type) return { status: String(c['status'] ?? ''), reason: String(c['reason'] ?? ''), message: String(c['message'] ?? '') };
  }
  return null;
}

/** The controller owner reference (controller: true), or null. */
export function controllerOwner(metadata: unknown): { kind: string; name: string; uid: string } | null {
  const refs = obj(metadata)['ownerReferences'];
  if (!Array.isArray(refs)) return null;
  for (const r of refs) {
    if (isObj(r) && r['controller'] === true && typeof r['kind'] === 'string' && typeof r['uid'] === 'string') {
      return { kind: r['kind'], name: typeof r['name'] === 'string' ? r['name'] : '', uid: r['uid'] };
    }
  }
  return null;
}

export function toNodeView(node: unknown): NodeView {
  const o = obj(node);
  const metadata = obj(o['metadata']);
  const spec = obj(o['spec']);
  const providerID = text(spec['providerID']);
  return {
    name: String(metadata['name'] ?? ''),
    instanceId: providerID === null ? null : instanceIdFromProviderId(providerID),
    unschedulable: spec['unschedulable'] === true,
    ready: conditionIs(o['status'], 'Ready'),
    labels: strings(metadata['labels']),
    createdAt: epochSeconds(metadata['creationTimestamp']),
  };
}

const PHASES = new Set(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);

export function toPodView(pod: unknown): PodView {
  const o = obj(pod);
  const metadata = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const owner = controllerOwner(metadata);
  const rawPhase = status['phase'];
  const phase = typeof rawPhase === 'string' && PHASES.has(rawPhase) ? (rawPhase as PodView['phase']) : rawPhase === undefined ? 'Pending' : 'Unknown';
  const annotations = strings(metadata['annotations']);
  return {
    uid: String(metadata['uid'] ?? ''),
    namespace: String(metadata['namespace'] ?? 'default'),
    name: String(metadata['name'] ?? ''),
    nodeName: text(spec['nodeName']),
    phase,
    ready: conditionIs(status, 'Ready'),
    terminating: metadata['deletionTimestamp'] !== undefined && metadata['deletionTimestamp'] !== null,
    ownerKind: owner?.kind ?? null,
    ownerUid: owner?.uid ?? null,
    isDaemonSet: owner?.kind === 'DaemonSet',
    isMirror: annotations[MIRROR_ANNOTATION] !== undefined,
    disruptionOptOuts: disruptionOptOutsOf({ labels: strings(metadata['labels']), annotations }),
    createdAt: epochSeconds(metadata['creationTimestamp']),
  };
}

/** A Pending pod kube-scheduler tried and could not place: PodScheduled=False with reason Unschedulable. Its message, else null. */
export function unschedulableMessage(pod: unknown): string | null {
  const o = obj(pod);
  const metadata = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  if (text(spec['nodeName']) !== null || (metadata['deletionTimestamp'] !== undefined && metadata['deletionTimestamp'] !== null)) return null;
  if ((status['phase'] ?? 'Pending') !== 'Pending') return null;
  const c = conditionOf(status, 'PodScheduled');
  if (c === null || c.status !== 'False' || c.reason !== 'Unschedulable') return null;
  return c.message;
}
