/** cordonAllAtStart as a parameter: its default, the file field, and the two flags plan, simulate and run share. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { withMigrationFlags } from '../../../src/cli/migration-flags.js';
import { paramsFrom, type PlanOptions } from '../../../src/cli/plan-command.js';
import { InputError } from '../../../src/model/errors.js';
import { DEFAULT_PARAMS, parseParams } from '../../../src/model/params.js';

function flags(...argv: string[]): PlanOptions {
  const cmd = withMigrationFlags(new Command('plan').exitOverride());
  cmd.parse(argv, { from: 'user' });
  return { ...cmd.opts(), output: 'text' } as PlanOptions;
}

describe('cordonAllAtStart', () => {
  it('defaults to true, and a parameters file may turn it off', () => {
    expect(DEFAULT_PARAMS.cordonAllAtStart).toBe(true);
    expect(parseParams({}, 'p.yaml').cordonAllAtStart).toBe(true);
    expect(parseParams({ cordonAllAtStart: false }, 'p.yaml').cordonAllAtStart).toBe(false);
  });

  it('refuses a value that is not a boolean, naming the field', () => {
    expect(() => parseParams({ cordonAllAtStart: 'no' }, 'p.yaml')).toThrow(InputError);
    expect(() => parseParams({ cordonAllAtStart: 'no' }, 'p.yaml')).toThrow(/cordonAllAtStart/);
  });

  it('--no-cordon-all-at-start turns it off, --cordon-all-at-start on, and neither leaves the default', () => {
    expect(paramsFrom(flags('--no-cordon-all-at-start')).cordonAllAtStart).toBe(false);
    expect(paramsFrom(flags('--cordon-all-at-start')).cordonAllAtStart).toBe(true);
    expect(flags().cordonAllAtStart).toBeUndefined();
    expect(paramsFrom(flags()).cordonAllAtStart).toBe(true);
  });
});
