/** The plan as Markdown, for a pull request or a change ticket. */
import type { Plan } from '../planner/plan.js';
import { duration, listSome, usd } from './format.js';
import { unschedulableGroups, verdict } from './plan-groups.js';
import { cordonLine, repeatMovesNote } from './cordon-line.js';

const esc = (s: string): string => s.replace(/\|/g, '\\|');

export function renderPlanMarkdown(plan: Plan): string {
  const s = plan.summary;
  const out: string[] = [`# Migration plan: ${verdict(plan)}`, ''];
  out.push(
    `${s.oldNodes} old node(s) to migrate, ${s.stayingNodes} staying; ${s.movingPods} pod(s) move, ${s.placedPods} placed, ${s.unschedulablePods} unschedulable; ${s.standAlonePods} stand-alone pod(s).`,
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
  out.push('', '## New nodes', '', '| VNG | instance type | count | $/h each | $/h |', '|---|---|---:|---:|---:|');
  for (const n of plan.nodes) out.push(`| ${n.vng} | ${n.instanceType} | ${n.count} | ${usd(n.priceUsdPerHour)} | ${usd(n.priceUsdPerHour * n.count)} |`);
  out.push('', `Cost: **${usd(plan.cost.before)}/h** before, **${usd(plan.cost.after)}/h** after (on-demand prices).`);
  out.push(
    '',
    `## Batches`,
    '',
    `batchSizePercentage ${plan.batchSizePercentage}${plan.batchSizeChosen === 'auto' ? ' (auto)' : ''}; estimated ${duration(plan.estimatedSeconds)}, bound ${duration(plan.boundSeconds)}.`,
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
