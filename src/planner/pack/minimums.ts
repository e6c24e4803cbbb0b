/**
 * Packing phase 7, VNG minimums: Ocean keeps minInstanceCount nodes of a VNG up whatever the pods need, so the plan opens
 * the missing ones, of the VNG's cheapest type, round-robin over its zones.
 */
import type { Vng } from '../../model/types.js';
import { materialize } from './place.js';
import type { PackState } from './state.js';
import type { Template } from './templates.js';

export function openVngMinimums(state: PackState, vngs: readonly Vng[], templates: readonly Template[]): void {
  // VNG minimums: Ocean keeps minInstanceCount nodes up; the cheapest type pays for the ones the pods did not need.
  for (const vng of vngs) {
    let have = state.ctx.usage.get(vng.name)?.count ?? 0;
    if (have >= vng.minInstanceCount) continue;
    const cheapest = templates
      .filter((t) => t.vngName === vng.name && Number.isFinite(t.price))
      .sort((a, b) => a.price - b.price || (a.type.name < b.type.name ? -1 : 1) || 0);
    let z = 0;
    while (have < vng.minInstanceCount && cheapest.length > 0) {
      const zones = [...new Set(cheapest.map((t) => t.node.zone))];
      const zone = zones[z++ % zones.length];
      const t = cheapest.find((c) => c.node.zone === zone) ?? (cheapest[0] as Template);
      materialize(state, t);
      have += 1;
    }
  }
}
