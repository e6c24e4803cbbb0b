/**
 * What `vngshift catalog refresh` reads from EC2, through the SDK's paginators: every instance type
 * (DescribeInstanceTypes), which types each availability zone offers (DescribeInstanceTypeOfferings), the Spot prices in
 * effect now (DescribeSpotPriceHistory from the refresh time, Linux/UNIX) and, when asked, the zones of some subnets
 * (DescribeSubnets, subnets.ts). A failed call is a PortError naming the API call, which is also the IAM action to grant.
 */
import {
  paginateDescribeInstanceTypeOfferings,
  paginateDescribeInstanceTypes,
  paginateDescribeSpotPriceHistory,
  type InstanceTypeInfo,
} from '@aws-sdk/client-ec2';
import { LINUX_SPOT_PRODUCTS, type CatalogFacts } from '../../catalog/refreshed.js';
import type { AwsClients } from './clients.js';
import { toAwsPortError } from './aws-errors.js';
import { subnetZones as zonesOfSubnets } from './subnets.js';

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toAwsPortError(e, action, []);
  }
}

/** Reads the facts of `region` (the clients' region) as of `now`; `subnetIds` may be empty (DescribeSubnets is then skipped). */
export async function readCatalogFacts(aws: AwsClients, subnetIds: readonly string[], now: Date): Promise<CatalogFacts> {
  const client = aws.ec2;
  const region = await aws.region();
  const instanceTypes = await call('ec2:DescribeInstanceTypes', async () => {
    const out: InstanceTypeInfo[] = [];
    for await (const page of paginateDescribeInstanceTypes({ client }, {})) out.push(...(page.InstanceTypes ?? []));
    return out;
  });
  const offerings = await call('ec2:DescribeInstanceTypeOfferings', async () => {
    const out: { instanceType: string; zone: string }[] = [];
    for await (const page of paginateDescribeInstanceTypeOfferings({ client }, { LocationType: 'availability-zone' })) {
      for (const o of page.InstanceTypeOfferings ?? []) {
        if (o.InstanceType !== undefined && o.Location !== undefined) out.push({ instanceType: o.InstanceType, zone: o.Location });
      }
    }
    return out;
  });
  const spotPrices = await call('ec2:DescribeSpotPriceHistory', async () => {
    const out: CatalogFacts['spotPrices'][number][] = [];
    const request = { StartTime: now, ProductDescriptions: [...LINUX_SPOT_PRODUCTS] };
    for await (const page of paginateDescribeSpotPriceHistory({ client }, request)) {
      for (const p of page.SpotPriceHistory ?? []) {
        const usd = Number(p.SpotPrice);
        if (p.InstanceType === undefined || p.AvailabilityZone === undefined || !Number.isFinite(usd)) continue;
        out.push({
          instanceType: p.InstanceType,
          zone: p.AvailabilityZone,
          productDescription: p.ProductDescription ?? '',
          usdPerHour: usd,
          timestamp: p.Timestamp?.toISOString() ?? '',
        });
      }
    }
    return out;
  });
  // Subnets EC2 does not know are left out (the VNG parser names a VNG subnet without a zone).
  const subnetZones = await zonesOfSubnets(aws, subnetIds);
  return { region, refreshedAt: now.toISOString(), instanceTypes, offerings, spotPrices, subnetZones };
}
