/**
 * A CapacityPort for clusters without an autoscaler (`run --capacity ec2`): the same scale-up decision as the kwok provider
 * (../capacity-scale-up.ts: which VNG, instance type and zone to launch for the pods kube-scheduler cannot place), each
 * node launched with EC2 RunInstances from its VNG's launch template, with the instance type and a subnet of the VNG in the
 * zone chosen, one instance a call. The node is waited for by instance id until a Ready Node names it in its providerID
 * (aws:///zone/i-...), 15 minutes at most (then given up, and reported as a launch error).
 *
 * - ClientToken: derived from the migration id, the VNG, type and zone and an ordinal (the first not used yet by this
 *   migration's instances), so a call retried after an error whose answer was lost (a timeout, a throttled retry that
 *   had landed) gets the instance already launched, not a second one; the ordinal moves on once a launch is answered.
 * - Tags on the instance: `kubernetes.io/cluster/NAME=owned`, `vngshift.io/migration-id`, `vngshift.io/vng`.
 * - InsufficientInstanceCapacity (and the other answers that mean "not this type here now": Unsupported,
 *   InstanceLimitExceeded, VcpuLimitExceeded, InsufficientFreeAddressesInSubnet): that VNG type and zone is left out for
 *   a while and reported as a launch error; the next reconcile's scale-up picks another type or zone the VNG allows.
 *   Other errors go through toAwsPortError (throttling and 5xx are retried by the SDK, then by the engine).
 * - `prepare()`, before the run: the zones of the VNGs' subnets from DescribeSubnets (EC2's word over the file's
 *   subnetZones), and this migration's instances launched by an earlier process (DescribeInstances by the migration tag):
 *   their ClientTokens are not used again and the ones not Ready yet are waited for.
 * - A dry run sends RunInstances with DryRun (EC2 checks the permissions and the parameters) and launches nothing.
 *
 * Calls: ec2:DescribeSubnets, ec2:DescribeInstances, ec2:RunInstances (with ec2:CreateTags for the tags at launch).
 */
import { subnetZones } from './subnets.js';
import { createHash } from 'node:crypto';
import { DescribeInstancesCommand, RunInstancesCommand, type RunInstancesCommandInput, type _InstanceType, type Instance, type LaunchTemplateSpecification } from '@aws-sdk/client-ec2';
import type { AllocatableOptions } from '../../catalog/allocatable.js';
import type { Catalog } from '../../catalog/catalog.js';
import { PortError, type CapacityPort, type CapacitySignal } from '../../engine/ports.js';
import type { Cluster, LaunchTemplateRef, Vng } from '../../model/types.js';
import { ScaleUpProvider, VNG_ANNOTATION, type LaunchOutcome, type LaunchRequest } from '../capacity-scale-up.js';
import type { LiveContext } from '../context.js';
import { awsCodeOf, toAwsPortError } from './aws-errors.js';
import type { AwsClients } from './clients.js';

export const MIGRATION_TAG = 'vngshift.io/migration-id';
export const VNG_TAG = VNG_ANNOTATION;

/** RunInstances answers that mean "no instance of this type here now": back off from the type and zone, try another. */
export const CAPACITY_ERRORS: ReadonlySet<string> = new Set([
  'InsufficientInstanceCapacity',
  'Unsupported',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'InsufficientFreeAddressesInSubnet',
]);

const BOOT_GIVE_UP_MS = 15 * 60 * 1000;
const BACKOFF_MS = 5 * 60 * 1000;

/** The ClientToken of the `ordinal`-th launch (from 1) of `vng`'s `instanceType` in `zone` by migration `migrationId`. */
export function clientToken(migrationId: string, vng: string, instanceType: string, zone: string, ordinal: number): string {
  const h = createHash('sha256').update([migrationId, vng, instanceType, zone, String(ordinal)].join('\u0000')).digest('hex');
  // EC2 takes at most 64 ASCII characters.
  return `vngshift-${h.slice(0, 48)}`;
}

/** The VNG's subnets in `zone` (sorted), by the subnet zones known. */
export function subnetsIn(vng: Vng, zone: string, subnetZones: ReadonlyMap<string, string>): string[] {
  return vng.subnetIds.filter((s) => subnetZones.get(s) === zone);
}

/** The launch template as RunInstances takes it. */
export function launchTemplateSpec(lt: LaunchTemplateRef): LaunchTemplateSpecification {
  return {
    ...(lt.id !== undefined ? { LaunchTemplateId: lt.id } : { LaunchTemplateName: lt.name }),
    ...(lt.version !== null ? { Version: lt.version } : {}),
  };
}

const describeTemplate = (lt: LaunchTemplateRef): string => `launch template ${lt.id ?? lt.name}${lt.version !== null ? ` version ${lt.version}` : ''}`;

export interface Ec2CapacityOptions {
  readonly migrationId: string;
  /** The cluster's name, as the instances are tagged (kubernetes.io/cluster/NAME=owned). */
  readonly clusterName: string;
  /** Each must have a launch template and subnets (run checks it before starting). */
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly allowArchitectureChange?: boolean;
  readonly allocatable?: AllocatableOptions;
  readonly readCluster?: (nodes: readonly unknown[], pods: readonly unknown[]) => Promise<Cluster>;
  /** How long a type and zone refused for capacity is left out (default 5 minutes). */
  readonly backoffSeconds?: number;
  /** How long a launched instance is waited for to be a Ready node (default 15 minutes). */
  readonly bootGiveUpSeconds?: number;
  /** The wall clock in ms (tests replace it). */
  readonly nowMs?: () => number;
}

/** One instance launched (or found again): for logs and tests. */
export interface LaunchedInstance {
  readonly instanceId: string;
  readonly vng: string;
  readonly instanceType: string;
  readonly zone: string;
  readonly subnetId: string;
  readonly clientToken: string;
}

export class Ec2Capacity implements CapacityPort {
  private readonly provider: ScaleUpProvider;
  /** ClientTokens this migration's launches have used (answered, or found on its instances). */
  private readonly usedTokens = new Set<string>();
  private readonly subnetZones = new Map<string, string>();
  private prepared = false;
  /** Instances launched by this process. */
  readonly launched: LaunchedInstance[] = [];

  constructor(
    private readonly ctx: LiveContext,
    private readonly aws: AwsClients,
    private readonly opts: Ec2CapacityOptions,
  ) {
    this.provider = new ScaleUpProvider(
      ctx,
      {
        vngs: opts.vngs,
        catalog: opts.catalog,
        ...(opts.allowArchitectureChange !== undefined ? { allowArchitectureChange: opts.allowArchitectureChange } : {}),
        ...(opts.allocatable !== undefined ? { allocatable: opts.allocatable } : {}),
        ...(opts.readCluster !== undefined ? { readCluster: opts.readCluster } : {}),
        ...(opts.nowMs !== undefined ? { nowMs: opts.nowMs } : {}),
        bootGiveUpMs: (opts.bootGiveUpSeconds ?? BOOT_GIVE_UP_MS / 1000) * 1000,
        backoffMs: (opts.backoffSeconds ?? BACKOFF_MS / 1000) * 1000,
        onGiveUp: (b) => {
          const text = `instance ${b.instanceId} (${b.instanceType} in ${b.zone}, VNG ${b.vng.name}) is not a Ready node ${Math.round((opts.bootGiveUpSeconds ?? BOOT_GIVE_UP_MS / 1000) / 60)} minutes after its launch`;
          ctx.log(`${text}: no longer waited for (it is left running; check its kubelet and the launch template's user data)`);
          return text;
        },
      },
      { launch: (req) => this.launch(req) },
    );
  }

  signal(): CapacitySignal {
    return this.provider.signal();
  }

  async reconcile(): Promise<void> {
    if (!this.prepared) await this.prepare();
    await this.provider.reconcile();
  }

  /**
   * The zones of the VNGs' subnets, and this migration's instances launched before (their tokens used; those not a Ready
   * node yet waited for). Throws a PortError (e.g. a subnet EC2 does not know, a missing permission).
   */
  async prepare(): Promise<void> {
    const subnets = [...new Set(this.opts.vngs.flatMap((v) => v.subnetIds))].sort();
    for (const [id, zone] of Object.entries(await subnetZones(this.aws, subnets))) this.subnetZones.set(id, zone);
    const vngs = this.opts.vngs.map((v) => {
      const unknown = v.subnetIds.filter((s) => !this.subnetZones.has(s));
      if (unknown.length > 0) throw new PortError('invalid', `VNG ${v.name}: EC2 does not know subnet ${unknown.join(', ')} in ${this.regionText()}`, 'InvalidSubnetID.NotFound');
      const zones = [...new Set(v.subnetIds.map((s) => this.subnetZones.get(s) as string))].sort();
      const differ = v.zones.length > 0 && v.zones.join(',') !== zones.join(',');
      if (differ) this.ctx.log(`VNG ${v.name}: its subnets are in ${zones.join(', ')} as EC2 says (the VNG file said ${v.zones.join(', ')})`);
      return { ...v, zones };
    });
    this.provider.useVngs(vngs);
    const byName = new Map(vngs.map((v) => [v.name, v]));
    for (const i of await this.migrationInstances()) {
      if (i.ClientToken !== undefined && i.ClientToken !== '') this.usedTokens.add(i.ClientToken);
      const state = i.State?.Name ?? '';
      const vng = byName.get(i.Tags?.find((t) => t.Key === VNG_TAG)?.Value ?? '');
      if (i.InstanceId === undefined || vng === undefined || (state !== 'pending' && state !== 'running')) continue;
      this.provider.adopt({
        name: i.PrivateDnsName !== undefined && i.PrivateDnsName !== '' ? i.PrivateDnsName : i.InstanceId,
        instanceId: i.InstanceId,
        vng,
        instanceType: i.InstanceType ?? '',
        zone: i.Placement?.AvailabilityZone ?? '',
        createdAtMs: i.LaunchTime?.getTime() ?? Date.now(),
      });
    }
    this.prepared = true;
  }

  private regionText(): string {
    const r = this.aws.ec2.config.region;
    return typeof r === 'string' ? r : 'the region';
  }

  private async migrationInstances(): Promise<Instance[]> {
    const out: Instance[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ec2:DescribeInstances', () =>
        this.aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${MIGRATION_TAG}`, Values: [this.opts.migrationId] }], ...(token ? { NextToken: token } : {}) })),
      );
      for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
      token = page.NextToken;
    } while (token);
    return out;
  }

  /** The first ClientToken of this VNG, type and zone not used yet, and its ordinal. */
  nextToken(vng: string, instanceType: string, zone: string): { token: string; ordinal: number } {
    for (let n = 1; ; n += 1) {
      const t = clientToken(this.opts.migrationId, vng, instanceType, zone, n);
      if (!this.usedTokens.has(t)) return { token: t, ordinal: n };
    }
  }

  private async launch(req: LaunchRequest): Promise<LaunchOutcome> {
    const { vng, instanceType, zone } = req;
    const lt = vng.launchTemplate;
    if (lt === undefined || lt === null) throw new PortError('invalid', `VNG ${vng.name} has no launchTemplate to launch from`, 'MissingLaunchTemplate');
    const subnets = subnetsIn(vng, zone, this.subnetZones);
    const { token, ordinal } = this.nextToken(vng.name, instanceType, zone);
    // Successive launches spread over the zone's subnets; a retried call (the same token) must ask for the same subnet.
    const subnet = subnets[(ordinal - 1) % Math.max(1, subnets.length)];
    if (subnet === undefined) throw new PortError('invalid', `VNG ${vng.name} has no subnet in ${zone}`, 'NoSubnetInZone');
    const what = `EC2 instance from ${describeTemplate(lt)} (${vng.name} ${instanceType} ${zone}, subnet ${subnet})`;
    const input = this.runInput(vng, lt, instanceType, subnet, token, this.ctx.dryRun);
    let instance: Instance | undefined;
    try {
      const out = await this.aws.ec2.send(new RunInstancesCommand(input));
      instance = out.Instances?.[0];
    } catch (e) {
      const code = awsCodeOf(e);
      if (this.ctx.dryRun && code === 'DryRunOperation') {
        this.ctx.log(`dry run: create ${what} for ${req.podCount} pod(s)`);
        return { kind: 'untracked' };
      }
      if (code !== null && CAPACITY_ERRORS.has(code)) {
        this.usedTokens.add(token);
        const error = `${code}: ${instanceType} in ${zone} (VNG ${vng.name})`;
        this.ctx.log(`could not launch ${what}: ${code}: ${e instanceof Error ? e.message.trim() : String(e)}; another type or zone is tried`);
        return { kind: 'unavailable', error };
      }
      if (code === 'IdempotentParameterMismatch') {
        // The token was used with other parameters (by an earlier process): the next launch takes the next one.
        this.usedTokens.add(token);
        throw new PortError('conflict', `ec2:RunInstances for ${what}: ClientToken ${token} was used with other parameters; retried with the next one`, code);
      }
      throw toAwsPortError(e, 'ec2:RunInstances', []);
    }
    this.usedTokens.add(token);
    const id = instance?.InstanceId;
    if (id === undefined) throw new PortError('server', `ec2:RunInstances for ${what} answered without an instance`, 'NoInstance');
    const name = instance?.PrivateDnsName !== undefined && instance.PrivateDnsName !== '' ? instance.PrivateDnsName : id;
    this.launched.push({ instanceId: id, vng: vng.name, instanceType, zone, subnetId: subnet, clientToken: token });
    this.ctx.log(`launched ${id} (${name}): ${what} for ${req.podCount} pod(s)`);
    return { kind: 'booting', name, instanceId: id };
  }

  /** RunInstances' input for one instance of `vng`. */
  private runInput(vng: Vng, lt: LaunchTemplateRef, instanceType: string, subnet: string, token: string | null, dryRun: boolean): RunInstancesCommandInput {
    return {
      LaunchTemplate: launchTemplateSpec(lt),
      InstanceType: instanceType as _InstanceType,
      SubnetId: subnet,
      MinCount: 1,
      MaxCount: 1,
      ...(token !== null ? { ClientToken: token } : {}),
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: `kubernetes.io/cluster/${this.opts.clusterName}`, Value: 'owned' },
            { Key: MIGRATION_TAG, Value: this.opts.migrationId },
            { Key: VNG_TAG, Value: vng.name },
          ],
        },
      ],
      ...(dryRun ? { DryRun: true } : {}),
    };
  }

  /**
   * For a dry run: RunInstances with DryRun for each VNG (its launch template, its first instance type and subnet), one
   * line each; a refusal other than DryRunOperation throws as a launch would (a missing permission, an unknown template).
   */
  async checkLaunches(): Promise<string[]> {
    if (!this.prepared) await this.prepare();
    const lines: string[] = [];
    for (const vng of this.opts.vngs) {
      const lt = vng.launchTemplate;
      const type = vng.instanceTypes[0];
      const subnet = vng.subnetIds[0];
      if (lt === undefined || lt === null || type === undefined || subnet === undefined) continue;
      const what = `RunInstances from ${describeTemplate(lt)} for VNG ${vng.name} (${type}, subnet ${subnet} in ${this.subnetZones.get(subnet) ?? '?'})`;
      try {
        await this.aws.ec2.send(new RunInstancesCommand(this.runInput(vng, lt, type, subnet, null, true)));
      } catch (e) {
        if (awsCodeOf(e) === 'DryRunOperation') {
          lines.push(`${what}: EC2 would launch it (DryRunOperation)`);
          continue;
        }
        throw toAwsPortError(e, 'ec2:RunInstances', []);
      }
      lines.push(`${what}: EC2 answered a dry run without DryRunOperation`);
    }
    return lines;
  }

  private async call<T>(action: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw toAwsPortError(e, action, []);
    }
  }
}

