/**
 * A plan file says whom its expected fleet is for (Plan.launchedBy); `run --plan F --capacity X` warns when X launches
 * otherwise, and a plan file written before plans recorded it reads as made for an autoscaler.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientRateMismatch, launcherMismatch, readPlanFile } from '../../../src/cli/run-command.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-planfile-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = {
  cluster: cluster([oldNode('old-1', 'i-0aaa0000000000001')], [deployment({ name: 'web', replicas: 2, nodes: ['old-1'] })], []),
  vngs: [generalVng()],
  catalog,
  params: DEFAULT_PARAMS,
};

function written(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('the plan file and who launches', () => {
  it('reads back whom the plan was made for', () => {
    expect(readPlanFile(written('autoscaler.json', buildPlan(input))).launchedBy).toBe('autoscaler');
    expect(readPlanFile(written('engine.json', buildPlan({ ...input, launcher: 'engine' }))).launchedBy).toBe('vngshift');
  });

  it('reads a plan file without the field as made for an autoscaler', () => {
    const { launchedBy, ...older } = buildPlan({ ...input, launcher: 'engine' });
    expect(launchedBy).toBe('vngshift');
    expect(readPlanFile(written('older.json', older)).launchedBy).toBe('autoscaler');
  });

  it('warns only when the run launches otherwise than planned', () => {
    expect(launcherMismatch({ launchedBy: 'autoscaler' }, 'external')).toBeNull();
    expect(launcherMismatch({ launchedBy: 'vngshift' }, 'kwok')).toBeNull();
    expect(launcherMismatch({ launchedBy: 'vngshift' }, 'ec2')).toBeNull();
    expect(launcherMismatch({ launchedBy: 'autoscaler' }, 'kwok')).toMatch(/^warning: .*autoscaler.*--capacity kwok.*plan again with --capacity kwok/);
    expect(launcherMismatch({ launchedBy: 'vngshift' }, 'external')).toMatch(/^warning: .*executor.*--capacity external/);
  });

  it('warns when the plan was paced at another client rate than the run\'s', () => {
    const plan = buildPlan(input);
    expect(clientRateMismatch(plan, { qps: 20, burst: 40 })).toBeNull();
    expect(clientRateMismatch(plan, { qps: 5, burst: 40 })).toMatch(/^warning: .*20 requests\/s \(burst 40\).*--qps 5 --burst 40/);
    expect(clientRateMismatch(plan, { qps: 20, burst: 10 })).toMatch(/--burst 10/);
    // A hand-made plan file whose timing lacks the client rate: nothing to compare, no "undefined" in a warning.
    const { clientQps: _q, ...noRate } = plan.timing;
    expect(clientRateMismatch({ ...plan, timing: noRate as typeof plan.timing }, { qps: 5, burst: 40 })).toBeNull();
  });

  it('refuses a launcher the plan format does not know', () => {
    expect(() => readPlanFile(written('bad.json', { ...buildPlan(input), launchedBy: 'karpenter' }))).toThrow(/launchedBy/);
  });
});
