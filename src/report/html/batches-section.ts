/** The batch plan: the Gantt-like chart, then the same figures as a table (readable without the chart). */
import type { Plan } from '../../planner/plan.js';
import { batchNotes, batchesLine } from '../batch-notes.js';
import { cordonLine } from '../cordon-line.js';
import { duration, listSome } from '../format.js';
import { batchChart } from './batch-chart.js';
import { htmlTable, para, section } from './escape.js';

export function batchesSection(plan: Plan): string {
  const rows = plan.batches.map((b, i) => [
    i + 1,
    listSome(b.nodes, 3),
    b.destinations.join(', ') || '-',
    b.pods,
    b.newNodes,
    duration(b.estimatedSeconds),
    batchNotes(plan, b).join('; '),
  ]);
  return section(
    'batches',
    `Batch plan (${plan.batches.length} batch${plan.batches.length === 1 ? '' : 'es'})`,
    [
      para(batchesLine(plan)),
      '<figure>',
      batchChart(plan),
      `<figcaption>Each bar is a batch at its estimated start and length (batches run one after another); white lines cut it into PDB rounds; the red tick is the batch time budget (${duration(plan.params.batchTimeBudgetSeconds)}) from the batch's start. Orange: over budget. Hatched: blocked by a PDB that allows no eviction.</figcaption>`,
      '</figure>',
      htmlTable(['#', 'nodes', 'to VNGs', 'pods', 'new nodes', 'estimate', 'notes'], rows, [0, 3, 4, 5], 'batches'),
      para(cordonLine(plan), 'note'),
    ].join('\n'),
  );
}
