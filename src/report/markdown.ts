/** The plan as Markdown, for a pull request or a change ticket. */
import type { Plan } from '../planner/plan.js';
import { duration, listSome, usd } from './format.js';
import { maxPodsLine } from './node-notes.js';
import { PENDING_ELSEWHERE_TITLE, pendingElsewhereGroups } from './pending-elsewhere.js';
import { costLines, unschedulableGroups, verdict } from './plan-groups.js';
import { catalogLine, spotTable } from './price-notes.js';
import { cordonLine, repeatMovesNote } from './cordon-line.js';

const esc = (s: string): string => s.replace(/\|/g, '\\|');

export function renderPlanMarkdown(plan: Plan): string {
  const s = plan.summary;
  const out: string[] = [`# Migration plan: ${verdict(plan)}`, ''];
  out.push(
    `${s.oldNodes} old node(s) to migrate, ${s.stayingNodes} staying; ${s.movingPods} pod(s) move, ${s.placedPods} placed, ${s.unschedulablePods} unschedulable; ${s.standAlonePods} stand-alone pod(s); ${s.keptPods} pod(s) kept on old nodes.`,
  );
  if (plan.predictedFailure) {
    const f = plan.predictedFailure;
    out.push('', `## Predicted failure: \`${f.code}\``, '', `> ${f.message}`, '', `- **Why:** ${f.why}`, `- **Do:** ${f.remedy}`);
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
  out.push('', '## New nodes', '', 'The expected fleet: what the run launches, batch by batch.', '', '| VNG | instance type | count | $/h each | $/h |', '|---|---|---:|---:|---:|');
  for (const n of plan.nodes) out.push(`| ${n.vng} | ${n.instanceType} | ${n.count} | ${usd(n.priceUsdPerHour)} | ${usd(n.priceUsdPerHour * n.count)} |`);
  out.push('', ...costLines(plan).map((l) => esc(l)));
  const spot = spotTable(plan);
  if (spot !== null) {
    out.push('', esc(spot.title), '', `| ${spot.header.join(' | ')} |`, '|---|---:|---:|---:|');
    for (const r of spot.rows) out.push(`| ${r.map(esc).join(' | ')} |`);
    for (const n of spot.notes) out.push('', esc(n));
  }
  const catalog = catalogLine(plan);
  if (catalog !== null) out.push('', esc(catalog));
  const maxPods = maxPodsLine(plan);
  if (maxPods !== null) out.push('', `${maxPods}.`);
  out.push(
    '',
    `## Batches`,
    '',
    `batchSizePercentage ${plan.batchSizePercentage}${plan.batchSizeChosen === 'auto' ? ' (auto)' : ''}${plan.batchSizeNote !== null ? ` (${plan.batchSizeNote})` : ''}; estimated ${duration(plan.estimatedSeconds)}${rangeOf(plan.estimatedRange ?? null)}, bound ${duration(plan.boundSeconds)}.`,
    '',
    '| # | nodes | to | pods | new nodes | estimate | notes |',
    '|---:|---|---|---:|---:|---:|---|',
  );
  plan.batches.forEach((b, i) => {
    const notes = b.serialisedBy.map((x) => `PDB ${x.pdb}: ${x.evictions} evictions, ${x.allowed} at a time`);
    if (b.overBudget) notes.push('over budget');
    notes.push(...repeatMovesNote(b));
    out.push(`| ${i + 1} | ${esc(listSome(b.nodes, 3))} | ${b.destinations.join(', ')} | ${b.pods} | ${b.newNodes} | ${duration(b.estimatedSeconds)} | ${esc(notes.join('; '))} |`);
  });
  out.push('', cordonLine(plan));
  out.push('', '## Risks', '');
  if (plan.risks.length === 0) out.push('None found.');
  for (const r of plan.risks) out.push(`- **${r.code}**: ${esc(r.message)} (${esc(listSome(r.objects, 6))})`);
  return out.join('\n') + '\n';
}

/** The plan's time as a range (a plan file from before ranges has none). */
function rangeOf(r: { readonly lowSeconds: number; readonly highSeconds: number } | null): string {
  return r === null ? '' : ` (range ${duration(r.lowSeconds)} to ${duration(r.highSeconds)})`;
}
