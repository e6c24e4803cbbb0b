/**
 * A migration's status as Ocean's console shows it (status, batch, new instances, pods launched, pods remaining, unscheduled
 * pods, then old and new instances), for `vngshift status` and the end of `vngshift run`.
 */
import { plural } from './plural.js';
import type { MigrationStatusView, OceanStatusPart } from '../engine/status.js';
import { duration, listSome, table } from './format.js';

/** Engine times are seconds on its clock: wall-clock epoch seconds live, virtual seconds in a rehearsal. */
function when(t: number | null): string {
  if (t === null) return '-';
  if (t > 1e9) return new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return `t+${duration(Math.max(0, t))}`;
}

export function renderMigrationStatusText(v: MigrationStatusView & { readonly ocean?: OceanStatusPart }): string {
  const out: string[] = [];
  const batch = v.currentBatch === null ? (v.batches === 0 ? 'no batches' : `all ${v.batches} batches done`) : `batch ${v.currentBatch} of ${v.batches}`;
  out.push(`Migration ${v.id}: ${v.status} (${batch})`);
  out.push(
    ...table([
      ['new instances', String(v.counts.newInstances)],
      ['pods launched', String(v.counts.podsLaunched)],
      ['pods remaining', String(v.counts.podsRemaining)],
      ['unscheduled pods', String(v.counts.unscheduledPods)],
      ['created', when(v.createdAt)],
      ...(v.completedAt !== null ? [['completed', when(v.completedAt)]] : []),
      ...(v.stoppedAt !== null ? [['stopped', when(v.stoppedAt)]] : []),
      ...(v.erroredAt !== null ? [['failed', when(v.erroredAt)]] : []),
    ]),
  );
  if (v.ocean !== undefined) {
    out.push('', `Executed by Ocean (cluster ${v.ocean.clusterId}): ${plural(v.ocean.migrations.length, 'migration')} submitted`);
    if (v.ocean.migrations.length > 0) out.push(...table([['BATCH', 'OCEAN MIGRATION', 'STATUS'], ...v.ocean.migrations.map((m) => [String(m.batch), m.migrationId, m.status ?? '-'])]));
  }
  if (v.failure) out.push('', `Failure: ${v.failure.code}`, `  ${v.failure.message}`);
  const instances = (title: string, list: MigrationStatusView['oldInstances']): void => {
    out.push('', `${title} (${list.length})`);
    if (list.length === 0) return;
    out.push(...table([['NODE', 'INSTANCE', 'STATE', 'RUNNING PODS'], ...list.map((i) => [i.nodeName, i.instanceId ?? '-', i.state, String(i.runningPods)])]));
  };
  instances('Old instances', v.oldInstances);
  instances('New instances', v.newInstances);
  if (v.unscheduledPods.length > 0) out.push('', `Unscheduled pods: ${listSome(v.unscheduledPods, 10)}`);
  return out.join('\n') + '\n';
}
