/** The migration as Ocean's console lists it: its counts, then the old and the new instances with state and running pods. */
import type { InstanceStatus, MigrationStatusView } from '../../engine/status.js';
import { esc, htmlTable, para, section } from './escape.js';

export type InstancesView = Pick<MigrationStatusView, 'counts' | 'oldInstances' | 'newInstances' | 'unscheduledPods'>;

/** A row per instance; `extra` adds columns a rehearsal knows (VNG, instance type, zone). */
function instanceTable(list: readonly (InstanceStatus & { readonly extra?: readonly string[] })[], extraHeader: readonly string[], cls: string): string {
  if (list.length === 0) return para('None.');
  const head = ['node', 'instance', ...extraHeader, 'state', 'running pods'];
  const rows = list.map(
    (i) =>
      `<tr data-node="${esc(i.nodeName)}" data-state="${esc(i.state)}" data-running-pods="${i.runningPods}"><td>${esc(i.nodeName)}</td><td>${esc(i.instanceId ?? '-')}</td>${(i.extra ?? []).map((c) => `<td>${esc(c)}</td>`).join('')}<td>${esc(i.state)}</td><td class="n">${i.runningPods}</td></tr>`,
  );
  return `<table class="${esc(cls)}">\n<thead><tr>${head.map((h, i) => `<th scope="col"${i === head.length - 1 ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

export function instancesSection(
  v: InstancesView,
  newDetail?: ReadonlyMap<string, { readonly vng: string; readonly instanceType: string; readonly zone: string }>,
): string {
  const c = v.counts;
  const withDetail = v.newInstances.map((i) => {
    const d = newDetail?.get(i.nodeName);
    return newDetail === undefined ? i : { ...i, extra: [d?.vng ?? '-', d?.instanceType ?? '-', d?.zone ?? '-'] };
  });
  const body = [
    htmlTable(
      ['new instances', 'pods launched', 'pods remaining', 'unscheduled pods'],
      [[c.newInstances, c.podsLaunched, c.podsRemaining, c.unscheduledPods]],
      [0, 1, 2, 3],
      'counts',
    ),
    `<h3>Old instances (${v.oldInstances.length})</h3>`,
    instanceTable(v.oldInstances, [], 'old-instances'),
    `<h3>New instances (${v.newInstances.length})</h3>`,
    instanceTable(withDetail, newDetail === undefined ? [] : ['VNG', 'instance type', 'zone'], 'new-instances'),
  ];
  if (v.unscheduledPods.length > 0) body.push(`<h3>Unscheduled pods (${v.unscheduledPods.length})</h3>`, para(v.unscheduledPods.join(', ')));
  return section('instances', "Instances, as Ocean's console lists them", body.join('\n'));
}
