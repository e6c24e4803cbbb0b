/** Pods that fit no VNG, grouped by kube-scheduler's reasons; and the Pending pods elsewhere a partial migration does not move. */
import type { Plan } from '../../planner/plan.js';
import { PENDING_ELSEWHERE_TITLE, pendingElsewhereGroups } from '../pending-elsewhere.js';
import { unschedulableGroups } from '../plan-groups.js';
import { esc, htmlTable, para, section } from './escape.js';

/** All pods of a group are listed, folded after the first few, so a big group stays readable. */
function podList(pods: readonly string[]): string {
  if (pods.length <= 6) return esc(pods.join(', '));
  return `<details><summary>${esc(pods.slice(0, 4).join(', '))} and ${pods.length - 4} more</summary>${esc(pods.join(', '))}</details>`;
}

function groupTable(header: readonly string[], groups: readonly { what: string; pods: readonly string[] }[]): string {
  const head = `<tr>${header.map((h, i) => `<th scope="col"${i === 0 ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr>`;
  const rows = groups.map((g) => `<tr data-pods="${g.pods.length}"><td class="n">${g.pods.length}</td><td>${esc(g.what)}</td><td>${podList(g.pods)}</td></tr>`);
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

export function misfitsSection(plan: Plan): string {
  const groups = unschedulableGroups(plan);
  const body =
    groups.length === 0
      ? para('Every moving pod fits a VNG or a node that stays.')
      : groupTable(['pods', 'reason (kube-scheduler)', 'which pods'], groups.map((g) => ({ what: g.summary, pods: g.pods })));
  const out = [section('misfits', `Pods that fit no VNG (${plan.summary.unschedulablePods})`, body)];
  const elsewhere = pendingElsewhereGroups(plan);
  if (elsewhere.length > 0) out.push(section('pending-elsewhere', PENDING_ELSEWHERE_TITLE, groupTable(['pods', 'where they would fit', 'which pods'], elsewhere)));
  const stay = plan.cost.stayingOldNodes;
  if (stay.length > 0) {
    out.push(
      section(
        'staying-nodes',
        `Old nodes that stay (${stay.length})`,
        para('Cordoned, not terminated, and counted in the cost after.') + htmlTable(['node', 'why it stays'], stay.map((n) => [n.name, n.reasons.map((r) => r.replace(/^Pod /, '')).join('; ')])),
      ),
    );
  }
  return out.join('\n');
}
