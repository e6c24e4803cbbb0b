/** The plan as a terminal report: verdict first, then unschedulable pods, new nodes and cost, batches, risks. */
import { plural } from './plural.js';
import type { Plan } from '../planner/plan.js';
import { duration, listSome, table, usd } from './format.js';
import { maxPodsLine } from './node-notes.js';
import { PENDING_ELSEWHERE_TITLE, pendingElsewhereGroups } from './pending-elsewhere.js';
import { costLines, unschedulableGroups, verdict } from './plan-groups.js';
import { catalogLine, spotTable } from './price-notes.js';
import { cordonLine } from './cordon-line.js';
import { batchesLine, batchNotes } from './batch-notes.js';

export function renderPlanText(plan: Plan): string {
  const out: string[] = [];
  const s = plan.summary;
  out.push(`vngshift plan: ${verdict(plan)}`);
  out.push(
    `  ${plural(s.oldNodes, 'old node')} to migrate, ${s.stayingNodes} staying; ${plural(s.movingPods, 'pod')} move (${s.placedPods} placed, ${s.podsToStayingNodes} onto staying nodes); ${s.standAlonePods} stand-alone; ${s.keptPods} kept on old nodes; ${s.vngNodeTypes} VNG node types considered`,
  );
  if (plan.predictedFailure) {
    const f = plan.predictedFailure;
    out.push('', `Predicted failure: ${f.code}`, `  Ocean: ${f.message}`, `  Why: ${f.why}`, `  Do: ${f.remedy}`);
    if (f.objects.length > 0) out.push(`  Objects: ${listSome(f.objects, 8)}`);
  }
  const groups = unschedulableGroups(plan);
  if (groups.length > 0) {
    out.push('', 'Pods that fit no VNG (grouped by reason)');
    for (const g of groups) {
      out.push(`  ${plural(g.pods.length, 'pod')}: ${g.summary}`);
      out.push(`    ${listSome(g.pods, 6)}`);
    }
  }
  const elsewhere = pendingElsewhereGroups(plan);
  if (elsewhere.length > 0) {
    out.push('', PENDING_ELSEWHERE_TITLE);
    for (const g of elsewhere) out.push(`  ${plural(g.pods.length, 'pod')} would fit ${g.what}`, `    ${listSome(g.pods, 6)}`);
  }
  const stay = plan.cost.stayingOldNodes;
  if (stay.length > 0) {
    out.push('', `Old nodes that stay (cordoned, not terminated; counted in the cost after): ${stay.length}, keeping ${plural(plan.keptPods.length, 'pod')} that do not move`);
    out.push(...table([['NODE', 'WHY IT STAYS'], ...stay.map((n) => [n.name, listSome(n.reasons.map((r) => r.replace(/^Pod /, '')), 3)])]));
  }
  out.push('', 'New nodes (expected fleet, launched batch by batch)');
  if (plan.nodes.length === 0) out.push('  none');
  else {
    const rows = [['VNG', 'INSTANCE TYPE', 'COUNT', '$/H EACH', '$/H']];
    for (const n of plan.nodes) rows.push([n.vng, n.instanceType, String(n.count), usd(n.priceUsdPerHour), usd(n.priceUsdPerHour * n.count)]);
    out.push(...table(rows));
  }
  out.push(...costLines(plan).map((l) => `  ${l}`));
  const spot = spotTable(plan);
  if (spot !== null) out.push(`  ${spot.title}`, ...table([spot.header, ...spot.rows], '    '), ...spot.notes.map((n) => `  ${n}`));
  const catalog = catalogLine(plan);
  if (catalog !== null) out.push(`  ${catalog}`);
  const maxPods = maxPodsLine(plan);
  if (maxPods !== null) out.push(`  ${maxPods}`);
  out.push(
    '',
    `Batches: ${batchesLine(plan)}`,
  );
  const rows = [['#', 'NODES', 'TO', 'PODS', 'NEW', 'EST.', 'NOTES']];
  plan.batches.forEach((b, i) => {
    const notes = batchNotes(plan, b);
    rows.push([String(i + 1), String(b.nodes.length), b.destinations.join(',') || '-', String(b.pods), String(b.newNodes), duration(b.estimatedSeconds), notes.join('; ')]);
  });
  out.push(...table(rows));
  out.push(`  ${cordonLine(plan)}`);
  out.push('', 'Risks');
  if (plan.risks.length === 0) out.push('  none found');
  for (const r of plan.risks) {
    out.push(`  [${r.code}] ${r.message}`);
    if (r.objects.length > 0) out.push(`    ${listSome(r.objects, 6)}`);
  }
  return out.join('\n') + '\n';
}
