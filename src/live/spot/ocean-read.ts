/**
 * Reads an Ocean cluster and its launch specs (VNGs) from the Spot API: GET /ocean/aws/k8s/cluster/{oceanClusterId} and
 * GET /ocean/aws/k8s/launchSpec?oceanId={oceanClusterId} (spotinst-sdk-go service/ocean/providers/aws cluster.go
 * ReadCluster, launchspec.go ListLaunchSpecs). The answer goes into the VNG file's API layout (`{response: {items},
 * cluster, subnetZones}`), so the VNGs read are the model a file gives, parsed by the same code; the subnets' zones come
 * from EC2 (DescribeSubnets in the cluster's region).
 */
import { obj, type SpotClient } from './client.js';

export interface OceanRead {
  readonly clusterId: string;
  /** The cluster as the API gives it (compute.instanceTypes, compute.subnetIds, region, ...). */
  readonly cluster: Record<string, unknown>;
  /** The launch specs as the API gives them, sorted by name then id. */
  readonly launchSpecs: readonly Record<string, unknown>[];
}

const OCEAN_ID = /^o-[0-9a-z]+$/;

export function isOceanClusterId(id: string): boolean {
  return OCEAN_ID.test(id);
}


const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export async function readOcean(client: SpotClient, clusterId: string): Promise<OceanRead> {
  const [cluster] = await client.get(`/ocean/aws/k8s/cluster/${encodeURIComponent(clusterId)}`);
  const specs = (await client.get('/ocean/aws/k8s/launchSpec', { oceanId: clusterId })).map(obj).filter((s) => text(s['oceanId']) === '' || text(s['oceanId']) === clusterId);
  specs.sort((a, b) => text(a['name']).localeCompare(text(b['name'])) || text(a['id']).localeCompare(text(b['id'])));
  return { clusterId, cluster: obj(cluster), launchSpecs: specs };
}

/** The subnet ids the launch specs and the cluster name (for zone lookups). */
export function oceanSubnetIds(o: OceanRead): string[] {
  const ids = new Set<string>();
  const add = (list: unknown): void => {
    if (Array.isArray(list)) for (const s of list) if (typeof s === 'string') ids.add(s);
  };
  add(obj(o.cluster['compute'])['subnetIds']);
  for (const s of o.launchSpecs) add(s['subnetIds']);
  return [...ids].sort();
}

/** The cluster's region (the Spot cluster's `region`), or null. */
export function oceanRegion(o: OceanRead): string | null {
  const r = text(o.cluster['region']);
  return r === '' ? null : r;
}

/**
 * The VNG document of the Ocean cluster: the API layout the VNG parser reads, with the subnets' zones. Launch specs
 * without their own subnets take the cluster's (as Ocean does).
 */
export function oceanVngDocument(o: OceanRead, subnetZones: Readonly<Record<string, string>>): Record<string, unknown> {
  const clusterSubnets = obj(o.cluster['compute'])['subnetIds'];
  const items = o.launchSpecs.map((s) => {
    const own = s['subnetIds'];
    return Array.isArray(own) && own.length > 0 ? s : Array.isArray(clusterSubnets) ? { ...s, subnetIds: clusterSubnets } : s;
  });
  return { response: { items }, cluster: o.cluster, subnetZones: { ...subnetZones } };
}
