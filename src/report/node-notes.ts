/** Report lines about what a new node is and what its price means: max pods and its source, the region of the prices. */
import type { MaxPodsSource } from '../catalog/new-node.js';
import type { Cost, Plan } from '../planner/plan.js';

const SOURCE_WORDS: Record<MaxPodsSource, string> = {
  flag: '--max-pods',
  vng: "the VNG's maxPods",
  'observed-type': 'as old nodes of the type report',
  'observed-family': 'as old nodes of the family report',
  'eni-formula': 'EKS ENI formula',
};

/** One line: max pods per new instance type, grouped by value and source; null when the plan launches nothing. */
export function maxPodsLine(plan: Plan): string | null {
  const groups = new Map<string, { pods: number; source: MaxPodsSource; types: Set<string> }>();
  for (const n of plan.nodes) {
    const key = `${n.maxPods}\u0000${n.maxPodsSource}`;
    const g = groups.get(key) ?? { pods: n.maxPods, source: n.maxPodsSource, types: new Set<string>() };
    g.types.add(n.instanceType);
    groups.set(key, g);
  }
  if (groups.size === 0) return null;
  const parts = [...groups.values()]
    .sort((a, b) => a.pods - b.pods || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
    .map((g) => `${g.pods} on ${[...g.types].sort().join(', ')} (${SOURCE_WORDS[g.source]})`);
  return `Max pods per new node: ${parts.join('; ')}`;
}

/** What the prices are: "on-demand prices", or, when the nodes run in another region than the catalog's, a warning. */
export function priceBasis(cost: Cost): string {
  if (cost.priceNote === undefined || cost.priceRegion === undefined || cost.clusterRegion === undefined || cost.clusterRegion === null) {
    return 'on-demand prices';
  }
  return `${cost.priceRegion} on-demand prices, nodes in ${cost.clusterRegion}: an estimate`;
}
