/**
 * The HTML reports opened in a real browser: headless Chromium (Debian's `chromium` package, /usr/bin/chromium) driven by
 * playwright-core, which never downloads a browser of its own. For the bundled example's plan, a scenario that fails under
 * its faults and a 100-node generated world with faults, the test asserts that the charts drew (their SVG elements exist,
 * have a size, and carry the data's numbers), that the page logged no error, and that no request left the file; it saves a
 * screenshot of each page, and the page itself, under test-results/html-report/ (ignored by git; CI keeps it as an artifact).
 *
 * .ci/run installs chromium and sets VNGSHIFT_REQUIRE_BROWSER=1, so a missing browser fails there; elsewhere the test is
 * skipped with a message saying how to install it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor } from '../../../src/catalog/catalog.js';
import { planFromOptions, renderPlan } from '../../../src/cli/plan-command.js';
import type { Plan } from '../../../src/planner/plan.js';
import { renderSimulationHtml } from '../../../src/report/html/simulation-html.js';
import { rehearse } from '../../../sim/rehearse.js';
import { loadScenario, parseScenarioText } from '../../../sim/scenario.js';
import { scenarioInputs } from '../../../sim/scenario-inputs.js';
import type { SimResult } from '../../../sim/simulate.js';

const CHROMIUM = process.env['VNGSHIFT_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRED = process.env['VNGSHIFT_REQUIRE_BROWSER'] === '1' || process.env['CI'] !== undefined;
const present = existsSync(CHROMIUM);
const OUT = resolve('test-results/html-report');

if (!present && !REQUIRED) {
  console.warn(`html-browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set VNGSHIFT_CHROMIUM); CI installs it and fails without it`);
}

/** A 100-node generated world on the general VNG, with a Spot interruption and API throttling the run rides out. */
const GENERATED = `
apiVersion: vngshift.io/v1alpha1
kind: Scenario
name: generated-100
cluster:
  generate: { nodes: 100, pods: 1500, blockingPdbs: 0, mix: { standalonePod: 0 } }
  seed: 11
vngs: { file: vngs/general.json }
faults:
  - api-throttling@5m:duration=300,rate=0.3
  - spot-interruption@10m:vng=general,count=2
seed: 3
expect: { status: Completed }
`;

async function rehearsal(scenario: ReturnType<typeof loadScenario>): Promise<{ plan: Plan; result: SimResult; html: string }> {
  const catalog = catalogFor(undefined);
  const inputs = scenarioInputs(scenario, catalog);
  const { plan, result } = await rehearse(inputs, catalog, { sources: { cluster: inputs.clusterSource, vngs: scenario.file } });
  return { plan, result, html: renderSimulationHtml(result, `vngshift simulate --scenario ${scenario.file}`, plan) };
}

interface Opened {
  readonly errors: string[];
  readonly requests: string[];
  readonly page: Awaited<ReturnType<BrowserContext['newPage']>>;
}

describe.skipIf(!present && !REQUIRED)('HTML reports in headless Chromium', () => {
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    if (!present) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium); .ci/run does`);
    mkdirSync(OUT, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'vngshift-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Writes the page next to its screenshot and opens it from the file, watching the console and every request. */
  async function open(name: string, html: string): Promise<Opened> {
    const file = join(OUT, `${name}.html`);
    writeFileSync(file, html);
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    // Anything but the file itself is refused (and recorded above): the page must need nothing else.
    const self = pathToFileURL(file).href;
    await page.route('**/*', (route) => (route.request().url() === self ? route.continue() : route.abort()));
    await page.goto(self, { waitUntil: 'load' });
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    return { errors, requests, page };
  }

  function noLeaks(o: Opened, file: string): void {
    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([pathToFileURL(join(OUT, `${file}.html`)).href]);
  }

  /** The drawn size of an element, to know it rendered rather than just exists. */
  const size = async (o: Opened, selector: string): Promise<{ width: number; height: number }> =>
    o.page.locator(selector).first().evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { width: r.width, height: r.height };
    });

  it("the bundled example's plan: verdict, the batch chart with one bar per batch at the plan's figures", async () => {
    const plan = planFromOptions({ cluster: 'examples/cluster.yaml', vngs: 'examples/vngs.json', output: 'html', forcePodEvictionOnPdbFailure: true });
    const o = await open('example-plan', renderPlan(plan, 'html'));
    noLeaks(o, 'example-plan');
    expect(await o.page.locator('#verdict').textContent()).toMatch(/^FEASIBLE: all 246 moving pods fit/);
    const chart = o.page.locator('svg.batch-chart');
    expect(await chart.count()).toBe(1);
    expect((await size(o, 'svg.batch-chart')).width).toBeGreaterThan(500);
    const bars = await o.page.locator('svg.batch-chart g.batch').evaluateAll((gs) =>
      gs.map((g) => {
        const rect = g.querySelector('rect')?.getBoundingClientRect();
        return { batch: g.getAttribute('data-batch'), seconds: g.getAttribute('data-seconds'), pods: g.getAttribute('data-pods'), width: rect?.width ?? 0, title: g.querySelector('title')?.textContent ?? '' };
      }),
    );
    expect(bars.map((b) => b.batch)).toEqual(plan.batches.map((_, i) => String(i + 1)));
    expect(bars.map((b) => b.seconds)).toEqual(plan.batches.map((b) => String(b.estimatedSeconds)));
    expect(bars.map((b) => b.pods)).toEqual(plan.batches.map((b) => String(b.pods)));
    for (const b of bars) expect(b.width).toBeGreaterThan(0);
    // Bars are drawn to scale: the longest estimate is the widest bar.
    const longest = plan.batches.reduce((m, b, i) => ((b.estimatedSeconds ?? 0) > (plan.batches[m]?.estimatedSeconds ?? 0) ? i : m), 0);
    expect(Math.max(...bars.map((b) => b.width))).toBe(bars[longest]?.width);
    // The tables are there without any script: the fleet after lists the plan's new nodes.
    const counts = await o.page.locator('table.fleet-after tbody tr[data-count]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-count'))));
    expect(counts.reduce((s, n) => s + n, 0)).toBe(plan.summary.newNodes);
  });

  it('a scenario that fails under its faults: timeline with its series, the fault and the failure marked', async () => {
    const { result, html } = await rehearsal(loadScenario('scenarios/connectivity-lost.yaml'));
    expect(result.failure?.code).toBe('ConnectivityLost');
    const o = await open('connectivity-lost', html);
    noLeaks(o, 'connectivity-lost');
    expect(await o.page.locator('#verdict').getAttribute('data-verdict')).toBe('Failed');
    expect(await o.page.locator('#failure').getAttribute('data-failure')).toBe('ConnectivityLost');
    expect((await size(o, 'svg.timeline-chart')).height).toBeGreaterThan(200);
    const series: Record<string, { final: number; length: number }> = await o.page.locator('svg.timeline-chart g.series').evaluateAll((gs) =>
      Object.fromEntries(gs.map((g) => [g.getAttribute('data-series'), { final: Number(g.getAttribute('data-final')), length: (g.querySelector('path') as unknown as { getTotalLength(): number } | null)?.getTotalLength() ?? 0 }])),
    );
    expect(Object.keys(series).sort()).toEqual(['newNodes', 'newNodesReady', 'oldNodes', 'podsPending', 'podsRunning']);
    for (const s of Object.values(series)) expect(s.length).toBeGreaterThan(0);
    expect(series['oldNodes']?.final).toBe(result.instances.old.filter((i) => i.state !== 'terminated').length);
    expect(series['podsPending']?.final).toBe(result.unscheduledPods.length);
    const failedAt = result.events.find((e) => e.kind === 'migration.failed')?.t;
    expect(await o.page.locator('svg.timeline-chart g.end-mark').getAttribute('data-t')).toBe(String(failedAt));
    expect(await o.page.locator('svg.timeline-chart g.fault').count()).toBe(result.options.faults.length);
  });

  it('a 100-node generated world with faults: every batch, fault and instance is on the page', async () => {
    const { plan, result, html } = await rehearsal(parseScenarioText(GENERATED, 'scenarios/generated-100.yaml'));
    expect(plan.summary.oldNodes).toBe(100);
    const o = await open('generated-100', html);
    noLeaks(o, 'generated-100');
    const bands = await o.page.locator('svg.timeline-chart g.batch-band').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-start'))));
    expect(bands).toEqual(result.batches.filter((b) => b.startedAt !== null).map((b) => b.startedAt));
    const faults = await o.page.locator('svg.timeline-chart g.fault').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-kind')));
    expect(faults).toEqual(['fault.api-throttling', 'fault.spot-interruption']);
    const running = await o.page.locator('svg.timeline-chart g.series[data-series="podsRunning"]').getAttribute('data-final');
    expect(Number(running)).toBe([...result.instances.old, ...result.instances.new].reduce((s, i) => s + i.runningPods, 0));
    const rows = await o.page.locator('table.new-instances tbody tr').count();
    expect(rows).toBe(result.migration?.newInstances.length ?? result.instances.new.length);
    expect(await o.page.locator('svg.batch-chart g.batch').count()).toBe(plan.batches.length);
  });
});
