/** Ocean's discovery beside the planner's placement (discovery-compare.ts), as a section of the plan's text and Markdown. */
import type { OceanDiscoveryComparison } from './discovery-compare.js';
import { describeSuggestion } from './discovery-compare.js';
import { listSome, table } from './format.js';
import { plural } from './plural.js';

const TITLE = "Ocean's discovery: the VNG Ocean suggests per old node (by its labels and taints) beside where the planner places its pods";

/** The VNGs the planner places a node's pods on, and how many of them fit none. */
export const placedText = (planner: readonly string[], unplaced: number): string =>
  [planner.length > 0 ? planner.join(', ') : null, unplaced > 0 ? `${plural(unplaced, 'pod')} on no VNG` : null].filter((x) => x !== null).join('; ') || '-';

/** One sentence: how many old nodes differ, and the nodes Ocean lists that the plan does not migrate. */
export const discoverySummary = (c: OceanDiscoveryComparison): string =>
  `${c.differing} of ${plural(c.nodes.length, 'old node')} differ${c.notInPlan.length > 0 ? `; Ocean also lists ${plural(c.notInPlan.length, 'node')} not migrated by this plan: ${listSome(c.notInPlan, 6)}` : ''}`;

export const DISCOVERY_TITLE = TITLE;

export function discoveryTextLines(c: OceanDiscoveryComparison): string[] {
  const rows = [['NODE', 'OCEAN SUGGESTS', 'PLANNER PLACES ON', 'PODS', ''], ...c.nodes.map((r) => [r.node, describeSuggestion(r.ocean), placedText(r.planner, r.unplacedPods), String(r.movingPods), r.differs ? 'DIFFERS' : ''])];
  const out = ['', TITLE, `  Ocean cluster ${c.clusterId}: ${discoverySummary(c)}`, ...table(rows)];
  for (const r of c.nodes) if (r.differs && r.why !== null) out.push(`  ${r.node}: ${r.why}`);
  return out;
}

const esc = (s: string): string => s.replace(/\|/g, '\\|');

export function discoveryMarkdownLines(c: OceanDiscoveryComparison): string[] {
  const out = ['', "## Ocean's discovery", '', `The VNG Ocean suggests per old node (by its labels and taints), beside where the planner places its pods. Ocean cluster \`${c.clusterId}\`: ${esc(discoverySummary(c))}.`, ''];
  out.push('| node | Ocean suggests | planner places on | pods | differs |', '|---|---|---|---:|---|');
  for (const r of c.nodes) out.push(`| ${esc(r.node)} | ${esc(describeSuggestion(r.ocean))} | ${esc(placedText(r.planner, r.unplacedPods))} | ${r.movingPods} | ${r.differs ? `**yes**: ${esc(r.why ?? '')}` : ''} |`);
  return out;
}
