/**
 * Ocean's migration discovery: the nodes of the cluster that Ocean can migrate, each with the VNG Ocean suggests for it.
 *
 *   GET /ocean/aws/k8s/cluster/{oceanClusterId}/migration/discovery?shouldFetchPods={true|false}
 *
 * Sources: spotinst-sdk-python, clients/ocean OceanAwsClient.get_migration_discovery (the path, the query parameter
 * `shouldFetchPods`, the answer's `response.items`; one version of the SDK returns `items[0]`, a later one `items`), and
 * Spot's documentation of the workload migration through the API (operation oceanAwsGetMigrationDiscovery): the answer
 * lists the nodes that can be migrated and, when shouldFetchPods is true, the pods running on each; its VNG value per node
 * comes from the node's labels and taints: the string `Default` when the node has none, the id of the first VNG that
 * matches, or null when no VNG matches (then Ocean's autoscaler could not launch a node for those labels and taints).
 *
 * What those sources do not show, and vngshift chose (the test emulator answers the same; the README lists it as a guess):
 * the field names of a node. Read: `instanceId`, `k8sNodeName` (also `nodeName`, `name`), the VNG in `launchSpecId` (also
 * `virtualNodeGroupId`, `vngId`, `virtualNodeGroup`), the pod count in `runningPods` (also `podsCount`, else the length of
 * `pods` / `podDetails`). A single item holding the nodes in `nodes` or `instances` is read as those nodes.
 * Nothing here was checked against the real Spot API.
 */
import type { DiscoveredNode, OceanSuggestion } from '../../model/ocean-discovery.js';
import { obj, type SpotClient } from './client.js';

export const discoveryPath = (clusterId: string): string => `/ocean/aws/k8s/cluster/${encodeURIComponent(clusterId)}/migration/discovery`;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const VNG_FIELDS = ['launchSpecId', 'virtualNodeGroupId', 'vngId', 'virtualNodeGroup'] as const;

/** Ocean's VNG value of a node: `Default` (any case), a VNG id, or null / absent / empty for none. */
export function suggestionOf(node: Record<string, unknown>): OceanSuggestion {
  const field = VNG_FIELDS.find((f) => f in node);
  const raw = field === undefined ? null : node[field];
  const v = typeof raw === 'string' ? raw : str(obj(raw)['id']);
  if (v === null || v === '') return { kind: 'none' };
  if (v.toLowerCase() === 'default') return { kind: 'default' };
  return { kind: 'vng', vngId: v };
}

function podCount(n: Record<string, unknown>): number | null {
  for (const f of ['runningPods', 'podsCount']) {
    const v = n[f];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  for (const f of ['pods', 'podDetails']) {
    const v = n[f];
    if (Array.isArray(v)) return v.length;
  }
  return null;
}

/** The nodes of a discovery answer's items (see the module comment for the fields read). */
export function parseDiscovery(items: readonly unknown[]): DiscoveredNode[] {
  const flat = items.map(obj).flatMap((item) => {
    const inner = Array.isArray(item['nodes']) ? item['nodes'] : Array.isArray(item['instances']) ? item['instances'] : null;
    return inner !== null ? inner.map(obj) : [item];
  });
  return flat
    .map((n) => ({
      instanceId: str(n['instanceId']),
      nodeName: str(n['k8sNodeName']) ?? str(n['nodeName']) ?? str(n['name']),
      suggestion: suggestionOf(n),
      pods: podCount(n),
    }))
    .filter((n) => n.instanceId !== null || n.nodeName !== null);
}

/** Reads Ocean's discovery of a cluster (without the pods: vngshift reads them from the cluster itself). */
export async function readDiscovery(client: SpotClient, clusterId: string): Promise<DiscoveredNode[]> {
  return parseDiscovery(await client.get(discoveryPath(clusterId), { shouldFetchPods: false }));
}
