import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFromOptions, renderPlan } from '../../src/cli/plan-command.js';
import { InputError } from '../../src/model/errors.js';
import { mutatedInputsArb, mutatedTexts } from '../arbitraries/index.js';
import { withoutProgress } from '../helpers/progress-lines.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir = '';
let counter = 0;

function writeInputs(texts: { cluster: string; vngs: string }): { cluster: string; vngs: string } {
  counter += 1;
  const cluster = join(dir, `cluster-${counter}.yaml`);
  const vngs = join(dir, `vngs-${counter}.yaml`);
  writeFileSync(cluster, texts.cluster);
  writeFileSync(vngs, texts.vngs);
  return { cluster, vngs };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vngshift-fuzz-'));
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('property: the CLI never crashes on mutated inputs', () => {
  it('planFromOptions gives a Plan or an InputError, never another exception', () => {
    let errors = 0;
    let plans = 0;
    fc.assert(
      fc.property(mutatedInputsArb, (m) => {
        const files = writeInputs(mutatedTexts(m));
        try {
          const plan = planFromOptions({ ...files, output: 'json' });
          expect(plan.kind).toBe('MigrationPlan');
          expect(typeof renderPlan(plan, 'text')).toBe('string');
          plans += 1;
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
          errors += 1;
        }
      }),
      { numRuns: 300 },
    );
    // both outcomes must be exercised, or the mutations are too weak or too strong
    expect(errors).toBeGreaterThan(20);
    expect(plans).toBeGreaterThan(20);
  });

  describe('the built CLI', () => {
    // test/global-setup.ts has built dist/ before any test file runs.
    it('exits 0, 1, 2 or 3 with at most one line on stderr (bad input) and no stack trace', () => {
      fc.assert(
        fc.property(mutatedInputsArb, (m) => {
          const files = writeInputs(mutatedTexts(m));
          const r = spawnSync(process.execPath, ['bin/vngshift.js', 'plan', '--cluster', files.cluster, '--vngs', files.vngs], {
            cwd: ROOT,
            encoding: 'utf8',
            env: { ...process.env, VNGSHIFT_DEBUG: '' },
          });
          // README: 0 FEASIBLE, 1 bad input, 2 NOT FEASIBLE, 3 FAILURE PREDICTED.
          expect([0, 1, 2, 3]).toContain(r.status);
          // Past the timestamped progress lines (src/cli/progress.ts): bad input is one line; a plan may add one line
          // counting the kinds it skipped.
          const lines = withoutProgress(r.stderr).trimEnd().split('\n').filter((l) => l !== '');
          expect(lines.length).toBeLessThanOrEqual(r.status === 1 ? 1 : lines.some((l) => / skipped /.test(l)) ? 1 : 0);
          expect(r.stderr).not.toContain('    at ');
          expect(r.stdout).not.toContain('    at ');
        }),
        { numRuns: 20 },
      );
    }, 180_000);
  });
});
