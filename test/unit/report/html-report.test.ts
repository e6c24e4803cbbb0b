/**
 * The HTML report (src/report/html): the sections are there in order, every text from the inputs is escaped, and the charts'
 * numbers are the plan's and the rehearsal's. Pages are parsed with regular expressions over the attributes the renderers
 * write; the browser test (test/unit/report/html-browser.test.ts) checks that a real browser draws them.
 */
import { describe, expect, it } from 'vitest';
import { initialState } from '../../../src/engine/state.js';
import { migrationStatus } from '../../../src/engine/status.js';
import type { Pod } from '../../../src/model/types.js';
import { batchBars } from '../../../src/report/html/batch-chart.js';
import { renderPlanHtml } from '../../../src/report/html/plan-html.js';
import { renderSimulationHtml } from '../../../src/report/html/simulation-html.js';
import { renderMigrationStatusHtml } from '../../../src/report/html/status-html.js';
import { timelineSeries } from '../../../src/report/html/timeline-series.js';
import { renderPlanMarkdown } from '../../../src/report/markdown.js';
import { renderPlanText } from '../../../src/report/text.js';
import { renderSimulationMarkdown } from '../../../src/report/simulation-markdown.js';
import { parseFault } from '../../../sim/faults.js';
import { simulate } from '../../../sim/simulate.js';
import { rehearse } from '../../../sim/rehearse.js';
import { loadScenario } from '../../../sim/scenario.js';
import { scenarioInputs } from '../../../sim/scenario-inputs.js';
import { catalog, cluster, deployment, generalVng, GI, oldNode, pdb, planFor } from '../sim/tiny-world.js';

const EVIL = 'x<img src=y onerror="alert(1)">&';

/** Three old nodes; a PDB named with markup that allows no eviction; optionally a pod too big for any VNG. */
function world(opts: { huge?: boolean; blocking?: boolean } = {}) {
  const nodes = [oldNode('old-1', 'i-0000000000000001a'), oldNode('old-2', 'i-0000000000000002a'), oldNode('old-3', 'i-0000000000000003a')];
  const web = deployment({ name: 'web', replicas: 6, nodes: ['old-1', 'old-2', 'old-3'] });
  const db = deployment({ name: 'db', replicas: 1, nodes: ['old-3'] });
  const parts = [web, db];
  if (opts.huge) parts.push(deployment({ name: 'huge', replicas: 1, nodes: ['old-2'], cpu: 64_000, memory: 8 * GI }));
  const c = cluster(nodes, parts, opts.blocking ? [{ ...pdb('db-pdb', 'db', 0), name: EVIL }] : []);
  // A pod whose name carries markup (names are user data in an input file).
  const evil: Pod = { ...(web.pods[0] as Pod), uid: 'pod-evil', name: `web-${EVIL}`, nodeName: 'old-1' };
  return { ...c, pods: [...c.pods, evil] };
}

const attrs = (html: string, cls: string): Record<string, string>[] =>
  [...html.matchAll(new RegExp(`<g class="${cls}"([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...(m[1] ?? '').matchAll(/data-([a-z-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? ''])));

describe('plan as HTML', () => {
  const c = world({ huge: true, blocking: true });
  const plan = planFor(c, [generalVng()], { batchSizePercentage: 34 });
  const html = renderPlanHtml(plan, { priceOf: (t) => catalog.byName.get(t)?.priceUsdPerHour ?? null });

  it('opens with the verdict and the predicted failure, then the sections in order', () => {
    expect(plan.verdict).toBe('NOT_FEASIBLE');
    const order = ['id="verdict"', 'id="failure"', 'id="misfits"', 'id="fleet"', 'id="batches"', 'id="risks"'].map((s) => html.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain(`data-failure="${plan.predictedFailure?.code ?? '?'}"`);
    expect(html).toContain(plan.predictedFailure?.message ?? '?');
  });

  it('groups the pods that fit no VNG by reason, with their count', () => {
    const rows = [...html.matchAll(/<tr data-pods="(\d+)"><td class="n">\d+<\/td><td>([^<]*)<\/td>/g)];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((s, m) => s + Number(m[1]), 0)).toBe(plan.summary.unschedulablePods);
    expect(rows[0]?.[2]).toContain('Insufficient cpu');
  });

  it('escapes every name from the inputs and loads nothing', () => {
    expect(html).not.toContain('<img');
    expect(html).toContain('x&lt;img src=y onerror=&quot;alert(1)&quot;&gt;&amp;');
    expect(html).not.toMatch(/<script|<link|@import|url\(http|src="http|href="http/i);
  });

  it('lists the fleet before per instance type and after per VNG and type, with the price source', () => {
    expect(html).toContain('<tr><td>m5.large</td><td class="n">3</td><td class="n">$0.096</td><td class="n">$0.288</td></tr>');
    for (const n of plan.nodes) expect(html).toContain(`<tr data-vng="general" data-type="${n.instanceType}" data-count="${n.count}">`);
    expect(html).toContain('on-demand list prices from the bundled catalog');
  });

  it("draws one bar per batch at the plan's estimated start and length, blocked batches hatched, the budget marked", () => {
    const bars = attrs(html, 'batch');
    const expected = batchBars(plan);
    expect(bars.length + attrs(html, 'batch not-reached').length).toBe(plan.batches.length);
    // The first batch starts once cordonAllAtStart's cordons are done.
    let at = plan.cordonAllSeconds ?? 0;
    for (const [i, b] of plan.batches.entries()) {
      const bar = bars.find((x) => x['batch'] === String(i + 1));
      if (expected[i]?.start === null) continue;
      expect(bar?.['start']).toBe(String(at));
      expect(bar?.['seconds']).toBe(b.estimatedSeconds === null ? '' : String(b.estimatedSeconds));
      expect(bar?.['pods']).toBe(String(b.pods));
      if (b.estimatedSeconds === null) break;
      at += b.estimatedSeconds;
    }
    expect(html).toContain(`data-budget="${plan.params.batchTimeBudgetSeconds}"`);
    expect(html).toContain('url(#hatch)');
  });

  it('cuts a batch a PDB serialises into its rounds', () => {
    const p = planFor(world(), [generalVng()], { batchSizePercentage: 100 });
    const withPdb = planFor(cluster([oldNode('old-1', 'i-0000000000000001a')], [deployment({ name: 'web', replicas: 4, nodes: ['old-1'] })], [pdb('web-pdb', 'web', 1)]), [generalVng()]);
    expect(p.batches.length).toBeGreaterThan(0);
    const rounds = withPdb.batches[0]?.serialisedBy[0]?.rounds ?? 0;
    expect(rounds).toBe(4);
    const bar = attrs(renderPlanHtml(withPdb), 'batch')[0];
    expect(bar?.['rounds']).toBe('4');
    expect(renderPlanHtml(withPdb).match(/class="round"/g)?.length).toBe(3);
  });
});

describe('Markdown and text: counted nouns', () => {
  it('says "allows no eviction" and "1 eviction", never "1 evictions" or "0 at a time"', () => {
    const plan = planFor(world({ blocking: true }), [generalVng()], { batchSizePercentage: 34 });
    for (const out of [renderPlanMarkdown(plan), renderPlanText(plan)]) {
      expect(out).toMatch(/allows no eviction \(1 eviction needed\)/);
      expect(out).not.toMatch(/\b1 evictions\b|0 at a time|\b1 pods\b|\b1 nodes\b/);
    }
    const md = renderPlanMarkdown(plan, { priceOf: (t) => catalog.byName.get(t)?.priceUsdPerHour ?? null });
    for (const h of ['## Fleet before and after', '### Before: the selected old nodes', '### After: new nodes per VNG', '### Cost per hour', '## Batches', '## Risks']) expect(md).toContain(h);
    expect(md).toContain('| m5.large | 3 | $0.096 | $0.288 |');
    expect(md).toContain('| risk | what | objects |');
    // The PDB's name carries markup: the Markdown shows it as text.
    expect(md).not.toContain('<img');
    expect(md).toContain('x&lt;img');
  });
});

describe('rehearsal as HTML', async () => {
  const c = world();
  const vngs = [generalVng()];
  const plan = planFor(c, vngs, { batchSizePercentage: 34 });
  const faults = [parseFault('api-disconnect@20:duration=1200')];
  const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, faults });
  const html = renderSimulationHtml(r, 'vngshift simulate --seed 5', plan);

  it('fails as the fault makes it, and the page says so first, with the failure marked on the timeline', () => {
    expect(r.failure?.code).toBe('ConnectivityLost');
    expect(html.indexOf('data-verdict="Failed"')).toBeGreaterThan(0);
    expect(html.indexOf('id="failure"')).toBeLessThan(html.indexOf('id="timeline"'));
    const failedAt = r.events.find((e) => e.kind === 'migration.failed')?.t;
    expect(attrs(html, 'end-mark')).toEqual([{ kind: 'migration.failed', t: String(failedAt) }]);
    // The disconnect outlives the run (it would end at 1220 s): no end to draw.
    expect(Number(failedAt)).toBeLessThan(1220);
    expect(attrs(html, 'fault')).toEqual([{ kind: 'fault.api-disconnect', t: '20', until: '' }]);
  });

  it('ends each series where the final state is, counted from the trace', () => {
    const series = Object.fromEntries(attrs(html, 'series').map((s) => [s['series'], s]));
    const live = (list: readonly { state: string }[]): number => list.filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down').length;
    expect(series['oldNodes']?.['final']).toBe(String(live(r.instances.old)));
    expect(series['oldNodes']?.['max']).toBe(String(r.instances.old.length));
    expect(series['newNodes']?.['final']).toBe(String(live(r.instances.new)));
    expect(series['podsPending']?.['final']).toBe(String(r.unscheduledPods.length));
    expect(series['podsRunning']?.['final']).toBe(String([...r.instances.old, ...r.instances.new].reduce((s, i) => s + i.runningPods, 0)));
    expect(Number(series['podsPending']?.['max'])).toBeGreaterThan(0);
  });

  it('starts the pods Running where the cluster was and never goes below zero', () => {
    const s = timelineSeries(r);
    const running = s.find((x) => x.name === 'podsRunning');
    expect(running?.points[0]).toEqual([0, c.pods.length]);
    for (const x of s) expect(Math.min(...x.points.map((p) => p[1]))).toBeGreaterThanOrEqual(0);
  });

  it("lists every instance as Ocean's console does, and the batches the plan made", () => {
    const m = r.migration;
    if (m === null) throw new Error('no migration status');
    expect(m.oldInstances.length + m.newInstances.length).toBeGreaterThan(3);
    for (const i of [...m.oldInstances, ...m.newInstances]) expect(html).toContain(`data-node="${i.nodeName}" data-state="${i.state}" data-running-pods="${i.runningPods}"`);
    expect(attrs(html, 'batch-band').length).toBe(r.batches.filter((b) => b.startedAt !== null).length);
    expect(html).toContain('id="batches"');
  });
});

describe('rehearsal as Markdown', async () => {
  const c = world();
  const vngs = [generalVng()];
  const plan = planFor(c, vngs, { batchSizePercentage: 34 });
  const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, faults: [parseFault('api-disconnect@20:duration=1200')] });
  const md = renderSimulationMarkdown(r, 'vngshift simulate --seed 5', plan);

  it("carries the HTML report's sections as tables, the failure first and the plan last", () => {
    const heads = ['# Rehearsal: Failed (ConnectivityLost)', '## Failure: `ConnectivityLost`', '## Timeline', '## Batches as they ran', "## Instances, as Ocean's console lists them", '## The plan rehearsed:', '### Fleet before and after'];
    const at = heads.map((h) => md.indexOf(h));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const s of timelineSeries(r)) expect(md).toContain(`| ${s.label} | ${s.max} | ${s.final} |`);
    expect(md).toContain('| t+20s | - | api-disconnect@20:duration=1200 |');
  });
});

describe('timeline series under Spot interruptions', () => {
  it('takes a reclaimed new node off the new-node curve when its instance shuts down', async () => {
    const inputs = scenarioInputs(loadScenario('scenarios/spot-interruption.yaml'), catalog);
    const { result } = await rehearse(inputs, catalog);
    const reclaimed = result.events.filter((e) => e.kind === 'instance.shutting-down' && e['by'] !== undefined && result.instances.new.some((n) => n.nodeName === e['node']));
    expect(reclaimed.length).toBeGreaterThan(0);
    const s = timelineSeries(result);
    const fresh = s.find((x) => x.name === 'newNodes');
    const ready = s.find((x) => x.name === 'newNodesReady');
    const live = result.instances.new.filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down').length;
    expect(fresh?.final).toBe(live);
    expect(ready?.final).toBe(live);
    expect(fresh?.max).toBeGreaterThan(live - reclaimed.length);
  });
});

describe('status as HTML', () => {
  it('draws the batches from the persisted state on a time axis from the creation, with the failure marked', () => {
    const state = initialState('m1', { oldNodes: [{ name: 'old-1', instanceId: 'i-1' }, { name: `old-${EVIL}`, instanceId: null }], batches: [{ nodes: ['old-1'] }, { nodes: [`old-${EVIL}`] }], params: planFor(world(), [generalVng()]).params, boundSeconds: 3600 }, 1_700_000_000);
    const b0 = state.batches[0];
    if (b0 === undefined) throw new Error('no batch');
    Object.assign(b0, { startedAt: 1_700_000_010, drainedAt: 1_700_000_100, finishedAt: 1_700_000_130, phase: 'done' });
    state.status = 'Failed';
    state.failure = { code: 'TechnicalTimeout', message: 'The migration has stopped due to technical timeout.', why: 'slow', remedy: 'smaller batches', objects: [], at: 1_700_000_900 };
    state.erroredAt = 1_700_000_900;
    const view = migrationStatus(state, { nodes: [], pods: [] });
    const html = renderMigrationStatusHtml(view, state, 1_700_000_900);
    expect(attrs(html, 'batch')).toEqual([{ batch: '1', start: '10', end: '130', phase: 'done', evicted: '0' }]);
    expect(attrs(html, 'end-mark')).toEqual([{ kind: 'failed', t: '900' }]);
    expect(html).toContain('data-failure="TechnicalTimeout"');
    expect(html).not.toContain('<img');
    expect(html).toContain(`data-node="old-x&lt;img`);
  });
});
