/** The Pending pods a partial migration does not move, as context lines every renderer shows the same way. */
import type { Plan } from '../planner/plan.js';
import { groupPods } from './plan-groups.js';

/** One line per group: "VNG general", "a node that stays", "nowhere: <summary>" (the renderers say "N pods would fit" in front). */
export function pendingElsewhereGroups(plan: Plan): { readonly what: string; readonly pods: readonly string[] }[] {
  return groupPods(plan.pendingElsewhere, (p) =>
    p.placement === null ? `nowhere: ${p.summary ?? 'no reason recorded'}` : p.placement.vng !== null ? `VNG ${p.placement.vng}` : 'a node that stays',
  ).map((g) => ({ what: g.key, pods: g.pods }));
}

export const PENDING_ELSEWHERE_TITLE = 'Pending pods elsewhere (context: not moved by this migration, not in the verdict)';
