/** Ocean's discovery beside the planner's placement (discovery-compare.ts) as a section of the plan's HTML page. */
import { describeSuggestion, type OceanDiscoveryComparison } from '../discovery-compare.js';
import { DISCOVERY_TITLE, discoverySummary, placedText } from '../discovery-text.js';
import { htmlTable, para, section } from './escape.js';

export function discoverySection(c: OceanDiscoveryComparison): string {
  const rows = c.nodes.map((r) => [r.node, describeSuggestion(r.ocean), placedText(r.planner, r.unplacedPods), r.movingPods, r.differs ? `differs: ${r.why ?? ''}` : '']);
  const body = [para(DISCOVERY_TITLE), para(`Ocean cluster ${c.clusterId}: ${discoverySummary(c)}.`), htmlTable(['node', 'Ocean suggests', 'planner places on', 'pods', 'differs'], rows, [3], 'discovery')];
  return section('ocean-discovery', "Ocean's discovery", body.join('\n'));
}
