/**
 * What a plan made with a refreshed catalog (--catalog) says about its prices: which catalog, where the on-demand and Spot
 * prices came from and as of when, and the Spot figure per VNG beside the on-demand one. Nothing for the bundled catalog.
 */
import type { PriceSource } from '../catalog/catalog.js';
import type { Plan } from '../planner/plan.js';
import { usd } from './format.js';

const sourceText = (p: PriceSource): string => `${p.source} (${p.region}, as of ${p.date})`;

/** One line naming the catalog and its price sources; null for the bundled catalog. */
export function catalogLine(plan: Pick<Plan, 'catalog'>): string | null {
  const c = plan.catalog;
  if (c === undefined) return null;
  return `Catalog: ${c.file} (EC2 ${c.region}, refreshed ${c.refreshedAt}); on-demand prices: ${sourceText(c.onDemand)}; Spot prices: ${c.spot === null ? 'none found' : sourceText(c.spot)}.`;
}

export interface SpotTable {
  /** What the figures are, and that the cost above stays on-demand. */
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes: readonly string[];
}

/** The Spot figure per VNG beside on-demand; null when the plan has none. */
export function spotTable(plan: Pick<Plan, 'cost'>): SpotTable | null {
  const s = plan.cost.spot;
  if (s === undefined) return null;
  const shares = s.perVng.some((r) => r.spotPercentage !== undefined);
  const atShare = (r: (typeof s.perVng)[number]): string[] =>
    shares ? [r.spotPercentage === undefined ? '-' : `${r.spotPercentage}%`, r.expectedUsdPerHour === undefined ? '-' : usd(r.expectedUsdPerHour)] : [];
  const rows = s.perVng.map((r) => [r.vng, String(r.newNodes), usd(r.onDemandUsdPerHour), usd(r.spotUsdPerHour), ...atShare(r)]);
  const allStated = shares && s.perVng.every((r) => r.expectedUsdPerHour !== undefined);
  const expectedTotal = s.perVng.reduce((n, r) => n + (r.expectedUsdPerHour ?? 0), 0);
  rows.push([
    'all new nodes',
    String(s.perVng.reduce((n, r) => n + r.newNodes, 0)),
    usd(s.newNodesOnDemandUsdPerHour),
    usd(s.newNodesSpotUsdPerHour),
    ...(shares ? ['', allStated ? usd(Math.round(expectedTotal * 10000) / 10000) : '-'] : []),
  ]);
  const unpriced = [...new Set(s.perVng.flatMap((r) => r.spotUnpriced))].sort();
  const why = shares
    ? "the cost above is on-demand, the case where Ocean falls back to on-demand; AT SHARE is each VNG's strategy.spotPercentage of its nodes at Spot"
    : 'the cost above is on-demand, as no VNG sets a Spot share';
  return {
    title: `On-demand and Spot per VNG (new nodes; ${why}). Spot: ${s.basis}, from ${sourceText(s.spot)}; on-demand from ${sourceText(s.onDemand)}.`,
    header: ['VNG', 'NEW NODES', 'ON-DEMAND $/H', 'SPOT $/H', ...(shares ? ['SPOT SHARE', 'AT SHARE $/H'] : [])],
    rows,
    notes: unpriced.length > 0 ? [`No Spot price in the VNG's zones for ${unpriced.join(', ')}: counted at the on-demand price.`] : [],
  };
}
