/**
 * CloudPort over AWS: drained old instances are terminated as the old world manages them (termination-plan.ts decides the
 * path and the guard rails), then waited for until EC2 says terminated (the SDK's InstanceTerminated waiter). The Node
 * object goes away through the cloud node lifecycle controller, or the engine deletes it after.
 *
 * Calls: ec2:DescribeInstances (by instance-id filter: ids EC2 no longer knows are left out, not an error),
 * autoscaling:DescribeAutoScalingGroups, autoscaling:UpdateAutoScalingGroup (MinSize, only when allowed),
 * autoscaling:TerminateInstanceInAutoScalingGroup, ec2:TerminateInstances. A dry run sends EC2's DryRun for a stand-alone
 * instance (so a missing permission shows) and only says what it would do for an instance in a group (Auto Scaling has
 * no DryRun).
 */
import { DescribeAutoScalingGroupsCommand, TerminateInstanceInAutoScalingGroupCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, TerminateInstancesCommand, waitUntilInstanceTerminated, type Instance } from '@aws-sdk/client-ec2';
import { PortError, type CloudPort } from '../../engine/ports.js';
import { awsCodeOf, toAwsPortError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { describeStep, planTermination, type GroupFacts, type InstanceFacts, type TerminationStep } from './termination-plan.js';

export interface AwsCloudOptions {
  /** The cluster's name as its instances are tagged (kubernetes.io/cluster/NAME or eks:cluster-name). */
  readonly clusterName: string;
  /** The migration's old nodes: name and the instance id of its providerID. */
  readonly oldNodes: readonly { readonly name: string; readonly instanceId: string | null }[];
  /** Node objects present now: name -> the instance id and zone of its providerID (null when none). */
  readonly liveNodes: () => ReadonlyMap<string, LiveNodeRef>;
  readonly allowLowerMinSize: boolean;
  readonly dryRun: boolean;
  readonly log: (line: string) => void;
  /** Longest wait for EC2 to report an instance terminated, in seconds (default 600). */
  readonly waitSeconds?: number;
}

export interface LiveNodeRef {
  readonly instanceId: string | null;
  readonly zone: string | null;
}

const GUARD_RAIL = 'RefusedByGuardRail';

function instanceFacts(i: Instance): InstanceFacts | null {
  if (i.InstanceId === undefined) return null;
  const tags: Record<string, string> = {};
  for (const t of i.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return { id: i.InstanceId, state: i.State?.Name ?? 'unknown', zone: i.Placement?.AvailabilityZone ?? '', privateDnsName: i.PrivateDnsName ?? '', tags };
}

export class AwsCloud implements CloudPort {
  private readonly oldNodes = new Map<string, string>();
  /** The zone each old node's providerID named when last seen (a node may be gone by the time its instance is asked for). */
  private readonly zoneOf = new Map<string, string>();

  constructor(
    private readonly aws: AwsClients,
    private readonly o: AwsCloudOptions,
  ) {
    for (const n of o.oldNodes) if (n.instanceId !== null) this.oldNodes.set(n.instanceId, n.name);
  }

  async terminateInstances(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    const steps = await this.plan(instanceIds);
    for (const s of steps) this.o.log(`${this.o.dryRun ? 'dry run: would terminate' : 'terminate'} ${describeStep(s)}`);
    for (const s of steps) await this.act(s);
    if (this.o.dryRun) return;
    const waitFor = steps.filter((s) => s.kind !== 'nothing').map((s) => s.instanceId);
    if (waitFor.length > 0) await this.waitTerminated(waitFor);
  }

  /** What to do with each instance, after the guard rails (a refusal throws, terminating none). */
  async plan(instanceIds: readonly string[]): Promise<readonly TerminationStep[]> {
    const ids = [...new Set(instanceIds)];
    const instances = await this.describeInstances(ids);
    const groupNames = [...new Set([...instances.values()].map((i) => i.tags['aws:autoscaling:groupName']).filter((g): g is string => g !== undefined))].sort();
    const groups = await this.describeGroups(groupNames, ids);
    const live = this.o.liveNodes();
    const liveIds = new Map<string, string | null>();
    for (const [name, ref] of live) {
      liveIds.set(name, ref.instanceId);
      if (ref.instanceId !== null && ref.zone !== null && this.oldNodes.get(ref.instanceId) === name) this.zoneOf.set(ref.instanceId, ref.zone);
    }
    const plan = planTermination({
      instanceIds: ids,
      oldNodes: this.oldNodes,
      liveNodes: liveIds,
      instances,
      groups,
      clusterName: this.o.clusterName,
      region: await this.aws.region(),
      allowLowerMinSize: this.o.allowLowerMinSize,
      zoneOf: this.zoneOf,
    });
    if (plan.kind === 'refused') throw new PortError('invalid', plan.message, GUARD_RAIL);
    return plan.steps;
  }

  private async describeInstances(ids: readonly string[]): Promise<Map<string, InstanceFacts>> {
    const out = new Map<string, InstanceFacts>();
    let token: string | undefined;
    do {
      const page = await this.call('ec2:DescribeInstances', ids, () =>
        this.aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [...ids] }], ...(token ? { NextToken: token } : {}) })),
      );
      for (const r of page.Reservations ?? []) {
        for (const i of r.Instances ?? []) {
          const f = instanceFacts(i);
          if (f !== null) out.set(f.id, f);
        }
      }
      token = page.NextToken;
    } while (token);
    return out;
  }

  private async describeGroups(names: readonly string[], ids: readonly string[]): Promise<Map<string, GroupFacts>> {
    const out = new Map<string, GroupFacts>();
    if (names.length === 0) return out;
    let token: string | undefined;
    do {
      const page = await this.call('autoscaling:DescribeAutoScalingGroups', ids, () =>
        this.aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [...names], ...(token ? { NextToken: token } : {}) })),
      );
      for (const g of page.AutoScalingGroups ?? []) {
        if (g.AutoScalingGroupName === undefined) continue;
        out.set(g.AutoScalingGroupName, { name: g.AutoScalingGroupName, minSize: g.MinSize ?? 0, desiredCapacity: g.DesiredCapacity ?? 0 });
      }
      token = page.NextToken;
    } while (token);
    return out;
  }

  private async act(s: TerminationStep): Promise<void> {
    const ids = [s.instanceId];
    if (s.kind === 'nothing') return;
    if (s.kind === 'stand-alone') {
      try {
        await this.call('ec2:TerminateInstances', ids, () => this.aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids, DryRun: this.o.dryRun })));
      } catch (e) {
        if (this.o.dryRun && e instanceof PortError && e.code === 'DryRunOperation') return;
        throw e;
      }
      return;
    }
    if (this.o.dryRun) return;
    if (s.lowerMinSizeTo !== null) {
      const to = s.lowerMinSizeTo;
      this.o.log(`Auto Scaling group ${s.group}: MinSize lowered to ${to} (--allow-lower-min-size)`);
      await this.call('autoscaling:UpdateAutoScalingGroup', ids, () => this.aws.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: s.group, MinSize: to })));
    }
    try {
      await this.call('autoscaling:TerminateInstanceInAutoScalingGroup', ids, () =>
        this.aws.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: s.instanceId, ShouldDecrementDesiredCapacity: true })),
      );
    } catch (e) {
      // Already out of its group (a previous attempt of a resumed run got through): terminate it on its own.
      if (!(e instanceof PortError && e.kind === 'invalid' && /not part of Auto Scaling group|not found/i.test(e.message))) throw e;
      await this.call('ec2:TerminateInstances', ids, () => this.aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids })));
    }
  }

  private async waitTerminated(ids: readonly string[]): Promise<void> {
    try {
      await waitUntilInstanceTerminated({ client: this.aws.ec2, maxWaitTime: this.o.waitSeconds ?? 600, minDelay: 5, maxDelay: 30 }, { InstanceIds: [...ids] });
    } catch (e) {
      const code = awsCodeOf(e);
      if (code === 'TimeoutError') throw new PortError('server', `ec2:DescribeInstances: ${ids.join(', ')} not terminated after ${this.o.waitSeconds ?? 600} s`, 'WaiterTimeout');
      throw toAwsPortError(e, 'ec2:DescribeInstances (waiting for termination)', ids);
    }
  }

  private async call<T>(action: string, ids: readonly string[], f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw toAwsPortError(e, action, ids);
    }
  }
}
