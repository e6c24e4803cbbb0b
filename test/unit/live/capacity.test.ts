import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { autoscalerVerdicts, externalUnplaceable, VERDICT_FRESH_SECONDS } from '../../../src/live/capacity-external.js';
import { kwokNodeManifest, quantityText, randomInstanceId, randomNodeName } from '../../../src/live/capacity-kwok.js';
import { nodesByInstanceId, makeCloudPort } from '../../../src/live/cloud-port.js';
import type { LiveContext } from '../../../src/live/context.js';
import { buildEvent, eventType } from '../../../src/live/events.js';
import type { Vng } from '../../../src/model/types.js';
import { launchResources } from '../../../src/planner/scale-up.js';

const catalog = loadCatalog();
const vng: Vng = {
  id: 'ols-1',
  name: 'gpu',
  labels: { team: 'ml' },
  taints: [{ key: 'nvidia.com/gpu', value: '', effect: 'NoSchedule' }],
  instanceTypes: ['g5.xlarge'],
  zones: ['us-east-1a'],
  subnetIds: [],
  minInstanceCount: 0,
  maxInstanceCount: null,
  maxVCpu: null,
  maxMemoryGiB: null,
  rootVolumeSizeGiB: 100,
  preferredSpotTypes: [],
};

describe('KWOK nodes', () => {
  it('carry the VNG labels and taints, the well-known labels, the KWOK annotation, an EC2 providerID and the EKS allocatable', () => {
    const m = kwokNodeManifest({ name: 'ip-10-1-2-3.ec2.internal', instanceId: 'i-0123456789abcdef0', vng, instanceType: 'g5.xlarge', zone: 'us-east-1a', region: 'us-east-1' }, catalog, new Map());
    expect(m).not.toBeNull();
    const labels = m?.metadata?.labels ?? {};
    expect(labels).toMatchObject({
      team: 'ml',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'ip-10-1-2-3.ec2.internal',
      'node.kubernetes.io/instance-type': 'g5.xlarge',
      'topology.kubernetes.io/zone': 'us-east-1a',
      'topology.kubernetes.io/region': 'us-east-1',
    });
    expect(m?.metadata?.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
    expect(m?.metadata?.annotations?.['vngshift.io/vng']).toBe('gpu');
    expect(m?.spec?.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    expect(m?.spec?.providerID).toBe('aws:///us-east-1a/i-0123456789abcdef0');
    const res = launchResources(vng, 'g5.xlarge', catalog, new Map());
    expect(m?.status?.allocatable?.['cpu']).toBe(`${res?.allocatable['cpu']}m`);
    expect(m?.status?.allocatable?.['memory']).toBe(String(res?.allocatable['memory']));
    expect(m?.status?.capacity?.['nvidia.com/gpu']).toBe('1');
    expect(m?.status?.allocatable?.['ephemeral-storage']).toBe(String(res?.allocatable['ephemeral-storage']));
  });

  it("get the plan's max pods (--max-pods over the VNG's maxPods) and the VNG's root volume, as the planner counted them", () => {
    const spec = { name: 'n', instanceId: 'i-1', vng: { ...vng, maxPods: 58 }, instanceType: 'g5.xlarge', zone: 'us-east-1a', region: 'us-east-1' };
    // Old g5.xlarge nodes with a 500 GiB disk and 110 pods do not decide the new node's disk or (with a VNG maxPods) its pods.
    const observed = new Map([['g5.xlarge', { capacity: { pods: 110, 'ephemeral-storage': 500 * 1024 ** 3 }, allocatable: { pods: 110, 'ephemeral-storage': 500 * 1024 ** 3 } }]]);
    const byVng = kwokNodeManifest(spec, catalog, observed);
    expect(byVng?.status?.allocatable?.['pods']).toBe('58');
    // 100 GiB root volume less 1Gi kube-reserved and 10% nodefs.available.
    expect(byVng?.status?.allocatable?.['ephemeral-storage']).toBe(String(89 * 1024 ** 3));
    expect(kwokNodeManifest(spec, catalog, observed, { maxPods: 20 })?.status?.allocatable?.['pods']).toBe('20');
  });

  it('an unknown instance type gives no node', () => {
    expect(kwokNodeManifest({ name: 'n', instanceId: 'i-1', vng, instanceType: 'zz9.huge', zone: 'us-east-1a', region: 'us-east-1' }, catalog, new Map())).toBeNull();
  });

  it('ids and names look like EC2 ones', () => {
    expect(randomInstanceId()).toMatch(/^i-[0-9a-f]{17}$/);
    expect(randomNodeName('us-east-1')).toMatch(/^ip-10-\d+-\d+-\d+\.ec2\.internal$/);
    expect(randomNodeName('eu-west-1')).toMatch(/\.eu-west-1\.compute\.internal$/);
    expect(quantityText('cpu', 1930)).toBe('1930m');
    expect(quantityText('memory', 1024)).toBe('1024');
  });
});

describe('external autoscaler verdicts', () => {
  const now = Date.parse('2026-11-25T12:00:00Z') / 1000;
  const stuck = (uid: string, name: string): unknown => ({
    metadata: { uid, name, namespace: 'shop' },
    spec: {},
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] },
  });
  const event = (uid: string, at: string, message: string, component = 'cluster-autoscaler'): unknown => ({
    involvedObject: { kind: 'Pod', uid },
    reason: 'NotTriggerScaleUp',
    message,
    lastTimestamp: at,
    source: { component },
  });

  it('a pod is unplaceable only when unschedulable and refused by the autoscaler recently; the reason is the autoscaler message', () => {
    const verdicts = autoscalerVerdicts([
      event('u1', '2026-11-25T11:58:00Z', "pod didn't trigger scale-up: 2 node(s) didn't match Pod's node affinity/selector"),
      event('u1', '2026-11-25T11:50:00Z', 'older'),
      event('u2', '2026-11-25T10:00:00Z', 'stale'),
      event('u3', '2026-11-25T11:59:00Z', 'refused but the pod is running now'),
    ]);
    const pods = [stuck('u1', 'a'), stuck('u2', 'b'), { metadata: { uid: 'u3', name: 'c', namespace: 'shop' }, spec: { nodeName: 'n' }, status: { phase: 'Running' } }, stuck('u4', 'd')];
    expect(externalUnplaceable(pods, verdicts, now)).toEqual([
      { pod: 'shop/a', reason: "cluster-autoscaler: pod didn't trigger scale-up: 2 node(s) didn't match Pod's node affinity/selector" },
    ]);
    expect(VERDICT_FRESH_SECONDS).toBe(600);
  });
});

describe('events and cloud', () => {
  it('an Event on a node goes to default with the uid, counts and timestamps, reported by vngshift', () => {
    const at = new Date('2026-11-25T12:00:00Z');
    const e = buildEvent({ kind: 'Node', namespace: '', name: 'n1', uid: 'u-n1' }, 'MigrationCordon', 'cordoned', at, 'host', 'abc');
    expect(e.metadata).toEqual({ name: 'n1.abc', namespace: 'default' });
    expect(e.involvedObject).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u-n1' });
    expect(e).toMatchObject({ reason: 'MigrationCordon', type: 'Normal', count: 1, firstTimestamp: at, lastTimestamp: at, reportingComponent: 'vngshift', source: { component: 'vngshift' } });
    const p = buildEvent({ kind: 'Pod', namespace: 'shop', name: 'web', uid: null }, 'EvictionBlocked', 'x'.repeat(2000), at, 'h', 's');
    expect(p.metadata?.namespace).toBe('shop');
    expect(p.involvedObject.namespace).toBe('shop');
    expect(p.message?.length).toBe(1024);
    expect(eventType('EvictionBlocked')).toBe('Warning');
  });

  it('maps instance ids to nodes by providerID; the aws port needs its settings', () => {
    const m = nodesByInstanceId([
      { metadata: { name: 'a' }, spec: { providerID: 'aws:///us-east-1a/i-1' } },
      { metadata: { name: 'b' }, spec: {} },
    ]);
    expect([...m]).toEqual([['i-1', ['a']]]);
    expect(() => makeCloudPort('aws', {} as LiveContext)).toThrow(/needs its settings/);
  });
});
