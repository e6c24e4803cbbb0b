/**
 * The ec2 capacity provider's launch decisions with EC2 and the API faked: what RunInstances is asked (launch template,
 * type, a subnet of the zone chosen, one instance, the tags, a ClientToken stable for a retried call), that pods waiting
 * for a booting instance launch nothing more, that a capacity refusal backs off the type and zone and the next reconcile
 * launches another, that launch errors and pods with no capacity left are reported, and what an earlier process launched
 * is found again.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/catalog/catalog.js';
import { PortError } from '../../../../src/engine/ports.js';
import type { AwsClients } from '../../../../src/live/aws/clients.js';
import { clientToken, Ec2Capacity, launchTemplateSpec } from '../../../../src/live/aws/ec2-capacity.js';
import type { LiveContext } from '../../../../src/live/context.js';
import { ApiEtiquette } from '../../../../src/live/etiquette.js';
import type { WatchedCache } from '../../../../src/live/informers.js';
import { parseClusterObjects } from '../../../../src/model/kube/index.js';
import type { Vng } from '../../../../src/model/types.js';

const catalog = loadCatalog();
const SUBNETS: Record<string, string> = { 'subnet-a1': 'us-east-1a', 'subnet-a2': 'us-east-1a', 'subnet-b1': 'us-east-1b' };
const vng: Vng = {
  id: null,
  name: 'general',
  labels: { pool: 'new' },
  taints: [],
  instanceTypes: ['m5.large', 'm5.xlarge'],
  zones: [],
  subnetIds: ['subnet-a1', 'subnet-a2', 'subnet-b1'],
  minInstanceCount: 0,
  maxInstanceCount: 10,
  maxVCpu: null,
  maxMemoryGiB: null,
  rootVolumeSizeGiB: null,
  preferredSpotTypes: [],
  launchTemplate: { id: 'lt-0123456789abcdef0', version: '$Default' },
};

class FakeCache {
  constructor(public items: unknown[]) {}
  list(): readonly unknown[] {
    return this.items;
  }
  peek(): readonly unknown[] {
    return this.items;
  }
  get(): unknown {
    return undefined;
  }
}

function pendingPod(name: string, cpu: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: '2026-11-25T10:00:00Z' },
    spec: { nodeSelector: { pool: 'new' }, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu, memory: '256Mi' } } }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }] },
  };
}

const OLD_NODE = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'old-1', uid: 'n1', labels: { 'kubernetes.io/arch': 'amd64', 'topology.kubernetes.io/region': 'us-east-1' } },
  spec: { unschedulable: true, providerID: 'aws:///us-east-1a/i-00000000000000001' },
  status: { capacity: { cpu: '2', memory: '8Gi', pods: '29' }, allocatable: { cpu: '2', memory: '8Gi', pods: '29' }, conditions: [{ type: 'Ready', status: 'True' }] },
};

const awsError = (code: string, status = 400): Error => Object.assign(new Error(`${code} (faked)`), { name: code, $metadata: { httpStatusCode: status } });

interface FakeInstance {
  InstanceId: string;
  ClientToken?: string;
  InstanceType?: string;
  PrivateDnsName?: string;
  State?: { Name: string };
  Placement?: { AvailabilityZone: string };
  Tags?: { Key: string; Value: string }[];
  LaunchTime?: Date;
}

/** EC2 faked: subnets, instances of the migration, and RunInstances answered by `run` (recorded). */
function fakeEc2(run: (input: RunInstancesCommandInput, n: number) => Promise<unknown>, existing: FakeInstance[] = []): { clients: AwsClients; runs: RunInstancesCommandInput[] } {
  const runs: RunInstancesCommandInput[] = [];
  // An EC2Client by prototype (the SDK's paginators check it), every call answered here.
  const ec2 = Object.assign(Object.create(EC2Client.prototype) as object, {
    config: { region: 'us-east-1' },
    send: async (cmd: { constructor: { name: string }; input: unknown }): Promise<unknown> => {
      switch (cmd.constructor.name) {
        case 'DescribeSubnetsCommand': {
          const ids = (cmd.input as { Filters: { Name: string; Values: string[] }[] }).Filters.find((f) => f.Name === 'subnet-id')?.Values ?? [];
          return { Subnets: ids.filter((id) => SUBNETS[id] !== undefined).map((id) => ({ SubnetId: id, AvailabilityZone: SUBNETS[id] })) };
        }
        case 'DescribeInstancesCommand':
          return { Reservations: [{ Instances: existing }] };
        case 'RunInstancesCommand': {
          const input = cmd.input as RunInstancesCommandInput;
          runs.push(input);
          return run(input, runs.length);
        }
        default:
          throw new Error(`unexpected ${cmd.constructor.name}`);
      }
    },
  });
  return {
    runs,
    clients: { ec2: ec2 as unknown as EC2Client, autoscaling: {} as AutoScalingClient, region: async () => 'us-east-1', destroy: () => undefined },
  };
}

/** RunInstances that launches: an instance in the subnet's zone. */
const launches = async (input: RunInstancesCommandInput, n: number): Promise<unknown> => ({
  Instances: [
    {
      InstanceId: `i-0bbbbbbbbbbbb${String(n).padStart(4, '0')}`,
      PrivateDnsName: `ip-10-0-0-${n}.ec2.internal`,
      InstanceType: input.InstanceType,
      Placement: { AvailabilityZone: SUBNETS[input.SubnetId ?? ''] },
    },
  ],
});

function world(pods: unknown[], ec2: AwsClients, opts: { dryRun?: boolean; migrationId?: string } = {}) {
  const clock = { ms: Date.parse('2026-11-25T10:00:00Z') };
  const lines: string[] = [];
  const nodes = new FakeCache([OLD_NODE]);
  const podCache = new FakeCache(pods);
  const ctx: LiveContext = {
    kc: {} as KubeConfig,
    core: {} as CoreV1Api,
    api: new ApiEtiquette({}, async () => undefined),
    nodes: nodes as unknown as WatchedCache,
    pods: podCache as unknown as WatchedCache,
    dryRun: opts.dryRun === true,
    log: (l) => lines.push(l),
  };
  const cap = new Ec2Capacity(ctx, ec2, {
    migrationId: opts.migrationId ?? 'm1',
    clusterName: 'prod',
    vngs: [vng],
    catalog,
    nowMs: () => clock.ms,
    readCluster: async (n, p) => parseClusterObjects([...n, ...p], 'fake'),
  });
  return { cap, ctx, clock, lines, nodes, pods: podCache };
}

const THREE = (): unknown[] => [pendingPod('a', '1500m'), pendingPod('b', '1500m'), pendingPod('c', '1500m')];

describe('Ec2Capacity', () => {
  it('launches with RunInstances: the launch template, the type, a subnet of the zone chosen, one instance, the tags and a ClientToken', async () => {
    const aws = fakeEc2(launches);
    const w = world(THREE(), aws.clients);
    await w.cap.reconcile();
    expect(aws.runs.length).toBeGreaterThan(0);
    for (const r of aws.runs) {
      expect(r.LaunchTemplate).toEqual({ LaunchTemplateId: 'lt-0123456789abcdef0', Version: '$Default' });
      expect(['m5.large', 'm5.xlarge']).toContain(r.InstanceType);
      expect(Object.keys(SUBNETS)).toContain(r.SubnetId);
      expect(r).toMatchObject({ MinCount: 1, MaxCount: 1 });
      expect(r.DryRun).toBeUndefined();
      expect(r.TagSpecifications).toEqual([
        {
          ResourceType: 'instance',
          Tags: [
            { Key: 'kubernetes.io/cluster/prod', Value: 'owned' },
            { Key: 'vngshift.io/migration-id', Value: 'm1' },
            { Key: 'vngshift.io/vng', Value: 'general' },
          ],
        },
      ]);
      expect(r.ClientToken).toMatch(/^vngshift-[0-9a-f]{48}$/);
    }
    // Every launch has its own token; the launches in a zone spread over its subnets.
    expect(new Set(aws.runs.map((r) => r.ClientToken)).size).toBe(aws.runs.length);
    expect(w.cap.launched.map((l) => l.instanceId)).toHaveLength(aws.runs.length);
    expect(w.cap.signal()).toEqual({ unplaceable: [], launchErrors: [] });

    // The pods wait for the booting instances: nothing more is launched, even once solved again.
    const count = aws.runs.length;
    await w.cap.reconcile();
    w.clock.ms += 61_000;
    await w.cap.reconcile();
    expect(aws.runs.length).toBe(count);
  });

  it('a launch template by name, without a version, is passed as such', () => {
    expect(launchTemplateSpec({ name: 'nodes', version: null })).toEqual({ LaunchTemplateName: 'nodes' });
    expect(launchTemplateSpec({ id: 'lt-0123456789abcdef0', version: '4' })).toEqual({ LaunchTemplateId: 'lt-0123456789abcdef0', Version: '4' });
  });

  it('the ClientToken is a function of the migration and the launch: a call retried after an error asks with the same token', async () => {
    expect(clientToken('m1', 'general', 'm5.large', 'us-east-1a', 1)).toBe(clientToken('m1', 'general', 'm5.large', 'us-east-1a', 1));
    expect(clientToken('m2', 'general', 'm5.large', 'us-east-1a', 1)).not.toBe(clientToken('m1', 'general', 'm5.large', 'us-east-1a', 1));
    expect(clientToken('m1', 'general', 'm5.large', 'us-east-1a', 2)).not.toBe(clientToken('m1', 'general', 'm5.large', 'us-east-1a', 1));
    expect(clientToken('m1', 'general', 'm5.large', 'us-east-1a', 1).length).toBeLessThanOrEqual(64);

    // The first call's answer is lost (the SDK gave up on a timeout); the next solve asks again with the same token.
    let fail = true;
    const aws = fakeEc2(async (input, n) => {
      if (fail) {
        fail = false;
        throw awsError('RequestTimeout', 500);
      }
      return launches(input, n);
    });
    const w = world([pendingPod('a', '1500m')], aws.clients);
    await expect(w.cap.reconcile()).rejects.toSatisfy((e) => e instanceof PortError && e.transient && /ec2:RunInstances/.test(e.message));
    w.clock.ms += 61_000;
    await w.cap.reconcile();
    expect(aws.runs).toHaveLength(2);
    expect(aws.runs[1]?.ClientToken).toBe(aws.runs[0]?.ClientToken);
    expect(aws.runs[1]?.SubnetId).toBe(aws.runs[0]?.SubnetId);
    // A second process of the same migration would ask with the same token for the same first launch.
    const again = fakeEc2(launches);
    const w2 = world([pendingPod('a', '1500m')], again.clients);
    await w2.cap.reconcile();
    expect(again.runs[0]?.ClientToken).toBe(aws.runs[0]?.ClientToken);
  });

  it('InsufficientInstanceCapacity: the type and zone are backed off and reported; the next reconcile launches another type or zone', async () => {
    const refused: string[] = [];
    const aws = fakeEc2(async (input, n) => {
      if (n === 1) {
        refused.push(`${input.InstanceType ?? ''} in ${SUBNETS[input.SubnetId ?? ''] ?? ''}`);
        throw awsError('InsufficientInstanceCapacity');
      }
      return launches(input, n);
    });
    const w = world([pendingPod('a', '1500m')], aws.clients);
    await w.cap.reconcile();
    expect(aws.runs).toHaveLength(1);
    expect(w.cap.signal().launchErrors).toEqual([`InsufficientInstanceCapacity: ${refused[0] ?? ''} (VNG general)`]);
    expect(w.cap.signal().unplaceable).toEqual([]);
    expect(w.lines.some((l) => l.startsWith('could not launch EC2 instance') && l.includes('InsufficientInstanceCapacity'))).toBe(true);

    await w.cap.reconcile();
    expect(aws.runs).toHaveLength(2);
    const second = `${aws.runs[1]?.InstanceType ?? ''} in ${SUBNETS[aws.runs[1]?.SubnetId ?? ''] ?? ''}`;
    expect(second).not.toBe(refused[0]);
    expect(aws.runs[1]?.ClientToken).not.toBe(aws.runs[0]?.ClientToken);
    // A launch EC2 accepted resolves the VNG's launch errors.
    expect(w.cap.signal()).toEqual({ unplaceable: [], launchErrors: [] });
  });

  it('every type refused: the launch errors are reported and the pod is unplaceable with them as the reason', async () => {
    const aws = fakeEc2(async () => {
      throw awsError('InsufficientInstanceCapacity');
    });
    const w = world([pendingPod('a', '1500m')], aws.clients);
    for (let i = 0; i < 4; i += 1) await w.cap.reconcile();
    const sig = w.cap.signal();
    expect(new Set(aws.runs.map((r) => r.InstanceType))).toEqual(new Set(['m5.large', 'm5.xlarge']));
    expect(sig.launchErrors.length).toBe(aws.runs.length);
    for (const e of sig.launchErrors) expect(e).toMatch(/^InsufficientInstanceCapacity: m5\.x?large in us-east-1[ab] \(VNG general\)$/);
    expect(sig.unplaceable).toEqual([{ pod: 'shop/a', reason: expect.stringMatching(/^no instance type and zone of its VNGs is left to launch: InsufficientInstanceCapacity: /) as unknown as string }]);
    // Nothing more is asked while the backoff lasts; once it is over, EC2 is asked again.
    const asked = aws.runs.length;
    await w.cap.reconcile();
    expect(aws.runs.length).toBe(asked);
    w.clock.ms += 5 * 60_000 + 1000;
    await w.cap.reconcile();
    expect(aws.runs.length).toBeGreaterThan(asked);
  });

  it('Unsupported backs off like InsufficientInstanceCapacity; UnauthorizedOperation is a PortError naming the IAM action', async () => {
    const unsupported = fakeEc2(async (input, n) => {
      if (n === 1) throw awsError('Unsupported');
      return launches(input, n);
    });
    const w = world([pendingPod('a', '1500m')], unsupported.clients);
    await w.cap.reconcile();
    expect(w.cap.signal().launchErrors[0]).toMatch(/^Unsupported: /);

    const denied = fakeEc2(async () => {
      throw awsError('UnauthorizedOperation', 403);
    });
    const w2 = world([pendingPod('a', '1500m')], denied.clients);
    await expect(w2.cap.reconcile()).rejects.toSatisfy(
      (e) => e instanceof PortError && e.kind === 'forbidden' && e.code === 'UnauthorizedOperation' && /grant the IAM action ec2:RunInstances/.test(e.message),
    );
    expect(w2.cap.signal().launchErrors).toEqual([]);
  });

  it('a booting instance is waited for until a Ready Node names it in its providerID; given up, it is a launch error', async () => {
    const aws = fakeEc2(launches);
    const w = world([pendingPod('a', '1500m')], aws.clients);
    await w.cap.reconcile();
    expect(aws.runs).toHaveLength(1);
    const l = w.cap.launched[0];
    // Registered under another name than its private DNS name (resource-based naming): the providerID tells.
    w.nodes.items.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `${l?.instanceId ?? ''}.ec2.internal`, uid: 'n2', labels: { pool: 'new', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': l?.instanceType ?? '' } },
      spec: { providerID: `aws:///${l?.zone ?? ''}/${l?.instanceId ?? ''}` },
      status: { capacity: { cpu: '2', memory: '8Gi', pods: '29' }, allocatable: { cpu: '2', memory: '8Gi', pods: '29' }, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    await w.cap.reconcile();
    expect(w.cap.signal().launchErrors).toEqual([]);

    const never = fakeEc2(launches);
    const w2 = world([pendingPod('a', '1500m')], never.clients);
    await w2.cap.reconcile();
    w2.clock.ms += 16 * 60_000;
    await w2.cap.reconcile();
    expect(w2.lines.some((x) => /^instance i-\w+ \(m5\.x?large in us-east-1[ab], VNG general\) is not a Ready node 15 minutes after its launch: no longer waited for/.test(x))).toBe(true);
    // The pod is launched for again, with a new token (that launch resolves the launch error the give-up reported).
    expect(never.runs).toHaveLength(2);
    expect(never.runs[1]?.ClientToken).not.toBe(never.runs[0]?.ClientToken);
    expect(w2.cap.signal().launchErrors).toEqual([]);
  });

  it("prepare: zones from EC2's subnets; an earlier process's instances are waited for and their tokens not used again", async () => {
    const first = clientToken('m1', 'general', 'm5.xlarge', 'us-east-1a', 1);
    const aws = fakeEc2(launches, [
      {
        InstanceId: 'i-0aaaaaaaaaaaaaaaa',
        ClientToken: first,
        InstanceType: 'm5.xlarge',
        PrivateDnsName: 'ip-10-0-9-9.ec2.internal',
        State: { Name: 'pending' },
        Placement: { AvailabilityZone: 'us-east-1a' },
        Tags: [{ Key: 'vngshift.io/vng', Value: 'general' }],
        LaunchTime: new Date('2026-11-25T09:59:00Z'),
      },
    ]);
    const w = world([pendingPod('a', '1500m')], aws.clients);
    await w.cap.prepare();
    expect(w.cap.nextToken('general', 'm5.xlarge', 'us-east-1a')).toEqual({ token: clientToken('m1', 'general', 'm5.xlarge', 'us-east-1a', 2), ordinal: 2 });
    // The pod fits the instance still booting: nothing is launched for it.
    await w.cap.reconcile();
    expect(aws.runs).toEqual([]);
  });

  it('a subnet EC2 does not know is refused in prepare', async () => {
    const aws = fakeEc2(launches);
    const bad = new Ec2Capacity(world([], aws.clients).ctx, aws.clients, {
      migrationId: 'm1',
      clusterName: 'prod',
      vngs: [{ ...vng, subnetIds: ['subnet-a1', 'subnet-zz'] }],
      catalog,
    });
    await expect(bad.prepare()).rejects.toThrow(/VNG general: EC2 does not know subnet subnet-zz in us-east-1/);
  });

  it('a dry run sends RunInstances with DryRun and launches nothing; checkLaunches asks once per VNG', async () => {
    const aws = fakeEc2(async () => {
      throw awsError('DryRunOperation', 412);
    });
    const w = world([pendingPod('a', '1500m')], aws.clients, { dryRun: true });
    await w.cap.reconcile();
    expect(aws.runs.length).toBe(1);
    expect(aws.runs[0]?.DryRun).toBe(true);
    expect(w.cap.launched).toEqual([]);
    expect(w.lines.some((l) => /^dry run: create EC2 instance from launch template lt-0123456789abcdef0 version \$Default \(general m5\.x?large us-east-1[ab], subnet subnet-\w+\) for 1 pod\(s\)$/.test(l))).toBe(true);
    const lines = await w.cap.checkLaunches();
    expect(lines).toEqual(['RunInstances from launch template lt-0123456789abcdef0 version $Default for VNG general (m5.large, subnet subnet-a1 in us-east-1a): EC2 would launch it (DryRunOperation)']);
    expect(aws.runs[1]).toMatchObject({ DryRun: true, InstanceType: 'm5.large', SubnetId: 'subnet-a1' });
    expect(aws.runs[1]?.ClientToken).toBeUndefined();
  });
});
