/**
 * What the cluster costs per hour today and after the migration. "After" keeps every old node that the migration leaves in
 * place (stand-alone pods it does not evict, pods whose owners asked not to be disrupted, pods behind a PodDisruptionBudget
 * that allows no eviction, pods that fit no VNG) and adds the new nodes. A plan whose pods do not all fit is partial: the
 * figure is not a saving anyone can bank on, and reports must not show it as one.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Cluster, Node } from '../model/types.js';
import type { SpotCost } from './spot-cost.js';

export interface StayingNode {
  readonly name: string;
  /** Why it stays, one line each (e.g. `stand-alone pod payments/ledger-debug is not evicted`). */
  readonly reasons: readonly string[];
}

export interface Cost {
  /** USD per hour of every node in the cluster today. */
  readonly before: number;
  /** USD per hour after the migration: the nodes that stay (not selected, or kept by their pods) plus the new nodes. */
  readonly after: number;
  /** Selected old nodes that go (are drained and terminated). */
  readonly migratedNodes: number;
  /** Selected old nodes that stay, with why; counted in `after`. */
  readonly stayingOldNodes: readonly StayingNode[];
  readonly newNodes: number;
  /** USD per hour of the new nodes alone. */
  readonly newNodesUsdPerHour: number;
  /**
   * 'complete': every moving pod fits; `after` is the cluster once the migration is done. 'partial': some pods fit no VNG,
   * so `after` only prices the pods that fit plus the nodes that must stay: not a saving.
   */
  readonly basis: 'complete' | 'partial';
  /** Instance types without a known price (counted as 0). */
  readonly unpriced: readonly string[];
  /** The region the catalog's on-demand prices are for. */
  readonly priceRegion?: string;
  /** The nodes' region (their topology.kubernetes.io/region label, else their zone); null when no node says. */
  readonly clusterRegion?: string | null;
  /** Set when the two differ: the figures are another region's prices, an estimate. */
  readonly priceNote?: string;
  /** The Spot figure per VNG beside the on-demand one, when the catalog has Spot prices (spot-cost.ts). */
  readonly spot?: SpotCost;
}

export interface CostInput {
  readonly cluster: Cluster;
  readonly old: readonly Node[];
  readonly fresh: readonly { readonly instanceType: string }[];
  readonly catalog: Catalog;
  readonly staying: readonly StayingNode[];
  readonly partial: boolean;
}

export function costOf(input: CostInput): Cost {
  const { cluster, old, fresh, catalog } = input;
  const unpriced = new Set<string>();
  const price = (type: string | null): number => {
    const p = type === null ? null : (catalog.byName.get(type)?.priceUsdPerHour ?? null);
    if (p === null) unpriced.add(type ?? '(no instance-type label)');
    return p ?? 0;
  };
  const stays = new Set(input.staying.map((s) => s.name));
  const before = cluster.nodes.reduce((s, n) => s + price(n.instanceType), 0);
  const going = old.filter((n) => !stays.has(n.name));
  const migrated = going.reduce((s, n) => s + price(n.instanceType), 0);
  const added = fresh.reduce((s, n) => s + price(n.instanceType), 0);
  const round = (x: number): number => Math.round(x * 10000) / 10000;
  return {
    before: round(before),
    after: round(before - migrated + added),
    migratedNodes: going.length,
    stayingOldNodes: [...input.staying].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    newNodes: fresh.length,
    newNodesUsdPerHour: round(added),
    basis: input.partial ? 'partial' : 'complete',
    unpriced: [...unpriced].sort(),
    ...priceRegionOf(cluster, catalog),
  };
}

/** The region of the prices and of the nodes, with a note when they differ (prices then are another region's). */
export function priceRegionOf(cluster: Cluster, catalog: Catalog): { priceRegion: string; clusterRegion: string | null; priceNote?: string } {
  const clusterRegion = clusterRegionOf(cluster);
  const priceRegion = catalog.onDemandRegion ?? catalog.region;
  if (clusterRegion === null || clusterRegion === priceRegion) return { priceRegion, clusterRegion };
  return {
    priceRegion,
    clusterRegion,
    priceNote: `prices are ${priceRegion} on-demand list prices; the nodes run in ${clusterRegion}, whose prices differ: the figures are estimates`,
  };
}

/** The nodes' region: the first topology.kubernetes.io/region label in name order, else the region of the first zone. */
export function clusterRegionOf(cluster: Cluster): string | null {
  const nodes = [...cluster.nodes].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const label = nodes.map((n) => n.labels['topology.kubernetes.io/region']).find((r): r is string => r !== undefined && r !== '');
  if (label !== undefined) return label;
  for (const n of nodes) {
    const m = n.zone === null ? null : /^([a-z]{2}(?:-[a-z]+)+-\d+)/.exec(n.zone);
    if (m?.[1] !== undefined) return m[1];
  }
  return null;
}


/** Collects reasons per node, in a stable order. */
export class StayingNodes {
  private readonly reasons = new Map<string, string[]>();

  add(node: string, reason: string): void {
    const list = this.reasons.get(node);
    if (list === undefined) this.reasons.set(node, [reason]);
    else if (!list.includes(reason)) list.push(reason);
  }

  list(): StayingNode[] {
    return [...this.reasons.entries()].map(([name, reasons]) => ({ name, reasons: [...reasons].sort() }));
  }
}
