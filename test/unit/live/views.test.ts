import { describe, expect, it } from 'vitest';
import { toNodeView, toPodView, unschedulableMessage } from '../../../src/live/views.js';

const node = {
  metadata: { name: 'ip-10-0-0-1.ec2.internal', uid: 'n1', labels: { 'kubernetes.io/arch': 'amd64' }, creationTimestamp: '2026-11-25T10:00:00Z' },
  spec: { providerID: 'aws:///us-east-1a/i-0123456789abcdef0', unschedulable: true },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};

function pod(extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}, status: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: {
      name: 'web-1',
      namespace: 'shop',
      uid: 'p1',
      creationTimestamp: '2026-11-25T10:00:30Z',
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Something', name: 'x', uid: 'not-controller' },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5c7d8', uid: 'rs1', controller: true },
      ],
      ...metadata,
    },
    spec: { nodeName: 'ip-10-0-0-1.ec2.internal', containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], ...status },
    ...extra,
  };
}

describe('NodeView', () => {
  it('reads name, instance id from providerID, cordon, readiness, labels, creation time in epoch seconds', () => {
    expect(toNodeView(node)).toEqual({
      name: 'ip-10-0-0-1.ec2.internal',
      instanceId: 'i-0123456789abcdef0',
      unschedulable: true,
      ready: true,
      labels: { 'kubernetes.io/arch': 'amd64' },
      createdAt: Date.parse('2026-11-25T10:00:00Z') / 1000,
    });
  });

  it('takes typed objects (Dates) as well as JSON; no providerID, no Ready condition', () => {
    const v = toNodeView({ metadata: { name: 'kind-worker', creationTimestamp: new Date('2026-01-01T00:00:00Z') }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    expect(v.instanceId).toBeNull();
    expect(v.ready).toBe(false);
    expect(v.unschedulable).toBe(false);
    expect(v.createdAt).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
  });
});

describe('PodView', () => {
  it('takes the controller owner reference, readiness and phase', () => {
    const v = toPodView(pod());
    expect(v).toMatchObject({ uid: 'p1', namespace: 'shop', name: 'web-1', nodeName: 'ip-10-0-0-1.ec2.internal', phase: 'Running', ready: true, terminating: false });
    expect(v).toMatchObject({ ownerKind: 'ReplicaSet', ownerUid: 'rs1', isDaemonSet: false, isMirror: false });
    expect(v.createdAt).toBe(Date.parse('2026-11-25T10:00:30Z') / 1000);
  });

  it('knows DaemonSet pods, mirror pods, stand-alone pods and terminating pods', () => {
    const ds = toPodView(pod({}, { ownerReferences: [{ kind: 'DaemonSet', name: 'fluentd', uid: 'ds1', controller: true }] }));
    expect(ds.isDaemonSet).toBe(true);
    const mirror = toPodView(pod({}, { annotations: { 'kubernetes.io/config.mirror': 'abc' }, ownerReferences: [{ kind: 'Node', name: 'n', uid: 'n1', controller: true }] }));
    expect(mirror.isMirror).toBe(true);
    const alone = toPodView(pod({}, { ownerReferences: undefined }));
    expect(alone.ownerKind).toBeNull();
    expect(alone.ownerUid).toBeNull();
    expect(toPodView(pod({}, { deletionTimestamp: '2026-11-25T10:01:00Z' })).terminating).toBe(true);
  });

  it('reads the disruption opt-outs from annotations (do-not-disrupt, safe-to-evict "false") and the spotinst label', () => {
    expect(toPodView(pod()).disruptionOptOuts).toEqual([]);
    const all = toPodView(
      pod({}, {
        annotations: { 'karpenter.sh/do-not-disrupt': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
        labels: { 'spotinst.io/restrict-scale-down': 'true' },
      }),
    );
    expect(all.disruptionOptOuts).toEqual(['karpenter.sh/do-not-disrupt', 'cluster-autoscaler.kubernetes.io/safe-to-evict', 'spotinst.io/restrict-scale-down']);
    // The label as an annotation, or other values, do not opt out.
    const not = toPodView(pod({}, { annotations: { 'spotinst.io/restrict-scale-down': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } }));
    expect(not.disruptionOptOuts).toEqual([]);
  });

  it('a pod with no status yet is Pending, unbound and not ready', () => {
    const v = toPodView({ metadata: { name: 'a', namespace: 'n', uid: 'u' }, spec: {} });
    expect(v).toMatchObject({ phase: 'Pending', nodeName: null, ready: false });
  });
});

describe('unschedulable pods', () => {
  const pending = {
    metadata: { name: 'p', namespace: 'n', uid: 'u' },
    spec: {},
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] },
  };
  it('is PodScheduled=False, reason Unschedulable, unbound and not terminating', () => {
    expect(unschedulableMessage(pending)).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    expect(unschedulableMessage({ ...pending, spec: { nodeName: 'a' } })).toBeNull();
    expect(unschedulableMessage({ ...pending, metadata: { ...pending.metadata, deletionTimestamp: 'x' } })).toBeNull();
    expect(unschedulableMessage({ ...pending, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } })).toBeNull();
    expect(unschedulableMessage({ ...pending, status: { phase: 'Pending' } })).toBeNull();
  });
});
