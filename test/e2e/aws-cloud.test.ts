/**
 * The aws cloud port against moto's server (EC2 and Auto Scaling): drained instances are terminated through their Auto
 * Scaling group with the desired capacity decremented, stand-alone ones through EC2, MinSize is respected unless lowering
 * it was allowed, the guard rails refuse a whole request when one instance is not the migration's or the cluster's, a dry
 * run changes nothing, and an unreachable endpoint is a connectivity error.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { PortError } from '../../src/engine/ports.js';
import { AwsCloud, type LiveNodeRef } from '../../src/live/aws/aws-cloud.js';
import { makeAwsClients } from '../../src/live/aws/clients.js';
import { resetMoto } from './harness/moto.js';

const endpoint = inject('awsEndpoint');
const REGION = 'us-east-1';
const CLUSTER = 'demo';
// The SDK's Node 22 notice, once per process, is noise here (makeAwsClients silences it the same way).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const config = { region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
const ec2 = new EC2Client(config);
const autoscaling = new AutoScalingClient(config);

beforeAll(() => {
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
});

let templateId = '';
let subnet = '';

beforeEach(async () => {
  await resetMoto(endpoint);
  const subnets = await ec2.send(new DescribeSubnetsCommand({}));
  subnet = subnets.Subnets?.find((s) => s.AvailabilityZone === 'us-east-1a')?.SubnetId ?? '';
  const lt = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `old-nodes`, LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 'm5.large' } }));
  templateId = lt.LaunchTemplate?.LaunchTemplateId ?? '';
});

async function group(name: string, min: number, desired: number, clusterTag = CLUSTER): Promise<string[]> {
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: min,
      MaxSize: 10,
      DesiredCapacity: desired,
      LaunchTemplate: { LaunchTemplateId: templateId },
      VPCZoneIdentifier: subnet,
      Tags: [{ Key: `kubernetes.io/cluster/${clusterTag}`, Value: 'owned', PropagateAtLaunch: true }],
    }),
  );
  return (await groupFacts(name)).ids;
}

async function groupFacts(name: string): Promise<{ ids: string[]; desired: number; min: number }> {
  const g = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  return { ids: (g?.Instances ?? []).map((i) => i.InstanceId ?? '').sort(), desired: g?.DesiredCapacity ?? -1, min: g?.MinSize ?? -1 };
}

async function standAlone(clusterTag = CLUSTER): Promise<string> {
  const r = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      InstanceType: 'm5.large',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'eks:cluster-name', Value: clusterTag }] }],
    }),
  );
  return r.Instances?.[0]?.InstanceId ?? '';
}

async function describe1(ids: readonly string[]): Promise<Map<string, Instance>> {
  const out = new Map<string, Instance>();
  const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...ids] }));
  for (const res of r.Reservations ?? []) for (const i of res.Instances ?? []) out.set(i.InstanceId ?? '', i);
  return out;
}

async function states(ids: readonly string[]): Promise<string[]> {
  const d = await describe1(ids);
  return ids.map((id) => d.get(id)?.State?.Name ?? 'missing');
}

/** The cloud port for these instances as the migration's old nodes (named by their private DNS names, as on EKS). */
async function cloud(ids: readonly string[], o: { allowLowerMinSize?: boolean; dryRun?: boolean; endpoint?: string } = {}): Promise<{ port: AwsCloud; log: string[] }> {
  const d = await describe1(ids);
  const oldNodes = ids.map((id) => ({ name: d.get(id)?.PrivateDnsName ?? id, instanceId: id }));
  const live = new Map<string, LiveNodeRef>(oldNodes.map((n) => [n.name, { instanceId: n.instanceId, zone: 'us-east-1a' }]));
  const log: string[] = [];
  const port = new AwsCloud(makeAwsClients({ region: REGION, endpoint: o.endpoint ?? endpoint, maxAttempts: 1 }), {
    clusterName: CLUSTER,
    oldNodes,
    liveNodes: () => live,
    allowLowerMinSize: o.allowLowerMinSize === true,
    dryRun: o.dryRun === true,
    log: (l) => log.push(l),
    waitSeconds: 30,
  });
  return { port, log };
}

async function refusal(p: Promise<void>): Promise<PortError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PortError);
  return e as PortError;
}

describe('aws cloud port against moto', () => {
  it('terminates an instance of an Auto Scaling group through the group, which then wants one instance less', async () => {
    const ids = await group('old-ng', 0, 3);
    const victim = ids[0] as string;
    const { port, log } = await cloud([victim]);
    await port.terminateInstances([victim]);
    expect(await states([victim])).toEqual(['terminated']);
    const after = await groupFacts('old-ng');
    expect(after.desired).toBe(2);
    expect(after.ids).toEqual(ids.slice(1));
    expect(log.join('\n')).toMatch(/terminate instance .*TerminateInstanceInAutoScalingGroup.*Auto Scaling group old-ng/);
    // Idempotent: the same request again is success and changes nothing.
    await port.terminateInstances([victim]);
    expect((await groupFacts('old-ng')).desired).toBe(2);
  });

  it('refuses to take a group below its MinSize, naming the group and the fix; allowed, it lowers MinSize first', async () => {
    const ids = await group('pinned', 2, 2);
    const victim = ids[0] as string;
    const refused = await refusal((await cloud([victim])).port.terminateInstances([victim]));
    expect(refused.code).toBe('RefusedByGuardRail');
    expect(refused.message).toContain('pinned has MinSize 2 and DesiredCapacity 2');
    expect(refused.message).toContain('--allow-lower-min-size');
    expect(await states(ids)).toEqual(['running', 'running']);
    await (await cloud([victim], { allowLowerMinSize: true })).port.terminateInstances([victim]);
    expect(await states([victim])).toEqual(['terminated']);
    expect(await groupFacts('pinned')).toMatchObject({ desired: 1, min: 1 });
  });

  it('terminates a stand-alone instance through EC2', async () => {
    const id = await standAlone();
    const { port, log } = await cloud([id]);
    await port.terminateInstances([id]);
    expect(await states([id])).toEqual(['terminated']);
    expect(log.join('\n')).toContain('TerminateInstances (stand-alone instance)');
  });

  it('refuses a whole request when one instance belongs to another cluster or is not an old node: none is terminated', async () => {
    const ours = await standAlone();
    const theirs = await standAlone('other-cluster');
    const both = await cloud([ours, theirs]);
    const e = await refusal(both.port.terminateInstances([ours, theirs]));
    expect(e.message).toContain(`${theirs} carries neither kubernetes.io/cluster/${CLUSTER} nor eks:cluster-name=${CLUSTER}`);
    expect(await states([ours, theirs])).toEqual(['running', 'running']);
    const onlyOurs = await cloud([ours]);
    const stranger = await refusal(onlyOurs.port.terminateInstances([ours, theirs]));
    expect(stranger.message).toContain(`${theirs} is not an old node of this migration`);
    expect(await states([ours, theirs])).toEqual(['running', 'running']);
  });

  it('a dry run says what it would do, asks EC2 with DryRun, and changes nothing', async () => {
    const ids = await group('old-ng', 0, 2);
    const lone = await standAlone();
    const all = [...ids, lone];
    const { port, log } = await cloud(all, { dryRun: true });
    await port.terminateInstances(all);
    expect(await states(all)).toEqual(['running', 'running', 'running']);
    expect((await groupFacts('old-ng')).desired).toBe(2);
    expect(log.filter((l) => l.startsWith('dry run: would terminate instance'))).toHaveLength(3);
  });

  it('an unreachable endpoint is a connectivity error (the engine retries, then ConnectivityLost)', async () => {
    const id = await standAlone();
    const { port } = await cloud([id], { endpoint: 'http://127.0.0.1:9' });
    const e = await refusal(port.terminateInstances([id]));
    expect(e.kind).toBe('connectivity');
    expect(e.transient).toBe(true);
    expect(e.message).toContain('ec2:DescribeInstances');
  });
});
