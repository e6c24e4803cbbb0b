/**
 * The aws cloud port against moto's server (EC2 and Auto Scaling): drained instances are terminated through their Auto
 * Scaling group with the desired capacity decremented, stand-alone ones through EC2, MinSize is respected unless lowering
 * it was allowed, the guard rails refuse a whole request when one instance is not the migration's or the cluster's, a dry
 * run changes nothing, and an unreachable endpoint is a connectivity error. Through a proxy in front of moto that answers
 * in AWS's error format: a missing permission is a refusal naming the IAM action, throttling is retried by the SDK.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { PortError } from '../../src/engine/ports.js';
import { AwsCloud, type LiveNodeRef } from '../../src/live/aws/aws-cloud.js';
import { makeAwsClients } from '../../src/live/aws/clients.js';
import { startFaultProxy, type FaultProxy } from './harness/aws-fault-proxy.js';
import { resetMoto } from './harness/moto.js';
import { MotoKit, REGION } from './helpers/aws-kit.js';

const endpoint = inject('awsEndpoint');
const CLUSTER = 'demo';
const OURS = { key: 'eks:cluster-name', value: CLUSTER };
const moto = new MotoKit(endpoint);
let proxy: FaultProxy;

beforeAll(async () => {
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  proxy = await startFaultProxy(endpoint);
});
afterAll(async () => {
  await proxy.close();
});
beforeEach(async () => {
  await resetMoto(endpoint);
  proxy.clear();
});

/** The cloud port for these instances as the migration's old nodes (named by their private DNS names, as on EKS). */
async function cloud(
  ids: readonly string[],
  o: { allowLowerMinSize?: boolean; dryRun?: boolean; endpoint?: string; maxAttempts?: number } = {},
): Promise<{ port: AwsCloud; log: string[] }> {
  const d = await moto.instances(ids);
  const oldNodes = ids.map((id) => ({ name: d.get(id)?.PrivateDnsName ?? id, instanceId: id }));
  const live = new Map<string, LiveNodeRef>(oldNodes.map((n) => [n.name, { instanceId: n.instanceId, zone: 'us-east-1a' }]));
  const log: string[] = [];
  const port = new AwsCloud(makeAwsClients({ region: REGION, endpoint: o.endpoint ?? endpoint, maxAttempts: o.maxAttempts ?? 1 }), {
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
    const ids = await moto.group('old-ng', CLUSTER, 0, 3);
    const victim = ids[0] as string;
    const { port, log } = await cloud([victim]);
    await port.terminateInstances([victim]);
    expect(await moto.states([victim])).toEqual(['terminated']);
    const after = await moto.groupFacts('old-ng');
    expect(after.desired).toBe(2);
    expect(after.ids).toEqual(ids.slice(1));
    expect(log.join('\n')).toMatch(/terminate instance .*TerminateInstanceInAutoScalingGroup.*Auto Scaling group old-ng/);
    // Idempotent: the same request again is success and changes nothing.
    await port.terminateInstances([victim]);
    expect((await moto.groupFacts('old-ng')).desired).toBe(2);
  });

  it('refuses to take a group below its MinSize, naming the group and the fix; allowed, it lowers MinSize first', async () => {
    const ids = await moto.group('pinned', CLUSTER, 2, 2);
    const victim = ids[0] as string;
    const refused = await refusal((await cloud([victim])).port.terminateInstances([victim]));
    expect(refused.code).toBe('RefusedByGuardRail');
    expect(refused.message).toContain('pinned has MinSize 2 and DesiredCapacity 2');
    expect(refused.message).toContain('--allow-lower-min-size');
    expect(await moto.states(ids)).toEqual(['running', 'running']);
    await (await cloud([victim], { allowLowerMinSize: true })).port.terminateInstances([victim]);
    expect(await moto.states([victim])).toEqual(['terminated']);
    expect(await moto.groupFacts('pinned')).toMatchObject({ desired: 1, min: 1 });
  });

  it('terminates a stand-alone instance through EC2', async () => {
    const id = await moto.standAlone(OURS);
    const { port, log } = await cloud([id]);
    await port.terminateInstances([id]);
    expect(await moto.states([id])).toEqual(['terminated']);
    expect(log.join('\n')).toContain('TerminateInstances (stand-alone instance)');
  });

  it('refuses a whole request when one instance belongs to another cluster or is not an old node: none is terminated', async () => {
    const ours = await moto.standAlone(OURS);
    const theirs = await moto.standAlone({ key: 'eks:cluster-name', value: 'other-cluster' });
    const both = await cloud([ours, theirs]);
    const e = await refusal(both.port.terminateInstances([ours, theirs]));
    expect(e.message).toContain(`${theirs} carries neither kubernetes.io/cluster/${CLUSTER} nor eks:cluster-name=${CLUSTER}`);
    expect(await moto.states([ours, theirs])).toEqual(['running', 'running']);
    const onlyOurs = await cloud([ours]);
    const stranger = await refusal(onlyOurs.port.terminateInstances([ours, theirs]));
    expect(stranger.message).toContain(`${theirs} is not an old node of this migration`);
    expect(await moto.states([ours, theirs])).toEqual(['running', 'running']);
  });

  it('a dry run says what it would do, asks EC2 with DryRun, and changes nothing', async () => {
    const ids = await moto.group('old-ng', CLUSTER, 0, 2);
    const lone = await moto.standAlone(OURS);
    const all = [...ids, lone];
    const { port, log } = await cloud(all, { dryRun: true, endpoint: proxy.endpoint });
    await port.terminateInstances(all);
    expect(await moto.states(all)).toEqual(['running', 'running', 'running']);
    expect((await moto.groupFacts('old-ng')).desired).toBe(2);
    expect(log.filter((l) => l.startsWith('dry run: would terminate instance'))).toHaveLength(3);
    expect(proxy.seen.get('TerminateInstances')).toBe(1);
    expect(proxy.seen.get('TerminateInstanceInAutoScalingGroup')).toBeUndefined();
  });

  it('an unreachable endpoint is a connectivity error (the engine retries, then ConnectivityLost)', async () => {
    const id = await moto.standAlone(OURS);
    const { port } = await cloud([id], { endpoint: 'http://127.0.0.1:9' });
    const e = await refusal(port.terminateInstances([id]));
    expect(e.kind).toBe('connectivity');
    expect(e.transient).toBe(true);
    expect(e.message).toContain('ec2:DescribeInstances');
  });

  it('UnauthorizedOperation on TerminateInstances is a refusal naming the IAM action and the instance; nothing is retried', async () => {
    const id = await moto.standAlone(OURS);
    proxy.inject({ action: 'TerminateInstances', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', status: 403 });
    const { port } = await cloud([id], { endpoint: proxy.endpoint, maxAttempts: 3 });
    const e = await refusal(port.terminateInstances([id]));
    expect(e).toMatchObject({ kind: 'forbidden', code: 'UnauthorizedOperation', transient: false });
    expect(e.message).toContain(`ec2:TerminateInstances on ${id} was refused (You are not authorized to perform this operation.)`);
    expect(e.message).toContain('grant the IAM action ec2:TerminateInstances');
    expect(proxy.seen.get('TerminateInstances')).toBe(1);
    expect(await moto.states([id])).toEqual(['running']);
  });

  it('AccessDenied on TerminateInstanceInAutoScalingGroup names the Auto Scaling action', async () => {
    const [id] = await moto.group('old-ng', CLUSTER, 0, 1);
    proxy.inject({ action: 'TerminateInstanceInAutoScalingGroup', code: 'AccessDenied', message: 'User is not authorized to perform: autoscaling:TerminateInstanceInAutoScalingGroup', status: 403 });
    const { port } = await cloud([id as string], { endpoint: proxy.endpoint });
    const e = await refusal(port.terminateInstances([id as string]));
    expect(e).toMatchObject({ kind: 'forbidden', code: 'AccessDenied' });
    expect(e.message).toContain('grant the IAM action autoscaling:TerminateInstanceInAutoScalingGroup');
    expect((await moto.groupFacts('old-ng')).desired).toBe(1);
  });

  it('RequestLimitExceeded is retried by the SDK with backoff, and the instance is terminated', async () => {
    const id = await moto.standAlone(OURS);
    proxy.inject({ action: 'TerminateInstances', code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503, times: 2 });
    const { port } = await cloud([id], { endpoint: proxy.endpoint, maxAttempts: 5 });
    await port.terminateInstances([id]);
    expect(proxy.seen.get('TerminateInstances')).toBe(3);
    expect(await moto.states([id])).toEqual(['terminated']);
    // Past the SDK's attempts it is the engine's: a transient 'throttled' PortError.
    const other = await moto.standAlone(OURS);
    proxy.inject({ action: 'TerminateInstances', code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503 });
    const e = await refusal((await cloud([other], { endpoint: proxy.endpoint, maxAttempts: 2 })).port.terminateInstances([other]));
    expect(e).toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded', transient: true });
  });
});
