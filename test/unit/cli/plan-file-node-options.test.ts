/** run --plan FILE keeps the plan's node options (max pods), and refuses a plan file whose node options are out of range. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPlanFile } from '../../../src/cli/run-command.js';
import { InputError } from '../../../src/model/errors.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-planfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = buildPlan({
  cluster: cluster([oldNode('old-1', 'i-0aaa0000000000001')], [deployment({ name: 'web', replicas: 2, nodes: ['old-1'] })], []),
  vngs: [generalVng()],
  catalog,
  params: DEFAULT_PARAMS,
  allocatable: { maxPods: 58 },
});

let written = 0;
function write(doc: unknown): string {
  written += 1;
  const file = join(dir, `plan-${written}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('plan file node options', () => {
  it('reads back the max pods the plan was made with', () => {
    expect(readPlanFile(write(plan)).allocatable).toEqual({ maxPods: 58 });
  });

  it('refuses max pods of 0 with the file, the object and the field', () => {
    const file = write({ ...plan, allocatable: { maxPods: 0 } });
    let err: unknown;
    try {
      readPlanFile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ file, object: 'MigrationPlan', field: 'allocatable.maxPods' });
  });
});
