/** The generated nodes as plain records: identity, addresses, pool membership, sizing. Objects are built from them later. */
import { awsId, ec2PrivateDnsName, uuid } from './names.js';
import { nodeSizing, requireInstanceFacts } from './node-capacity.js';
import type { GenInstanceFacts, NodeSizing } from './node-capacity.js';
import type { Prng } from './prng.js';
import type { GenTaint, NodeTypeSpec, ResolvedClusterGenSpec } from './spec.js';

export interface GenNode {
  readonly index: number;
  readonly name: string;
  readonly uid: string;
  readonly address: number;
  readonly zone: string;
  readonly zoneIndex: number;
  readonly facts: GenInstanceFacts;
  readonly nodegroup: string;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly taints: readonly GenTaint[];
  readonly sizing: NodeSizing;
  readonly instanceId: string;
  readonly createdMs: number;
}

/**
 * Splits `total` over the weights by largest remainder (ties to the earlier entry). Then every positive weight left with no
 * share takes one from the largest share, as long as `total` allows one each.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const clean = weights.map((w) => Math.max(0, w));
  const sum = clean.reduce((a, w) => a + w, 0);
  const counts = clean.map(() => 0);
  if (total <= 0 || sum <= 0) return counts;
  const exact = clean.map((w) => (w / sum) * total);
  let given = 0;
  for (const [i, x] of exact.entries()) {
    counts[i] = Math.floor(x);
    given += Math.floor(x);
  }
  const byRemainder = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .filter(({ i }) => (clean[i] ?? 0) > 0)
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; k < total - given; k++) {
    const target = byRemainder[k % byRemainder.length];
    if (target !== undefined) counts[target.i] = (counts[target.i] ?? 0) + 1;
  }
  const positive = clean.flatMap((w, i) => (w > 0 ? [i] : []));
  if (total >= positive.length) {
    for (const i of positive) {
      if ((counts[i] ?? 0) > 0) continue;
      let donor = 0;
      for (const [j, c] of counts.entries()) if (c > (counts[donor] ?? 0)) donor = j;
      counts[donor] = (counts[donor] ?? 0) - 1;
      counts[i] = 1;
    }
  }
  return counts;
}

export function defaultNodegroupName(t: NodeTypeSpec): string {
  return t.nodegroup ?? `ng-${t.instanceType.replaceAll('.', '-')}`;
}

const DAY_MS = 86_400_000;

/**
 * Node addresses: the VPC 10.0.0.0/16 is cut into one block per zone; when a zone needs more than a quarter of its block,
 * 10.0.0.0/12 is cut instead. Addresses ending in .0 or .255 are avoided.
 */
function addressBlock(zoneCount: number, maxNodesPerZone: number): number {
  const small = Math.floor(65536 / zoneCount);
  return maxNodesPerZone * 4 <= small ? small : Math.floor(1048576 / zoneCount);
}

export function generateNodes(spec: ResolvedClusterGenSpec, prng: Prng): GenNode[] {
  const counts = apportion(
    spec.nodes,
    spec.nodeTypes.map((t) => t.weight),
  );
  const zoneCount = spec.zones.length;
  const block = addressBlock(zoneCount, Math.ceil(spec.nodes / zoneCount) + spec.nodeTypes.length);
  const base = (10 << 24) >>> 0;
  const usedAddresses = new Set<number>();
  const nodes: GenNode[] = [];
  let zoneCursor = 0;
  for (const [typeIndex, t] of spec.nodeTypes.entries()) {
    const facts = requireInstanceFacts(t.instanceType);
    const sizing = nodeSizing(facts, spec.rootVolumeGiB, spec.vmMemoryOverheadPercent);
    const count = counts[typeIndex] ?? 0;
    for (let k = 0; k < count; k++) {
      // Node groups balance their instances over the zones, as EC2 Auto Scaling does.
      const zoneIndex = zoneCursor % zoneCount;
      zoneCursor++;
      let address = 0;
      do {
        address = base + zoneIndex * block + prng.int(256, block - 1);
      } while ((address & 255) === 0 || (address & 255) === 255 || usedAddresses.has(address));
      usedAddresses.add(address);
      nodes.push({
        index: nodes.length,
        name: ec2PrivateDnsName(address, spec.region),
        uid: uuid(prng),
        address,
        zone: spec.zones[zoneIndex] as string,
        zoneIndex,
        facts,
        nodegroup: defaultNodegroupName(t),
        extraLabels: t.labels ?? {},
        taints: t.taints ?? [],
        sizing,
        instanceId: awsId(prng, 'i'),
        createdMs: spec.nowMs - prng.int(1 * DAY_MS, 30 * DAY_MS),
      });
    }
  }
  return nodes;
}
