/** The availability zone of each subnet id, from EC2's DescribeSubnets (paginated by the SDK's paginator). */
import { paginateDescribeSubnets } from '@aws-sdk/client-ec2';
import { toAwsPortError } from './aws-errors.js';
import type { AwsClients } from './clients.js';

export async function subnetZones(aws: AwsClients, subnetIds: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const ids = [...new Set(subnetIds)].sort();
  if (ids.length === 0) return out;
  try {
    for await (const page of paginateDescribeSubnets({ client: aws.ec2 }, { Filters: [{ Name: 'subnet-id', Values: ids }] })) {
      for (const s of page.Subnets ?? []) if (s.SubnetId !== undefined && s.AvailabilityZone !== undefined) out[s.SubnetId] = s.AvailabilityZone;
    }
  } catch (e) {
    throw toAwsPortError(e, 'ec2:DescribeSubnets', []);
  }
  return out;
}
