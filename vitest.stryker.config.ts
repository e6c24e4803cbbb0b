/**
 * The vitest configuration StrykerJS runs (stryker.config.json, docs/mutation-testing.md): the tests that exercise
 * src/engine, and nothing that needs the built CLI.
 *
 * Standalone on purpose: it does not extend vitest.config.ts, and it has no globalSetup. That setup builds dist/, and the
 * tests that spawn bin/vngshift.js (test/scenario/cli.test.ts, test/unit/chaos/chaos-cli.test.ts, test/property/cli-fuzz.test.ts)
 * run dist/, which Stryker's sandbox never mutates: they would only slow every mutant down and kill none.
 *
 * Included: the engine's unit tests (fake ports), the simulator's unit tests, the scenario replays (with the invariant
 * checkers), and the simulator properties, chaos included, in their light form (test/unit/engine/sim-properties.mutation.ts:
 * the same generators, fault profile and checkers as test/property/sim-*.test.ts, fewer runs).
 * Not included, for time: a surviving mutant pays for every test that covers it, and on a shared two-core machine the full
 * properties (test/property/sim-*.test.ts) cost about three minutes per survivor, test/unit/chaos/** (the chaos command's
 * core, and its shrinker) another minute; test/property/sim-determinism.test.ts cannot kill an engine mutant at all (every
 * mutant is as deterministic as the engine).
 *
 * Files run cheapest first: Stryker's vitest runner bails at the first failing test, so a mutant that the engine's unit tests
 * kill never pays for the simulator.
 */
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Run order by path prefix: the longest matching prefix decides; files matching none run last. */
const ORDER = [
  'test/unit/engine/',
  'test/unit/sim/',
  'test/scenario/',
  'test/unit/engine/sim-properties',
];

class CheapestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const path = relative(f.project.config.root, f.moduleId).split('\\').join('/');
      let best = -1;
      ORDER.forEach((prefix, i) => {
        if (path.startsWith(prefix) && (best === -1 || prefix.length > (ORDER[best] as string).length)) best = i;
      });
      return best === -1 ? ORDER.length : best;
    };
    return [...files].sort((a, b) => rank(a) - rank(b) || (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
  }
}

/**
 * STRYKER_TIER=unit narrows the net to the engine's and the simulator's unit tests: a run in minutes rather than an hour,
 * for a busy machine or a quick look (docs/mutation-testing.md gives the measured times of both).
 */
const unitOnly = process.env['STRYKER_TIER'] === 'unit';

export default defineConfig({
  test: {
    include: unitOnly
      ? ['test/unit/engine/**/*.test.ts', 'test/unit/sim/**/*.test.ts']
      : [
          'test/unit/engine/**/*.test.ts',
          'test/unit/engine/**/*.mutation.ts',
          'test/unit/sim/**/*.test.ts',
          'test/scenario/**/*.test.ts',
        ],
    exclude: [
      '**/node_modules/**',
      // Spawns bin/vngshift.js, i.e. the unmutated dist/.
      'test/scenario/cli.test.ts',
      'test/scenario/cli-partial.test.ts',
    ],
    testTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
    sequence: { sequencer: CheapestFirst },
  },
});
