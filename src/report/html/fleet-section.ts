/**
 * The fleet before and after: the selected old nodes by instance type, the new nodes by VNG and instance type (the expected
 * fleet), with their cost per hour and where the prices come from.
 */
import type { Plan } from '../../planner/plan.js';
import { usd } from '../format.js';
import { maxPodsLine } from '../node-notes.js';
import { costLines } from '../plan-groups.js';

export type { PriceOf } from '../fleet.js';
import { spotTable } from '../price-notes.js';
import { oldFleet, priceSource, type PriceOf } from '../fleet.js';
import { esc, htmlTable, para, section } from './escape.js';

export function fleetSection(plan: Plan, priceOf?: PriceOf): string {
  const out: string[] = [];
  const before = oldFleet(plan, priceOf);
  out.push('<h3>Before: the selected old nodes</h3>');
  out.push(
    htmlTable(
      ['instance type', 'nodes', '$/h each', '$/h'],
      [
        ...before.map((r) => [r.type, r.count, r.each === null ? '-' : usd(r.each), r.each === null ? '-' : usd(r.each * r.count)]),
        ['all selected old nodes', plan.oldNodes.length, '', priceOf === undefined ? '-' : usd(before.reduce((s, r) => s + (r.each ?? 0) * r.count, 0))],
      ],
      [1, 2, 3],
      'fleet-before',
    ),
  );
  out.push('<h3>After: new nodes per VNG and instance type (expected fleet)</h3>');
  if (plan.nodes.length === 0) out.push(para('No new node.'));
  else {
    const head = ['VNG', 'instance type', 'nodes', '$/h each', '$/h', 'max pods'];
    const rows = plan.nodes.map(
      (n) =>
        `<tr data-vng="${esc(n.vng)}" data-type="${esc(n.instanceType)}" data-count="${n.count}"><td>${esc(n.vng)}</td><td>${esc(n.instanceType)}</td><td class="n">${n.count}</td><td class="n">${esc(usd(n.priceUsdPerHour))}</td><td class="n">${esc(usd(n.priceUsdPerHour * n.count))}</td><td class="n">${n.maxPods}</td></tr>`,
    );
    const total = plan.nodes.reduce((s, n) => s + n.priceUsdPerHour * n.count, 0);
    rows.push(`<tr><td>all new nodes</td><td></td><td class="n">${plan.summary.newNodes}</td><td></td><td class="n">${esc(usd(total))}</td><td></td></tr>`);
    out.push(
      `<table class="fleet-after">\n<thead><tr>${head.map((h, i) => `<th scope="col"${i >= 2 ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
    );
  }
  out.push('<h3>Cost per hour</h3>');
  const c = plan.cost;
  out.push(
    htmlTable(
      ['', 'whole cluster $/h'],
      [
        ['before', usd(c.before)],
        [c.basis === 'partial' ? 'after (partial: some pods fit no VNG)' : 'after', c.basis === 'partial' ? '-' : usd(c.after)],
        ['new nodes alone', usd(c.newNodesUsdPerHour)],
        ['packing lower bound (new nodes)', `${plan.packingLowerBound.newNodeCount} node(s), ${usd(plan.packingLowerBound.usdPerHour)}`],
      ],
      [1],
      'cost',
    ),
  );
  for (const l of costLines(plan)) out.push(para(l));
  out.push(para(priceSource(plan), 'note price-source'));
  if (c.unpriced.length > 0) out.push(para(`Instance types without a price (counted as $0): ${c.unpriced.join(', ')}.`, 'note'));
  const spot = spotTable(plan);
  if (spot !== null) {
    out.push(para(spot.title), htmlTable(spot.header, spot.rows, [1, 2, 3, 4, 5]), ...spot.notes.map((n) => para(n, 'note')));
  }
  const maxPods = maxPodsLine(plan);
  if (maxPods !== null) out.push(para(`${maxPods}.`, 'note'));
  return section('fleet', 'Fleet before and after, and its cost', out.join('\n'));
}
