/** The Pending pods a partial migration does not move, as context lines every renderer shows the same way. */
import type { Plan } from '../planner/plan.js';

/** One line per group: "N pod(s) fit VNG general", "N pod(s) fit a node that stays", "N pod(s) fit nowhere: <summary>". */
export function pendingElsewhereGroups(plan: Plan): { readonly what: string; readonly pods: readonly string[] }[] {
  const groups = new Map<string, string[]>();
  for (const p of plan.pendingElsewhere) {
    const what =
      p.placement === null
        ? `fit nowhere: ${p.summary ?? 'no reason recorded'}`
        : p.placement.vng !== null
          ? `fit VNG ${p.placement.vng}`
          : 'fit a node that stays';
    const list = groups.get(what);
    const ref = `${p.namespace}/${p.name}`;
    if (list) list.push(ref);
    else groups.set(what, [ref]);
  }
  return [...groups.entries()]
    .map(([what, pods]) => ({ what, pods }))
    .sort((a, b) => b.pods.length - a.pods.length || (a.what < b.what ? -1 : 1));
}

export const PENDING_ELSEWHERE_TITLE = 'Pending pods elsewhere (context: not moved by this migration, not in the verdict)';
