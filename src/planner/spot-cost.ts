/**
 * The Spot figure beside the on-demand one, per VNG, when the catalog has Spot prices (a catalog file from `vngshift catalog
 * refresh`). Each new node is priced at the mean of its instance type's latest Spot prices over the zones the VNG may launch
 * it in (the VNG's zones, else the cluster's, that the catalog prices the type in): Ocean spreads Spot nodes over a VNG's
 * zones and markets, so the mean is what a fleet of them tends to cost, where the cheapest zone would be a best case. A
 * type with no Spot price in those zones is counted at its on-demand price (what it runs at when no Spot market is there)
 * and listed. A VNG that states Ocean's `strategy.spotPercentage` (its own or its cluster's) also gets the figure Ocean
 * aims at: that share of its nodes at the Spot figure, the rest on-demand. The plan's cost before/after stays on-demand
 * (the worst case: Ocean falls back to on-demand when Spot is short). Pure.
 */
import type { Catalog, PriceSource } from '../catalog/catalog.js';
import type { Cluster, Vng } from '../model/types.js';

/** How the Spot figure is worked out, as reports label it. */
export const SPOT_BASIS = "mean of each type's latest Spot price over the VNG's zones that price it";

export interface VngSpotCost {
  readonly vng: string;
  readonly newNodes: number;
  readonly onDemandUsdPerHour: number;
  readonly spotUsdPerHour: number;
  /** Instance types of its new nodes without a Spot price in the VNG's zones (counted at their on-demand price). */
  readonly spotUnpriced: readonly string[];
  /** The VNG's Spot share (strategy.spotPercentage) and the figure at that share; absent when the VNG states none. */
  readonly spotPercentage?: number;
  readonly expectedUsdPerHour?: number;
}

export interface SpotCost {
  /** Which figure the plan's cost before/after uses: on-demand (the VNG model has no Spot share to say otherwise). */
  readonly defaultFigure: 'on-demand';
  readonly basis: string;
  readonly onDemand: PriceSource;
  readonly spot: PriceSource;
  /** One row per VNG with new nodes, by name. */
  readonly perVng: readonly VngSpotCost[];
  readonly newNodesOnDemandUsdPerHour: number;
  readonly newNodesSpotUsdPerHour: number;
}

export interface SpotCostInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly fresh: readonly { readonly vng: string; readonly instanceType: string }[];
  readonly catalog: Catalog;
}

const round = (x: number): number => Math.round(x * 10000) / 10000;

/** The mean Spot price of `type` over `zones` (all the zones priced when `zones` is empty); null when none is priced. */
export function meanSpotPrice(catalog: Catalog, type: string, zones: readonly string[]): number | null {
  const byZone = catalog.spotPrices?.get(type);
  if (byZone === undefined) return null;
  const prices = zones.length === 0 ? [...byZone.values()] : zones.map((z) => byZone.get(z)).filter((p): p is number => p !== undefined);
  if (prices.length === 0) return null;
  return prices.reduce((s, p) => s + p, 0) / prices.length;
}

/** The Spot figure per VNG; null when the catalog has no Spot prices (the bundled one), so plans made with it stay as they were. */
export function spotCostOf(input: SpotCostInput): SpotCost | null {
  const { catalog } = input;
  const info = catalog.info;
  if (catalog.spotPrices === undefined || catalog.spotPrices.size === 0 || info === undefined || info.spot === null) return null;
  const clusterZones = [...new Set(input.cluster.nodes.map((n) => n.zone).filter((z): z is string => z !== null))].sort();
  const byName = new Map(input.vngs.map((v) => [v.name, v]));
  const rows = new Map<string, { newNodes: number; onDemand: number; spot: number; unpriced: Set<string> }>();
  for (const n of input.fresh) {
    const vng = byName.get(n.vng);
    const zones = vng !== undefined && vng.zones.length > 0 ? vng.zones : clusterZones;
    const onDemand = catalog.byName.get(n.instanceType)?.priceUsdPerHour ?? 0;
    const spot = meanSpotPrice(catalog, n.instanceType, zones);
    const row = rows.get(n.vng) ?? { newNodes: 0, onDemand: 0, spot: 0, unpriced: new Set<string>() };
    row.newNodes += 1;
    row.onDemand += onDemand;
    row.spot += spot ?? onDemand;
    if (spot === null) row.unpriced.add(n.instanceType);
    rows.set(n.vng, row);
  }
  const perVng = [...rows.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([vng, r]): VngSpotCost => {
      const share = byName.get(vng)?.spotPercentage;
      const row = { vng, newNodes: r.newNodes, onDemandUsdPerHour: round(r.onDemand), spotUsdPerHour: round(r.spot), spotUnpriced: [...r.unpriced].sort() };
      return share === undefined ? row : { ...row, spotPercentage: share, expectedUsdPerHour: round((share / 100) * r.spot + (1 - share / 100) * r.onDemand) };
    });
  return {
    defaultFigure: 'on-demand',
    basis: SPOT_BASIS,
    onDemand: info.onDemand,
    spot: info.spot,
    perVng,
    newNodesOnDemandUsdPerHour: round([...rows.values()].reduce((s, r) => s + r.onDemand, 0)),
    newNodesSpotUsdPerHour: round([...rows.values()].reduce((s, r) => s + r.spot, 0)),
  };
}
