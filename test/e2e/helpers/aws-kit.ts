/**
 * What the AWS e2e tests build in moto's server: clients with dummy credentials, a launch template, Auto Scaling groups and
 * stand-alone instances tagged for a cluster, and the reads the tests assert on (instance states, a group's size).
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand, type Instance } from '@aws-sdk/client-ec2';

export const REGION = 'us-east-1';
export const ZONE = 'us-east-1a';
export const AMI = 'ami-12c6146b';

/** The environment the CLI gets to reach moto: the SDK's own endpoint variable, dummy credentials, the region. */
export function awsEnv(endpoint: string): NodeJS.ProcessEnv {
  return { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION };
}

export class MotoKit {
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;

  constructor(endpoint: string) {
    // The SDK's Node 22 notice, once per process, is noise in test output (makeAwsClients silences it the same way).
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
    const config = { region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    this.ec2 = new EC2Client(config);
    this.autoscaling = new AutoScalingClient(config);
  }

  async subnet(zone = ZONE): Promise<string> {
    const subnets = await this.ec2.send(new DescribeSubnetsCommand({}));
    return subnets.Subnets?.find((s) => s.AvailabilityZone === zone)?.SubnetId ?? '';
  }

  /** An Auto Scaling group of `desired` instances tagged kubernetes.io/cluster/<cluster>; its instance ids, sorted. */
  async group(name: string, cluster: string, min: number, desired: number): Promise<string[]> {
    const lt = await this.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `lt-${name}`, LaunchTemplateData: { ImageId: AMI, InstanceType: 'm5.large' } }));
    await this.autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: min,
        MaxSize: 10,
        DesiredCapacity: desired,
        LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate?.LaunchTemplateId ?? '' },
        VPCZoneIdentifier: await this.subnet(),
        Tags: [{ Key: `kubernetes.io/cluster/${cluster}`, Value: 'owned', PropagateAtLaunch: true }],
      }),
    );
    return (await this.groupFacts(name)).ids;
  }

  async groupFacts(name: string): Promise<{ ids: string[]; desired: number; min: number }> {
    const g = (await this.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
    return { ids: (g?.Instances ?? []).map((i) => i.InstanceId ?? '').sort(), desired: g?.DesiredCapacity ?? -1, min: g?.MinSize ?? -1 };
  }

  /** A stand-alone instance with `tag` (default: eks:cluster-name=<cluster>); its id. */
  async standAlone(tag: { key: string; value: string }): Promise<string> {
    const r = await this.ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: await this.subnet(),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: tag.key, Value: tag.value }] }],
      }),
    );
    return r.Instances?.[0]?.InstanceId ?? '';
  }

  async instances(ids: readonly string[]): Promise<Map<string, Instance>> {
    const out = new Map<string, Instance>();
    const r = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [...ids] }));
    for (const res of r.Reservations ?? []) for (const i of res.Instances ?? []) out.set(i.InstanceId ?? '', i);
    return out;
  }

  /** Each instance's state, in the order asked ('missing' when EC2 does not list it). */
  async states(ids: readonly string[]): Promise<string[]> {
    const d = await this.instances(ids);
    return ids.map((id) => d.get(id)?.State?.Name ?? 'missing');
  }
}
