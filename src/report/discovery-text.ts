/** Ocean's discovery beside the planner's placement (discovery-compare.ts), as a section of the plan's text and Markdown. */
import type { OceanDiscoveryComparison } from './discovery-compare.js';
import { describeSuggestion } from './discovery-compare.js';
import { listSome, table } from './format.js';

const TITLE = "Ocean's discovery: the VNG Ocean suggests per old node (by its labels and taints) beside where the planner places its pods";

const placed = (planner: readonly string[], unplaced: number): string =>
  [planner.length > 0 ? planner.join(', ') : null, unplaced > 0 ? `${unplaced} pod(s) on no VNG` : null].filter((x) => x !== null).join('; ') || '-';

const summary = (c: OceanDiscoveryComparison): string =>
  `${c.differing} of ${c.nodes.length} old node(s) differ${c.notInPlan.length > 0 ? `; Ocean also lists ${c.notInPlan.length} node(s) not migrated by this plan: ${listSome(c.notInPlan, 6)}` : ''}`;

export function discoveryTextLines(c: OceanDiscoveryComparison): string[] {
  const rows = [['NODE', 'OCEAN SUGGESTS', 'PLANNER PLACES ON', 'PODS', ''], ...c.nodes.map((r) => [r.node, describeSuggestion(r.ocean), placed(r.planner, r.unplacedPods), String(r.movingPods), r.differs ? 'DIFFERS' : ''])];
  const out = ['', TITLE, `  Ocean cluster ${c.clusterId}: ${summary(c)}`, ...table(rows)];
  for (const r of c.nodes) if (r.differs && r.why !== null) out.push(`  ${r.node}: ${r.why}`);
  return out;
}

const esc = (s: string): string => s.replace(/\|/g, '\\|');

export function discoveryMarkdownLines(c: OceanDiscoveryComparison): string[] {
  const out = ['', "## Ocean's discovery", '', `The VNG Ocean suggests per old node (by its labels and taints), beside where the planner places its pods. Ocean cluster \`${c.clusterId}\`: ${esc(summary(c))}.`, ''];
  out.push('| node | Ocean suggests | planner places on | pods | differs |', '|---|---|---|---:|---|');
  for (const r of c.nodes) out.push(`| ${esc(r.node)} | ${esc(describeSuggestion(r.ocean))} | ${esc(placed(r.planner, r.unplacedPods))} | ${r.movingPods} | ${r.differs ? `**yes**: ${esc(r.why ?? '')}` : ''} |`);
  return out;
}
