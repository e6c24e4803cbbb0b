/**
 * Which instance types EC2 offers in which zone, as the catalog says (a catalog file from `vngshift catalog refresh` lists
 * the zones of every type; the bundled catalog lists none). A type not offered in a zone is never launched there: the VNG
 * node types (VNG x instance type x zone) of such pairs are set apart before packing, and only serve to explain a pod that
 * would have fitted one of them. Pure.
 *
 * A zone the catalog knows nothing about (no type is offered there: a zone of another region, or a catalog without
 * offerings) filters nothing, and neither does a node type without a zone: the catalog cannot say, so the planner does not
 * guess.
 */
import type { Catalog } from '../catalog/catalog.js';

/** The reason phrase of a pod that fits no VNG only because its instance types are not offered in the VNGs' zones. */
export const NOT_OFFERED_REASON = 'node type(s) would fit but EC2 does not offer the instance type in the zone';

const zonesOf = new WeakMap<ReadonlyMap<string, ReadonlySet<string>>, ReadonlySet<string>>();

/** Every zone some type is offered in (empty without offerings data). */
export function offeringZones(catalog: Catalog): ReadonlySet<string> {
  const offerings = catalog.offerings;
  if (offerings === undefined) return new Set();
  let zones = zonesOf.get(offerings);
  if (zones === undefined) {
    const all = new Set<string>();
    for (const list of offerings.values()) for (const z of list) all.add(z);
    zonesOf.set(offerings, (zones = all));
  }
  return zones;
}

/** Whether the catalog lets `type` be launched in `zone` (see the module's doc for what counts as unknown). */
export function offeredIn(catalog: Catalog, type: string, zone: string | null): boolean {
  if (catalog.offerings === undefined || zone === null) return true;
  if (!offeringZones(catalog).has(zone)) return true;
  return catalog.offerings.get(type)?.has(zone) === true;
}

/**
 * Splits node types into those the catalog offers and those it does not, each list in the given order. Without offerings
 * data every node type is offered (the same array comes back).
 */
export function splitByOffering<T extends { readonly node: { readonly instanceType: string | null; readonly zone: string | null } }>(
  templates: readonly T[],
  catalog: Catalog,
): { offered: readonly T[]; unoffered: readonly T[] } {
  if (catalog.offerings === undefined) return { offered: templates, unoffered: [] };
  const offered: T[] = [];
  const unoffered: T[] = [];
  for (const t of templates) {
    if (t.node.instanceType === null || offeredIn(catalog, t.node.instanceType, t.node.zone)) offered.push(t);
    else unoffered.push(t);
  }
  return { offered, unoffered };
}
