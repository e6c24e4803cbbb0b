/** The fleet before the migration (the selected old nodes per instance type) and where the plan's prices come from. */
import type { Plan } from '../planner/plan.js';
import { priceBasis } from './node-notes.js';
import { catalogLine } from './price-notes.js';

/** The on-demand price of an instance type (the catalog the plan was made with); null when unknown. */
export type PriceOf = (instanceType: string) => number | null;

export interface TypeRow {
  readonly type: string;
  readonly count: number;
  readonly each: number | null;
}

/** The selected old nodes per instance type, most first, then by name. */
export function oldFleet(plan: Pick<Plan, 'oldNodes'>, priceOf: PriceOf | undefined): TypeRow[] {
  const counts = new Map<string, number>();
  for (const n of plan.oldNodes) counts.set(n.instanceType ?? '(no instance-type label)', (counts.get(n.instanceType ?? '(no instance-type label)') ?? 0) + 1);
  return [...counts]
    .map(([type, count]) => ({ type, count, each: priceOf === undefined ? null : priceOf(type) }))
    .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** Where the prices come from, in one sentence. */
export function priceSource(plan: Pick<Plan, 'catalog' | 'cost'>): string {
  const catalog = catalogLine(plan);
  if (catalog !== null) return catalog;
  const region = plan.cost.priceRegion ?? 'us-east-1';
  return `Prices: ${region} on-demand list prices from the bundled catalog (data/ec2-instance-types.json); ${priceBasis(plan.cost)}.`;
}

