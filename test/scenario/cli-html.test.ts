/** `-o html` and `--html-out FILE` through the built CLI (test/global-setup.ts builds it once): plan and simulate. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-cli-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vngshift.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const GPU = ['--cluster', 'test/fixtures/plan/two-nodes-gpu-missing.yaml', '--vngs', 'test/fixtures/plan/vngs-general.json'];

describe('the HTML report from the CLI', () => {
  it('plan --html-out writes the page beside the JSON on stdout, with the same verdict and exit code', () => {
    const file = join(dir, 'plan.html');
    const r = cli(['plan', ...GPU, '-o', 'json', '--html-out', file]);
    expect(r.code).toBe(2);
    const plan = JSON.parse(r.out) as { verdict: string; summary: { unschedulablePods: number } };
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`data-verdict="${plan.verdict}"`);
    expect(html).toContain(`Pods that fit no VNG (${plan.summary.unschedulablePods})`);
    expect(html).toContain('class="chart batch-chart"');
  });

  it('simulate -o html prints the page with the timeline, and the exit code of the run', () => {
    const r = cli(['simulate', '--scenario', 'scenarios/connectivity-lost.yaml', '-o', 'html']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('data-failure="ConnectivityLost"');
    expect(r.out).toContain('class="chart timeline-chart"');
    expect(r.out).toContain('<g class="fault" data-kind="fault.api-disconnect"');
  });

  it('an --html-out that cannot be written is one line, exit 1, before any work', () => {
    const file = join(dir, 'no-such-dir', 'plan.html');
    const r = cli(['plan', ...GPU, '--html-out', file]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^vngshift: error: flag --html-out: cannot write .*no-such-dir/);
    expect(r.out).toBe('');
    expect(existsSync(file)).toBe(false);
  });
});
