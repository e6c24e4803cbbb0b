/** The plan as Markdown, for a pull request or a change ticket. */
import { plural } from './plural.js';
import type { Plan } from '../planner/plan.js';
import { duration, listSome, usd } from './format.js';
import { maxPodsLine } from './node-notes.js';
import { PENDING_ELSEWHERE_TITLE, pendingElsewhereGroups } from './pending-elsewhere.js';
import { costLines, unschedulableGroups, verdict } from './plan-groups.js';
import { spotTable } from './price-notes.js';
import { oldFleet, priceSource, type PriceOf } from './fleet.js';
import { cordonLine } from './cordon-line.js';
import { batchesLine, batchNotes } from './batch-notes.js';

/** Table cells: a pipe would end the cell, and markup in a name (user data) must show as text. */
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');

export function renderPlanMarkdown(plan: Plan, opts: { readonly priceOf?: PriceOf } = {}): string {
  const s = plan.summary;
  const out: string[] = [`# Migration plan: ${verdict(plan)}`, ''];
  out.push(
    `${plural(s.oldNodes, 'old node')} to migrate, ${s.stayingNodes} staying; ${plural(s.movingPods, 'pod')} move, ${s.placedPods} placed, ${s.unschedulablePods} unschedulable; ${plural(s.standAlonePods, 'stand-alone pod')}; ${plural(s.keptPods, 'pod')} kept on old nodes.`,
  );
  if (plan.predictedFailure) {
    const f = plan.predictedFailure;
    out.push('', `## Predicted failure: \`${f.code}\``, '', `> ${f.message}`, '', `- **Why:** ${esc(f.why)}`, `- **Do:** ${esc(f.remedy)}`);
    if (f.objects.length > 0) out.push(`- **Objects:** ${esc(listSome(f.objects, 10))}`);
  }
  const groups = unschedulableGroups(plan);
  if (groups.length > 0) {
    out.push('', '## Pods that fit no VNG', '', '| pods | reason | examples |', '|---:|---|---|');
    for (const g of groups) out.push(`| ${g.pods.length} | ${esc(g.summary)} | ${esc(listSome(g.pods, 4))} |`);
  }
  const elsewhere = pendingElsewhereGroups(plan);
  if (elsewhere.length > 0) {
    out.push('', `## ${PENDING_ELSEWHERE_TITLE}`, '', '| pods | where they would fit | examples |', '|---:|---|---|');
    for (const g of elsewhere) out.push(`| ${g.pods.length} | ${esc(g.what)} | ${esc(listSome(g.pods, 4))} |`);
  }
  const stay = plan.cost.stayingOldNodes;
  if (stay.length > 0) {
    out.push('', '## Old nodes that stay', '', 'Cordoned, not terminated, and counted in the cost after.', '', '| node | why it stays |', '|---|---|');
    for (const n of stay) out.push(`| ${esc(n.name)} | ${esc(n.reasons.map((r) => r.replace(/^Pod /, '')).join('; '))} |`);
  }
  out.push('', '## Fleet before and after', '', '### Before: the selected old nodes', '', '| instance type | nodes | $/h each | $/h |', '|---|---:|---:|---:|');
  const before = oldFleet(plan, opts.priceOf);
  for (const r of before) out.push(`| ${esc(r.type)} | ${r.count} | ${r.each === null ? '-' : usd(r.each)} | ${r.each === null ? '-' : usd(r.each * r.count)} |`);
  out.push(`| all selected old nodes | ${plan.oldNodes.length} | | ${opts.priceOf === undefined ? '-' : usd(before.reduce((s, r) => s + (r.each ?? 0) * r.count, 0))} |`);
  out.push('', '### After: new nodes per VNG and instance type', '', 'The expected fleet: what the run launches, batch by batch.', '', '| VNG | instance type | count | $/h each | $/h |', '|---|---|---:|---:|---:|');
  for (const n of plan.nodes) out.push(`| ${esc(n.vng)} | ${esc(n.instanceType)} | ${n.count} | ${usd(n.priceUsdPerHour)} | ${usd(n.priceUsdPerHour * n.count)} |`);
  out.push(`| all new nodes | | ${plan.summary.newNodes} | | ${usd(plan.nodes.reduce((s, n) => s + n.priceUsdPerHour * n.count, 0))} |`);
  out.push('', '### Cost per hour', '', '| | whole cluster $/h |', '|---|---:|');
  out.push(`| before | ${usd(plan.cost.before)} |`, `| after | ${plan.cost.basis === 'partial' ? '- (partial: some pods fit no VNG)' : usd(plan.cost.after)} |`, `| new nodes alone | ${usd(plan.cost.newNodesUsdPerHour)} |`);
  out.push('', ...costLines(plan).map((l) => esc(l)));
  const spot = spotTable(plan);
  if (spot !== null) {
    out.push('', esc(spot.title), '', `| ${spot.header.join(' | ')} |`, `|---|${spot.header.slice(1).map(() => '---:').join('|')}|`);
    for (const r of spot.rows) out.push(`| ${r.map(esc).join(' | ')} |`);
    for (const n of spot.notes) out.push('', esc(n));
  }
  out.push('', esc(priceSource(plan)));
  const maxPods = maxPodsLine(plan);
  if (maxPods !== null) out.push('', `${maxPods}.`);
  out.push(
    '',
    `## Batches`,
    '',
    `${esc(batchesLine(plan))}.`,
    '',
    '| # | nodes | to | pods | new nodes | estimate | notes |',
    '|---:|---|---|---:|---:|---:|---|',
  );
  plan.batches.forEach((b, i) => {
    const notes = batchNotes(plan, b);
    out.push(`| ${i + 1} | ${esc(listSome(b.nodes, 3))} | ${esc(b.destinations.join(', '))} | ${b.pods} | ${b.newNodes} | ${duration(b.estimatedSeconds)} | ${esc(notes.join('; '))} |`);
  });
  out.push('', cordonLine(plan));
  out.push('', '## Risks', '');
  if (plan.risks.length === 0) out.push('None found.');
  else out.push('| risk | what | objects |', '|---|---|---|');
  for (const r of plan.risks) out.push(`| **${r.code}** | ${esc(r.message)} | ${esc(listSome(r.objects, 6))} |`);
  return out.join('\n') + '\n';
}
