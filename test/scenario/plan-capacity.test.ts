/**
 * `plan --capacity`: who launches the new nodes in the run planned reaches the planner (src/planner/plan.ts
 * PlanInput.launcher; what it changes is tested in test/unit/planner/launcher.test.ts). external (the default) plans for an
 * autoscaler on its own loop, kwok and ec2 for vngshift's executor; anything else is bad input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { generateClusterObjects } from '../../src/gen/cluster.js';
import { Prng } from '../../src/gen/prng.js';
import { parseClusterObjects } from '../../src/model/kube/index.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { buildPlan } from '../../src/planner/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-capacity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VNGS = 'test/fixtures/plan/vngs-general.json';

interface PlanJson {
  readonly newNodes: readonly { readonly batch: number; readonly round: number; readonly instanceType: string }[];
}

function cli(cluster: string, capacity: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    process.execPath,
    ['bin/vngshift.js', 'plan', '--cluster', cluster, '--vngs', VNGS, '--batch-size-percentage', '100', '--no-respect-pdb', '--capacity', capacity, '-o', 'json'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('plan --capacity', () => {
  it('external plans for an autoscaler, kwok and ec2 for the executor (its first batch of 342 pods spans two periods)', () => {
    const objects = generateClusterObjects({ nodes: 8, pods: 400, blockingPdbs: 0, pdbFraction: 0 }, new Prng(7));
    const file = join(dir, 'cluster.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    const catalog = loadCatalog();
    const input = {
      cluster: parseClusterObjects(objects, file),
      vngs: parseVngText(readFileSync(VNGS, 'utf8'), VNGS, catalog).vngs,
      catalog,
      params: { ...DEFAULT_PARAMS, batchSizePercentage: 100, respectPdb: false },
    };
    const fleet = (p: PlanJson): string[] => p.newNodes.map((n) => `${n.batch}/${n.round}/${n.instanceType}`);
    const forAutoscaler = fleet(buildPlan(input));
    const forExecutor = fleet(buildPlan({ ...input, launcher: 'engine' }));
    expect(forExecutor).not.toEqual(forAutoscaler);
    // Some pods of this world fit no VNG of the file: exit 2, the plan printed all the same.
    const printed = (capacity: string): string[] => {
      const r = cli(file, capacity);
      expect(r.code, r.err).toBe(2);
      return fleet(JSON.parse(r.out) as PlanJson);
    };
    expect(printed('external')).toEqual(forAutoscaler);
    expect(printed('kwok')).toEqual(forExecutor);
    expect(printed('ec2')).toEqual(forExecutor);
    const bad = cli(file, 'karpenter');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/--capacity/);
  });
});
